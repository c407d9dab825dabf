import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';
import type { JobEndEvent, JobStartEvent, StageInfo } from '../src/index.ts';

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

  it("reports each stage's id, job and task counts when submitted and completed, as Spark's listener", async () => {
    const submitted: StageInfo[] = [];
    const completed: StageInfo[] = [];
    const jobs: number[] = [];
    ctx.sc.addJobListener({
      onJobStart: (e) => jobs.push(e.jobId),
      onStageSubmitted: (e) => submitted.push(e.stageInfo),
      onStageCompleted: (e) => completed.push(e.stageInfo),
    });
    const pairs = ctx.sc.parallelize<[number, number]>(Array.from({ length: 20 }, (_, i) => [i % 5, 1]), 4);
    const sums = pairs.reduceByKey((a, b) => a + b, 3);
    expect(await sums.count()).toBe(5);
    // One job, two stages: the map side over the 4 input partitions, then the count over 3.
    expect(jobs).toHaveLength(1);
    expect(submitted.map((s) => [s.jobId, s.kind, s.numTasks, s.numCompletedTasks])).toEqual([[jobs[0], 'ShuffleMapStage', 4, 0], [jobs[0], 'ResultStage', 3, 0]]);
    expect(completed.map((s) => [s.stageId, s.kind, s.numTasks, s.numCompletedTasks, s.numFailedTasks])).toEqual([
      [submitted[0]!.stageId, 'ShuffleMapStage', 4, 4, 0],
      [submitted[1]!.stageId, 'ResultStage', 3, 3, 0],
    ]);
    expect(submitted[1]!.stageId).toBeGreaterThan(submitted[0]!.stageId);
    expect(submitted[1]!.name).toContain('count');
    for (const s of completed) {
      expect(s.failureReason).toBeUndefined();
      expect(s.completionTime).toBeGreaterThanOrEqual(s.submissionTime);
    }

    // Again: the shuffle's map outputs are reused, so only a result stage runs (Spark skips the map stage).
    expect(await sums.collect()).toHaveLength(5);
    expect(jobs).toHaveLength(2);
    expect(completed.slice(2).map((s) => [s.jobId, s.kind, s.numTasks, s.numCompletedTasks])).toEqual([[jobs[1], 'ResultStage', 3, 3]]);

    // A task failing in the third of four partitions: the tasks before it completed (they run
    // in partition order on this thread), one failed, the last never ran.
    await expect(ctx.sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8], 4).map((x) => { if (x === 5) throw new Error('five'); return x; }).collect()).rejects.toThrow(/five/);
    const failed = completed[completed.length - 1]!;
    expect([failed.jobId, failed.kind, failed.numTasks, failed.numCompletedTasks, failed.numFailedTasks]).toEqual([jobs[2], 'ResultStage', 4, 2, 1]);
    expect(failed.failureReason).toContain('five');
  });

  it('walks a job\'s lineage once when it has no shuffle to run, twice otherwise (counted)', async () => {
    const dag = (ctx.sc as unknown as { dagScheduler: { missingShuffles: (root: unknown) => unknown[] } }).dagScheduler;
    const original = dag.missingShuffles;
    let walks = 0;
    dag.missingShuffles = function (this: unknown, root: unknown) {
      walks++;
      return original.call(this, root);
    };
    try {
      const lines = ctx.sc.parallelize(['the a', 'b', 'the c', 'd the', 'e'], 2);
      expect(await lines.filter((l) => l.includes('the')).count()).toBe(3);
      expect(walks).toBe(0);
      const sums = lines.map((l) => [l.length, 1] as [number, number]).reduceByKey((a, b) => a + b, 2);
      expect((await sums.collect()).sort((a, b) => a[0] - b[0])).toEqual([[1, 2], [5, 3]]);
      expect(walks).toBe(1);
      // The shuffle's map outputs are kept: a second job over it has no stage to run before its own.
      expect(await sums.count()).toBe(2);
      expect(walks).toBe(1);
      // A job with preparations (sortBy's range bounds) walks again after them.
      expect((await lines.sortBy((l) => l).collect())).toEqual(['b', 'd the', 'e', 'the a', 'the c']);
      expect(walks).toBe(2);
    } finally {
      dag.missingShuffles = original;
    }
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
