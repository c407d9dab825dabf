/**
 * Group leases: the store no longer holds the group this instance joined. Its record is gone, or
 * is another group's of the same name created since (the store restarted without persistence,
 * was flushed, or evicted the keys). Positions, epochs, recorded batches and state went with it,
 * so nothing this instance planned or holds can be committed safely: an epoch counted again from
 * nothing could even match one it holds. The adapter throws it from every step of
 * `PartitionLeases` after `join`; the stream then fails its next batch with it (naming the stream
 * and the batch time), and the context stops. Restore the store from its persistence (AOF), or
 * start the application again as a new group.
 */
export class GroupStateLostError extends Error {
  constructor(
    /** The group (`group.id`). */
    readonly group: string,
    /** Where the store lives (`LogSource.location`). */
    readonly location: string,
    /** What the store answered. */
    readonly detail: string,
    /** The stream and batch that met it, when known (the error a batch fails with). */
    readonly at?: { readonly streamName: string; readonly batchTime: number },
  ) {
    super(`${at === undefined ? '' : `${at.streamName}: batch ${at.batchTime} ms: `}the store at ${location} no longer holds group ${group} as this instance joined it (${detail}): a restart without persistence, a flush or an eviction lost its positions, epochs and state, so nothing can be committed safely. Restore the store from its persistence (AOF), or start the application again as a new group.`);
    this.name = 'GroupStateLostError';
  }

  /** The same loss, as met by stream `streamName`'s batch `batchTime`. */
  atBatch(streamName: string, batchTime: number): GroupStateLostError {
    return new GroupStateLostError(this.group, this.location, this.detail, { streamName, batchTime });
  }
}
