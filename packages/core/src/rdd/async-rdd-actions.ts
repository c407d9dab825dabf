// Spark's `AsyncRDDActions` (`countAsync`, `collectAsync`, `takeAsync`, `foreachAsync`,
// `foreachPartitionAsync`), added to `RDD` from here as Scala adds them through an implicit.
import { RDD } from './rdd.ts';
import { FutureAction, type FutureJobs, type JobSubmitter } from '../scheduler/future-action.ts';
import { takeFrom } from './take.ts';
import { rejectAsync } from './reject-async.ts';

declare module './rdd.ts' {
  interface RDD<T> {
    /**
     * The number of elements, as Spark's `countAsync`: a {@link FutureAction} (await it, or
     * `cancel()` it). The job starts on the event loop's next turn.
     */
    countAsync(): FutureAction<number>;
    /** All elements, partition by partition, as Spark's `collectAsync` (a {@link FutureAction}). */
    collectAsync(): FutureAction<T[]>;
    /**
     * The first `num` elements, as Spark's `takeAsync` (a {@link FutureAction}): scans as `take`
     * does, a job at a time; after `cancel()` no further job is submitted.
     */
    takeAsync(num: number): FutureAction<T[]>;
    /** Runs `f` on every element (in the tasks), as Spark's `foreachAsync` (a {@link FutureAction}). */
    foreachAsync(f: (t: T) => void): FutureAction<void>;
    /** Runs `f` on every partition (an array; do not mutate it), as Spark's `foreachPartitionAsync`. */
    foreachPartitionAsync(f: (it: Iterable<T>) => void): FutureAction<void>;
  }
}

/** The context's job submission and cancellation, as a future needs them. */
function jobsOf(rdd: RDD<unknown>): FutureJobs {
  const sc = rdd.context;
  return {
    submit: (r, func, partitions, callSite, submitted) => sc.submitJob(r, func, partitions, callSite, submitted),
    cancel: (jobId) => sc.cancelJob(jobId),
  };
}

function futureOf<T, R>(rdd: RDD<T>, action: (submit: JobSubmitter) => Promise<R>): FutureAction<R> {
  return new FutureAction<R>(jobsOf(rdd as RDD<unknown>), action);
}

RDD.prototype.countAsync = function countAsync<T>(this: RDD<T>): FutureAction<number> {
  return futureOf(this, async (submit) => {
    const counts = await submit(this, (data) => data.length, undefined, 'countAsync');
    let n = 0;
    for (const c of counts) n += c;
    return n;
  });
};

RDD.prototype.collectAsync = function collectAsync<T>(this: RDD<T>): FutureAction<T[]> {
  return futureOf(this, async (submit) => {
    const parts = await submit(this, (data: readonly T[]) => data, undefined, 'collectAsync');
    return ([] as T[]).concat(...(parts as T[][]));
  });
};

RDD.prototype.takeAsync = function takeAsync<T>(this: RDD<T>, num: number): FutureAction<T[]> {
  return futureOf(this, (submit) => takeFrom(this, num, submit, 'takeAsync'));
};

RDD.prototype.foreachAsync = function foreachAsync<T>(this: RDD<T>, f: (t: T) => void): FutureAction<void> {
  return futureOf(this, async (submit) => {
    await submit(this, (data: readonly T[]) => {
      for (let i = 0; i < data.length; i++) rejectAsync(f(data[i]!), 'foreachAsync');
    }, undefined, 'foreachAsync');
  });
};

RDD.prototype.foreachPartitionAsync = function foreachPartitionAsync<T>(this: RDD<T>, f: (it: Iterable<T>) => void): FutureAction<void> {
  return futureOf(this, async (submit) => {
    await submit(this, (data: readonly T[]) => { rejectAsync(f(data), 'foreachPartitionAsync'); }, undefined, 'foreachPartitionAsync');
  });
};
