import type { Time } from '@kindling/core';

/**
 * Group leases: this instance learnt, while batch `batchTime` was running, that another instance
 * took over partition `partition` of `logName` (its lease expired, typically during a pause longer
 * than `spark.kindling.group.leaseTimeout`). The batch stops working on that partition here: its
 * reduce side gives up and its outputs for the partition are not written; the partition's new
 * owner runs the batch from its recorded range. Nothing is lost; lengthen the lease timeout if
 * pauses this long are expected.
 */
export class LeaseLostError extends Error {
  constructor(
    readonly streamName: string,
    readonly batchTime: Time,
    readonly logName: string,
    readonly partition: number,
  ) {
    super(`${streamName}: batch ${batchTime} gave up partition ${partition} of ${logName}: another instance took it over (this instance's lease expired, e.g. while it was paused), so the batch's work on it here is dropped and its new owner runs it from the recorded range. Lengthen spark.kindling.group.leaseTimeout if such pauses are expected.`);
    this.name = 'LeaseLostError';
  }
}
