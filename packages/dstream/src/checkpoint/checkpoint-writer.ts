import { unlink } from 'node:fs/promises';
import { getLogger } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import type { DStream } from '../dstream/dstream.ts';
import type { BatchCheckpointing } from '../scheduler/batch-checkpointing.ts';
import type { JobSet } from '../scheduler/job-set.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { isCheckpointableInput } from './checkpointable-input.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import type { CheckpointRetention } from './checkpoint-retention.ts';
import { relativeInside } from './dstream-checkpoint-data.ts';
import { describeGraph, inputKeys, structuralKeys } from './graph-shape.ts';
import type { RecoveryPlan } from './recovery-plan.ts';
import type { BlockBatchInput } from '../input/batch-input-description.ts';
import type { WalInputPosition, WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';
import { CHECKPOINT_FORMAT_VERSION } from './metadata-checkpoint.ts';
import type { InputDescriptor, MetadataCheckpoint } from './metadata-checkpoint.ts';

const log = getLogger('CheckpointWriter');

interface QueuedWrite {
  readonly cp: MetadataCheckpoint;
  /** fsync file and folder (survives a power cut), or only rename (survives the process being killed). */
  readonly durable: boolean;
  /** Run retention's completed-checkpoint work (write-ahead log cleaning) after it. */
  readonly completion: boolean;
}

/**
 * Writes a metadata checkpoint twice per batch, as Spark: right after the batch's jobs are
 * generated (so a crash during the batch re-runs it with the same inputs) and after it
 * completes (so it is not re-run). Each checkpoint is captured synchronously at that instant
 * (a consistent snapshot: batches, input positions, checkpointed state) and written in the
 * background, in order; when writes fall behind, only the newest waiting one is written.
 * Durability: "generated" and final checkpoints are fsynced; a completed batch's alone is not
 * (losing it only re-runs an idempotent batch). After each write, {@link CheckpointRetention}
 * deletes what no retained checkpoint needs.
 *
 * It is the context's {@link BatchCheckpointing}: the job generator tells it of every batch,
 * and the job scheduler waits on {@link CheckpointWriter.whenOutputsMayRun}.
 */
export class CheckpointWriter implements BatchCheckpointing {
  private sequence: number;
  private readonly pending = new Set<number>();
  private latestGenerated: number;
  private writing: Promise<void> | undefined;
  private waiting: QueuedWrite | undefined;
  /** A completed batch's checkpoint, written on the next turn unless a newer capture supersedes it. */
  private deferredCompleted: MetadataCheckpoint | undefined;
  private closed = false;
  /** Settles when the metadata files being deleted in the background are gone. */
  private deleting: Promise<void> = Promise.resolve();
  /** State shapes sampled so far, by stream id; and those a recovered checkpoint recorded. */
  private readonly stateShapes = new Map<string, string>();
  private readonly expectedStateShapes: Map<string, string>;
  /** Per pending batch, the sequence of the previous batch's "generated" checkpoint. */
  private readonly previousGeneratedSeq = new Map<number, number>();
  private lastGeneratedSeq = 0;
  private durableSeq = 0;
  private durableWaiters: { seq: number; resolve: () => void }[] = [];
  /** The graph's structural keys (fixed once started), computed at the first capture. */
  private keys: ReadonlyMap<DStream<unknown>, string> | undefined;
  /** Set after the first write failure (reported once as a warning). */
  writeError: Error | undefined;
  /** Files written so far by this process (for tests and tools). */
  writes = 0;
  /** The last checkpoint written: its batch, when, how long the write took and its file (for the UI). */
  lastWritten: { batchTime: number; writtenAt: number; durationMs: number; file: string } | undefined;

  constructor(
    private readonly ssc: StreamingContext,
    readonly store: CheckpointStore,
    private readonly retention: CheckpointRetention,
    /** The receiver write-ahead logs, by input stream. */
    private readonly walStores: ReadonlyMap<InputDStream<unknown>, WriteAheadLogBlockStore>,
    plan: RecoveryPlan | undefined,
  ) {
    this.sequence = store.nextSequence();
    this.latestGenerated = plan?.latestGeneratedTime ?? Number.NEGATIVE_INFINITY;
    for (const t of plan?.pendingTimes ?? []) this.pending.add(t);
    this.expectedStateShapes = new Map(plan?.expectedStateShapes ?? []);
  }

  /** Batch times generated and not completed. */
  get pendingTimes(): number[] { return [...this.pending].sort((a, b) => a - b); }

  batchGenerated(js: JobSet): void {
    const t = js.time.milliseconds;
    this.pending.add(t);
    this.latestGenerated = Math.max(this.latestGenerated, t);
    const cp = this.capture('generated', t);
    // The first batch of a run waits for its own "generated" checkpoint: with none of an
    // earlier batch written by this run, a crash right after its output would restart
    // without knowing the batch (a fresh start sets its input files aside) and replace that
    // output with an empty one.
    this.previousGeneratedSeq.set(t, this.lastGeneratedSeq === 0 ? cp.sequence : this.lastGeneratedSeq);
    this.lastGeneratedSeq = cp.sequence;
    // It supersedes a completed batch's checkpoint not written yet (it includes the completion).
    const completion = this.deferredCompleted !== undefined;
    this.deferredCompleted = undefined;
    this.enqueue({ cp, durable: true, completion });
  }

  batchCompleted(js: JobSet): void {
    // A batch whose outputs did not all run to success stays pending: recovery re-runs it.
    for (const job of js.jobs) {
      const info = js.toBatchInfo().outputOperationInfos.get(job.outputOpId);
      if (info === undefined || info.endTime === undefined || info.failureReason !== undefined) return;
    }
    this.pending.delete(js.time.milliseconds);
    this.previousGeneratedSeq.delete(js.time.milliseconds);
    const cp = this.capture('completed', js.time.milliseconds);
    // Deferred one turn: when the next batch is generated right away (a backlog, a manual
    // clock), its checkpoint carries the completion and one write per batch suffices.
    this.deferredCompleted = cp;
    setImmediate(() => {
      if (this.deferredCompleted !== cp) return;
      this.deferredCompleted = undefined;
      this.enqueue({ cp, durable: false, completion: true });
    });
  }

  /**
   * Resolves once the "generated" checkpoint of the batch before `time` (for the first batch
   * of a run: its own), or a later checkpoint, is on disk, or could not be written (that is warned about; processing goes
   * on). So whenever a batch's output exists, recovery knows every earlier batch with its
   * input: the batch is either re-run with the same input (its own "generated" checkpoint
   * made it) or generated again right after them, taking the input it had (plus what arrived
   * since) and replacing its folders; no later batch can have output yet. Waiting for the
   * previous batch's checkpoint rather than this one's lets the write overlap the previous
   * batch's processing.
   */
  async whenOutputsMayRun(time: number): Promise<void> {
    const seq = this.previousGeneratedSeq.get(time);
    if (seq === undefined || seq <= this.durableSeq || this.closed) return;
    await new Promise<void>((resolve) => this.durableWaiters.push({ seq, resolve }));
  }

  private markDurable(seq: number): void {
    if (seq > this.durableSeq) this.durableSeq = seq;
    if (this.durableWaiters.length === 0) return;
    const keep: { seq: number; resolve: () => void }[] = [];
    for (const w of this.durableWaiters) {
      if (w.seq <= this.durableSeq || this.closed) w.resolve();
      else keep.push(w);
    }
    this.durableWaiters = keep;
  }

  /** The checkpoint of this instant. */
  capture(reason: MetadataCheckpoint['reason'], batchTime: number): MetadataCheckpoint {
    const graph = this.ssc.graph;
    const dir = this.store.checkpointDir;
    const keys = (this.keys ??= structuralKeys(graph));
    const shape = describeGraph(graph, keys, dir, this.stateShapes);
    if (this.expectedStateShapes.size > 0) this.checkStateShapes();
    const inputKeysOf = inputKeys(graph, keys);
    const inputs: InputDescriptor[] = graph.inputStreams.map((input) => {
      const wal = this.walStores.get(input);
      let assignments = [...input.assignedInputs()].sort((a, b) => a[0] - b[0]);
      let position = isCheckpointableInput(input) ? input.snapshotState() : undefined;
      if (wal !== undefined) {
        assignments = assignments.map(([t, batch]) => [t, this.qualifyBlocks(wal, batch as BlockBatchInput)]);
        const walPosition: WalInputPosition = { kind: 'receiver-wal', dir: wal.relDir, run: wal.run, maxAllocatedOrd: wal.maxAllocatedOrd };
        position = walPosition;
      }
      return {
        id: input.name(),
        structuralKey: inputKeysOf.get(input) ?? input.name(),
        inputId: input.id,
        kind: input.kind,
        replayable: input.isReplayable,
        assignments,
        position,
      };
    });
    const zeroTimeMs = graph.zeroTime?.milliseconds ?? 0;
    const rddDir = this.ssc.sparkContext.getCheckpointDir();
    return {
      version: CHECKPOINT_FORMAT_VERSION,
      sequence: this.sequence++,
      reason,
      batchTime: Math.max(batchTime, zeroTimeMs),
      latestGeneratedTime: Math.max(this.latestGenerated, zeroTimeMs),
      writtenAt: Date.now(),
      batchDurationMs: shape.batchDurationMs,
      zeroTimeMs,
      pendingTimes: this.pendingTimes,
      streams: shape.streams,
      inputs,
      outputs: shape.outputs,
      rddCheckpointDir: rddDir === undefined ? undefined : relativeInside(dir, rddDir),
    };
  }

  /**
   * Where known, warns when a recovered stateful stream's key/state shape differs from the
   * one its checkpoint recorded (types are erased at run time: this samples one element).
   */
  private checkStateShapes(): void {
    for (const [id, expected] of this.expectedStateShapes) {
      const now = this.stateShapes.get(id);
      if (now === undefined) continue;
      this.expectedStateShapes.delete(id);
      if (now !== expected) {
        log.warn(`The key/state of '${id}' had the shape ${expected} in the checkpoint it was recovered from, and the new program produces ${now}: the new code may misread the recovered state. If the state type changed on purpose, start fresh (delete the checkpoint directory) or convert old states in the update function.`);
      }
    }
  }

  /** Block ids qualified with their run; the log tracks the highest ordinal given to a batch. */
  private qualifyBlocks(wal: WriteAheadLogBlockStore, batch: BlockBatchInput): BlockBatchInput {
    return { kind: 'blocks', blocks: batch.blocks.map((b) => ({ ...b, blockId: wal.noteAllocated(b.blockId) })) };
  }

  private enqueue(w: QueuedWrite): void {
    if (this.closed) return;
    if (this.writing !== undefined) {
      // Coalesce: a newer snapshot supersedes one that has not started writing (it includes
      // its effect), keeping the stronger durability and the completion work.
      const prev = this.waiting;
      this.waiting = prev === undefined ? w : { cp: w.cp, durable: prev.durable || w.durable, completion: prev.completion || w.completion };
      return;
    }
    this.writing = this.writeLoop(w);
  }

  private async writeLoop(first: QueuedWrite): Promise<void> {
    let w: QueuedWrite | undefined = first;
    while (w !== undefined) {
      await this.writeOne(w.cp, w.durable, w.completion);
      w = this.waiting;
      this.waiting = undefined;
    }
    this.writing = undefined;
  }

  private async writeOne(cp: MetadataCheckpoint, durable: boolean, completion: boolean): Promise<void> {
    try {
      const started = Date.now();
      const file = await this.store.write(cp, durable);
      this.lastWritten = { batchTime: cp.batchTime, writtenAt: Date.now(), durationMs: Date.now() - started, file };
      this.writes++;
      this.markDurable(cp.sequence);
    } catch (e) {
      this.markDurable(cp.sequence);
      if (this.writeError === undefined) {
        this.writeError = e as Error;
        log.warn(`Could not write the metadata checkpoint for batch ${cp.batchTime} ms in ${this.store.metadataDir}: ${(e as Error).message}. Recovery would resume from an older checkpoint; check that the checkpoint directory is writable.`);
      }
      return;
    }
    try {
      this.retention.afterWrite(cp, this.unlinkInBackground);
      if (completion) await this.retention.afterCompletedWrite(cp);
    } catch (e) {
      log.warn(`Cleaning up after the checkpoint of batch ${cp.batchTime} ms failed: ${(e as Error).message}`);
    }
  }

  /**
   * Deletes superseded metadata files on the thread pool: an `unlinkSync` per checkpoint on
   * the batches' thread waited for the disk (a third of the checkpointing cost of small
   * batches). Deleting is cleanup: a file a crash leaves is deleted by the next run's writes.
   */
  private readonly unlinkInBackground = (files: string[]): void => {
    const done = Promise.all(files.map((f) => unlink(f).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') log.warn(`Could not delete the old metadata checkpoint ${f}: ${e.message}`);
    })));
    this.deleting = Promise.all([this.deleting, done]).then(() => {});
  };

  /** Resolves when every captured checkpoint is on disk (and superseded files are deleted). */
  async flush(): Promise<void> {
    if (this.deferredCompleted !== undefined) {
      const cp = this.deferredCompleted;
      this.deferredCompleted = undefined;
      this.enqueue({ cp, durable: false, completion: true });
    }
    while (this.writing !== undefined) await this.writing;
    await this.deleting;
  }

  /** Writes a last checkpoint (after a graceful stop: nothing pending) and stops writing. */
  async writeFinal(): Promise<void> {
    await this.flush();
    const cp = this.capture('final', this.latestGenerated);
    await this.writeOne(cp, true, true);
    await this.deleting;
    this.close();
  }

  /** Stops writing (what was captured has been flushed by the caller). */
  close(): void {
    this.closed = true;
    this.markDurable(this.durableSeq);
  }
}
