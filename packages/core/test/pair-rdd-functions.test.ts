import { describe, expect, it } from 'vitest';
import { List } from 'immutable';
import { HashPartitioner } from '../src/index.ts';
import { useSparkContext, sorted } from './helpers.ts';

describe('pair RDD functions', () => {
  const ctx = useSparkContext();
  const pairs = () => ctx.sc.parallelize<[string, number]>([['a', 1], ['b', 2], ['a', 3], ['c', 4], ['b', 5], ['a', 6]], 3);

  it('reduceByKey sums per key', async () => {
    expect(sorted(await pairs().reduceByKey((x, y) => x + y).collect())).toEqual([['a', 10], ['b', 7], ['c', 4]]);
    const r = pairs().reduceByKey((x, y) => x + y, 5);
    expect(r.getNumPartitions()).toBe(5);
    expect(r.partitioner?.equals(new HashPartitioner(5))).toBe(true);
    // 'a'=97, 'b'=98, 'c'=99: mod 5 -> partitions 2, 3, 4
    expect(await r.glom().collect()).toEqual([[], [], [['a', 10]], [['b', 7]], [['c', 4]]]);
  });

  it('groupByKey gathers values as arrays', async () => {
    const g = await pairs().groupByKey().collect();
    const m = new Map(g.map(([k, vs]) => [k, [...vs].sort((x, y) => x - y)]));
    expect(m).toEqual(new Map([['a', [1, 3, 6]], ['b', [2, 5]], ['c', [4]]]));
    expect(await ctx.sc.parallelize<[string, number]>([], 2).groupByKey().collect()).toEqual([]);
  });

  it("subtractByKey keeps every pair whose key is not in the other RDD (Spark's PairRDDFunctionsSuite)", async () => {
    const a = ctx.sc.parallelize<[number, string]>([[1, 'a'], [1, 'a'], [2, 'b'], [3, 'c']], 2);
    const b = ctx.sc.parallelize<[number, number]>([[2, 20], [3, 30], [4, 40]], 4);
    const c = a.subtractByKey(b);
    expect(await c.collect()).toEqual([[1, 'a'], [1, 'a']]);
    expect(c.getNumPartitions()).toBe(2);
    // with a partitioner, the result is partitioned by it
    const p = new HashPartitioner(3);
    const d = pairs().subtractByKey(ctx.sc.parallelize<[string, boolean]>([['b', true]], 1), p);
    expect(d.partitioner?.equals(p)).toBe(true);
    expect(sorted(await d.collect())).toEqual([['a', 1], ['a', 3], ['a', 6], ['c', 4]]);
  });

  it('groupBy groups the elements by a function of each', async () => {
    const g = ctx.sc.parallelize([1, 2, 3, 4, 5, 6], 3).groupBy((x) => x % 3, 4);
    expect(g.getNumPartitions()).toBe(4);
    const m = new Map((await g.collect()).map(([k, vs]) => [k, [...vs].sort((x, y) => x - y)]));
    expect(m).toEqual(new Map([[0, [3, 6]], [1, [1, 4]], [2, [2, 5]]]));
  });

  it('combineByKey, aggregateByKey, foldByKey', async () => {
    const avg = pairs().combineByKey(
      (v) => [v, 1] as [number, number],
      (c, v) => [c[0] + v, c[1] + 1] as [number, number],
      (c1, c2) => [c1[0] + c2[0], c1[1] + c2[1]] as [number, number],
    );
    expect(sorted(await avg.collect())).toEqual([['a', [10, 3]], ['b', [7, 2]], ['c', [4, 1]]]);
    // A mutable zero is copied per key: every key starts from its own empty array.
    const agg = pairs().aggregateByKey([] as number[], (acc, v) => { acc.push(v); return acc; }, (x, y) => x.concat(y), 2);
    const m = new Map((await agg.collect()).map(([k, vs]) => [k, vs.sort((x, y) => x - y)]));
    expect(m.get('a')).toEqual([1, 3, 6]);
    expect(m.get('c')).toEqual([4]);
    // Slices: [a1 b2] [a3 c4] [b5 a6]. The zero is folded in once per key per map partition:
    // a appears in 3 partitions -> 3*100 + 10; b in 2 -> 2*100 + 7; c in 1 -> 100 + 4.
    expect(sorted(await pairs().foldByKey(100, (x, y) => x + y).collect())).toEqual([['a', 310], ['b', 207], ['c', 104]]);
  });

  it('mapValues and flatMapValues keep keys and the partitioner', async () => {
    const r = pairs().reduceByKey((x, y) => x + y, 2);
    const mv = r.mapValues((v) => v * 2);
    expect(mv.partitioner).toBe(r.partitioner);
    expect(sorted(await mv.collect())).toEqual([['a', 20], ['b', 14], ['c', 8]]);
    const fmv = r.flatMapValues((v) => [v, -v]);
    expect(fmv.partitioner).toBe(r.partitioner);
    expect(sorted(await fmv.collect())).toEqual(sorted([['a', 10], ['a', -10], ['b', 7], ['b', -7], ['c', 4], ['c', -4]]));
  });

  it('keys and values', async () => {
    expect(await pairs().keys().collect()).toEqual(['a', 'b', 'a', 'c', 'b', 'a']);
    expect(await pairs().values().collect()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('join and the outer joins (PairRDDFunctionsSuite cases)', async () => {
    const rdd1 = ctx.sc.parallelize<[number, number]>([[1, 1], [1, 2], [2, 1], [3, 1]], 2);
    const rdd2 = ctx.sc.parallelize<[number, string]>([[1, 'x'], [2, 'y'], [2, 'z'], [4, 'w']], 3);
    expect(sorted(await rdd1.join(rdd2).collect())).toEqual(sorted([[1, [1, 'x']], [1, [2, 'x']], [2, [1, 'y']], [2, [1, 'z']]]));
    expect(sorted(await rdd1.leftOuterJoin(rdd2).collect())).toEqual(
      sorted([[1, [1, 'x']], [1, [2, 'x']], [2, [1, 'y']], [2, [1, 'z']], [3, [1, undefined]]]),
    );
    expect(sorted(await rdd1.rightOuterJoin(rdd2).collect())).toEqual(
      sorted([[1, [1, 'x']], [1, [2, 'x']], [2, [1, 'y']], [2, [1, 'z']], [4, [undefined, 'w']]]),
    );
    expect(sorted(await rdd1.fullOuterJoin(rdd2).collect())).toEqual(
      sorted([[1, [1, 'x']], [1, [2, 'x']], [2, [1, 'y']], [2, [1, 'z']], [3, [1, undefined]], [4, [undefined, 'w']]]),
    );
    expect(await rdd1.join(ctx.sc.parallelize<[number, string]>([[9, 'q']], 1)).collect()).toEqual([]);
    // default partition count: the larger parent's (no spark.default.parallelism set)
    expect(rdd1.join(rdd2).getNumPartitions()).toBe(3);
  });

  it('cogroup with one, two and three others', async () => {
    const a = ctx.sc.parallelize<[string, number]>([['k', 1], ['j', 2]], 2);
    const b = ctx.sc.parallelize<[string, string]>([['k', 'x']], 1);
    const c = ctx.sc.parallelize<[string, boolean]>([['j', true]], 1);
    const d = ctx.sc.parallelize<[string, number]>([['z', 0]], 1);
    const one = new Map(await a.cogroup(b).collect());
    expect(one.get('k')).toEqual([[1], ['x']]);
    expect(one.get('j')).toEqual([[2], []]);
    const two = new Map(await a.cogroup(b, c, 4).collect());
    expect(two.get('j')).toEqual([[2], [], [true]]);
    expect(a.cogroup(b, c, 4).getNumPartitions()).toBe(4);
    const three = new Map(await a.cogroup(b, c, d).collect());
    expect(three.get('z')).toEqual([[], [], [], [0]]);
  });

  it('groups tuple keys and object keys by value', async () => {
    const t = ctx.sc.parallelize<[[string, number], number]>([[['a', 1], 1], [['a', 1], 2], [['b', 1], 3]], 3);
    expect(sorted(await t.reduceByKey((x, y) => x + y).collect())).toEqual([[['a', 1], 3], [['b', 1], 3]]);
    const o = ctx.sc.parallelize<[{ id: number }, number]>([[{ id: 1 }, 1], [{ id: 1 }, 1], [{ id: 2 }, 5]], 2);
    expect(sorted(await o.reduceByKey((x, y) => x + y).collect())).toEqual([[{ id: 1 }, 2], [{ id: 2 }, 5]]);
    const im = ctx.sc.parallelize<[List<number>, number]>([[List([1, 2]), 1], [List([1, 2]), 1]], 2);
    expect((await im.reduceByKey((x, y) => x + y).collect()).map(([k, v]) => [k.toArray(), v])).toEqual([[[1, 2], 2]]);
    const j = await t.join(ctx.sc.parallelize<[[string, number], string]>([[['a', 1], 'x']], 1)).collect();
    expect(sorted(j)).toEqual([[['a', 1], [1, 'x']], [['a', 1], [2, 'x']]]);
  });

  it('partitionBy, countByKey, collectAsMap, lookup', async () => {
    const p = pairs().partitionBy(new HashPartitioner(2));
    // 'a'=97 -> 1, 'b'=98 -> 0, 'c'=99 -> 1
    expect((await p.glom().collect()).map((part) => [...new Set(part.map((kv) => kv[0]))].sort())).toEqual([['b'], ['a', 'c']]);
    expect(await pairs().countByKey()).toEqual(new Map([['a', 3], ['b', 2], ['c', 1]]));
    expect((await pairs().collectAsMap()).get('a')).toBe(6);
    expect((await pairs().lookup('a')).sort()).toEqual([1, 3, 6]);
    expect((await p.lookup('b')).sort()).toEqual([2, 5]);
    expect(await p.lookup('zz')).toEqual([]);
  });
});

describe("reduce-side output order (Spark's AppendOnlyMap slots)", () => {
  const ctx = useSparkContext('local[2]');

  it('emits aggregated keys in the slot order Spark iterates, not first-seen order', async () => {
    // Java hash codes: true 1231, false 1237; Guava murmur3 puts them in slots 51 and 3 of 64.
    // With 2 partitions both land in partition 1 (1231 % 2 = 1237 % 2 = 1), so false comes first
    // whichever key is seen first, as in every batch of the book's program on Spark.
    const trueFirst = ctx.sc.parallelize([[true, 1], [false, 1], [true, 1]] as [boolean, number][], 2);
    expect(await trueFirst.reduceByKey((a, b) => a + b).collect()).toEqual([[false, 1], [true, 2]]);
    expect(await trueFirst.groupByKey().collect()).toEqual([[false, [1]], [true, [1, 1]]]);
    const other = ctx.sc.parallelize([[true, 'y'], [false, 'x']] as [boolean, string][], 2);
    expect(await trueFirst.join(other).collect()).toEqual([[false, [1, 'x']], [true, [1, 'y']], [true, [1, 'y']]]);
  });
});
