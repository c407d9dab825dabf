import { afterEach, describe, expect, it, vi } from 'vitest';
import { HashPartitioner, Partitioner, appendOnlyMapOrder, hashCode } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';

/**
 * What a reduce partition of `reduceByKey(+)` over ONE map partition holds, worked out here:
 * the keys the partitioner sends to `p`, summed, in the order Spark's reducer gives them (its
 * AppendOnlyMap's slot order over the keys as it reads them: the map output sorted by hash
 * code, equal hash codes in the order the map side's combine first saw them).
 */
function expectedPartition(records: readonly (readonly [unknown, number])[], part: HashPartitioner, p: number): [unknown, number][] {
  const sums = new Map<unknown, number>();
  for (const [k, v] of records) if (part.getPartition(k) === p) sums.set(k, (sums.get(k) ?? 0) + v);
  const mapOutput = [...sums].sort((a, b) => hashCode(a[0]) - hashCode(b[0]));
  return appendOnlyMapOrder(mapOutput, (e) => e[0]);
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

  describe("a key's partition kept with its slot in the combine's key index", () => {
    afterEach(() => { vi.restoreAllMocks(); });
    const add = (a: number, b: number): number => a + b;
    // Batches over mostly the same words, as a stream's are; the third adds two new ones.
    const batch = (words: readonly string[]): [string, number][] => words.flatMap((w, i) => [[w, i + 1], [w, 2]] as [string, number][]);
    const common = Array.from({ length: 40 }, (_, i) => `word${i}`);
    const batches = [batch(common), batch([...common].reverse()), batch([...common, 'fresh1', 'fresh2'])];

    it('hashes each key to its reduce partition once over batches, with every batch right', async () => {
      const part = new HashPartitioner(3);
      const hashed = vi.spyOn(HashPartitioner.prototype, 'getPartition');
      const calls: number[] = [];
      for (const records of batches) {
        const before = hashed.mock.calls.length;
        const parts = await ctx.sc.parallelize(records, 2).reduceByKey(add, part).glom().collect();
        calls.push(hashed.mock.calls.length - before);
        // Each reduce partition's sums, worked out from the records directly.
        for (let p = 0; p < 3; p++) {
          const want = new Map<string, number>();
          for (const [k, v] of records) if (HashPartitioner.prototype.getPartition.call(part, k) === p) want.set(k, (want.get(k) ?? 0) + v);
          expect(new Map(parts[p])).toEqual(want);
        }
      }
      // Known keys are not hashed again (both map partitions share the loop's key index): the
      // first batch hashes its 40 words at most once each, the second none, the third its 2 new ones.
      expect(calls[0]).toBeLessThanOrEqual(40);
      expect(calls.slice(1)).toEqual([0, 2]);
    });

    it('asks any other partitioner every batch (its partition need not be a function of the key alone)', async () => {
      class Alternating extends Partitioner {
        readonly numPartitions = 2;
        calls = 0;
        getPartition(key: unknown): number { this.calls++; return (String(key).length + this.calls) % 2; }
      }
      const part = new Alternating();
      for (const records of batches) {
        const before = part.calls;
        const parts = await ctx.sc.parallelize(records, 1).reduceByKey(add, part).glom().collect();
        const distinct = new Set(records.map((r) => r[0])).size;
        expect(part.calls - before).toBe(distinct);
        expect(parts[0]!.length + parts[1]!.length).toBe(distinct);
      }
    });
  });
});
