import { describe, expect, it } from 'vitest';
import { SparkContext } from '@kindling/core';
import { trackAccumulators } from '../src/parallel/accumulator-tracker.ts';

describe('trackAccumulators', () => {
  it('records long, double and collection accumulators in creation order, then stops recording', () => {
    const sc = new SparkContext('local[1]', 'tracker');
    try {
      const tracker = trackAccumulators(sc);
      const a = sc.longAccumulator('a');
      const b = sc.doubleAccumulator('b');
      const c = sc.longAccumulator('c');
      const d = sc.collectionAccumulator<string>('d');
      tracker.stop();
      sc.collectionAccumulator('after');
      sc.doubleAccumulator('after');
      sc.longAccumulator('after');
      expect(tracker.list).toEqual([a, b, c, d]);
      expect(tracker.list.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      sc.stop();
    }
  });
});
