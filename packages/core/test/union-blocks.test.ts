import { describe, expect, it, vi } from 'vitest';
import { HashPartitioner, PartitionerAwareUnionRDD, StorageLevel } from '../src/index.ts';
import { sorted, useSparkContext } from './helpers.ts';

/** Sums of `values` by `key`, computed here. */
function sums<T, K>(xs: readonly T[], key: (x: T) => K, value: (x: T) => number): [K, number][] {
  const m = new Map<K, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + value(x));
  return [...m];
}

describe('a combine over a union of same-partitioned RDDs (a window re-reduced without an inverse)', () => {
  const ctx = useSparkContext('local[1]');

  it('reads the parents\' partitions as blocks, without computing the union, and gives the same pairs', async () => {
    const part = new HashPartitioner(3);
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 40 }, (_, i) => [`w${(i * 7 + b) % 11}`, i + b] as [string, number]));
    const perBatch = batches.map((batch) => ctx.sc.parallelize(batch, 2).reduceByKey((x, y) => x + y, part));
    const union = ctx.sc.union(perBatch);
    expect(union).toBeInstanceOf(PartitionerAwareUnionRDD);
    const computed = vi.spyOn(PartitionerAwareUnionRDD.prototype, 'compute');
    try {
      const windowed = union.reduceByKey((x, y) => x + y);
      expect(windowed.getNumPartitions()).toBe(3);
      expect(sorted(await windowed.collect())).toEqual(sorted(sums(batches.flat(), (kv) => kv[0], (kv) => kv[1])));
      expect(computed).not.toHaveBeenCalled();
      // Kept, the union is computed once per partition and read from the store, with the same answer.
      const kept = ctx.sc.union(perBatch).persist(StorageLevel.MEMORY_ONLY);
      const fromKept = await kept.reduceByKey((x, y) => x + y).collect();
      expect(computed).toHaveBeenCalledTimes(3);
      expect(fromKept).toEqual(await windowed.collect());
    } finally {
      computed.mockRestore();
    }
  });
});
