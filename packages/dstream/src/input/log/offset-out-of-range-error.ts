import type { Time } from '@kindling/core';

/**
 * Kafka's `OffsetOutOfRangeException`, for any partitioned log: a batch needs offsets the log
 * no longer has (the stream was trimmed, or deleted and recreated) or does not have yet. It
 * names the topic, partition, the offsets wanted and those the log holds.
 *
 * What to do: restore the missing records, or start the stream elsewhere. Setting the
 * parameter `kindling.offsets.outOfRange` to `'reset'` makes new batches follow
 * `auto.offset.reset` (`earliest`: the first record still in the log; `latest`: the end)
 * and recovered batches read what is left of their ranges, with a warning naming what was
 * skipped.
 */
export class OffsetOutOfRangeError extends Error {
  override readonly name = 'OffsetOutOfRangeError';

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The offsets the batch wanted, `[fromOffset, untilOffset)`. */
    readonly fromOffset: number,
    readonly untilOffset: number,
    /** First offset still in the log. */
    readonly earliestOffset: number,
    /** Next offset the log will write. */
    readonly latestOffset: number,
    /** Where the log lives (e.g. `redis://127.0.0.1:6379`). */
    readonly location: string,
    /** The batch that needed them, when known. */
    readonly batchTime?: Time,
    /** The stream's name. */
    readonly streamName?: string,
  ) {
    super(
      `${streamName ?? 'A log stream'}${batchTime === undefined ? '' : ` (batch ${batchTime})`}: offsets ${fromOffset} to ${untilOffset} of topic ${topic} partition ${partition} ` +
      `are out of range at ${location}: the log holds offsets ${earliestOffset} to ${latestOffset} (trimmed, or deleted and recreated). ` +
      `Restore the records, or set the parameter kindling.offsets.outOfRange to 'reset' to continue from auto.offset.reset (the missing records are then skipped).`,
    );
  }
}
