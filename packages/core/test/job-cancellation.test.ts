// Asynchronous actions (Spark's AsyncRDDActions and FutureAction) and job groups, with the
// group cases of Spark's JobCancellationSuite. Spark's tests block tasks on semaphores until a
// second thread cancels; tasks here run synchronously in one thread, so the cancelling call is
// made where Spark's would land: before the job's tasks start, or from inside a running task
// (the job then stops before its next task).
import { describe, expect, it } from 'vitest';
import { JobCancelledError, type JobStartEvent } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(['local[1]', 'local[2]'])('asynchronous actions under %s', (master) => {
  const ctx = useSparkContext(master);

  it('countAsync, collectAsync, takeAsync, foreachAsync and foreachPartitionAsync give the actions\' results', async () => {
    const rdd = ctx.sc.parallelize(range(1, 10), 3);
    const count = rdd.countAsync();
    expect(count.isCompleted).toBe(false);
    expect(count.jobIds).toHaveLength(1);
    expect(await count).toBe(10);
    expect(count.isCompleted).toBe(true);
    expect(count.isCancelled).toBe(false);
    expect(await rdd.collectAsync()).toEqual(range(1, 10));
    expect(await rdd.takeAsync(4)).toEqual([1, 2, 3, 4]);
    const seen = ctx.sc.longAccumulator('seen');
    await rdd.foreachAsync((x) => seen.add(x));
    expect(seen.value).toBe(55);
    const sizes: number[] = [];
    await rdd.foreachPartitionAsync((it) => { sizes.push([...it].length); });
    expect(sizes.sort()).toEqual([3, 3, 4]);
  });

  it('takeAsync scans as take does, one job at a time', async () => {
    // One element in the last of 8 partitions: 1 partition, then 4, then the last 3.
    const f = ctx.sc.parallelize([7], 8).takeAsync(1);
    expect(await f).toEqual([7]);
    expect(f.jobIds).toHaveLength(3);
    expect(new Set(f.jobIds).size).toBe(3);
  });

  it('cancel() before the job\'s tasks start fails it with Spark\'s error and runs no task', async () => {
    let computed = 0;
    const f = ctx.sc.parallelize(range(1, 100), 4).map((x) => { computed++; return x; }).collectAsync();
    f.cancel();
    expect(f.isCancelled).toBe(true);
    const error = await f.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(JobCancelledError);
    expect((error as JobCancelledError).message).toBe(`Job ${f.jobIds[0]} cancelled`);
    expect(computed).toBe(0);
    // The context still runs jobs.
    expect(await ctx.sc.parallelize(range(1, 10), 2).count()).toBe(10);
  });

  it('a cancelled takeAsync submits no further job (Spark\'s ComplexFutureAction)', async () => {
    let future: ReturnType<typeof rdd.takeAsync> | undefined;
    // The first job scans partition 0 only, which is empty: take needs another job.
    const rdd = ctx.sc.parallelize([1, 2, 3], 4).mapPartitionsWithIndex((i, it) => {
      if (i === 0) future!.cancel();
      return it;
    });
    future = rdd.takeAsync(2);
    await expect(future).rejects.toThrow('Action has been cancelled');
    expect(future.jobIds).toHaveLength(1);
  });

  it('cancel() after the action finished keeps its result', async () => {
    const f = ctx.sc.parallelize([1, 2, 3], 2).countAsync();
    expect(await f).toBe(3);
    f.cancel();
    expect(f.isCancelled).toBe(true);
    expect(await f).toBe(3);
  });

  it('an async function in foreachAsync fails the task', async () => {
    await expect(ctx.sc.parallelize([1], 1).foreachAsync(async () => {})).rejects.toThrow(/foreachAsync returned a Promise/);
  });
});

describe.each(['local[1]', 'local[2]'])('job groups under %s (JobCancellationSuite)', (master) => {
  const ctx = useSparkContext(master);

  it('job group: cancelling jobA fails it, and jobB, outside the group, finishes', async () => {
    const sc = ctx.sc;
    let computedA = 0;
    sc.setJobGroup('jobA', 'this is a job to be cancelled');
    const jobA = sc.parallelize(range(1, 10000), 2).map((i) => { computedA++; return i; }).countAsync();
    sc.clearJobGroup();
    const jobB = sc.parallelize(range(1, 100), 2).countAsync();
    sc.cancelJobGroup('jobA');
    const e = await jobA.then(() => undefined, (err: unknown) => err as Error);
    expect(e?.message).toContain('cancel');
    expect(e?.message).toBe(`Job ${jobA.jobIds[0]} cancelled part of cancelled job group jobA`);
    expect(computedA).toBe(0);
    expect(await jobB).toBe(100);
  });

  it('a running job stops before its next task when its group is cancelled', async () => {
    const sc = ctx.sc;
    const computed = new Set<number>();
    sc.setJobGroup('jobA', 'this is a job to be cancelled');
    const rdd = sc.parallelize(range(1, 10000), 2).mapPartitionsWithIndex((p, it) => {
      computed.add(p);
      sc.cancelJobGroup('jobA');
      return it;
    });
    await expect(rdd.count()).rejects.toThrow(/^Job \d+ cancelled part of cancelled job group jobA$/);
    // The first task ran to its end; the second never started.
    expect([...computed]).toEqual([0]);
    // Spark 3: jobs submitted to the group after the cancellation run.
    expect(await sc.parallelize(range(1, 100), 2).count()).toBe(100);
  });

  it('inherited job group (SPARK-6629): a job submitted later from other async code carries the group', async () => {
    const sc = ctx.sc;
    sc.setJobGroup('jobA', 'this is a job to be cancelled');
    const later = new Promise<number>((resolve, reject) => {
      setImmediate(() => {
        sc.parallelize(range(1, 10000), 2).map((i) => { sc.cancelJobGroup('jobA'); return i; }).count().then(resolve, reject);
      });
    });
    await expect(later).rejects.toThrow(/cancel/);
    sc.clearJobGroup();
    expect(await sc.parallelize(range(1, 100), 2).countAsync()).toBe(100);
  });

  it('a shuffle job cancelled in its map stage does not run its result stage', async () => {
    const sc = ctx.sc;
    let reduced = 0;
    sc.setJobGroup('g', 'shuffle');
    const counts = sc.parallelize(range(1, 100), 4)
      .map((x) => { sc.cancelJobGroup('g'); return [x % 3, 1] as [number, number]; })
      .reduceByKey((a, b) => a + b)
      .map((kv) => { reduced++; return kv; });
    await expect(counts.collect()).rejects.toThrow(/cancelled part of cancelled job group g/);
    expect(reduced).toBe(0);
  });

  it('cancelAllJobs fails every running job with Spark\'s reason', async () => {
    const sc = ctx.sc;
    const a = sc.parallelize(range(1, 10), 2).countAsync();
    const b = sc.parallelize(range(1, 10), 2).collectAsync();
    sc.cancelAllJobs();
    await expect(a).rejects.toThrow(`Job ${a.jobIds[0]} cancelled as part of cancellation of all jobs`);
    await expect(b).rejects.toThrow(`Job ${b.jobIds[0]} cancelled as part of cancellation of all jobs`);
    expect(await sc.parallelize(range(1, 10), 2).count()).toBe(10);
  });

  it('do not put partially executed partitions into cache', async () => {
    const sc = ctx.sc;
    let cancelled = false;
    const rdd = sc.parallelize(range(1, 1000), 2).map((x) => {
      if (x > 10 && !cancelled) {
        cancelled = true;
        sc.cancelAllJobs();
      }
      return x;
    }).cache();
    const rdd1 = rdd.map((x) => x);
    await expect(rdd1.count()).rejects.toThrow(/cancel/);
    // A partial block in the cache would make this less than 1000.
    expect(await rdd.count()).toBe(1000);
  });

  it('jobs carry the local properties they were submitted with', async () => {
    const sc = ctx.sc;
    const starts: JobStartEvent[] = [];
    sc.addJobListener({ onJobStart: (e) => starts.push(e) });
    expect(sc.getLocalProperty('spark.jobGroup.id')).toBeUndefined();
    sc.setJobGroup('nightly', 'recount', true);
    expect(sc.getLocalProperty('spark.jobGroup.id')).toBe('nightly');
    expect(sc.getLocalProperty('spark.job.description')).toBe('recount');
    expect(sc.getLocalProperty('spark.job.interruptOnCancel')).toBe('true');
    const pending = sc.parallelize([1, 2], 2).countAsync();
    sc.setJobDescription('second');
    sc.setLocalProperty('custom', 'x');
    await sc.parallelize([1], 1).count();
    await pending;
    sc.clearJobGroup();
    sc.setLocalProperty('custom', null);
    await sc.parallelize([1], 1).count();
    const props = starts.map((s) => Object.fromEntries(s.properties ?? []));
    expect(props).toEqual([
      { 'spark.job.description': 'recount', 'spark.jobGroup.id': 'nightly', 'spark.job.interruptOnCancel': 'true' },
      { 'spark.job.description': 'second', 'spark.jobGroup.id': 'nightly', 'spark.job.interruptOnCancel': 'true', custom: 'x' },
      {},
    ]);
    expect(sc.getLocalProperty('custom')).toBeUndefined();
  });
});
