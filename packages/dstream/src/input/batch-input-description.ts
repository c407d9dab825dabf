import type { ReceivedBlockInfo } from '../receiver/received-block-info.ts';

/**
 * What one input stream read for one batch, as plain JSON data: the replayable description
 * the metadata checkpoint stores with each batch, so that a recovered batch reads exactly the
 * same input. Every input stream that can be replayed uses one of these shapes (see
 * `docs/input-streams.md`); the engine never looks inside them.
 *
 * - `files`: the files a file stream took, in the order they became partitions.
 * - `blocks`: the receiver blocks allocated to the batch (their data lives in the
 *   {@link ReceivedBlockStore}, or in the write-ahead log when there is one).
 * - `offsets`: offset ranges of a partitioned log (Kafka's shape), half-open
 *   `[fromOffset, untilOffset)` per topic partition.
 */
export type BatchInputDescription = FileBatchInput | BlockBatchInput | OffsetRangeBatchInput;

/** A file taken by a file stream: path and what `stat` said when it was listed. */
export interface FileInputEntry {
  readonly path: string;
  /** Modification time, epoch ms. */
  readonly mtimeMs: number;
  /** Size in bytes. */
  readonly size: number;
}

/** The files of one batch of a file stream, oldest modification time first. */
export interface FileBatchInput {
  readonly kind: 'files';
  readonly files: readonly FileInputEntry[];
}

/** The receiver blocks of one batch, in the order they were received. */
export interface BlockBatchInput {
  readonly kind: 'blocks';
  readonly blocks: readonly ReceivedBlockInfo[];
}

/**
 * One topic partition's slice of a batch, as plain data: offsets `fromOffset` (inclusive) to
 * `untilOffset` (exclusive). The `OffsetRange` class has this shape (and Spark's methods).
 */
export interface OffsetRangeDescription {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
}

/** The offset ranges of one batch of a partitioned log source (one RDD partition per range). */
export interface OffsetRangeBatchInput {
  readonly kind: 'offsets';
  readonly ranges: readonly OffsetRangeDescription[];
}
