import type { MapSideGroup, RDD, Time } from '@kindling/core';
import { BatchInfo } from './batch-info.ts';
import type { Job } from './job.ts';
import { OutputOperationInfo } from './output-operation-info.ts';
import type { StreamInputInfo } from './stream-input-info.ts';

/**
 * The jobs of one batch and their progress (Spark's `JobSet`).
 * @internal
 */
export class JobSet {
  readonly submissionTime = Date.now();
  processingStartTime: number | undefined;
  processingEndTime: number | undefined;
  private readonly ops = new Map<number, OutputOperationInfo>();

  constructor(
    readonly time: Time,
    readonly jobs: readonly Job[],
    readonly inputInfos: ReadonlyMap<number, StreamInputInfo>,
    /** RDDs persisted for this batch only because several outputs share them. */
    readonly sharedRDDs: readonly RDD<unknown>[] = [],
    /** Map sides run in one pass over a shared RDD's partition, for this batch only. */
    readonly mapSideGroups: readonly MapSideGroup[] = [],
  ) {
    for (const job of jobs) this.ops.set(job.outputOpId, new OutputOperationInfo(time, job.outputOpId, job.name, job.description, undefined, undefined, undefined));
  }

  markOpStarted(job: Job): OutputOperationInfo {
    const info = new OutputOperationInfo(this.time, job.outputOpId, job.name, job.description, Date.now(), undefined, undefined);
    this.ops.set(job.outputOpId, info);
    return info;
  }

  markOpCompleted(job: Job, failureReason: string | undefined): OutputOperationInfo {
    const started = this.ops.get(job.outputOpId);
    const info = new OutputOperationInfo(this.time, job.outputOpId, job.name, job.description, started?.startTime, Date.now(), failureReason);
    this.ops.set(job.outputOpId, info);
    return info;
  }

  toBatchInfo(): BatchInfo {
    return new BatchInfo(this.time, this.inputInfos, this.submissionTime, this.processingStartTime, this.processingEndTime, new Map(this.ops));
  }
}
