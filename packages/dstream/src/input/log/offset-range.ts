import type { OffsetRangeDescription } from '../batch-input-description.ts';
import type { TopicPartition } from './topic-partition.ts';

/**
 * Spark's `OffsetRange`: the offsets `[fromOffset, untilOffset)` of one topic partition that
 * one batch read. A direct stream's RDD has one partition per range (see
 * `HasOffsetRanges`); `CanCommitOffsets.commitAsync(ranges)` commits their `untilOffset`s.
 * Plain `{ topic, partition, fromOffset, untilOffset }` objects (the checkpointed shape) are
 * accepted wherever a range is.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * const r = OffsetRange.create('orders', 2, 10, 25);
 * assert.equal(r.count(), 15);
 * assert.deepEqual(r.topicPartition(), { topic: 'orders', partition: 2 });
 * assert.equal(String(r), "OffsetRange(topic: 'orders', partition: 2, range: [10 -> 25])");
 * ```
 */
export class OffsetRange implements OffsetRangeDescription {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** First offset of the range (inclusive). */
    readonly fromOffset: number,
    /** End of the range (exclusive): the next batch of this partition starts here. */
    readonly untilOffset: number,
  ) {
    if (!(Number.isSafeInteger(fromOffset) && Number.isSafeInteger(untilOffset) && fromOffset >= 0 && untilOffset >= fromOffset)) {
      throw new RangeError(`OffsetRange(${topic}-${partition}): offsets must be integers with 0 <= fromOffset <= untilOffset, got ${fromOffset} to ${untilOffset}.`);
    }
  }

  /** `OffsetRange.create(topic, partition, from, until)` or `OffsetRange.create(topicPartition, from, until)`, as Spark. */
  static create(topic: string, partition: number, fromOffset: number, untilOffset: number): OffsetRange;
  static create(topicPartition: TopicPartition, fromOffset: number, untilOffset: number): OffsetRange;
  static create(a: string | TopicPartition, b: number, c: number, d?: number): OffsetRange {
    return typeof a === 'string' ? new OffsetRange(a, b, c, d!) : new OffsetRange(a.topic, a.partition, b, c);
  }

  /** The range of a plain description (e.g. from a checkpoint). */
  static from(d: OffsetRangeDescription): OffsetRange {
    return d instanceof OffsetRange ? d : new OffsetRange(d.topic, d.partition, d.fromOffset, d.untilOffset);
  }

  /** Number of records in the range. */
  count(): number { return this.untilOffset - this.fromOffset; }

  /** The topic partition of the range. */
  topicPartition(): TopicPartition { return { topic: this.topic, partition: this.partition }; }

  /** Plain data, as checkpoints store it. */
  toJSON(): OffsetRangeDescription {
    return { topic: this.topic, partition: this.partition, fromOffset: this.fromOffset, untilOffset: this.untilOffset };
  }

  toString(): string { return `OffsetRange(topic: '${this.topic}', partition: ${this.partition}, range: [${this.fromOffset} -> ${this.untilOffset}])`; }
}
