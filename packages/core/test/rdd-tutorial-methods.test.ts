import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';

// Vectors ported from Spark's RDDSuite, SortingSuite and PairRDDFunctionsSuite.
describe('RDD methods tutorials call: zipWithUniqueId, tree*, toLocalIterator, takeSample, randomSplit, ...', () => {
  const ctx = useSparkContext();
  const range = (from: number, until: number): number[] => Array.from({ length: until - from }, (_, i) => from + i);

  it('zipWithUniqueId: unique ids i * n + k without a job (RDDSuite)', async () => {
    const jobs: number[] = [];
    ctx.sc.addJobListener({ onJobStart: () => jobs.push(1) } as never);
    const ids = ctx.sc.parallelize(range(0, 10), 3).zipWithUniqueId();
    expect(jobs).toHaveLength(0);
    const got = await ids.collect();
    expect(new Set(got.map(([, id]) => id)).size).toBe(10);
    // Slices [0,3), [3,6), [6,10): partition k's i-th element gets i * 3 + k.
    expect(got).toEqual([[0, 0], [1, 3], [2, 6], [3, 1], [4, 4], [5, 7], [6, 2], [7, 5], [8, 8], [9, 11]]);
  });

  it('treeAggregate and treeReduce sum -1000 until 1000 at every depth (RDDSuite)', async () => {
    const rdd = ctx.sc.parallelize(range(-1000, 1000), 10);
    for (let depth = 1; depth < 10; depth++) {
      expect(await rdd.treeAggregate(0, (c, x) => c + x, (a, b) => a + b, depth)).toBe(-1000);
      expect(await rdd.treeReduce((a, b) => a + b, depth)).toBe(-1000);
    }
    // As in Spark, the zero enters once per partition, once per partition of the final fold and once in the driver.
    expect(await ctx.sc.parallelize([] as number[], 4).treeAggregate(7, (c, x) => c + x, (a, b) => a + b)).toBe(7 * (4 + 4 + 1));
    expect(await ctx.sc.emptyRDD<number>().treeAggregate(7, (c, x) => c + x, (a, b) => a + b)).toBe(7);
    await expect(ctx.sc.parallelize([] as number[], 4).treeReduce((a, b) => a + b)).rejects.toThrow(/empty collection/);
    await expect(rdd.treeAggregate(0, (c, x) => c + x, (a, b) => a + b, 0)).rejects.toThrow(/Depth/);
  });

  it('treeAggregate with finalAggregateOnExecutor sums -1000 until 1000 at every depth, merging the last level in one task (RDDSuite, SPARK-36419)', async () => {
    const rdd = ctx.sc.parallelize(range(-1000, 1000), 10);
    const shuffles: number[] = [];
    const listener = { onJobEnd: (e: { shuffleStagesRun: number }) => shuffles.push(e.shuffleStagesRun) };
    ctx.sc.addJobListener(listener as never);
    for (let depth = 1; depth < 10; depth++) {
      expect(await rdd.treeAggregate(0, (c, x) => c + x, (a, b) => a + b, depth, true)).toBe(-1000);
    }
    // Depth 1 leaves the 10 partial results in 10 partitions (scale 10); deeper trees fold
    // them into 2 or 3 partitions by one shuffle first (scale ceil(10^(1/depth)), at least 2).
    // Each then merges what is left behind one more shuffle.
    expect(shuffles).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2]);
    shuffles.length = 0;
    await rdd.treeAggregate(0, (c, x) => c + x, (a, b) => a + b, 1, false);
    expect(shuffles).toEqual([0]);
    ctx.sc.removeJobListener(listener as never);
    // The zero enters once per partition, once per map partition of the final level's fold
    // by key, once in its single partition's fold and once in the driver: 7 * (4 + 4 + 1 + 1).
    expect(await ctx.sc.parallelize([] as number[], 4).treeAggregate(7, (c, x) => c + x, (a, b) => a + b, 2, true)).toBe(70);
    // A single partial result needs no final shuffle.
    expect(await ctx.sc.parallelize([1, 2, 3], 1).treeAggregate(0, (c, x) => c + x, (a, b) => a + b, 2, true)).toBe(6);
  });

  it('toLocalIterator yields every element in order, one partition job at a time (RDDSuite)', async () => {
    const out: number[] = [];
    for await (const x of ctx.sc.parallelize([1, 2, 3, 4], 2).toLocalIterator()) out.push(x);
    expect(out).toEqual([1, 2, 3, 4]);
    const computed: number[] = [];
    const rdd = ctx.sc.parallelize(range(0, 8), 4).mapPartitionsWithIndex((i, it) => { computed.push(i); return it; });
    for await (const x of rdd.toLocalIterator()) { expect(x).toBe(0); break; }
    expect(computed).toEqual([0]);
  });

  it('takeSample sizes, distinctness and determinism (RDDSuite)', async () => {
    const n = 10000;
    const data = ctx.sc.parallelize(range(1, n + 1), 2);
    for (const num of [5, 20, 100]) {
      const s = await data.takeSample(false, num);
      expect(s).toHaveLength(num);
      expect(new Set(s).size).toBe(num);
    }
    for (let seed = 0; seed < 5; seed++) {
      const s = await data.takeSample(false, 20, seed);
      expect(new Set(s).size).toBe(20);
      for (const x of s) expect(x >= 1 && x <= n).toBe(true);
      expect(await data.takeSample(false, 20, seed)).toEqual(s);
    }
    const all = await data.takeSample(false, 2 * n, 1);
    expect(all).toHaveLength(n);
    expect(new Set(all).size).toBe(n);
    expect(await data.takeSample(true, 20, 3)).toHaveLength(20);
    expect(await data.takeSample(true, 100, 3)).toHaveLength(100);
    const twice = await data.takeSample(true, 2 * n, 3);
    expect(twice).toHaveLength(2 * n);
    expect(new Set(twice).size).toBeLessThan(n);
    expect(await ctx.sc.parallelize([] as number[], 2).takeSample(false, 5, 1)).toEqual([]);
  });

  it('randomSplit is complete, disjoint and weighted for each seed (RDDSuite)', async () => {
    const n = 600;
    const data = ctx.sc.parallelize(range(1, n + 1), 2);
    for (let seed = 1; seed <= 5; seed++) {
      const splits = data.randomSplit([1, 2, 3], seed);
      expect(splits).toHaveLength(3);
      const parts = await Promise.all(splits.map((s) => s.collect()));
      expect(parts.flat().sort((a, b) => a - b)).toEqual(range(1, n + 1));
      expect(Math.abs(parts[0]!.length - 100)).toBeLessThan(50);
      expect(Math.abs(parts[1]!.length - 200)).toBeLessThan(50);
      expect(Math.abs(parts[2]!.length - 300)).toBeLessThan(50);
      expect(await data.randomSplit([1, 2, 3], seed)[1]!.collect()).toEqual(parts[1]);
    }
    expect(() => data.randomSplit([1, -1])).toThrow(/nonnegative/);
  });

  it('filterByRange keeps keys in [lower, upper], sorted or not (SortingSuite)', async () => {
    const pairs = range(1, 1001).map((x) => [x, x] as [number, number]);
    const sorted = ctx.sc.parallelize(pairs, 10).sortByKey();
    expect((await sorted.filterByRange(20, 40).collect()).map(([k]) => k)).toEqual(range(20, 41));
    expect((await sorted.filterByRange(200, 800).collect()).map(([k]) => k)).toEqual(range(200, 801));
    expect(sorted.filterByRange(200, 800).partitioner).toBe(sorted.partitioner);
    const shuffled = [...pairs].reverse();
    const got = (await ctx.sc.parallelize(shuffled, 10).filterByRange(200, 800).collect()).map(([k]) => k);
    expect(got.sort((a, b) => a - b)).toEqual(range(200, 801));
  });

  it('groupWith is cogroup (PairRDDFunctionsSuite)', async () => {
    const rdd1 = ctx.sc.parallelize([[1, 1], [1, 2], [2, 1], [3, 1]] as [number, number][]);
    const rdd2 = ctx.sc.parallelize([[1, 'x'], [2, 'y'], [2, 'z'], [4, 'w']] as [number, string][]);
    const joined = new Map(await rdd1.groupWith(rdd2).collect());
    expect(joined.size).toBe(4);
    expect(joined.get(1)).toEqual([[1, 2], ['x']]);
    expect(joined.get(2)).toEqual([[1], ['y', 'z']]);
    expect(joined.get(3)).toEqual([[1], []]);
    expect(joined.get(4)).toEqual([[], ['w']]);
    const three = new Map(await rdd1.groupWith(rdd2, ctx.sc.parallelize([[3, true]] as [number, boolean][])).collect());
    expect(three.get(3)).toEqual([[1], [], [true]]);
  });

  it('countApproxDistinct is within relativeSD of the distinct count (RDDSuite)', async () => {
    const uniform = range(1, 5001).map((i) => i % 1000);
    const est = await ctx.sc.parallelize(uniform, 10).countApproxDistinct(0.05);
    expect(Math.abs(est - 1000) / 1000).toBeLessThan(0.05);
    expect(await ctx.sc.parallelize([[1, 'a'], [1, 'a'], [2, 'a']], 2).countApproxDistinct()).toBe(2);
  });
});
