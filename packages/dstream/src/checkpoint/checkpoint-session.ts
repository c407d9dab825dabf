import { basename, join, resolve } from 'node:path';
import type { StreamingContext } from '../streaming-context.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { CheckpointLock } from './checkpoint-lock.ts';
import { CheckpointRetention } from './checkpoint-retention.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { CheckpointWriter } from './checkpoint-writer.ts';
import type { RecoveryPlan } from './recovery-plan.ts';
import { ReceiverInputDStream } from '../input/receiver-input-dstream.ts';
import { newWalDir, WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';

/**
 * A started context's checkpointing, from `start()` to `stop()`: the directory's lock, the
 * writer (the job generator's {@link CheckpointWriter}), retention and the receiver
 * write-ahead logs. Built from the context and its {@link RecoveryPlan} (if it was recovered).
 */
export class CheckpointSession {
  private finished = false;

  private constructor(
    private readonly lock: CheckpointLock,
    readonly writer: CheckpointWriter,
    private readonly walStores: ReadonlyMap<InputDStream<unknown>, WriteAheadLogBlockStore>,
  ) {}

  /**
   * Takes the checkpoint directory's lock (throws `CheckpointDirectoryLockedError` when another
   * process holds it), then opens what checkpointing needs. `undefined` without a checkpoint
   * directory.
   */
  static async start(ssc: StreamingContext, plan: RecoveryPlan | undefined): Promise<CheckpointSession | undefined> {
    const walEnabled = ssc.streamingConf.writeAheadLogEnabled;
    const dir = ssc.checkpointDir === undefined ? undefined : resolve(ssc.checkpointDir);
    if (dir === undefined) {
      if (walEnabled && ssc.graph.inputStreams.some((s) => s instanceof ReceiverInputDStream)) {
        throw new Error('Cannot enable the receiver write-ahead log (spark.streaming.receiver.writeAheadLog.enable) without a checkpoint directory: call ssc.checkpoint(directory) before start().');
      }
      return undefined;
    }
    const lock = CheckpointLock.acquire(dir);
    try {
      const store = new CheckpointStore(dir);
      const walStores = new Map<InputDStream<unknown>, WriteAheadLogBlockStore>(plan?.walStores ?? []);
      if (walEnabled) {
        const rollingMs = ssc.streamingConf.writeAheadLogRollingIntervalMs;
        for (const input of ssc.graph.inputStreams) {
          if (!(input instanceof ReceiverInputDStream)) continue;
          let wal = walStores.get(input);
          if (wal === undefined) {
            const rel = newWalDir();
            wal = new WriteAheadLogBlockStore(join(dir, rel), rel);
            walStores.set(input, wal);
          }
          await wal.open(rollingMs);
          input.useBlockStore(wal);
        }
      }
      const runDir = ssc.sparkContext.getCheckpointDir();
      const retention = new CheckpointRetention(store, ssc.graph, runDir === undefined ? undefined : basename(runDir), walStores, plan);
      await retention.removeLeftovers();
      return new CheckpointSession(lock, new CheckpointWriter(ssc, store, retention, walStores, plan), walStores);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /**
   * Ends checkpointing: after a graceful stop a final checkpoint records that nothing is
   * pending; otherwise what was captured is flushed. Then the logs close and the lock is
   * released.
   */
  async finish(graceful: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      if (graceful) await this.writer.writeFinal();
      else {
        await this.writer.flush();
        this.writer.close();
      }
      for (const wal of this.walStores.values()) await wal.close();
    } finally {
      await this.writer.store.release();
      this.lock.release();
    }
  }
}
