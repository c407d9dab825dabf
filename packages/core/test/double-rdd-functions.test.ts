import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';
import { StatCounter } from '../src/index.ts';

// Vectors ported from Spark's DoubleRDDSuite (histogram) and PartitioningSuite (stats).
describe('numeric RDD functions: stats and histogram', () => {
  const ctx = useSparkContext();

  it('stats over partitions including consecutive empty ones (PartitioningSuite)', async () => {
    const rdd = ctx.sc.parallelize([-1, -1, -1, -1, 2, 4, -1, -1], 8).filter((x) => x >= 0);
    const stats = await rdd.stats();
    expect(stats.count).toBe(2);
    expect(Math.abs(6 - stats.sum)).toBeLessThan(0.01);
    expect(Math.abs(3 - (await rdd.mean()))).toBeLessThan(0.01);
    expect(Math.abs(1 - (await rdd.variance()))).toBeLessThan(0.01);
    expect(Math.abs(1 - (await rdd.stdev()))).toBeLessThan(0.01);
    expect(Math.abs((await rdd.variance()) - (await rdd.popVariance()))).toBeLessThan(1e-14);
    expect(Math.abs((await rdd.stdev()) - (await rdd.popStdev()))).toBeLessThan(1e-14);
    expect(Math.abs(2 - (await rdd.sampleVariance()))).toBeLessThan(1e-14);
    expect(Math.abs(Math.SQRT2 - (await rdd.sampleStdev()))).toBeLessThan(1e-14);
    expect(stats.max).toBe(4);
    expect(stats.min).toBe(2);
  });

  it('stats of 1..100 merged from unevenly sized partitions equal the closed forms', async () => {
    // Population variance of 1..n is (n^2 - 1) / 12; sizes 1, 9, 90 exercise all three mean-merge branches.
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    const parts = [xs.slice(0, 1), xs.slice(1, 10), xs.slice(10)];
    const merged = new StatCounter();
    for (const p of parts) merged.merge(new StatCounter(p));
    const rev = new StatCounter(parts[2]).merge(new StatCounter(parts[1]!)).merge(new StatCounter(parts[0]!));
    for (const s of [merged, rev, await ctx.sc.parallelize(xs, 7).stats()]) {
      expect(s.count).toBe(100);
      expect(s.sum).toBeCloseTo(5050, 9);
      expect(s.mean).toBeCloseTo(50.5, 12);
      expect(s.variance).toBeCloseTo(833.25, 9);
      expect(s.sampleVariance).toBeCloseTo((100 * 833.25) / 99, 9);
      expect(s.max).toBe(100);
      expect(s.min).toBe(1);
    }
    const self = new StatCounter([1, 2, 3]);
    self.merge(self);
    expect([self.count, self.mean, self.variance]).toEqual([6, 2, 2 / 3]);
    expect(new StatCounter([1, 2, 3]).toString()).toBe('(count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)');
  });

  it('stats of an empty RDD: count 0, NaN variances, infinite max and min', async () => {
    const s = await ctx.sc.parallelize([] as number[], 3).stats();
    expect(s.count).toBe(0);
    expect(s.variance).toBeNaN();
    expect(s.sampleVariance).toBeNaN();
    expect(s.max).toBe(Number.NEGATIVE_INFINITY);
    expect(s.min).toBe(Number.POSITIVE_INFINITY);
    expect(await ctx.sc.parallelize([5], 1).sampleVariance()).toBeNaN();
  });

  const withBuckets: [string, number[], number[], number[], boolean][] = [
    ['WorksOnEmpty', [], [0, 10], [0], true],
    ['WorksWithOutOfRangeWithOneBucket', [10.01, -0.01], [0, 10], [0], true],
    ['WorksInRangeWithOneBucket', [1, 2, 3, 4], [0, 10], [4], true],
    ['WorksInRangeWithOneBucketExactMatch', [1, 2, 3, 4], [1, 4], [4], true],
    ['WorksWithOutOfRangeWithTwoBuckets', [10.01, -0.01], [0, 5, 10], [0, 0], true],
    ['WorksWithOutOfRangeWithTwoUnEvenBuckets', [10.01, -0.01], [0, 4, 10], [0, 0], false],
    ['WorksInRangeWithTwoBuckets', [1, 2, 3, 5, 6], [0, 5, 10], [3, 2], true],
    ['WorksInRangeWithTwoBucketsAndNaN', [1, 2, 3, 5, 6, NaN], [0, 5, 10], [3, 2], true],
    ['WorksInRangeWithTwoUnevenBuckets', [1, 2, 3, 5, 6], [0, 5, 11], [3, 2], false],
    ['WorksMixedRangeWithTwoUnevenBuckets', [-0.01, 0, 1, 2, 3, 5, 6, 11, 11.01], [0, 5, 11], [4, 3], false],
    ['WorksMixedRangeWithFourUnevenBuckets', [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1], [0, 5, 11, 12, 200], [4, 2, 1, 3], false],
    ['WorksMixedRangeWithUnevenBucketsAndNaN', [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, NaN], [0, 5, 11, 12, 200], [4, 2, 1, 3], false],
    ['WorksMixedRangeWithUnevenBucketsAndNaNAndNaNRange', [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, NaN], [0, 5, 11, 12, 200, NaN], [4, 2, 1, 2, 3], false],
    ['WorksMixedRangeWithUnevenBucketsAndNaNAndNaNRangeAndInfity', [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, Infinity, -Infinity, NaN], [0, 5, 11, 12, 200, NaN], [4, 2, 1, 2, 4], false],
    ['WorksWithOutOfRangeWithInfiniteBuckets', [10.01, -0.01, NaN], [-Infinity, 0, Infinity], [1, 1], false],
  ];
  for (const [name, data, buckets, expected, alsoEven] of withBuckets) {
    it(`histogram with given buckets: ${name}`, async () => {
      const rdd = ctx.sc.parallelize(data, 2);
      expect(await rdd.histogram(buckets)).toEqual(expected);
      if (alsoEven) expect(await rdd.histogram(buckets, true)).toEqual(expected);
    });
  }

  it('histogram with given buckets on an RDD of no partitions', async () => {
    const empty = ctx.sc.emptyRDD<number>();
    expect(await empty.histogram([0, 10])).toEqual([0]);
    expect(await empty.histogram([0, 10], true)).toEqual([0]);
  });

  it('ThrowsExceptionOnInvalidBucketArray', async () => {
    const rdd = ctx.sc.parallelize([1], 1);
    await expect(rdd.histogram([])).rejects.toThrow(/at least two/);
    await expect(rdd.histogram([1])).rejects.toThrow(/at least two/);
  });

  const withCount: [string, number[], number, number[], number[]][] = [
    ['WorksWithoutBucketsBasic', [1, 2, 3, 4], 1, [1, 4], [4]],
    ['WorksWithoutBucketsBasicSingleElement', [1], 1, [1, 1], [1]],
    ['WorksWithoutBucketsBasicNoRange', [1, 1, 1, 1], 1, [1, 1], [4]],
    ['WorksWithoutBucketsBasicTwo', [1, 2, 3, 4], 2, [1, 2.5, 4], [2, 2]],
    ['WorksWithoutBucketsWithMoreRequestedThanElements', [1, 2], 10, [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2], [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['WorksWithoutBucketsForLargerDatasets', Array.from({ length: 94 }, (_, i) => i + 6), 8, [6, 17.625, 29.25, 40.875, 52.5, 64.125, 75.75, 87.375, 99], [12, 12, 11, 12, 12, 11, 12, 12]],
  ];
  for (const [name, data, count, edges, expected] of withCount) {
    it(`histogram with a bucket count: ${name}`, async () => {
      expect(await ctx.sc.parallelize(data, 3).histogram(count)).toEqual([edges, expected]);
    });
  }

  it('WorksWithoutBucketsWithIrrationalBucketEdges', async () => {
    const [edges, counts] = await ctx.sc.parallelize(Array.from({ length: 94 }, (_, i) => i + 6), 3).histogram(9);
    // Spark 3.x's suite (SPARK-6480 corrected the older vector [11, 10, 11, 10, 10, 11, 10, 10, 11]).
    expect(counts).toEqual([11, 10, 10, 11, 10, 10, 11, 10, 11]);
    expect(edges[0]).toBe(6);
    expect(edges[9]).toBe(99);
  });

  it('ThrowsExceptionOnInvalidRDDs', async () => {
    await expect(ctx.sc.parallelize([1, Infinity], 1).histogram(1)).rejects.toThrow(/infinity or NaN/);
    await expect(ctx.sc.parallelize([1, NaN], 1).histogram(1)).rejects.toThrow(/infinity or NaN/);
    await expect(ctx.sc.parallelize([] as number[], 1).histogram(1)).rejects.toThrow(/empty RDD/);
  });
});
