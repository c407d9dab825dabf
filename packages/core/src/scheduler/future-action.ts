import type { RDD } from '../rdd/rdd.ts';
import type { TaskContext } from './task-context.ts';

/**
 * How an asynchronous action submits its jobs: as `SparkContext.runJob`, tracked by its
 * {@link FutureAction}. @internal
 */
export type JobSubmitter = <T, U>(rdd: RDD<T>, func: (data: readonly T[], ctx: TaskContext) => U, partitions: readonly number[] | undefined, callSite: string) => Promise<U[]>;

/** What the future's owner gives it: submits a job, handing its id over at once. @internal */
export interface FutureJobs {
  submit<T, U>(rdd: RDD<T>, func: (data: readonly T[], ctx: TaskContext) => U, partitions: readonly number[] | undefined, callSite: string, submitted: (jobId: number) => void): Promise<U[]>;
  cancel(jobId: number): void;
}

/**
 * The result of an asynchronous action (`countAsync`, `collectAsync`, `takeAsync`,
 * `foreachAsync`, `foreachPartitionAsync`), as Spark's `FutureAction`: a promise (await it,
 * or `then`/`catch`/`finally`) that can be cancelled.
 *
 * The action's first job is submitted at once and starts on the event loop's next turn, so
 * code that runs on after the call (more submissions, a `cancel()`) runs before any of its
 * tasks. `cancel()` fails the running job with `JobCancelledError` (`Job 0 cancelled`) before
 * its next task, and a later job of the same action (`takeAsync` may need several) with
 * `Action has been cancelled`; a job that had already finished keeps its result.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('async'));
 * const counting = sc.parallelize([1, 2, 3, 4, 5], 2).countAsync();
 * const first = sc.parallelize(['a', 'b', 'c'], 3).takeAsync(2);
 * assert.equal(await counting, 5);
 * assert.deepEqual(await first, ['a', 'b']);
 * assert.equal(counting.isCompleted, true);
 *
 * const cancelled = sc.parallelize([1, 2, 3], 3).collectAsync();
 * cancelled.cancel();
 * await assert.rejects(cancelled, /Job \d+ cancelled/);
 * sc.stop();
 * ```
 */
export class FutureAction<T> implements PromiseLike<T> {
  private readonly promise: Promise<T>;
  private readonly ids: number[] = [];
  private readonly running = new Set<number>();
  private cancelled = false;
  private settled = false;

  /** @internal */
  constructor(
    private readonly jobs: FutureJobs,
    action: (submit: JobSubmitter) => Promise<T>,
  ) {
    const submit: JobSubmitter = (rdd, func, partitions, callSite) => {
      if (this.cancelled) return Promise.reject(new Error('Action has been cancelled'));
      let id = -1;
      const job = this.jobs.submit(rdd, func, partitions, callSite, (jobId) => {
        id = jobId;
        this.ids.push(jobId);
        this.running.add(jobId);
      });
      return job.finally(() => this.running.delete(id));
    };
    this.promise = action(submit).finally(() => {
      this.settled = true;
    });
    // A cancelled action nobody awaits is no unhandled rejection (Spark's future is no error
    // either until someone asks for its value); awaiting it still rejects.
    this.promise.catch(() => undefined);
  }

  /** Cancels the action: its running job fails before its next task, and it submits no more. */
  cancel(): void {
    if (this.settled) {
      this.cancelled = true;
      return;
    }
    this.cancelled = true;
    for (const id of this.running) this.jobs.cancel(id);
  }

  /** True once `cancel()` was called. */
  get isCancelled(): boolean { return this.cancelled; }

  /** True once the action finished, successfully or not. */
  get isCompleted(): boolean { return this.settled; }

  /** The ids of the jobs the action submitted so far, in order. */
  get jobIds(): readonly number[] { return this.ids.slice(); }

  /** The result (Spark's blocking `get()`): the action's promise. */
  get(): Promise<T> { return this.promise; }

  then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.promise.then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.promise.catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.promise.finally(onFinally);
  }

  get [Symbol.toStringTag](): string { return 'FutureAction'; }
}
