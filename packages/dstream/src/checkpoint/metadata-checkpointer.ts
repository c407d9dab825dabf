import { getLogger } from '@kindling/core';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StreamingContext } from '../streaming-context.ts';
import type { JobSet } from '../scheduler/job-set.ts';
import { isCheckpointableInput } from './checkpointable-input.ts';
import { CheckpointStore, DEFAULT_RETAINED_CHECKPOINTS } from './checkpoint-store.ts';
import { describeGraph, inputKeys } from './graph-shape.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { ReceiverInputDStream } from '../input/receiver-input-dstream.ts';
import type { BlockBatchInput } from '../input/batch-input-description.ts';
import { newWalDir, WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';
import type { WalInputPosition } from '../receiver/write-ahead-log-block-store.ts';
import { CHECKPOINT_FORMAT_VERSION } from './metadata-checkpoint.ts';
import type { CheckpointedRDDDescriptor, InputDescriptor, MetadataCheckpoint, StreamDescriptor } from './metadata-checkpoint.ts';

const log = getLogger('CheckpointWriter');

interface QueuedWrite {
  readonly cp: MetadataCheckpoint;
  /** fsync file and folder (survives a power cut), or only rename (survives the process being killed). */
  readonly durable: boolean;
  /** Run the completed-checkpoint callbacks (write-ahead log cleaning) after it. */
  readonly completion: boolean;
}

const APP_DIR_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What recovery hands to the checkpointer of the recovered context. */
export interface RecoveredCheckpointInfo {
  /** Batches still to complete (pending at the checkpoint, plus missed ones). */
  readonly pendingTimes: readonly number[];
  readonly latestGeneratedTime: number;
  /** RDD checkpoint folders (`<dir>/<uuid>`) that retained checkpoint files still reference. */
  readonly referencedAppDirs: ReadonlySet<string>;
  /** State shapes the checkpoint recorded, by current stream id: checked against the new program's. */
  readonly expectedStateShapes: ReadonlyMap<string, string>;
  /** Checkpointed RDDs restored into streams, by current stream id: still the latest until replaced. */
  readonly restoredRDDs: ReadonlyMap<string, CheckpointedRDDDescriptor>;
  /** Write-ahead logs read back for receiver streams, to continue. */
  readonly walStores: ReadonlyMap<InputDStream<unknown>, WriteAheadLogBlockStore>;
}

/**
 * Writes a metadata checkpoint twice per batch, as Spark: right after the batch's jobs are
 * generated (so a crash during the batch re-runs it with the same inputs) and after it
 * completes (so it is not re-run). Each checkpoint is captured synchronously at that instant
 * (a consistent snapshot: batches, input positions, checkpointed state) and written in the
 * background, in order; when writes fall behind, only the newest waiting one is written.
 *
 * After a completed batch's checkpoint is on disk, the `afterCompletedCheckpoint` callbacks
 * run (the receiver write-ahead log drops blocks of completed batches there), and RDD
 * checkpoint folders of earlier runs that no retained metadata checkpoint references are
 * deleted.
 */
export class MetadataCheckpointer {
  readonly store: CheckpointStore;
  private sequence: number;
  private readonly pending = new Set<number>();
  private latestGenerated = Number.NEGATIVE_INFINITY;
  private writing: Promise<void> | undefined;
  private waiting: QueuedWrite | undefined;
  /** A completed batch's checkpoint, written on the next turn unless a newer capture supersedes it. */
  private deferredCompleted: MetadataCheckpoint | undefined;
  private readonly referencedBySeq = new Map<number, Set<string>>();
  private readonly completedWaiters: ((cp: MetadataCheckpoint) => void | Promise<void>)[] = [];
  private closed = false;
  private readonly restored = new Map<string, CheckpointedRDDDescriptor>();
  /** State shapes sampled so far, by stream id; and those a recovered checkpoint recorded. */
  private readonly stateShapes = new Map<string, string>();
  private readonly expectedStateShapes = new Map<string, string>();
  /** RDD checkpoint folders of this and earlier runs that metadata checkpoints named. */
  private readonly knownAppDirs = new Set<string>();
  /** The receiver write-ahead logs, by input stream. */
  readonly walStores = new Map<InputDStream<unknown>, WriteAheadLogBlockStore>();
  private readonly walCleanThresholds = new Map<WriteAheadLogBlockStore, number>();
  /** Per pending batch, the sequence of the previous batch's "generated" checkpoint; the highest one on disk. */
  private readonly previousGeneratedSeq = new Map<number, number>();
  private lastGeneratedSeq = 0;
  private durableSeq = 0;
  private durableWaiters: { seq: number; resolve: () => void }[] = [];
  /** Set after the first write failure (reported once as a warning). */
  writeError: Error | undefined;
  /** Files written so far by this process (for tests and tools). */
  writes = 0;
  /** The last checkpoint written: its batch, when, how long the write took and its file (for the UI). */
  lastWritten: { batchTime: number; writtenAt: number; durationMs: number; file: string } | undefined;

  constructor(private readonly ssc: StreamingContext, checkpointDir: string, recovered?: RecoveredCheckpointInfo) {
    this.store = new CheckpointStore(checkpointDir);
    this.store.removeTemporaryFiles();
    this.sequence = this.store.nextSequence();
    if (recovered !== undefined) {
      for (const t of recovered.pendingTimes) this.pending.add(t);
      this.latestGenerated = recovered.latestGeneratedTime;
      this.referencedBySeq.set(0, new Set(recovered.referencedAppDirs));
      for (const d of recovered.referencedAppDirs) this.knownAppDirs.add(d);
      for (const [id, d] of recovered.restoredRDDs) this.restored.set(id, d);
      for (const [id, shape] of recovered.expectedStateShapes) this.expectedStateShapes.set(id, shape);
      for (const [input, store] of recovered.walStores) this.walStores.set(input, store);
    }
  }

  /**
   * With `spark.streaming.receiver.writeAheadLog.enable`, gives every receiver stream a
   * write-ahead-log block store (the recovered one, or a new log) and opens it; blocks whose
   * batches are completed and checkpointed are deleted from the log after later checkpoints.
   */
  async openWriteAheadLogs(): Promise<void> {
    const conf = this.ssc.streamingConf;
    if (!conf.writeAheadLogEnabled) return;
    const rollingMs = conf.writeAheadLogRollingIntervalMs;
    for (const input of this.ssc.graph.inputStreams) {
      if (!(input instanceof ReceiverInputDStream)) continue;
      let store = this.walStores.get(input);
      if (store === undefined) {
        const rel = newWalDir();
        store = new WriteAheadLogBlockStore(join(this.store.checkpointDir, rel), rel);
        this.walStores.set(input, store);
      }
      await store.open(rollingMs);
      input.blockStore = store;
    }
    if (this.walStores.size > 0) this.onCompletedCheckpoint((cp) => this.cleanWriteAheadLogs(cp));
  }

  /**
   * Deletes log segments older than every block a retained batch of the *previous* completed
   * checkpoint uses (one checkpoint behind, so falling back to the previous checkpoint still
   * finds its blocks). Retained batches include completed ones within the remember duration:
   * recomputing state from its last checkpoint may need their blocks.
   */
  private async cleanWriteAheadLogs(cp: MetadataCheckpoint): Promise<void> {
    for (const [input, store] of this.walStores) {
      const d = cp.inputs.find((i) => i.inputId === input.id);
      if (d === undefined) continue;
      let min = Number.POSITIVE_INFINITY;
      for (const [, batch] of d.assignments) for (const b of (batch as BlockBatchInput).blocks) min = Math.min(min, b.createdAtMs);
      const previous = this.walCleanThresholds.get(store);
      if (min !== Number.POSITIVE_INFINITY) this.walCleanThresholds.set(store, Math.max(previous ?? min, min));
      if (previous !== undefined) await store.clean(previous);
    }
  }

  /** Hooks into the job generator. */
  install(): void {
    const gen = this.ssc.scheduler.jobGenerator;
    gen.batchGeneratedHooks.push((js) => this.onBatchGenerated(js));
    gen.batchCompletionHooks.push((js) => this.onBatchCompleted(js));
    this.ssc.scheduler.jobScheduler.beforeBatch = (js) => this.whenGeneratedCheckpointWritten(js.time.milliseconds);
  }

  /**
   * Resolves once the "generated" checkpoint of the batch before `time` (or a later
   * checkpoint) is on disk, or could not be written (that is warned about; processing goes
   * on). The job scheduler waits for it before running batch `time`'s outputs. So whenever a
   * batch's output exists, recovery knows every earlier batch with its input: the batch is
   * either re-run with the same input (its own "generated" checkpoint made it) or generated
   * again right after them, taking the input it had (plus what arrived since) and replacing
   * its folders; no later batch can have output yet. Waiting for the previous batch's
   * checkpoint rather than this one's lets the write overlap the previous batch's processing.
   */
  async whenGeneratedCheckpointWritten(time: number): Promise<void> {
    // The scheduler may ask before the generated hook ran (same synchronous turn): let it run.
    await undefined;
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

  /** Runs `f` after every checkpoint written for a completed batch is on disk. */
  onCompletedCheckpoint(f: (cp: MetadataCheckpoint) => void | Promise<void>): void { this.completedWaiters.push(f); }

  /** Batch times generated and not completed. */
  get pendingTimes(): number[] { return [...this.pending].sort((a, b) => a - b); }

  private onBatchGenerated(js: JobSet): void {
    const t = js.time.milliseconds;
    this.pending.add(t);
    this.latestGenerated = Math.max(this.latestGenerated, t);
    const cp = this.capture('generated', t);
    this.previousGeneratedSeq.set(t, this.lastGeneratedSeq);
    this.lastGeneratedSeq = cp.sequence;
    // It supersedes a completed batch's checkpoint not written yet (it includes the completion).
    const completion = this.deferredCompleted !== undefined;
    this.deferredCompleted = undefined;
    this.enqueue({ cp, durable: true, completion });
  }

  private onBatchCompleted(js: JobSet): void {
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

  /** The checkpoint of this instant. */
  capture(reason: MetadataCheckpoint['reason'], batchTime: number): MetadataCheckpoint {
    const graph = this.ssc.graph;
    const shape = describeGraph(graph, this.stateShapes);
    if (this.expectedStateShapes.size > 0) this.checkStateShapes();
    const keys = inputKeys(graph);
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
        structuralKey: keys.get(input) ?? input.name(),
        inputId: input.id,
        kind: input.constructor.name,
        replayable: input.isReplayable,
        assignments,
        position,
      };
    });
    return {
      version: CHECKPOINT_FORMAT_VERSION,
      sequence: this.sequence++,
      reason,
      batchTime,
      latestGeneratedTime: this.latestGenerated,
      writtenAt: Date.now(),
      batchDurationMs: shape.batchDurationMs,
      zeroTimeMs: graph.zeroTime?.milliseconds ?? 0,
      pendingTimes: this.pendingTimes,
      streams: shape.streams.map((s) => this.withRestored(s)),
      inputs,
      outputs: shape.outputs,
      rddCheckpointDir: this.ssc.sparkContext.getCheckpointDir(),
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

  /** Block ids qualified with their run; tracks the highest log ordinal given to a batch. */
  private qualifyBlocks(wal: WriteAheadLogBlockStore, batch: BlockBatchInput): BlockBatchInput {
    const blocks = batch.blocks.map((b) => {
      const ord = wal.ordOf(b.blockId);
      if (ord !== undefined && ord > wal.maxAllocatedOrd) wal.maxAllocatedOrd = ord;
      return { ...b, blockId: wal.qualify(b.blockId) };
    });
    return { kind: 'blocks', blocks };
  }

  /** A restored checkpoint stays a stream's latest until the stream writes a newer one. */
  private withRestored(s: StreamDescriptor): StreamDescriptor {
    const restored = this.restored.get(s.id);
    if (restored === undefined) return s;
    if (s.checkpointedRDD !== undefined && s.checkpointedRDD.time >= restored.time) {
      this.restored.delete(s.id);
      return s;
    }
    return { ...s, checkpointedRDD: restored };
  }

  private enqueue(w: QueuedWrite): void {
    if (this.closed) return;
    if (this.writing !== undefined) {
      // Coalesce: a newer snapshot supersedes one that has not started writing (it includes
      // its effect), keeping the stronger durability and the completion callbacks.
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

  /**
   * Writes one checkpoint. A "completed" one alone is not fsynced: losing it to a power cut
   * only means the batch runs again (outputs are idempotent). The others are durable.
   */
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
    this.track(cp);
    if (completion) {
      for (const f of this.completedWaiters) {
        try {
          await f(cp);
        } catch (e) {
          log.warn(`Cleaning up after the checkpoint of batch ${cp.batchTime} ms failed: ${(e as Error).message}`);
        }
      }
    }
  }

  /**
   * Remembers which RDD checkpoint folders (`<dir>/<uuid>`) the retained checkpoints use, and
   * deletes those of earlier runs that no retained checkpoint uses any more. Only folders that
   * some metadata checkpoint named are ever deleted: a folder the application made itself
   * (`sc.setCheckpointDir` for its own RDDs) is left alone.
   */
  private track(cp: MetadataCheckpoint): void {
    const dirs = new Set<string>();
    for (const s of cp.streams) if (s.checkpointedRDD !== undefined) dirs.add(dirname(s.checkpointedRDD.path));
    for (const d of dirs) this.knownAppDirs.add(d);
    this.referencedBySeq.set(cp.sequence, dirs);
    const retainedFrom = cp.sequence - DEFAULT_RETAINED_CHECKPOINTS;
    for (const seq of [...this.referencedBySeq.keys()]) if (seq !== 0 && seq <= retainedFrom) this.referencedBySeq.delete(seq);
    // The recovered run's references stay until this run wrote as many checkpoints as are kept.
    if (this.writes >= DEFAULT_RETAINED_CHECKPOINTS) this.referencedBySeq.delete(0);
    const keep = new Set<string>();
    for (const set of this.referencedBySeq.values()) for (const d of set) keep.add(d);
    const current = this.ssc.sparkContext.getCheckpointDir();
    for (const dir of this.knownAppDirs) {
      if (keep.has(dir) || dir === current || !APP_DIR_RE.test(basename(dir))) continue;
      rmSync(dir, { recursive: true, force: true });
      this.knownAppDirs.delete(dir);
    }
  }

  /** Resolves when every captured checkpoint is on disk. */
  async flush(): Promise<void> {
    if (this.deferredCompleted !== undefined) {
      const cp = this.deferredCompleted;
      this.deferredCompleted = undefined;
      this.enqueue({ cp, durable: false, completion: true });
    }
    while (this.writing !== undefined) await this.writing;
  }

  /**
   * Writes a last checkpoint (after a graceful stop) and stops writing. Synchronous when
   * `sync` (from a shutdown hook).
   */
  async writeFinal(): Promise<void> {
    await this.flush();
    const cp = this.capture('final', this.latestGenerated);
    await this.writeOne(cp, true, true);
    this.closed = true;
    this.markDurable(this.durableSeq);
    for (const store of this.walStores.values()) await store.close();
  }

  /** Stops writing (a non-graceful stop): what was captured is still flushed. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.markDurable(this.durableSeq);
    for (const store of this.walStores.values()) await store.close();
  }
}
