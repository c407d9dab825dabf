import { describe, expect, it } from 'vitest';
import { HashPartitioner, appendOnlyMapOrder } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';

/**
 * What a reduce partition of `reduceByKey(+)` over ONE map partition holds, worked out here:
 * the keys the partitioner sends to `p`, summed, in the order Spark's reducer gives them (its
 * AppendOnlyMap's slot order over the keys as the map side's combine first saw them).
 */
function expectedPartition(records: readonly (readonly [unknown, number])[], part: HashPartitioner, p: number): [unknown, number][] {
  const sums = new Map<unknown, number>();
  for (const [k, v] of records) if (part.getPartition(k) === p) sums.set(k, (sums.get(k) ?? 0) + v);
  return appendOnlyMapOrder([...sums], (e) => e[0]);
}

describe("a shuffle's map side cut into one bucket per reduce partition", () => {
  const ctx = useSparkContext('local[1]');

  it('sends every combined key to its partition, with its sum, in Spark order', async () => {
    const part = new HashPartitioner(3);
    const records = Array.from({ length: 4_000 }, (_, i) => [`w${(i * 31) % 997}`, i % 7] as [string, number]);
    const parts = await ctx.sc.parallelize(records, 1).reduceByKey((a, b) => a + b, part).glom().collect();
    expect(parts).toHaveLength(3);
    for (let p = 0; p < 3; p++) expect(parts[p]).toEqual(expectedPartition(records, part, p));
  });

  it('keeps buckets of more than 65,536 keys whole (grown as filled instead of allocated at their size)', async () => {
    const part = new HashPartitioner(2);
    // 150,000 distinct integer keys: about 75,000 per bucket; keys 0..999 twice.
    const records = Array.from({ length: 151_000 }, (_, i) => [i < 150_000 ? i : i - 150_000, 1] as [number, number]);
    const parts = await ctx.sc.parallelize(records, 1).reduceByKey((a, b) => a + b, part).glom().collect();
    for (let p = 0; p < 2; p++) {
      const want = expectedPartition(records, part, p);
      expect(want.length).toBeGreaterThan(65_536);
      expect(parts[p]).toEqual(want);
    }
  });
});
