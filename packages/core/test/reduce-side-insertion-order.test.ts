import { describe, expect, it } from 'vitest';
import { appendOnlyMapOrder, hashCode } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';
import { collidingWords } from './support/colliding-words.ts';

// Spark's sort shuffle writes a map-side combine's output sorted by the keys' hash codes
// (ExternalSorter's keyComparator), and its reduce side inserts what it reads, map output by
// map output, into an AppendOnlyMap whose slot order is the result's order. Where two keys
// probe into the same slots, the one inserted first keeps its home slot: so the insertion
// order, not only the keys, decides the order a reduceByKey comes out in.

/**
 * `reduceByKey(+)` as Spark's reduce side gives it, worked out here from the map partitions'
 * records: each partition's sums sorted by hash code (a stable sort of its first-seen order),
 * inserted partition after partition (a key already there keeps its place), then the
 * AppendOnlyMap's slot order.
 */
function sparkReduceByKey(parts: readonly (readonly (readonly [string, number])[])[]): [string, number][] {
  const inserted = new Map<string, number>();
  for (const part of parts) {
    const sums = new Map<string, number>();
    for (const [k, v] of part) sums.set(k, (sums.get(k) ?? 0) + v);
    for (const [k, v] of [...sums].sort((a, b) => hashCode(a[0]) - hashCode(b[0]))) inserted.set(k, (inserted.get(k) ?? 0) + v);
  }
  return appendOnlyMapOrder([...inserted], (e) => e[0]);
}

describe("the order of a reduce side fed by map-side combines", () => {
  const ctx = useSparkContext('local[1]');

  it('inserts a map output by hash code: of two colliding keys, the lower hash code keeps the home slot', async () => {
    const { low, high } = collidingWords();
    // First seen: high, then low. Spark's map output holds low first.
    const records: [string, number][] = [[high, 1], [low, 2], [high, 3]];
    expect(await ctx.sc.parallelize(records, 1).reduceByKey((a, b) => a + b, 1).collect()).toEqual([[low, 2], [high, 4]]);
    // Each in a map output of its own: the first map output's key is inserted first.
    expect(await ctx.sc.parallelize([[high, 1], [low, 2]] as [string, number][], 2).reduceByKey((a, b) => a + b, 1).collect()).toEqual([[high, 1], [low, 2]]);
    // No map-side combine (groupByKey): the records are read, and inserted, as the map side had them.
    expect(await ctx.sc.parallelize(records, 1).groupByKey(1).mapValues((vs) => vs.length).collect()).toEqual([[high, 2], [low, 1]]);
  });

  it('gives Spark order over thousands of keys, from one map partition and from several', async () => {
    const words: [string, number][] = Array.from({ length: 12_000 }, (_, i) => [`k${(i * 7919) % 5003}`, i % 5]);
    for (const maps of [1, 3]) {
      const input = ctx.sc.parallelize(words, maps);
      const parts = await input.glom().collect();
      expect(parts).toHaveLength(maps);
      const expected = sparkReduceByKey(parts);
      // Over several jobs: the combine's key index, kept from one to the next, must not change the order.
      for (let job = 0; job < 3; job++) expect(await input.reduceByKey((a, b) => a + b, 1).collect(), `${maps} map partitions, job ${job}`).toEqual(expected);
    }
  });
});
