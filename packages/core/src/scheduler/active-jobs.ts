import { JobCancelledError } from './job-cancelled-error.ts';

/** Spark's local property naming a job's group (`sc.setJobGroup`). */
export const SPARK_JOB_GROUP_ID = 'spark.jobGroup.id';
/** Spark's local property holding a job's description (`sc.setJobDescription`). */
export const SPARK_JOB_DESCRIPTION = 'spark.job.description';
/** Spark's local property asking to interrupt a cancelled job's running tasks. */
export const SPARK_JOB_INTERRUPT_ON_CANCEL = 'spark.job.interruptOnCancel';

/** A running job: its id, the local properties it was submitted with, and its cancellation. */
interface ActiveJob {
  readonly properties: ReadonlyMap<string, string>;
  cancelReason: string | undefined;
}

/**
 * The jobs of a context that are running, with the local properties each was submitted with
 * (Spark's `DAGScheduler.activeJobs`), and which of them were cancelled. A cancelled job fails
 * with {@link JobCancelledError} at its next check: before each task in this thread, and
 * between stages wherever tasks run. The check costs one comparison while nothing is cancelled.
 * @internal
 */
export class ActiveJobs {
  private readonly jobs = new Map<number, ActiveJob>();
  private cancelledCount = 0;

  register(jobId: number, properties: ReadonlyMap<string, string>): void {
    this.jobs.set(jobId, { properties, cancelReason: undefined });
  }

  end(jobId: number): void {
    const job = this.jobs.get(jobId);
    if (job === undefined) return;
    if (job.cancelReason !== undefined) this.cancelledCount--;
    this.jobs.delete(jobId);
  }

  /** The properties `jobId` was submitted with, while it runs. */
  propertiesOf(jobId: number): ReadonlyMap<string, string> | undefined { return this.jobs.get(jobId)?.properties; }

  /** Cancels one running job (nothing when it is not running or already cancelled). */
  cancel(jobId: number, reason: string): void {
    const job = this.jobs.get(jobId);
    if (job === undefined || job.cancelReason !== undefined) return;
    job.cancelReason = reason;
    this.cancelledCount++;
  }

  /** Cancels the running jobs of `groupId`, with Spark's reason. */
  cancelGroup(groupId: string): void {
    for (const [id, job] of this.jobs) if (job.properties.get(SPARK_JOB_GROUP_ID) === groupId) this.cancel(id, `part of cancelled job group ${groupId}`);
  }

  /** Cancels every running job, with Spark's reason. */
  cancelAll(): void {
    for (const id of this.jobs.keys()) this.cancel(id, 'as part of cancellation of all jobs');
  }

  /** Throws the job's {@link JobCancelledError} when it was cancelled. */
  throwIfCancelled(jobId: number): void {
    if (this.cancelledCount === 0) return;
    const reason = this.jobs.get(jobId)?.cancelReason;
    if (reason !== undefined) throw new JobCancelledError(jobId, reason);
  }
}
