import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';
import type { JobEndEvent, JobStartEvent } from '../src/index.ts';

describe('scheduler', () => {
  const ctx = useSparkContext();

  it('reports jobs to listeners with their shuffle stages', async () => {
    const starts: JobStartEvent[] = [];
    const ends: JobEndEvent[] = [];
    const l = { onJobStart: (e: JobStartEvent) => starts.push(e), onJobEnd: (e: JobEndEvent) => ends.push(e) };
    ctx.sc.addJobListener(l);
    const r = ctx.sc.parallelize<[number, number]>([[1, 1]], 2).reduceByKey((a, b) => a + b).groupByKey(3);
    await r.count();
    expect(starts.map((s) => s.callSite)).toEqual(['count']);
    expect(ends[0]!.shuffleStagesRun).toBe(2);
    expect(ends[0]!.error).toBeUndefined();
    ctx.sc.removeJobListener(l);
    await r.count();
    expect(starts).toHaveLength(1);
  });

  it('keeps timers alive during a long job (yields between tasks)', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    try {
      const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* spin */ } };
      await ctx.sc.parallelize(Array.from({ length: 20 }, (_, i) => i), 20).foreach(() => busy(3));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('runs concurrent actions on one context', async () => {
    const a = ctx.sc.parallelize([1, 2, 3], 3).map((x) => x * 2);
    const b = ctx.sc.parallelize<[string, number]>([['k', 1], ['k', 2]], 2).reduceByKey((x, y) => x + y);
    const [x, y] = await Promise.all([a.collect(), b.collect()]);
    expect(x).toEqual([2, 4, 6]);
    expect(y).toEqual([['k', 3]]);
  });

  it('toDebugString shows stages like Spark', () => {
    const r = ctx.sc.parallelize<[number, number]>([[1, 1]], 2).map((x) => x).reduceByKey((a, b) => a + b).setName('sums').cache();
    expect(r.toDebugString()).toBe(
      [
        `(2) sums ShuffledRDD[${r.id}] at reduceByKey [Memory Deserialized 1x Replicated]`,
        ` +-(2) MapPartitionsRDD[${r.id - 1}] at map []`,
        `    |  ParallelCollectionRDD[${r.id - 2}] at parallelize []`,
      ].join('\n'),
    );
    const a = ctx.sc.parallelize([1], 1);
    const b = ctx.sc.parallelize([2], 1);
    const u = a.union(b);
    expect(u.toDebugString()).toBe(
      [`(2) UnionRDD[${u.id}] at union []`, ` |  ParallelCollectionRDD[${a.id}] at parallelize []`, ` |  ParallelCollectionRDD[${b.id}] at parallelize []`].join('\n'),
    );
  });
});
