import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';

describe('actions', () => {
  const ctx = useSparkContext();

  it('collect, count over empty, single and many partitions', async () => {
    expect(await ctx.sc.parallelize([1, 2, 3], 1).collect()).toEqual([1, 2, 3]);
    expect(await ctx.sc.parallelize([1, 2, 3], 10).count()).toBe(3);
    expect(await ctx.sc.parallelize([], 4).count()).toBe(0);
    expect(await ctx.sc.emptyRDD().count()).toBe(0);
  });

  it('take scans as few partitions as needed', async () => {
    const seen: number[] = [];
    const rdd = ctx.sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 10).mapPartitionsWithIndex((i, it) => { seen.push(i); return it; });
    expect(await rdd.take(5)).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toEqual([0]);
    seen.length = 0;
    expect(await rdd.take(25)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    // first partition gives 10 of 25; then floor(1.5*25*1/10) - 1 = 2 more partitions
    expect(seen).toEqual([0, 1, 2]);
    expect(await rdd.take(0)).toEqual([]);
    expect(await rdd.take(1000)).toHaveLength(100);
    // empty leading partitions: keeps scanning, growing by 4x
    expect(await ctx.sc.parallelize([7], 8).take(1)).toEqual([7]);
  });

  it('first and isEmpty', async () => {
    expect(await ctx.sc.parallelize([4, 5], 2).first()).toBe(4);
    await expect(ctx.sc.parallelize([], 2).first()).rejects.toThrow(/empty collection/);
    expect(await ctx.sc.parallelize([], 2).isEmpty()).toBe(true);
    expect(await ctx.sc.emptyRDD().isEmpty()).toBe(true);
    expect(await ctx.sc.parallelize([1], 3).isEmpty()).toBe(false);
  });

  it('reduce, fold and aggregate', async () => {
    const rdd = ctx.sc.parallelize([1, 2, 3, 4], 3);
    expect(await rdd.reduce((a, b) => a + b)).toBe(10);
    await expect(ctx.sc.parallelize<number>([], 2).reduce((a, b) => a + b)).rejects.toThrow(/empty collection/);
    expect(await ctx.sc.parallelize([5], 4).reduce((a, b) => a + b)).toBe(5);
    // zero is applied once per partition and once for the merge: 10 + 4*1
    expect(await rdd.fold(1, (a, b) => a + b)).toBe(14);
    expect(await ctx.sc.parallelize<number>([], 2).fold(0, (a, b) => a + b)).toBe(0);
    const [sum, n] = await rdd.aggregate([0, 0] as [number, number], (acc, x) => [acc[0] + x, acc[1] + 1] as [number, number], (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number]);
    expect([sum, n]).toEqual([10, 4]);
    // a mutable zero is copied for every partition
    const lists = await rdd.aggregate([] as number[], (acc, x) => { acc.push(x); return acc; }, (a, b) => a.concat(b));
    expect(lists).toEqual([1, 2, 3, 4]);
  });

  it('foreach and foreachPartition run on every element', async () => {
    const acc = ctx.sc.longAccumulator('sum');
    await ctx.sc.parallelize([1, 2, 3], 2).foreach((x) => acc.add(x));
    expect(acc.value).toBe(6);
    expect(acc.count).toBe(3);
    const sizes: number[] = [];
    await ctx.sc.parallelize([1, 2, 3], 2).foreachPartition((it) => { sizes.push([...it].length); });
    expect(sizes).toEqual([1, 2]);
  });

  it('countByValue counts by value, tuples included', async () => {
    const m = await ctx.sc.parallelize(['a', 'b', 'a', 'a'], 2).countByValue();
    expect(m).toEqual(new Map([['a', 3], ['b', 1]]));
    const t = await ctx.sc.parallelize<[number, number]>([[1, 2], [1, 2], [2, 1]], 3).countByValue();
    expect([...t.values()].sort()).toEqual([1, 2]);
  });

  it('runJob on chosen partitions', async () => {
    const rdd = ctx.sc.parallelize([1, 2, 3, 4], 4);
    expect(await ctx.sc.runJob(rdd, (d) => d.length * 10, [1, 3])).toEqual([10, 10]);
    await expect(ctx.sc.runJob(rdd, (d) => d, [4])).rejects.toThrow(/non-existent partition: 4/);
  });

  it('max, min, sum and mean', async () => {
    const rdd = ctx.sc.parallelize([3, 9, 1, 5], 3);
    expect(await rdd.max()).toBe(9);
    expect(await rdd.min()).toBe(1);
    expect(await rdd.sum()).toBe(18);
    expect(await rdd.mean()).toBe(4.5);
    expect(await ctx.sc.parallelize(['b', 'c', 'a'], 2).max()).toBe('c');
    expect(await ctx.sc.parallelize<number>([], 2).sum()).toBe(0);
    await expect(ctx.sc.parallelize<number>([], 2).max()).rejects.toThrow(/empty collection/);
  });

  it('mean is Spark\'s stats().mean: the running mean\'s digits, not sum / count, and 0 when empty', async () => {
    const values = [0.1, 0.2, 0.3, 0.7, 1.1];
    // Spark's StatCounter.merge(value): mu += (value - mu) / n, one value after another.
    let mu = 0;
    for (let n = 1; n <= values.length; n++) mu += (values[n - 1]! - mu) / n;
    expect(mu).toBe(0.48000000000000004);
    expect(values.reduce((a, b) => a + b) / values.length).not.toBe(mu);
    expect(await ctx.sc.parallelize(values, 1).mean()).toBe(mu);
    expect(await ctx.sc.parallelize<number>([], 2).mean()).toBe(0);
  });
});
