import type { OffsetRangeDescription } from '../batch-input-description.ts';
import type { RepartitionLog } from '../../exchange/repartition-log.ts';
import type { CommittedOffset } from './can-commit-offsets.ts';
import type { PartitionLeases } from './partition-leases.ts';
import type { TopicPartition } from './topic-partition.ts';

/** What a log holds of one partition: offsets `[earliest, latest)`. */
export interface LogOffsetBounds {
  /** First offset still in the log (equal to `latest` when the partition is empty). */
  readonly earliest: number;
  /** Next offset the log will write (Kafka's "end offset", the high watermark). */
  readonly latest: number;
}

/** A commit of a consumer group's offsets (an object, so that fencing data can join it later). */
export interface LogCommitRequest {
  readonly groupId: string;
  /** Per topic partition, the next offset the group will read. */
  readonly offsets: readonly CommittedOffset[];
}

/**
 * A partitioned, offset-addressed log, as a direct stream (`LogInputDStream`) needs it: a
 * topic is a fixed set of partitions; each partition is a sequence of records with dense
 * integer offsets from 0; a range of offsets can be read again, exactly, as long as the log
 * retains it. Adapters implement it over a client (`@kindling/redis` over node-redis; see
 * `docs/log-sources.md` for Kafka and NATS JetStream).
 *
 * Every method is asynchronous and may be called while batches run; the stream calls `open`
 * before anything else and `close` last. A method that cannot reach the log rejects with an
 * error naming {@link LogSource.location}; the stream decides whether to wait or go on.
 */
export interface LogSource<R> {
  /** Where the log lives, for messages (`redis://127.0.0.1:6379`, `unix:///run/redis.sock`). */
  readonly location: string;
  /**
   * The log's product name for the Streaming UI and REST API (`Redis`): the stream then shows
   * as `Redis direct stream [n]`, as Spark's Kafka stream shows as `Kafka 0.10 direct stream
   * [n]`. Without it, `Log direct stream [n]`.
   */
  readonly systemName?: string;
  /** Connects. Rejects (naming the location) when the log cannot be reached. */
  open(): Promise<void>;
  /** Disconnects; pending calls may reject. */
  close(): Promise<void>;
  /** How many partitions `topic` has; 0 when there is no such topic. */
  partitionsFor(topic: string): Promise<number>;
  /** The offsets each partition holds, in the order of `partitions`. */
  offsetBounds(partitions: readonly TopicPartition[]): Promise<LogOffsetBounds[]>;
  /**
   * The records of `range` still in the log, in offset order: exactly `untilOffset -
   * fromOffset` of them when the log has the whole range, fewer when part of it was trimmed
   * or deleted (the stream then fails the batch with an `OffsetOutOfRangeError`, or skips
   * them when told to).
   */
  read(range: OffsetRangeDescription): Promise<R[]>;
  /** The offsets `groupId` committed, in the order of `partitions` (`undefined`: none). */
  committed(groupId: string, partitions: readonly TopicPartition[]): Promise<(number | undefined)[]>;
  /** Commits a group's offsets (visible to the log's own tools, e.g. `XINFO GROUPS`). */
  commit(request: LogCommitRequest): Promise<void>;
  /**
   * Group mode (`spark.kindling.group.enabled`): the coordination of `groupId`'s instances in
   * this log's store, called once the source is open. Absent when the adapter has no group
   * mode (the stream then refuses to start in group mode).
   */
  ownership?(groupId: string): PartitionLeases;
  /**
   * Optional: the repartition log `name` of `partitions` partitions in the same store, for
   * shuffles when several instances share a job (`spark.kindling.group.enabled`; see
   * `RepartitionLog`). A source without it cannot run re-keying graphs in group mode.
   */
  repartitionLog?(name: string, partitions: number): RepartitionLog;
}
