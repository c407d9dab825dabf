// Which lineages a job or a batch's sharing plan can take as a line without walking them, and
// that a job over a narrow line asks no RDD for its storage level before its task runs (the
// general walk asks each RDD of the lineage). Answers worked out by hand; counted, not timed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RDD, isLine } from '../src/index.ts';
import { isNarrowLine } from '../src/scheduler/lineage-line.ts';
import { useSparkContext } from './helpers.ts';

describe('lineages that are lines', () => {
  const ctx = useSparkContext('local[1]');
  afterEach(() => { vi.restoreAllMocks(); });

  it('tells lines, narrow lines and the rest apart', () => {
    const sc = ctx.sc;
    const source = sc.parallelize([1, 2, 3, 4], 2);
    const narrow = source.map((x) => x * 2).filter((x) => x > 2).mapPartitions((p) => [...p]);
    expect([isLine(source), isNarrowLine(source)]).toEqual([true, true]);
    expect([isLine(narrow), isNarrowLine(narrow)]).toEqual([true, true]);
    // A shuffle keeps a line a line, but a job over it has a map stage to run.
    const shuffled = narrow.map((x) => [x % 3, x] as [number, number]).reduceByKey((a, b) => a + b).map(([k]) => k);
    expect([isLine(shuffled), isNarrowLine(shuffled)]).toEqual([true, false]);
    // zipWithIndex counts its parent's partitions before a job (a preparation).
    const indexed = narrow.zipWithIndex();
    expect([isLine(indexed), isNarrowLine(indexed)]).toEqual([true, false]);
    // Two parents: the same RDD can be reached twice.
    const both = narrow.union(narrow);
    expect([isLine(both), isNarrowLine(both)]).toEqual([false, false]);
    expect([isLine(both.map((x) => x)), isNarrowLine(both.map((x) => x))]).toEqual([false, false]);
    // Longer than the checks follow: not known to be a line, so the general walks take it.
    let deep: RDD<number> = source;
    for (let i = 0; i < 70; i++) deep = deep.map((x) => x + 1);
    expect([isLine(deep), isNarrowLine(deep)]).toEqual([false, false]);
  });

  it('runs a job over a narrow line asking no RDD for its storage level before the task', async () => {
    const sc = ctx.sc;
    // 1..10 in 3 partitions, squared, the even squares: 4 16 36 64 100.
    const line = sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3).map((x) => x * x).filter((x) => x % 2 === 0);
    const asked = vi.spyOn(RDD.prototype, 'getStorageLevel');
    let beforeFirstRecord = -1;
    const counted = line.map((x) => {
      if (beforeFirstRecord < 0) beforeFirstRecord = asked.mock.calls.length;
      return x;
    });
    expect(await counted.collect()).toEqual([4, 16, 36, 64, 100]);
    // Only the first task's check that map, filter and map fuse into one loop (one question
    // each); before, the job's walk for its preparations had asked all 4 RDDs first (7).
    expect(beforeFirstRecord).toBe(3);
  });

  it('still runs the preparation and the map stage of a line that has them', async () => {
    const sc = ctx.sc;
    const words = sc.parallelize(['a', 'b', 'a', 'c', 'b', 'a'], 2);
    expect(await words.zipWithIndex().filter(([w]) => w === 'a').map(([, i]) => i).collect()).toEqual([0, 2, 5]);
    expect((await words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect()).sort()).toEqual([['a', 3], ['b', 2], ['c', 1]]);
  });
});
