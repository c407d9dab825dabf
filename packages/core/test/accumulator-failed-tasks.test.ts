import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';

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
