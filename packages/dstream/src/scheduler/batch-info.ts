import type { Time } from '@kindling/core';
import type { OutputOperationInfo } from './output-operation-info.ts';
import type { StreamInputInfo } from './stream-input-info.ts';

/**
 * A snapshot of one batch, as Spark's `BatchInfo`. Times are wall-clock epoch milliseconds
 * (as Spark, also under a manual clock), delays are milliseconds; a field is `undefined`
 * until it is known (e.g. `processingEndTime` before the batch completed).
 */
export class BatchInfo {
  constructor(
    readonly batchTime: Time,
    /** Per input stream id, what it fed into this batch. */
    readonly streamIdToInputInfo: ReadonlyMap<number, StreamInputInfo>,
    /** When the batch's jobs were generated and queued. */
    readonly submissionTime: number,
    /** When its first output operation started. */
    readonly processingStartTime: number | undefined,
    /** When its last output operation ended (or the batch failed). */
    readonly processingEndTime: number | undefined,
    /** Its output operations by id, in registration order. */
    readonly outputOperationInfos: ReadonlyMap<number, OutputOperationInfo>,
  ) {}

  /** Records received by all input streams for this batch (those that report counts). */
  get numRecords(): number {
    let n = 0;
    for (const info of this.streamIdToInputInfo.values()) n += info.numRecords;
    return n;
  }

  /** Time the batch waited in the queue: `processingStartTime - submissionTime`. */
  get schedulingDelay(): number | undefined {
    return this.processingStartTime === undefined ? undefined : this.processingStartTime - this.submissionTime;
  }

  /** Time spent running the output operations: `processingEndTime - processingStartTime`. */
  get processingDelay(): number | undefined {
    return this.processingStartTime === undefined || this.processingEndTime === undefined
      ? undefined
      : this.processingEndTime - this.processingStartTime;
  }

  /** `schedulingDelay + processingDelay`. */
  get totalDelay(): number | undefined {
    const s = this.schedulingDelay;
    const p = this.processingDelay;
    return s === undefined || p === undefined ? undefined : s + p;
  }

  /** The first failure reason among the output operations, if any failed. */
  get failureReason(): string | undefined {
    for (const op of this.outputOperationInfos.values()) if (op.failureReason !== undefined) return op.failureReason;
    return undefined;
  }
}
