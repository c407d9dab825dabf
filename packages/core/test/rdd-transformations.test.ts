import { describe, expect, it } from 'vitest';
import { useSparkContext, sorted } from './helpers.ts';

describe('narrow transformations', () => {
  const ctx = useSparkContext();

  it('map, flatMap, filter over several partitions keep element order', async () => {
    const rdd = ctx.sc.parallelize([1, 2, 3, 4, 5], 3);
    expect(await rdd.map((x) => x * 10).collect()).toEqual([10, 20, 30, 40, 50]);
    expect(await rdd.flatMap((x) => (x % 2 ? [x, x] : [])).collect()).toEqual([1, 1, 3, 3, 5, 5]);
    expect(await rdd.flatMap((x) => new Set([x])).collect()).toEqual([1, 2, 3, 4, 5]);
    expect(await rdd.filter((x) => x > 2).collect()).toEqual([3, 4, 5]);
  });

  it('handles empty partitions, one partition, and more partitions than elements', async () => {
    const many = ctx.sc.parallelize([1, 2, 3], 8);
    expect(many.getNumPartitions()).toBe(8);
    expect(await many.map((x) => x + 1).collect()).toEqual([2, 3, 4]);
    expect((await many.glom().collect()).filter((p) => p.length > 0)).toEqual([[1], [2], [3]]);
    const one = ctx.sc.parallelize([3, 1, 2], 1);
    expect(await one.glom().collect()).toEqual([[3, 1, 2]]);
    const none = ctx.sc.parallelize<number>([], 3);
    expect(await none.map((x) => x).collect()).toEqual([]);
    expect(await none.glom().collect()).toEqual([[], [], []]);
  });

  it('mapPartitions and mapPartitionsWithIndex see whole partitions', async () => {
    const rdd = ctx.sc.parallelize([1, 2, 3, 4], 2);
    expect(await rdd.mapPartitions((it) => [[...it].reduce((a, b) => a + b, 0)]).collect()).toEqual([3, 7]);
    expect(await rdd.mapPartitionsWithIndex((i, it) => [...it].map((x) => `${i}:${x}`)).collect()).toEqual(['0:1', '0:2', '1:3', '1:4']);
    function* gen(it: Iterable<number>) { for (const x of it) yield x * 2; }
    expect(await rdd.mapPartitions(gen).collect()).toEqual([2, 4, 6, 8]);
  });

  it('glom returns each partition as an array', async () => {
    expect(await ctx.sc.parallelize([1, 2, 3, 4, 5], 2).glom().collect()).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('union keeps duplicates and partitions side by side', async () => {
    const a = ctx.sc.parallelize([1, 2], 2);
    const b = ctx.sc.parallelize([2, 3], 1);
    const u = a.union(b);
    expect(u.getNumPartitions()).toBe(3);
    expect(await u.collect()).toEqual([1, 2, 2, 3]);
  });

  it('distinct compares by value, tuples included', async () => {
    const rdd = ctx.sc.parallelize([1, 2, 2, 3, 1, 1], 3);
    expect(sorted(await rdd.distinct().collect())).toEqual([1, 2, 3]);
    expect((await rdd.distinct(1).collect()).length).toBe(3);
    const tuples = ctx.sc.parallelize<[string, number]>([['a', 1], ['a', 1], ['b', 1]], 2);
    expect(sorted(await tuples.distinct().collect())).toEqual([['a', 1], ['b', 1]]);
    const objects = ctx.sc.parallelize([{ id: 1 }, { id: 1 }, { id: 2 }], 2);
    expect(await objects.distinct().count()).toBe(2);
  });

  it('intersection and subtract', async () => {
    const a = ctx.sc.parallelize([1, 2, 2, 3, 4], 2);
    const b = ctx.sc.parallelize([2, 4, 4, 6], 3);
    expect(sorted(await a.intersection(b).collect())).toEqual([2, 4]);
    expect(sorted(await a.subtract(b).collect())).toEqual([1, 3]);
    // subtract keeps duplicates of the elements it keeps
    expect(sorted(await ctx.sc.parallelize([1, 1, 2], 2).subtract(ctx.sc.parallelize([2], 1)).collect())).toEqual([1, 1]);
    expect(a.subtract(b).getNumPartitions()).toBe(2);
  });

  it('keyBy, cartesian', async () => {
    expect(await ctx.sc.parallelize(['a', 'bb'], 2).keyBy((s) => s.length).collect()).toEqual([[1, 'a'], [2, 'bb']]);
    const c = ctx.sc.parallelize([1, 2], 2).cartesian(ctx.sc.parallelize(['x', 'y', 'z'], 3));
    expect(c.getNumPartitions()).toBe(6);
    expect(await c.collect()).toEqual([[1, 'x'], [1, 'y'], [1, 'z'], [2, 'x'], [2, 'y'], [2, 'z']]);
  });

  it('zipWithIndex indexes in partition order, lazily', async () => {
    let jobs = 0;
    ctx.sc.addJobListener({ onJobStart: () => { jobs++; } });
    const z = ctx.sc.parallelize(['a', 'b', 'c', 'd', 'e'], 3).zipWithIndex();
    expect(jobs).toBe(0);
    expect(await z.collect()).toEqual([['a', 0], ['b', 1], ['c', 2], ['d', 3], ['e', 4]]);
    expect(await ctx.sc.parallelize<number>([], 2).zipWithIndex().collect()).toEqual([]);
    expect(await ctx.sc.parallelize([1, 2, 3], 5).zipWithIndex().collect()).toEqual([[1, 0], [2, 1], [3, 2]]);
  });

  it('coalesce merges neighbouring partitions; repartition shuffles to exactly n', async () => {
    const rdd = ctx.sc.parallelize(Array.from({ length: 10 }, (_, i) => i), 5);
    const c = rdd.coalesce(2);
    expect(c.getNumPartitions()).toBe(2);
    // groups: parents [0,1] and [2,3,4] (floor(i*5/2))
    expect(await c.glom().collect()).toEqual([[0, 1, 2, 3], [4, 5, 6, 7, 8, 9]]);
    expect(rdd.coalesce(10).getNumPartitions()).toBe(5);
    const r = rdd.repartition(3);
    expect(r.getNumPartitions()).toBe(3);
    expect(sorted(await r.collect())).toEqual(sorted(await rdd.collect()));
    // Round-robin: one input partition of 9 elements spreads exactly 3 to each of 3 outputs.
    const sizes = (await ctx.sc.parallelize(Array.from({ length: 9 }, (_, i) => i), 1).repartition(3).glom().collect()).map((p) => p.length);
    expect(sizes).toEqual([3, 3, 3]);
    expect(rdd.coalesce(8, true).getNumPartitions()).toBe(8);
    expect(() => rdd.coalesce(0)).toThrow(/must be positive/);
  });

  it('sample is deterministic per seed and respects the fraction', async () => {
    const rdd = ctx.sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 4);
    const s1 = await rdd.sample(false, 0.1, 42).collect();
    const s2 = await rdd.sample(false, 0.1, 42).collect();
    expect(s1).toEqual(s2);
    expect(s1.length).toBeGreaterThan(50);
    expect(s1.length).toBeLessThan(150);
    expect(new Set(s1).size).toBe(s1.length);
    expect(await rdd.sample(false, 0, 1).count()).toBe(0);
    expect(await rdd.sample(false, 1, 1).count()).toBe(1000);
    const withRep = await rdd.sample(true, 2, 7).count();
    expect(withRep).toBeGreaterThan(1800);
    expect(withRep).toBeLessThan(2200);
    expect(() => rdd.sample(false, 1.5)).toThrow(/must be in \[0, 1\]/);
  });

  it('map on a pair RDD drops the partitioner, filter keeps it', async () => {
    const p = ctx.sc.parallelize<[number, number]>([[1, 1], [2, 2]], 2).reduceByKey((a, b) => a + b);
    expect(p.partitioner).toBeDefined();
    expect(p.filter(() => true).partitioner).toBe(p.partitioner);
    expect(p.map((x) => x).partitioner).toBeUndefined();
    expect(p.mapPartitions((it) => it, true).partitioner).toBe(p.partitioner);
    expect(p.mapPartitions((it) => it).partitioner).toBeUndefined();
  });

  it('zip and zipPartitions pair up partitions of equal counts', async () => {
    const a = ctx.sc.parallelize([1, 2, 3, 4], 2);
    const b = ctx.sc.parallelize(['a', 'b', 'c', 'd'], 2);
    expect(await a.zip(b).collect()).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]);
    expect(await a.zipPartitions(b, (xs, ys) => [[...xs].length + [...ys].length]).collect()).toEqual([4, 4]);
    expect(() => a.zip(ctx.sc.parallelize([1], 1))).toThrow(/unequal numbers of partitions/);
    await expect(a.zip(ctx.sc.parallelize(['x', 'y', 'z', 'w', 'v'], 2)).collect()).rejects.toThrow(/same number of elements/);
  });
});
