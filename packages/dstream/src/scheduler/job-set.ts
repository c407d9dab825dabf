import type { MapSideGroup, RDD, Time } from '@kindling/core';
import { BatchInfo } from './batch-info.ts';
import type { Job } from './job.ts';
import { OutputOperationInfo } from './output-operation-info.ts';
import type { StreamInputInfo } from './stream-input-info.ts';

/**
 * The jobs of one batch and their progress (Spark's `JobSet`).
 *
 * Progress is kept as plain times per job (by position in {@link JobSet.jobs}); the
 * {@link OutputOperationInfo}s and {@link BatchInfo} Spark's listeners receive are built only
 * when asked for, so that a batch nobody listens to allocates none of them and never formats
 * its operations' descriptions (call sites).
 * @internal
 */
export class JobSet {
  readonly submissionTime = Date.now();
  processingStartTime: number | undefined;
  processingEndTime: number | undefined;
  /** Per job (same index): when its output operation started and ended, and why it failed. */
  private readonly startTimes: (number | undefined)[];
  private readonly endTimes: (number | undefined)[];
  private readonly failureReasons: (string | undefined)[];

  constructor(
    readonly time: Time,
    readonly jobs: readonly Job[],
    readonly inputInfos: ReadonlyMap<number, StreamInputInfo>,
    /** RDDs persisted for this batch only because several outputs share them. */
    readonly sharedRDDs: readonly RDD<unknown>[] = [],
    /** Map sides run in one pass over a shared RDD's partition, for this batch only. */
    readonly mapSideGroups: readonly MapSideGroup[] = [],
  ) {
    const n = jobs.length;
    this.startTimes = new Array<number | undefined>(n).fill(undefined);
    this.endTimes = new Array<number | undefined>(n).fill(undefined);
    this.failureReasons = new Array<string | undefined>(n).fill(undefined);
  }

  /** Records that job `index` (of {@link JobSet.jobs}) started now. */
  markOpStarted(index: number): void {
    this.startTimes[index] = Date.now();
  }

  /** Records that job `index` ended now, failed when `failureReason` is given. */
  markOpCompleted(index: number, failureReason: string | undefined): void {
    this.endTimes[index] = Date.now();
    this.failureReasons[index] = failureReason;
  }

  /** Job `index`'s output operation as Spark's listeners see it, as of now. */
  opInfo(index: number): OutputOperationInfo {
    const job = this.jobs[index]!;
    return new OutputOperationInfo(this.time, job.outputOpId, job.name, job.description, this.startTimes[index], this.endTimes[index], this.failureReasons[index]);
  }

  /** True when every output operation of the batch ran to its end without failing. */
  allOpsSucceeded(): boolean {
    for (let k = 0; k < this.jobs.length; k++) if (this.endTimes[k] === undefined || this.failureReasons[k] !== undefined) return false;
    return true;
  }

  toBatchInfo(): BatchInfo {
    const ops = new Map<number, OutputOperationInfo>();
    for (let k = 0; k < this.jobs.length; k++) ops.set(this.jobs[k]!.outputOpId, this.opInfo(k));
    return new BatchInfo(this.time, this.inputInfos, this.submissionTime, this.processingStartTime, this.processingEndTime, ops);
  }
}
