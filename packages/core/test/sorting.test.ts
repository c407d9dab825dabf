import { describe, expect, it } from 'vitest';
import { useSparkContext, countShuffles } from './helpers.ts';

describe('sorting', () => {
  const ctx = useSparkContext();
  const shuffled = (n: number) => {
    // a fixed permutation of 0..n-1: i*37 mod n with gcd(37, n) = 1
    return Array.from({ length: n }, (_, i) => (i * 37) % n);
  };

  it('sortByKey sorts globally and range-partitions in order', async () => {
    const pairs = ctx.sc.parallelize(shuffled(1000).map((k) => [k, `v${k}`] as [number, string]), 4);
    const s = pairs.sortByKey();
    expect(s.getNumPartitions()).toBe(4);
    const out = await s.collect();
    expect(out.map((kv) => kv[0])).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(out[10]).toEqual([10, 'v10']);
    const parts = await s.glom().collect();
    // every partition non-empty (the sample covers the data), and ranges ascend
    expect(parts.every((p) => p.length > 0)).toBe(true);
    for (let i = 1; i < parts.length; i++) expect(parts[i - 1]!.at(-1)![0]).toBeLessThan(parts[i]![0]![0]);
    expect(countShuffles(s)).toBe(1);
  });

  it('sortByKey descending, and with fewer/more partitions', async () => {
    const pairs = ctx.sc.parallelize(shuffled(101).map((k) => [k, k] as [number, number]), 3);
    const desc = await pairs.sortByKey(false).keys().collect();
    expect(desc).toEqual(Array.from({ length: 101 }, (_, i) => 100 - i));
    expect(await pairs.sortByKey(true, 1).keys().collect()).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(await pairs.sortByKey(true, 7).keys().collect()).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });

  it('sortBy sorts by a derived key, stable output per key', async () => {
    const words = ctx.sc.parallelize(['pear', 'fig', 'apple', 'kiwi', 'banana'], 2);
    expect(await words.sortBy((w) => w).collect()).toEqual(['apple', 'banana', 'fig', 'kiwi', 'pear']);
    expect(await words.sortBy((w) => w.length, false).collect()).toEqual(['banana', 'apple', expect.any(String), expect.any(String), 'fig']);
    expect(await words.sortBy((w) => [w.length, w] as [number, string]).collect()).toEqual(['fig', 'kiwi', 'pear', 'apple', 'banana']);
    expect(await ctx.sc.parallelize<number>([], 3).sortBy((x) => x).collect()).toEqual([]);
  });

  it('builds without running a job (bounds are sampled when the job runs)', () => {
    let jobs = 0;
    ctx.sc.addJobListener({ onJobStart: () => { jobs++; } });
    ctx.sc.parallelize([3, 1, 2], 2).sortBy((x) => x);
    expect(jobs).toBe(0);
  });

  it('top and takeOrdered', async () => {
    const rdd = ctx.sc.parallelize(shuffled(50), 4);
    expect(await rdd.top(3)).toEqual([49, 48, 47]);
    expect(await rdd.takeOrdered(3)).toEqual([0, 1, 2]);
    expect(await rdd.takeOrdered(2, (a, b) => b - a)).toEqual([49, 48]);
    expect(await rdd.top(0)).toEqual([]);
    expect(await ctx.sc.parallelize(['b', 'a', 'c'], 2).top(5)).toEqual(['c', 'b', 'a']);
    expect(await ctx.sc.parallelize<[number, string]>([[1, 'b'], [1, 'a'], [0, 'z']], 2).takeOrdered(2)).toEqual([[0, 'z'], [1, 'a']]);
    // Option ordering: None first
    expect(await ctx.sc.parallelize([2, undefined, 1], 2).takeOrdered(2)).toEqual([undefined, 1]);
    expect(await ctx.sc.parallelize([2, undefined, 1], 2).top(2)).toEqual([2, 1]);
  });
});
