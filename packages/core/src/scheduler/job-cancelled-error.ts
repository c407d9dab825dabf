/**
 * A job was cancelled before it finished, as Spark's `SparkException` of class
 * `SPARK_JOB_CANCELLED`: `Job 3 cancelled part of cancelled job group nightly`, `Job 0
 * cancelled as part of cancellation of all jobs`, or `Job 1 cancelled` for a `FutureAction`'s
 * `cancel()`. Tasks that had finished keep their effects (a task is never stopped halfway: it
 * runs synchronously); the tasks not yet run do not run.
 */
export class JobCancelledError extends Error {
  constructor(
    /** The cancelled job. */
    readonly jobId: number,
    /** Why: Spark's reason text (empty when none was given). */
    readonly reason: string,
  ) {
    super(reason === '' ? `Job ${jobId} cancelled` : `Job ${jobId} cancelled ${reason}`);
    this.name = 'JobCancelledError';
  }
}
