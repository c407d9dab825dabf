import type { Time } from '@kindling/core';

/**
 * What one output operation of one batch did, as Spark's `OutputOperationInfo`. Times are
 * wall-clock epoch milliseconds; `undefined` until the operation started/ended.
 */
export class OutputOperationInfo {
  constructor(
    /** The batch this operation belongs to. */
    readonly batchTime: Time,
    /** Position of the output operation in registration order (0-based). */
    readonly id: number,
    /** The operation: `print`, `foreachRDD`, `saveAsTextFiles`, ... */
    readonly name: string,
    /** The operation and where the user called it (its creation site), e.g. `print at app.ts:31`. */
    readonly description: string,
    readonly startTime: number | undefined,
    readonly endTime: number | undefined,
    /** The error message when the operation failed. */
    readonly failureReason: string | undefined,
  ) {}

  /** `endTime - startTime`, once both are known. */
  get duration(): number | undefined {
    return this.startTime !== undefined && this.endTime !== undefined ? this.endTime - this.startTime : undefined;
  }
}
