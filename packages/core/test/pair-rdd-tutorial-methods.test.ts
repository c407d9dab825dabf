import { describe, expect, it } from 'vitest';
import { HashPartitioner, Partitioner } from '@kindling/core';
import { useSparkContext } from './helpers.ts';

/** Spark's test partitioner: an integer key's remainder by 2. */
class ParityPartitioner extends Partitioner {
  readonly numPartitions = 2;
  getPartition(key: unknown): number { return (key as number) % 2; }
  override equals(other: unknown): boolean { return other instanceof ParityPartitioner; }
}

const isPrime = (n: number): boolean => {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
};

// Vectors from Spark's RDDSuite and PairRDDFunctionsSuite; answers computed here from the input.
describe('pair RDD methods tutorials call: repartitionAndSortWithinPartitions, sampleByKey, reduceByKeyLocally, countApproxDistinctByKey, combineByKey(mapSideCombine)', () => {
  const ctx = useSparkContext();

  it('repartitionAndSortWithinPartitions places by the partitioner and sorts each partition by key (RDDSuite)', async () => {
    const data = ctx.sc.parallelize<[number, number]>([[0, 5], [3, 8], [2, 6], [0, 8], [3, 8], [1, 3]], 2);
    const repartitioned = data.repartitionAndSortWithinPartitions(new ParityPartitioner());
    expect(await repartitioned.glom().collect()).toEqual([[[0, 5], [0, 8], [2, 6]], [[1, 3], [3, 8], [3, 8]]]);
    expect(repartitioned.partitioner).toBeInstanceOf(ParityPartitioner);
    // A descending ordering; always a shuffle, even over an RDD partitioned alike.
    const desc = repartitioned.repartitionAndSortWithinPartitions(new ParityPartitioner(), (a, b) => b - a);
    expect(desc).not.toBe(repartitioned);
    expect(await desc.glom().collect()).toEqual([[[2, 6], [0, 5], [0, 8]], [[3, 8], [3, 8], [1, 3]]]);
  });

  it('sampleByKey keeps about fraction x count of each key, only input pairs, once each without replacement, deterministic per seed (PairRDDFunctionsSuite)', async () => {
    const n = 20_000;
    const data = ctx.sc.parallelize(Array.from({ length: n }, (_, i) => i + 1), 2).map((x) => [isPrime(x) ? 'pos' : 'neg', x] as [string, number]);
    const fractions = new Map([['pos', 0.5], ['neg', 0.1]]);
    const counts = { pos: 0, neg: 0 };
    for (let x = 1; x <= n; x++) counts[isPrime(x) ? 'pos' : 'neg']++;
    const within = (got: number, count: number, f: number, variance: number): void => {
      expect(Math.abs(got - count * f)).toBeLessThan(5 * Math.sqrt(variance));
    };
    const sample = await data.sampleByKey(false, fractions, 7).collect();
    const byKey = (xs: [string, number][], k: string): number[] => xs.filter(([kk]) => kk === k).map(([, v]) => v);
    for (const k of ['pos', 'neg'] as const) {
      const f = fractions.get(k)!;
      within(byKey(sample, k).length, counts[k], f, counts[k] * f * (1 - f));
    }
    expect(sample.every(([k, v]) => k === (isPrime(v) ? 'pos' : 'neg') && v >= 1 && v <= n)).toBe(true);
    expect(new Set(sample.map(([, v]) => v)).size).toBe(sample.length);
    expect(await data.sampleByKey(false, fractions, 7).collect()).toEqual(sample);
    expect(await data.sampleByKey(false, fractions, 8).collect()).not.toEqual(sample);
    // With replacement: a Poisson(fraction) number of copies of each pair.
    const withRepl = await data.sampleByKey(true, new Map([['pos', 2], ['neg', 0.3]]), 11).collect();
    within(byKey(withRepl, 'pos').length, counts.pos, 2, counts.pos * 2);
    within(byKey(withRepl, 'neg').length, counts.neg, 0.3, counts.neg * 0.3);
    expect(new Set(byKey(withRepl, 'pos')).size).toBeLessThan(byKey(withRepl, 'pos').length);
    // Fractions 0 and 1 keep nothing and everything.
    expect(await data.sampleByKey(false, new Map([['pos', 1], ['neg', 0]]), 3).collect()).toEqual((await data.collect()).filter(([k]) => k === 'pos'));
  });

  it('sampleByKey keeps the partitioner and fails on a key it has no fraction for', async () => {
    const pairs = ctx.sc.parallelize<[string, number]>([['a', 1], ['b', 2], ['c', 3]], 2).partitionBy(new HashPartitioner(2));
    expect(pairs.sampleByKey(false, new Map([['a', 1], ['b', 1], ['c', 1]]), 1).partitioner).toEqual(new HashPartitioner(2));
    await expect(pairs.sampleByKey(false, new Map([['a', 1]]), 1).collect()).rejects.toThrow(/no fraction given for key [bc]/);
    expect(() => pairs.sampleByKey(false, new Map([['a', 1.5]]), 1)).toThrow(/must be in \[0, 1\]/);
  });

  it('reduceByKeyLocally merges each key\'s values into a Map on the driver (PairRDDFunctionsSuite "reduceByKeyLocally")', async () => {
    const pairs = ctx.sc.parallelize<[number, number]>([[1, 1], [1, 2], [1, 3], [1, 1], [2, 1]], 3);
    const sums = await pairs.reduceByKeyLocally((a, b) => a + b);
    expect(sums).toEqual(new Map([[1, 7], [2, 1]]));
    // Keys compared by value: two equal tuple keys are one key.
    const tupleKeys = await ctx.sc.parallelize<[[string, number], number]>([[['a', 1], 2], [['a', 1], 3], [['b', 1], 4]], 2).reduceByKeyLocally((a, b) => a * b);
    expect([...tupleKeys]).toEqual([[['a', 1], 6], [['b', 1], 4]]);
    expect(await ctx.sc.parallelize<[number, number]>([], 2).reduceByKeyLocally((a, b) => a + b)).toEqual(new Map());
  });

  it('countApproxDistinctByKey counts each key\'s distinct values (PairRDDFunctionsSuite "countApproxDistinctByKey", exact here)', async () => {
    // For each i in 1..100, i pairs (i, j): key i has i distinct values; each pair twice.
    const stacked: [number, number][] = [];
    for (let i = 1; i <= 100; i++) for (let j = 1; j <= i; j++) stacked.push([i, j], [i, j]);
    const counted = await ctx.sc.parallelize(stacked, 4).countApproxDistinctByKey(0.01).collect();
    expect(counted.length).toBe(100);
    for (const [k, count] of counted) expect(count).toBe(k);
    const objects = ctx.sc.parallelize<[string, { v: number }]>([['x', { v: 1 }], ['x', { v: 1 }], ['x', { v: 2 }]], 2);
    expect(await objects.countApproxDistinctByKey(0.05, 3).collect()).toEqual([['x', 2]]);
    expect(objects.countApproxDistinctByKey(0.05, 3).getNumPartitions()).toBe(3);
    expect(() => objects.countApproxDistinctByKey(0.00001)).toThrow(/must be greater than 0.000017/);
  });

  it('combineByKey with mapSideCombine false combines only after the shuffle: mergeCombiners is never called', async () => {
    const pairs = ctx.sc.parallelize<[string, number]>([['a', 1], ['b', 2], ['a', 3], ['a', 4], ['b', 5], ['c', 6]], 3);
    const noMapSide = pairs.combineByKey((v) => [v], (c, v) => [...c, v], () => { throw new Error('mergeCombiners called'); }, 2, false);
    const got = new Map(await noMapSide.collect());
    expect(new Map([...got].map(([k, vs]) => [k, vs.sort((x, y) => x - y)]))).toEqual(new Map([['a', [1, 3, 4]], ['b', [2, 5]], ['c', [6]]]));
    // With the map-side combine (the default), the combiners of the 3 map partitions are merged.
    let merges = 0;
    await pairs.combineByKey((v) => v, (c, v) => c + v, (a, b) => { merges++; return a + b; }, 2).collect();
    expect(merges).toBeGreaterThan(0);
  });
});
