import type { OffsetRangeDescription } from '../batch-input-description.ts';
import type { TopicPartition } from './topic-partition.ts';

/** An offset committed for a consumer group: the next offset the group will read. */
export interface CommittedOffset extends TopicPartition {
  readonly offset: number;
}

/**
 * Told when a commit queued by `commitAsync` was written to the log (`error` undefined) or
 * failed (Kafka's `OffsetCommitCallback.onComplete`). A failed commit is retried with the next
 * one, so a later call may report the same offsets again.
 */
export type OffsetCommitCallback = (offsets: readonly CommittedOffset[], error: Error | undefined) => void;

/**
 * Spark's `CanCommitOffsets`: a direct stream commits offsets for its consumer group
 * (`group.id`) when told to, typically from `foreachRDD` after the batch's outputs:
 * `stream.commitAsync(rdd.offsetRanges)`. The commit is queued and written when the batch
 * completes successfully (or, at the latest, when the next batch is generated); per topic
 * partition the greatest `untilOffset` queued wins.
 */
export interface CanCommitOffsets {
  commitAsync(offsetRanges: readonly OffsetRangeDescription[], callback?: OffsetCommitCallback): void;
}
