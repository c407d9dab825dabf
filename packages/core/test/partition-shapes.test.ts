import { describe, expect, it } from 'vitest';
import { useSparkContext, sorted } from './helpers.ts';

// Every operator over the same data laid out three ways: one partition, several partitions
// with some empty, and more partitions than elements. The expected answers come from plain
// array code over the same data, independent of the engine.
const words = ['b', 'a', 'c', 'a', 'b', 'a'];
const shapes: [string, number][] = [['one partition', 1], ['several, some empty', 4], ['more partitions than elements', 10]];

describe.each(shapes)('%s', (_label, slices) => {
  const ctx = useSparkContext();
  const rdd = () => ctx.sc.parallelize(words, slices);
  const pairs = () => rdd().map((w) => [w, 1] as [string, number]);

  it('narrow transformations keep order', async () => {
    expect(await rdd().map((w) => w.toUpperCase()).collect()).toEqual(words.map((w) => w.toUpperCase()));
    expect(await rdd().filter((w) => w !== 'a').collect()).toEqual(words.filter((w) => w !== 'a'));
    expect(await rdd().flatMap((w) => [w, w]).collect()).toEqual(words.flatMap((w) => [w, w]));
    expect((await rdd().glom().collect()).flat()).toEqual(words);
    expect(await rdd().zipWithIndex().collect()).toEqual(words.map((w, i) => [w, i]));
    expect(await rdd().union(rdd()).count()).toBe(12);
    expect(await rdd().coalesce(2).collect()).toEqual(words);
  });

  it('shuffles', async () => {
    expect(sorted(await rdd().distinct().collect())).toEqual(['a', 'b', 'c']);
    expect(sorted(await pairs().reduceByKey((x, y) => x + y).collect())).toEqual([['a', 3], ['b', 2], ['c', 1]]);
    expect(sorted(await pairs().groupByKey().mapValues((vs) => vs.length).collect())).toEqual([['a', 3], ['b', 2], ['c', 1]]);
    expect(await rdd().sortBy((w) => w).collect()).toEqual([...words].sort());
    expect((await pairs().join(ctx.sc.parallelize<[string, string]>([['c', 'x']], 1)).collect())).toEqual([['c', [1, 'x']]]);
    expect(sorted(await rdd().repartition(3).collect())).toEqual([...words].sort());
    expect(await rdd().countByValue()).toEqual(new Map([['b', 2], ['a', 3], ['c', 1]]));
  });

  it('actions', async () => {
    expect(await rdd().count()).toBe(6);
    expect(await rdd().take(4)).toEqual(words.slice(0, 4));
    expect(await rdd().first()).toBe('b');
    expect(await rdd().top(2)).toEqual(['c', 'b']);
    expect(await rdd().takeOrdered(2)).toEqual(['a', 'a']);
    expect(await rdd().reduce((x, y) => (x < y ? x : y))).toBe('a');
    expect(await rdd().map((w) => w.length).fold(0, (x, y) => x + y)).toBe(6);
    expect(await rdd().aggregate(0, (n, w) => n + w.length, (x, y) => x + y)).toBe(6);
    expect(await rdd().isEmpty()).toBe(false);
  });
});
