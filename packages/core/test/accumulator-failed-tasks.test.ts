import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSparkContext, useTempDir } from './helpers.ts';

// Spark counts a user accumulator's updates only for tasks that succeed (AccumulatorV2's
// `countFailedValues` is false; DAGScheduler.updateAccumulators runs on a task's success):
// a task that throws adds nothing, not even what it added before the throw. Tasks run in
// partition order on one thread, so the tasks before the failing one count and those after
// it never run. Slices of parallelize([1..6], 3): [1, 2], [3, 4], [5, 6].
describe('accumulator updates of failed tasks (local[1])', () => {
  const ctx = useSparkContext('local[1]');
  const six = [1, 2, 3, 4, 5, 6];

  it('a result task that throws adds nothing to a LongAccumulator; the tasks before it count', async () => {
    const acc = ctx.sc.longAccumulator('seen');
    const job = ctx.sc.parallelize(six, 3).map((x) => {
      acc.add(x);
      if (x === 4) throw new Error('bad record 4');
      return x;
    }).collect();
    await expect(job).rejects.toThrow(/bad record 4/);
    // Task 0 succeeded (1 + 2); task 1 added 3 before it threw; task 2 never ran.
    expect(acc.value).toBe(3);
    expect(acc.count).toBe(2);
  });

  it('a shuffle map task that throws adds nothing, the same for double and collection accumulators', async () => {
    const sum = ctx.sc.doubleAccumulator('sum');
    const seen = ctx.sc.collectionAccumulator<number>('seen');
    const job = ctx.sc.parallelize(six, 3).map((x) => {
      sum.add(x / 2);
      seen.add(x);
      if (x === 6) throw new Error('bad record 6');
      return [x % 2, x] as [number, number];
    }).reduceByKey((a, b) => a + b).collect();
    await expect(job).rejects.toThrow(/bad record 6/);
    // Map tasks 0 and 1 succeeded; task 2 added 5 and 6 before it threw.
    expect(seen.value).toEqual([1, 2, 3, 4]);
    expect(sum.value).toBe(5);
    expect(sum.count).toBe(4);
  });

  it('a job run again after a failure counts each of its tasks once', async () => {
    const acc = ctx.sc.longAccumulator('seen');
    let failOn = 3;
    const rdd = ctx.sc.parallelize(six, 3).map((x) => {
      acc.add(1);
      if (x === failOn) throw new Error(`bad record ${x}`);
      return x;
    });
    await expect(rdd.collect()).rejects.toThrow(/bad record 3/);
    expect(acc.value).toBe(2);
    failOn = -1;
    expect(await rdd.collect()).toEqual(six);
    // The failed run's first task, then every task of the second run once.
    expect(acc.value).toBe(2 + 6);
  });

  it('additions outside tasks count at once, and an action\'s function that throws drops its task\'s additions', async () => {
    const acc = ctx.sc.longAccumulator('seen');
    acc.add(10);
    expect(acc.value).toBe(10);
    const job = ctx.sc.parallelize(six, 3).foreach((x) => {
      acc.add(x);
      if (x === 5) throw new Error('bad record 5');
    });
    await expect(job).rejects.toThrow(/bad record 5/);
    // Tasks 0 and 1 (1 + 2 + 3 + 4); task 2 added 5 and threw.
    expect(acc.value).toBe(10 + 10);
  });
});

// Spark writes an RDD's checkpoint in a job of its own whose tasks compute their partition and
// write it: a task whose write fails has its updates dropped. The partitions the action's own
// job computed (and cached, so that Spark's checkpoint job reads them rather than computing
// them again) count with that job either way.
describe('accumulator updates of the checkpoint job (local[1])', () => {
  const ctx = useSparkContext('local[1]');
  const tmp = useTempDir();

  async function takeOneOfCheckpointed(blockWrite: boolean): Promise<{ error: unknown; added: number; count: number }> {
    ctx.sc.setCheckpointDir(tmp.dir);
    const acc = ctx.sc.longAccumulator('computed');
    // Slices [1, 2], [3, 4], [5, 6]: take(1) computes partition 0 only.
    const rdd = ctx.sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => { acc.add(x); return x; }).cache();
    rdd.checkpoint();
    if (blockWrite) {
      // A file where the application's checkpoint folder goes (permissions do not stop root).
      rmSync(ctx.sc.getCheckpointDir()!, { recursive: true, force: true });
      writeFileSync(ctx.sc.getCheckpointDir()!, 'a file where the folder goes');
    }
    const error = await rdd.take(1).then(() => undefined, (e: unknown) => e);
    return { error, added: acc.value, count: acc.count };
  }

  it('a failed checkpoint write drops what computing its missing partitions added', async () => {
    const r = await takeOneOfCheckpointed(true);
    expect(String((r.error as Error)?.message)).toMatch(/Could not write the checkpoint of .* to .*rdd-\d+/);
    // Partition 0 (1 + 2), from take's job; partitions 1 and 2 only in the failed checkpoint job.
    expect(r.added).toBe(3);
    expect(r.count).toBe(2);
  });

  it('a written checkpoint counts every partition once', async () => {
    const r = await takeOneOfCheckpointed(false);
    expect(r.error).toBeUndefined();
    expect(r.added).toBe(21);
    expect(r.count).toBe(6);
  });
});
