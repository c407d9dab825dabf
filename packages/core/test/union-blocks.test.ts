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

  it("reads stored parents' blocks without a memo entry each: a job's map writes do not grow with the stored parents (a window's batches)", async () => {
    const part = new HashPartitioner(2);
    const batch = (b: number): [string, number][] => Array.from({ length: 12 }, (_, i) => [`k${i % 5}`, i * b] as [string, number]);
    /** Map writes while one job re-reduces `stored` stored batches and one new batch; checks its answer. */
    const mapWritesOverWindow = async (stored: number): Promise<number> => {
      const perBatch = Array.from({ length: stored + 1 }, (_, b) => ctx.sc.parallelize(batch(b + 1), 1).reduceByKey((x, y) => x + y, part).persist());
      for (const r of perBatch.slice(0, stored)) await r.count();
      const windowed = ctx.sc.union(perBatch).reduceByKey((x, y) => x + y);
      const set = vi.spyOn(Map.prototype, 'set');
      let pairs: [string, number][];
      let writes: number;
      try {
        pairs = await windowed.collect();
        writes = set.mock.calls.length;
      } finally {
        set.mockRestore();
      }
      expect(sorted(pairs)).toEqual(sorted(sums(perBatch.map((_, b) => batch(b + 1)).flat(), (kv) => kv[0], (kv) => kv[1])));
      return writes;
    };
    const small = await mapWritesOverWindow(10);
    // before: 59 and 179, two more (the evaluator's memo and reference count) per stored parent and partition
    expect(await mapWritesOverWindow(40)).toBe(small);
  });
});
