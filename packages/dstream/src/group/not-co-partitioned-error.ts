/**
 * A stream of a group-mode application (`spark.kindling.group.enabled`) that would compute
 * from part of the data: each instance holds only the log partitions it owns, so a shuffle or
 * a state is only correct when keyed like the log (the log's key, the producer's
 * `HashPartitioner(N)` with N = the topic's partitions, no key change on the way). Thrown by
 * `start()` naming the stream, or by a batch that finds a key in the wrong partition (naming
 * the key, the partitions and the batch time).
 */
export class NotCoPartitionedError extends Error {
  override readonly name = 'NotCoPartitionedError';
  constructor(
    /** The stream, as `DStream.describe()` names it. */
    readonly stream: string,
    /** Why, and what to do. */
    readonly reason: string,
  ) {
    super(`${stream} is not co-partitioned with the log in group mode: ${reason}`);
  }
}
