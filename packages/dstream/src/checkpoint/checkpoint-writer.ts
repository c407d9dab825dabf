import { rm, unlink } from 'node:fs/promises';
import { getLogger } from '@kindling/core';
import { moveAside } from '@kindling/io';
import type { StreamingContext } from '../streaming-context.ts';
import type { DStream } from '../dstream/dstream.ts';
import type { BatchCheckpointing } from '../scheduler/batch-checkpointing.ts';
import type { JobSet } from '../scheduler/job-set.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { isCheckpointableInput } from './checkpointable-input.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import type { CheckpointRetention, DeletePaths } from './checkpoint-retention.ts';
import { relativeInside } from './dstream-checkpoint-data.ts';
import { describeGraph, inputKeys, structuralKeys } from './graph-shape.ts';
import type { GraphShape } from './graph-shape.ts';
import type { RecoveryPlan } from './recovery-plan.ts';
import type { BlockBatchInput } from '../input/batch-input-description.ts';
import type { WalInputPosition, WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';
import { CHECKPOINT_FORMAT_VERSION } from './metadata-checkpoint.ts';
import type { InputDescriptor, MetadataCheckpoint } from './metadata-checkpoint.ts';

const log = getLogger('CheckpointWriter');

/**
 * The least time between the starts of two fsync rounds (ms): checkpoints put in place
 * meanwhile are synced by one round. An fsync costs the process about as much CPU as a small
 * batch (the file's and its folder's: 0.3-0.7 ms on ext4), and a stream that runs batches
 * back to back (a backlog, catching up after recovery, a manual clock) synced one checkpoint
 * per batch. A power cut loses at most the checkpoints of the last interval (Spark, on a
 * local file system, fsyncs none). A round starts at once, whatever the interval, when a
 * flush or the first batch of a run waits, when {@link SYNC_ROUND_MAX_WAITING} checkpoints
 * wait, or when one names other RDD checkpoint folders than the last synced one: retention
 * keeps the newest synced checkpoint and the folders it names, so a synced checkpoint left
 * behind would keep older folders on disk.
 */
const SYNC_ROUND_INTERVAL_MS = 250;
/** See {@link SYNC_ROUND_INTERVAL_MS}: the newest synced metadata file stays among the 10 retained. */
const SYNC_ROUND_MAX_WAITING = 8;

/**
 * A batch's outputs run once at most this many superseded paths (metadata files, moved-aside
 * RDD checkpoint folders) are still being deleted, so that what is on disk stays bounded
 * whatever the disk's speed; a folder leaves its run folder's listing at once (see
 * `deleteInBackground`). A deletion can take longer than a small batch (an unlink 2-3 ms, a
 * folder 20-30 ms on ext4 with online discard, measured): waiting for the previous batch's
 * deletions, as before, made batches of 1,000 lines wait 30-90 ms per 100 batches.
 */
const MAX_DELETIONS_IN_FLIGHT = 8;

/** The RDD checkpoint folders a checkpoint names, as one string (compared between checkpoints). */
function foldersNamed(cp: MetadataCheckpoint): string {
  let key = '';
  for (const st of cp.streams) if (st.checkpointedRDD !== undefined) key += `${st.checkpointedRDD.path}\n`;
  return key;
}

/** A checkpoint in place (renamed to its name), waiting for its fsyncs. */
interface WrittenCheckpoint {
  readonly cp: MetadataCheckpoint;
  readonly file: string;
  /** fsync file and folder (survives a power cut), or only rename (survives the process being killed). */
  readonly durable: boolean;
  /** Run retention's completed-checkpoint work (write-ahead log cleaning) after it. */
  readonly completion: boolean;
  /** How many RDD checkpoint folders had been put in place when it was (it names none put in place after). */
  readonly foldersBefore: number;
}

/**
 * Writes a metadata checkpoint twice per batch, as Spark: right after the batch's jobs are
 * generated (so a crash during the batch re-runs it with the same inputs) and after it
 * completes (so it is not re-run). Each checkpoint is captured synchronously at that instant
 * (a consistent snapshot: batches, input positions, checkpointed state) and put in place at
 * once (temporary file and rename: page-cache work that survives the process being killed);
 * the fsyncs that make it survive a power loss run in the background, in order, as Spark's
 * single-thread `CheckpointWriter` does, and the next batch does not wait for them (only the
 * first batch of a run does, see {@link whenOutputsMayRun}). When fsyncs fall behind, one
 * round syncs the newest file and the folder for every checkpoint put in place meanwhile.
 * Durability: "generated" and final checkpoints are fsynced; a completed batch's alone is not
 * (losing it only re-runs an idempotent batch). After each checkpoint is put in place,
 * {@link CheckpointRetention} deletes what no retained checkpoint (nor the newest synced one)
 * needs (folders moved aside at once), on the thread pool, except a superseded metadata file
 * the store reuses as the next checkpoint's file (`CheckpointStore.recycle`): a batch's outputs
 * wait while more than {@link MAX_DELETIONS_IN_FLIGHT} paths are being deleted, {@link flush}
 * for all of them.
 *
 * It is the context's {@link BatchCheckpointing}: the job generator tells it of every batch,
 * and the job scheduler waits on {@link CheckpointWriter.whenOutputsMayRun}.
 */
export class CheckpointWriter implements BatchCheckpointing {
  private sequence: number;
  private readonly pending = new Set<number>();
  private latestGenerated: number;
  /** Settles when every checkpoint in place is synced (and its write-ahead log cleaning ran). */
  private syncing: Promise<void> | undefined;
  /** Checkpoints in place, oldest first, not yet synced. */
  private toSync: WrittenCheckpoint[] = [];
  /** A completed batch's checkpoint, written on the next turn unless a newer capture supersedes it. */
  private deferredCompleted: MetadataCheckpoint | undefined;
  private closed = false;
  /** When the last fsync round started (`performance.now()`). */
  private lastRoundAt = Number.NEGATIVE_INFINITY;
  /** Ends the wait between two fsync rounds early (a flush). */
  private wakeSyncLoop: (() => void) | undefined;
  /** Flushes waiting for the sync rounds: while any does, rounds follow each other at once. */
  private flushing = 0;
  /** The RDD checkpoint folders the newest synced checkpoint names ({@link foldersNamed}). */
  private syncedFolders = '';
  /** Settles when the metadata files and RDD folders being deleted in the background are gone. */
  private deleting: Promise<void> = Promise.resolve();
  /** State shapes sampled so far, by stream id; and those a recovered checkpoint recorded. */
  private readonly stateShapes = new Map<string, string>();
  private readonly expectedStateShapes: Map<string, string>;
  /** Each path being deleted in the background, oldest first: settles when it is gone. */
  private readonly deletionsInFlight = new Set<Promise<void>>();
  /**
   * Set while RDD checkpoint folders are being fsynced: folders retention supersedes meanwhile
   * wait here, so that a folder is never moved aside halfway through its fsyncs.
   */
  private readonly folderDeletionsDuringSync: string[] = [];
  /** How many folder fsync passes are running. */
  private folderSyncs = 0;
  /** Resolved when the running fsync round ends (see {@link whenRoundEnds}). */
  private roundWaiters: (() => void)[] = [];
  /** The newest "generated" or final checkpoint synced (0: none yet): retention never deletes it or what it names. */
  private syncedSeq = 0;
  /** The first batch of this run, and the sequence of its "generated" checkpoint (its outputs wait until it is durable). */
  private firstBatch: { time: number; seq: number } | undefined;
  private durableSeq = 0;
  private durableWaiters: { seq: number; resolve: () => void }[] = [];
  /** The graph's structural keys (fixed once started), computed at the first capture. */
  private keys: ReadonlyMap<DStream<unknown>, string> | undefined;
  /** The input streams' structural keys (fixed once started), computed at the first capture. */
  private inputKeysOf: ReadonlyMap<InputDStream<unknown>, string> | undefined;
  /** The graph as the last capture described it: the next reuses what did not change. */
  private shape: GraphShape | undefined;
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
    // RDD checkpoint folders are put in place by their jobs and fsynced by the next round,
    // before the metadata file that names them (see syncLoop).
    ssc.sparkContext.checkpointFolderSyncs.deferring = true;
    // A file per batch: each one's temporary file is opened on the thread pool ahead of it.
    store.openAhead();
  }

  /** Batch times generated and not completed. */
  get pendingTimes(): number[] { return [...this.pending].sort((a, b) => a - b); }

  batchGenerated(js: JobSet): void {
    const t = js.time.milliseconds;
    this.pending.add(t);
    this.latestGenerated = Math.max(this.latestGenerated, t);
    const cp = this.capture('generated', t);
    // The first batch of a run waits for its own "generated" checkpoint to be durable: with
    // none of an earlier batch synced by this run, a power loss right after its output would
    // restart without knowing the batch (a fresh start sets its input files aside) and
    // replace that output with an empty one.
    this.firstBatch ??= { time: t, seq: cp.sequence };
    // It supersedes a completed batch's checkpoint not written yet (it includes the completion).
    const completion = this.deferredCompleted !== undefined;
    this.deferredCompleted = undefined;
    this.enqueue(cp, true, completion);
  }

  batchCompleted(js: JobSet): void {
    // A batch whose outputs did not all run to success stays pending: recovery re-runs it.
    if (!js.allOpsSucceeded()) return;
    this.pending.delete(js.time.milliseconds);
    const cp = this.capture('completed', js.time.milliseconds);
    // Deferred one turn: when the next batch is generated right away (a backlog, a manual
    // clock), its checkpoint carries the completion and one write per batch suffices.
    this.deferredCompleted = cp;
    setImmediate(() => {
      if (this.deferredCompleted !== cp) return;
      this.deferredCompleted = undefined;
      this.enqueue(cp, false, true);
    });
  }

  /**
   * Resolves when batch `time`'s outputs may run. Its "generated" checkpoint was put in place
   * when it was generated (synchronously, before its jobs were queued), so a process killed
   * at any instant after that restarts knowing the batch and its input: it is re-run with
   * the same input, and no output exists of a batch recovery would not know. The fsyncs that
   * make it survive a power loss too are not waited for (as Spark's writer, they overlap the
   * batches), except by the first batch of a run, which waits until its own checkpoint (or a
   * later one) is durable, or could not be written (that is warned about; processing goes
   * on).
   */
  async whenOutputsMayRun(time: number): Promise<void> {
    // What is on disk stays bounded: at most MAX_DELETIONS_IN_FLIGHT superseded paths left,
    // and no superseded RDD checkpoint folder kept because fsyncs lag behind the batches (the
    // newest synced checkpoint names it, or a round is syncing folders): such a batch waits
    // for the round, as it waited for deleting the folder before.
    while (this.deletionsInFlight.size > MAX_DELETIONS_IN_FLIGHT) await this.deletionsInFlight.values().next().value!;
    while (!this.closed && this.syncing !== undefined && (this.folderDeletionsDuringSync.length > 0 || this.retention.keepsFoldersForDurability)) {
      this.wakeSyncLoop?.();
      await this.whenRoundEnds();
    }
    const first = this.firstBatch;
    if (first === undefined || first.time !== time || first.seq <= this.durableSeq || this.closed) return;
    const seq = first.seq;
    const durable = new Promise<void>((resolve) => this.durableWaiters.push({ seq, resolve }));
    this.wakeSyncLoop?.();
    await durable;
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
    const shape = (this.shape = describeGraph(graph, keys, dir, this.stateShapes, this.shape));
    if (this.expectedStateShapes.size > 0) this.checkStateShapes();
    const inputKeysOf = (this.inputKeysOf ??= inputKeys(graph, keys));
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

  /** Puts `cp` in place now and queues its fsyncs and retention. */
  private enqueue(cp: MetadataCheckpoint, durable: boolean, completion: boolean): void {
    if (this.closed) return;
    const started = performance.now();
    let file: string;
    try {
      file = this.store.writeInPlace(cp);
    } catch (e) {
      this.failed(cp, e as Error);
      return;
    }
    this.lastWritten = { batchTime: cp.batchTime, writtenAt: Date.now(), durationMs: performance.now() - started, file };
    this.writes++;
    this.toSync.push({ cp, file, durable, completion, foldersBefore: this.ssc.sparkContext.checkpointFolderSyncs.added });
    if (this.roundDueNow()) this.wakeSyncLoop?.();
    this.syncing ??= this.syncLoop();
    try {
      this.retention.afterWrite(cp, this.deleteInBackground, this.syncedSeq);
    } catch (e) {
      log.warn(`Cleaning up after the checkpoint of batch ${cp.batchTime} ms failed: ${(e as Error).message}`);
    }
  }

  /**
   * Syncs what was put in place, in rounds: each round fsyncs the newest durable file of the
   * checkpoints waiting and the folder (which holds the renames of all of them; the older
   * files are superseded by the newest, and reading skips any a power loss damaged), then
   * runs retention's completed-checkpoint work (write-ahead log cleaning) for each, in order.
   */
  private async syncLoop(): Promise<void> {
    while (this.toSync.length > 0) {
      await this.untilNextRound();
      this.lastRoundAt = performance.now();
      const started = performance.now();
      // The RDD checkpoint folders first (put in place by their jobs, not synced): a metadata
      // checkpoint is never durable before the state it names. A checkpoint names only
      // folders put in place before it was captured, so the round takes the checkpoints
      // waiting whose folders are all synced; those captured after a folder still waiting
      // (put in place while this round synced the others) wait for the next round.
      let folderError: Error | undefined;
      const folders = this.ssc.sparkContext.checkpointFolderSyncs;
      if (this.toSync.some((w) => w.durable && w.foldersBefore > folders.synced)) {
        try {
          await this.syncFolders();
        } catch (e) {
          folderError = e as Error;
        }
      }
      let n = 0;
      while (n < this.toSync.length && (!this.toSync[n]!.durable || this.toSync[n]!.foldersBefore <= folders.synced)) n++;
      if (n === 0) {
        this.endRound();
        continue;
      }
      const round = this.toSync.splice(0, n);
      let newestDurable: WrittenCheckpoint | undefined;
      for (const w of round) if (w.durable) newestDurable = w;
      const last = round[round.length - 1]!;
      try {
        if (newestDurable !== undefined) {
          if (folderError !== undefined) throw folderError;
          await this.store.sync(newestDurable.file);
          if (newestDurable.cp.sequence > this.syncedSeq) {
            this.syncedSeq = newestDurable.cp.sequence;
            this.syncedFolders = foldersNamed(newestDurable.cp);
            // What only the previous durable checkpoint kept can go now.
            this.pruneAfterSync();
          }
        }
      } catch (e) {
        // Deleted by retention meanwhile (ten newer checkpoints were put in place while this
        // round synced folders): a newer one waiting is synced by the next round.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || this.toSync.length === 0) this.failed(newestDurable!.cp, e as Error);
      }
      // The UI's write duration includes the fsyncs of the file it shows.
      const lw = this.lastWritten;
      if (lw?.file === newestDurable?.file && lw !== undefined) this.lastWritten = { ...lw, durationMs: lw.durationMs + performance.now() - started };
      this.markDurable(last.cp.sequence);
      this.endRound();
      for (const w of round) {
        if (!w.completion) continue;
        try {
          await this.retention.afterCompletedWrite(w.cp);
        } catch (e) {
          log.warn(`Cleaning up after the checkpoint of batch ${w.cp.batchTime} ms failed: ${(e as Error).message}`);
        }
      }
    }
    this.syncing = undefined;
    this.endRound();
  }

  /** Resolves when the running fsync round ends (or the rounds stop). */
  private whenRoundEnds(): Promise<void> {
    return new Promise<void>((resolve) => this.roundWaiters.push(resolve));
  }

  private endRound(): void {
    const waiters = this.roundWaiters;
    if (waiters.length === 0) return;
    this.roundWaiters = [];
    for (const w of waiters) w();
  }

  private pruneAfterSync(): void {
    try {
      this.retention.afterSync(this.deleteInBackground, this.syncedSeq);
    } catch (e) {
      log.warn(`Cleaning up after the fsyncs of checkpoint ${this.syncedSeq} failed: ${(e as Error).message}`);
    }
  }

  /** Whether the next fsync round starts without waiting for the interval (see {@link SYNC_ROUND_INTERVAL_MS}). */
  private roundDueNow(): boolean {
    if (this.closed || this.flushing > 0 || this.durableWaiters.length > 0 || this.toSync.length >= SYNC_ROUND_MAX_WAITING) return true;
    for (const w of this.toSync) if (w.durable && foldersNamed(w.cp) !== this.syncedFolders) return true;
    return false;
  }

  /**
   * Waits until {@link SYNC_ROUND_INTERVAL_MS} has passed since the last round started, unless
   * a flush or the first batch of the run waits for the checkpoints in place.
   */
  private async untilNextRound(): Promise<void> {
    const wait = this.lastRoundAt + SYNC_ROUND_INTERVAL_MS - performance.now();
    if (wait <= 0 || this.roundDueNow()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSyncLoop = undefined;
        resolve();
      }, wait);
      // A process exiting without stopping its context does not wait for it.
      timer.unref();
      this.wakeSyncLoop = () => {
        clearTimeout(timer);
        this.wakeSyncLoop = undefined;
        resolve();
      };
    });
  }

  /** A checkpoint could not be written or synced: warned about once; nobody waits for it. */
  private failed(cp: MetadataCheckpoint, e: Error): void {
    this.markDurable(cp.sequence);
    if (this.writeError === undefined) {
      this.writeError = e;
      log.warn(`Could not write the metadata checkpoint for batch ${cp.batchTime} ms in ${this.store.metadataDir}: ${e.message}. Recovery would resume from an older checkpoint; check that the checkpoint directory is writable.`);
    }
  }

  /**
   * Deletes superseded metadata files and RDD checkpoint folders on the thread pool: an
   * `unlinkSync`/`rmSync` per checkpoint on the batches' thread waited for the disk (a third
   * of the checkpointing cost of small batches). A folder is renamed to a hidden sibling
   * first, synchronously (its recursive deletion takes several thread-pool round trips, which
   * the next batch's outputs waited for). Deleting is cleanup: what a crash leaves is deleted
   * by the next run's retention (superseded folders) or its leftover sweep (hidden siblings).
   */
  private readonly deleteInBackground: DeletePaths = (paths, folders) => {
    const warn = (p: string) => (e: NodeJS.ErrnoException): void => {
      if (e.code !== 'ENOENT') log.warn(`Could not delete the superseded checkpoint ${folders ? 'folder' : 'file'} ${p}: ${e.message}`);
    };
    const done = Promise.all(paths.map((p) => {
      // A superseded metadata file becomes the next checkpoint's file when the store has none
      // opening (it saves a create and this unlink); any other by one unlink (rm would stat
      // it first: two thread-pool round trips per file).
      if (!folders) return this.store.recycle(p) ? undefined : this.inFlight(unlink(p).catch(warn(p)));
      if (this.folderSyncs > 0) {
        this.folderDeletionsDuringSync.push(p);
        return undefined;
      }
      // A folder is first moved aside (one rename, here and now: it leaves its run folder's
      // listing before the next batch), then its contents are deleted on the thread pool.
      let target: string | undefined = p;
      try {
        target = moveAside(p);
      } catch {
        // Deleted where it is.
      }
      return target === undefined ? undefined : this.inFlight(rm(target, { recursive: true, force: true }).catch(warn(p)));
    }));
    this.deleting = Promise.all([this.deleting, done]).then(() => {});
  };

  /** Fsyncs the RDD checkpoint folders put in place (see {@link folderDeletionsDuringSync}). */
  private async syncFolders(): Promise<void> {
    this.folderSyncs++;
    try {
      await this.ssc.sparkContext.checkpointFolderSyncs.syncAll();
    } finally {
      if (--this.folderSyncs === 0 && this.folderDeletionsDuringSync.length > 0) {
        this.deleteInBackground(this.folderDeletionsDuringSync.splice(0), true);
      }
    }
  }

  /** Counts `deletion` among {@link deletionsInFlight} until it settles. */
  private inFlight(deletion: Promise<void>): Promise<void> {
    const tracked: Promise<void> = deletion.then(() => { this.deletionsInFlight.delete(tracked); });
    this.deletionsInFlight.add(tracked);
    return tracked;
  }

  /** Resolves when every captured checkpoint is on disk and synced (and superseded files are deleted). */
  async flush(): Promise<void> {
    if (this.deferredCompleted !== undefined) {
      const cp = this.deferredCompleted;
      this.deferredCompleted = undefined;
      this.enqueue(cp, false, true);
    }
    this.flushing++;
    try {
      while (this.syncing !== undefined) {
        this.wakeSyncLoop?.();
        await this.syncing;
      }
    } finally {
      this.flushing--;
    }
    // Folders no durable checkpoint named yet (written after the last one).
    try {
      await this.syncFolders();
    } catch (e) {
      log.warn((e as Error).message);
    }
    await this.deleting;
  }

  /** Writes a last checkpoint (after a graceful stop: nothing pending) and stops writing. */
  async writeFinal(): Promise<void> {
    await this.flush();
    this.enqueue(this.capture('final', this.latestGenerated), true, true);
    await this.flush();
    this.close();
  }

  /** Stops writing (what was captured has been flushed by the caller). */
  close(): void {
    this.closed = true;
    // RDD checkpoints made after this context (its SparkContext goes on) are durable in their jobs again.
    this.ssc.sparkContext.checkpointFolderSyncs.deferring = false;
    this.wakeSyncLoop?.();
    this.markDurable(this.durableSeq);
  }
}
