import { describe, expect, it } from 'vitest';
import { SparkContext } from '@kindling/core';
import { trackAccumulators } from '../src/parallel/accumulator-tracker.ts';

describe('trackAccumulators', () => {
  it('records long and double accumulators in creation order, then stops recording', () => {
    const sc = new SparkContext('local[1]', 'tracker');
    try {
      const tracker = trackAccumulators(sc);
      const a = sc.longAccumulator('a');
      const b = sc.doubleAccumulator('b');
      const c = sc.longAccumulator('c');
      tracker.stop();
      sc.doubleAccumulator('after');
      sc.longAccumulator('after');
      expect(tracker.list).toEqual([a, b, c]);
      expect(tracker.list.map((x) => x.name)).toEqual(['a', 'b', 'c']);
    } finally {
      sc.stop();
    }
  });
});
