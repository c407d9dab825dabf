import { syncWrittenFolder } from '@kindling/io';

/**
 * RDD checkpoint folders put in place whose fsyncs wait for whoever records them durably.
 *
 * By default (`deferring` false) `rdd.checkpoint()` writes its folder durably inside the job
 * that checkpoints it, as Spark's reliable checkpoint: every part, the folder and its parent
 * fsynced before the rename, three disk waits or more in the job. A streaming context's
 * metadata checkpoint writer, which is what names these folders durably (recovery reads only
 * folders a synced metadata checkpoint names), turns deferring on: the job then only puts the
 * folder in place (it survives the process being killed at once), and the writer's next fsync
 * round calls {@link syncAll} before it fsyncs the metadata file, so a metadata checkpoint is
 * never durable before a folder it names.
 * @internal
 */
export class CheckpointFolderSyncs {
  /** Put folders in place without fsyncs, for {@link syncAll} to sync. */
  deferring = false;

  /** How many folders were put in place, in all. */
  added = 0;
  /** How many of the first {@link added} folders have been synced (or failed to: {@link syncAll} threw). */
  synced = 0;
  private readonly pending: string[] = [];

  /** A folder put in place, not yet synced. */
  add(path: string): void {
    this.pending.push(path);
    this.added++;
  }

  /** Syncs every folder put in place so far (a failure is thrown once the others are synced). */
  async syncAll(): Promise<void> {
    if (this.pending.length === 0) return;
    const paths = this.pending.splice(0);
    const upTo = this.added;
    const results = await Promise.allSettled(paths.map((p) => syncWrittenFolder(p)));
    this.synced = Math.max(this.synced, upTo);
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      // A folder deleted meanwhile (superseded, and no checkpoint needs it) needs no sync.
      if (r.status === 'rejected' && (r.reason as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`Could not sync the RDD checkpoint folder ${paths[i]}: ${(r.reason as Error).message}. Check that the checkpoint directory is writable and the disk is healthy.`, { cause: r.reason });
      }
    }
  }
}
