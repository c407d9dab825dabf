/** Who holds a checkpoint directory's lock (the JSON of `<dir>/lock`). */
export interface CheckpointLockHolder {
  readonly pid: number;
  readonly host: string;
  /** When the holder started (ISO 8601). */
  readonly startedAt: string;
  /** Tells this holder's lock from a later one of the same pid. */
  readonly token: string;
}

/**
 * Thrown by `StreamingContext.start()` when another process runs on the same checkpoint
 * directory: two writers would interleave their checkpoint sequence numbers and delete each
 * other's state.
 */
export class CheckpointDirectoryLockedError extends Error {
  override readonly name = 'CheckpointDirectoryLockedError';

  constructor(readonly checkpointDir: string, readonly holder: CheckpointLockHolder) {
    super(
      `The checkpoint directory ${checkpointDir} is in use by pid ${holder.pid} on host ${holder.host} (started ${holder.startedAt}): ` +
        'two streaming contexts on one checkpoint directory would overwrite each other\'s checkpoints. ' +
        'Stop that process, or give this one another checkpoint directory. If that process is gone ' +
        `(e.g. it ran on another host that is down), delete ${checkpointDir}/lock.`,
    );
  }
}
