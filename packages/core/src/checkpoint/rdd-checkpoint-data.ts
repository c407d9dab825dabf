import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { abandonStagedFolder, commitStagedFolder, encodeValues, stageFolder, writeFolderAtomically, writeFolderInPlace } from '@kindling/io';
import { rddClasses } from '../rdd/registry.ts';
import { ReliableCheckpointRDD } from './reliable-checkpoint-rdd.ts';
import { unwrittenCheckpoints } from './unwritten-checkpoints.ts';
import { LocalCheckpointRDD } from './local-checkpoint-rdd.ts';
import { TaskUpdates, commitHeld, holdRunningUpdates } from '../util/task-updates.ts';
import type { RDD } from '../rdd/rdd.ts';
import type { RemoteCheckpointWriter } from '../scheduler/task-scheduler.ts';

/**
 * The checkpoint state of one RDD marked by `rdd.checkpoint()`. While a job computes the RDD,
 * its partitions are captured here; after the job, missing ones are computed, everything is
 * written under `<checkpointDir>/rdd-<id>/part-xxxxx`, and the RDD's lineage is cut. The
 * CRC-32 of every part is kept with the checkpoint RDD, which verifies each part it reads.
 * Under a streaming context's metadata checkpoints, the folder's fsyncs are left to the
 * metadata writer's next round (see `CheckpointFolderSyncs`) rather than made in the job.
 * When the RDD's partitions live in worker threads (`local[N]`), the owners write their parts
 * into one staged folder and the driver commits it; the data never comes to the driver.
 * @internal
 */
export class RDDCheckpointData<T> {
  private pending: (readonly T[] | undefined)[] = [];
  private inProgress = false;
  checkpointRDD: ReliableCheckpointRDD<T> | LocalCheckpointRDD<T> | undefined;

  constructor(
    private readonly rdd: RDD<T>,
    /**
     * `rdd.localCheckpoint()`: the lineage is cut once every partition is persisted, and the
     * persisted blocks are the checkpoint (no files), as Spark's `LocalRDDCheckpointData`.
     */
    readonly local = false,
  ) {
    unwrittenCheckpoints.count++;
  }

  /** The checkpoint is written (or adopted): `checkpointRDD` is set, the lineage cut. */
  private written(checkpointRDD: ReliableCheckpointRDD<T> | LocalCheckpointRDD<T>): void {
    this.checkpointRDD = checkpointRDD;
    this.pending = [];
    unwrittenCheckpoints.count--;
    this.rdd.markCheckpointed();
  }

  /** True while the RDD still waits for its checkpoint to be written. */
  get isPending(): boolean { return this.checkpointRDD === undefined && !this.inProgress; }

  capture(split: number, data: readonly T[]): void {
    if (this.checkpointRDD === undefined) this.pending[split] = data;
  }

  /** A partition captured while a job computed it, not yet written. */
  captured(split: number): readonly T[] | undefined { return this.pending[split]; }

  /**
   * Takes a checkpoint written elsewhere (by the threads owning the partitions) as this RDD's,
   * and cuts the lineage: a worker thread's copy of an RDD the driver checkpointed.
   */
  adopt(path: string, checksums: readonly number[]): void {
    if (this.checkpointRDD !== undefined) return;
    const rdd = this.rdd;
    this.written(new ReliableCheckpointRDD<T>(rdd.context, path, rdd.getNumPartitions(), rdd.partitioner, checksums));
  }

  /**
   * Writes the checkpoint and cuts the lineage (called after a job that used the RDD). With a
   * `remote` writer the threads owning the partitions write them into a staged folder, which
   * is committed here.
   */
  async doCheckpoint(remote?: RemoteCheckpointWriter): Promise<void> {
    if (this.checkpointRDD !== undefined || this.inProgress) return;
    this.inProgress = true;
    try {
      if (this.local) {
        await this.checkpointLocally(remote);
        return;
      }
      if (remote !== undefined) {
        await this.writeRemotely(remote);
        return;
      }
      const rdd = this.rdd;
      const sc = rdd.context;
      const n = rdd.getNumPartitions();
      const missing: number[] = [];
      for (let i = 0; i < n; i++) if (this.pending[i] === undefined) missing.push(i);
      // What computing the missing partitions adds to accumulators counts once the folder is
      // written: Spark's checkpoint task computes its partition and writes it, and a task
      // whose write fails has its updates dropped.
      const held = new TaskUpdates(undefined);
      let writtenOut = false;
      try {
        if (missing.length > 0) {
          const computed = await sc.runJob(rdd, (d) => { holdRunningUpdates(held); return d; }, missing, 'checkpoint');
          missing.forEach((p, i) => { this.pending[p] = computed[i]; });
        }
        await this.writeOut(rdd, n);
        writtenOut = true;
      } finally {
        commitHeld(held, writtenOut);
      }
    } finally {
      this.inProgress = false;
    }
  }

  /** Writes the captured partitions as the RDD's checkpoint folder and cuts the lineage. */
  private async writeOut(rdd: RDD<T>, n: number): Promise<void> {
    const sc = rdd.context;
    const dir = sc.getCheckpointDir();
    if (dir === undefined) throw new Error(`Checkpoint directory has not been set: call sc.setCheckpointDir(dir) before checkpointing ${rdd.toString()}`);
    const path = join(dir, `rdd-${rdd.id}`);
    const parts: Uint8Array[] = [];
    const checksums: number[] = [];
    for (let i = 0; i < n; i++) {
      const bytes = encodeValues(this.pending[i]!);
      parts.push(bytes);
      checksums.push(crc32(bytes));
    }
    const syncs = sc.checkpointFolderSyncs;
    try {
      if (syncs.deferring) {
        // In place now; fsynced before any metadata checkpoint naming it is (see CheckpointFolderSyncs).
        writeFolderInPlace(path, parts);
        syncs.add(path);
      } else {
        await writeFolderAtomically(path, parts);
      }
    } catch (e) {
      throw new Error(`Could not write the checkpoint of ${rdd.toString()} to ${path}: ${(e as Error).message}. Check that the checkpoint directory is writable.`, { cause: e });
    }
    this.written(new ReliableCheckpointRDD<T>(sc, path, n, rdd.partitioner, checksums));
  }

  /** Persists every partition not persisted yet (a job over the missing ones), then cuts the lineage. */
  private async checkpointLocally(remote: RemoteCheckpointWriter | undefined): Promise<void> {
    const rdd = this.rdd;
    if (remote !== undefined) {
      throw new Error(`${rdd.toString()} is marked by localCheckpoint(), but its partitions are computed in the worker threads of local[N], whose blocks the driver does not hold: use checkpoint() (written to files) instead`);
    }
    const n = rdd.getNumPartitions();
    const missing: number[] = [];
    for (let i = 0; i < n; i++) if (rdd.getStoredData(i) === undefined) missing.push(i);
    if (missing.length > 0) await rdd.context.runJob(rdd, () => undefined, missing, 'localCheckpoint');
    this.written(new LocalCheckpointRDD<T>(rdd, n, rdd.partitioner));
  }

  private async writeRemotely(remote: RemoteCheckpointWriter): Promise<void> {
    const rdd = this.rdd;
    const path = this.folder();
    const failed = (e: unknown): Error => new Error(`Could not write the checkpoint of ${rdd.toString()} to ${path}: ${(e as Error).message}. Check that the checkpoint directory is writable.`, { cause: e });
    let staging: string;
    try {
      staging = stageFolder(path);
    } catch (e) {
      throw failed(e);
    }
    let checksums: readonly number[];
    try {
      // The owners' errors (a partition that fails to compute, a lost worker) are theirs.
      checksums = await remote.writeParts(staging);
    } catch (e) {
      abandonStagedFolder(staging);
      throw e;
    }
    try {
      await commitStagedFolder(staging, path);
    } catch (e) {
      abandonStagedFolder(staging);
      throw failed(e);
    }
    this.written(new ReliableCheckpointRDD<T>(rdd.context, path, rdd.getNumPartitions(), rdd.partitioner, checksums));
    remote.committed(path, checksums);
  }

  private folder(): string {
    const dir = this.rdd.context.getCheckpointDir();
    if (dir === undefined) throw new Error(`Checkpoint directory has not been set: call sc.setCheckpointDir(dir) before checkpointing ${this.rdd.toString()}`);
    return join(dir, `rdd-${this.rdd.id}`);
  }
}
rddClasses.RDDCheckpointData = RDDCheckpointData;
