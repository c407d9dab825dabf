import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SparkConf, SparkContext, RangePartitioner, naturalOrdering } from '../index.ts';

describe('RangePartitioner', () => {
  let sc: SparkContext;
  beforeEach(() => { sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rp')); });
  afterEach(() => sc.stop());

  it('splits a fully sampled key range at the weighted quantiles', async () => {
    // 100 keys in 4 input partitions: each partition is sampled whole (60 per partition
    // allowed), weights are 1, the step is 25; a bound is taken when the running weight
    // first exceeds 25, 50, 75: at keys 25, 50 and 75.
    const rdd = sc.parallelize(Array.from({ length: 100 }, (_, i) => [i, i] as [number, number]), 4);
    const p = new RangePartitioner<number>(4, rdd, true, naturalOrdering);
    expect(p.rangeBounds).toBeUndefined();
    expect(() => p.getPartition(1)).toThrow(/before its bounds were sampled/);
    await p.prepare();
    expect(p.rangeBounds).toEqual([25, 50, 75]);
    expect([0, 25, 26, 50, 51, 75, 76, 1000].map((k) => p.getPartition(k))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    const desc = new RangePartitioner<number>(4, rdd, false, naturalOrdering);
    await desc.prepare();
    expect([0, 30, 60, 90].map((k) => desc.getPartition(k))).toEqual([3, 2, 1, 0]);
    expect(p.equals(desc)).toBe(false);
    const again = new RangePartitioner<number>(4, rdd, true, naturalOrdering);
    await again.prepare();
    expect(p.equals(again)).toBe(true);
  });

  it('sortByKey partitions follow the bounds', async () => {
    const rdd = sc.parallelize(Array.from({ length: 100 }, (_, i) => [99 - i, i] as [number, number]), 4);
    expect((await rdd.sortByKey(true, 4).glom().collect()).map((p) => p.length)).toEqual([26, 25, 25, 24]);
  });

  it('needs no sampling for one partition', async () => {
    const p = new RangePartitioner<number>(1, sc.parallelize<[number, number]>([[1, 1]], 1), true, naturalOrdering);
    expect(p.rangeBounds).toEqual([]);
    expect(p.getPartition(42)).toBe(0);
  });
});
