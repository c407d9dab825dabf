/**
 * What the owner of one repartition partition holds of one batch: either every source
 * partition's block (in source order), or the list of source partitions whose end-of-batch
 * marker has not arrived yet.
 */
export type RepartitionBatch =
  | { readonly complete: true; readonly blocks: readonly (readonly unknown[])[] }
  | { readonly complete: false; readonly missing: readonly number[] };

/**
 * A repartition log (Kafka Streams' `<application>-<name>-repartition` topic): the medium of
 * one shuffle when several instances share a job (`spark.kindling.group.enabled`). It has a
 * fixed number of partitions (the shuffle's partitioner); the map side of batch t on source
 * partition s writes, to every partition j, the records bound for j tagged `(t, s)` and an
 * end-of-batch marker `(t, s, count)`; the owner of partition j runs batch t's reduce side once
 * it holds markers from every source partition. A replayed map side writes `(t, s)` again:
 * readers keep the first complete copy and drop the others, so duplicates never count twice.
 *
 * Records are whatever the shuffle moves (`[key, value]` or `[key, combiner]` pairs); the
 * adapter encodes them (`@kindling/redis`: Kindling's value codec in stream entries). Calls
 * that fail because the log cannot be reached are retried by the engine; an error whose
 * `retriable` property is `false` (records that cannot be encoded) fails the batch at once. See
 * docs/log-sources.md, "Re-keying across instances".
 */
export interface RepartitionLog {
  /** The log's name, e.g. `wordcount-counts-repartition` (adapters add their own prefix). */
  readonly name: string;
  /** Its partition count (the shuffle's partitioner's). */
  readonly partitions: number;
  /**
   * Writes the map output of batch `batchTime` on source partition `source`: `blocks[j]` (may
   * be empty) to partition j, then the marker `(batchTime, source, blocks[j].length)` to every
   * partition. Writing the same `(batchTime, source)` twice is harmless (readers keep one copy).
   * With leases, `previous` is the source partition's batch before this one (`null`: none): a
   * source partition's batch times skip the times it had no owner, and the marker's link to its
   * previous batch tells readers which times it skipped (see {@link RepartitionLog.readRange}).
   */
  writeMapOutput(batchTime: number, source: number, blocks: readonly (readonly unknown[])[], previous?: number | null): Promise<void>;
  /**
   * Partition `partition`'s records of batch `batchTime` from source partitions `0 ..
   * sources - 1`, when every marker is there; otherwise which markers are missing. Does not wait.
   */
  readBatch(partition: number, batchTime: number, sources: number): Promise<RepartitionBatch>;
  /**
   * With leases: partition `partition`'s records of every source batch whose time is in `(after,
   * upTo]`, in time then source order, once each source partition's batches through `upTo` are
   * known: a source's markers (written with `previous`) form a chain, and the chain is known
   * through `upTo` when the source has a marker at `upTo` or later and every link down to
   * `after` is there. Otherwise the sources whose chain is not known yet. Does not wait.
   */
  readRange(partition: number, after: number, upTo: number, sources: number): Promise<RepartitionBatch>;
  /**
   * With leases: the earliest source batch time after `after` for which partition `partition`
   * holds an end-of-batch marker (of any source partition), or `undefined` when it holds none
   * yet. A partition behind the batches skips to it: the batch times before it had no source
   * batch (every source partition was without an owner, or every instance was down). Does not
   * wait.
   */
  firstBatchAfter(partition: number, after: number): Promise<number | undefined>;
  /**
   * Says that partition `partition` ran every batch up to `batchTime`: the log may drop them,
   * and later copies of them (a replayed map side) are ignored.
   */
  release(partition: number, batchTime: number): Promise<void>;
  /**
   * Deletes from partition `partition` the entries of every batch up to `upTo` that this reader
   * has read (every copy of them, kept or dropped) and the late copies of batches it had already
   * released; returns how many entries it deleted. The engine calls it once the batches that
   * consumed them are done for good (completed; see docs/log-sources.md, "Trimming"), so that
   * the log's length stays bounded instead of growing with every batch.
   */
  trim(partition: number, upTo: number): Promise<number>;
  /** Releases the log's connection, if it has its own. */
  close(): Promise<void>;
}

/** What gives repartition logs: the store of the source's log (`LogSource.repartitionLog`). */
export interface RepartitionLogProvider {
  /** The repartition log `name` with `partitions` partitions (created on first write). */
  repartitionLog(name: string, partitions: number): RepartitionLog;
  /** Where the logs live, for messages. */
  readonly location: string;
}
