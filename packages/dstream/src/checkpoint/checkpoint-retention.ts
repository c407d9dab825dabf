import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTempSiblings } from '@kindling/io';
import type { DStreamGraph } from '../dstream/dstream-graph.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import type { MetadataCheckpoint } from './metadata-checkpoint.ts';
import type { RecoveryPlan } from './recovery-plan.ts';
import type { BlockBatchInput } from '../input/batch-input-description.ts';
import type { WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';

/** How many metadata checkpoint files are kept (older ones are deleted after a write). */
export const DEFAULT_RETAINED_CHECKPOINTS = 10;

/** A run folder's name: `sc.setCheckpointDir` makes one `<uuid>` per application run. */
export const RUN_FOLDER_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What is deleted from a checkpoint directory, and when: all of it, in one place. Only
 * inside the directory this context checkpoints to, and only what that directory's own
 * metadata checkpoints named (every path in a checkpoint is relative to its directory, so a
 * copied directory's checkpoints name the copy's files, never the original's).
 *
 * - Metadata checkpoint files (`metadata/checkpoint-<seq>`): the newest
 *   {@link DEFAULT_RETAINED_CHECKPOINTS} are kept; older ones are deleted after each write.
 * - Leftovers of a killed process, before this one writes: temporary metadata files
 *   (`metadata/.checkpoint-*`) and half-written RDD checkpoint folders (hidden siblings in
 *   run folders).
 * - RDD checkpoint folders of a stream (`<run>/rdd-<id>`): once the stream has a newer one,
 *   the RDD is forgotten and no retained metadata checkpoint names the folder (so that falling
 *   back to any retained checkpoint finds its state; each stream's
 *   `DStreamCheckpointData` names them when told).
 * - Run folders (`<uuid>`) of earlier runs: once no retained metadata checkpoint names
 *   anything in them. A folder no checkpoint named (the application's own) is never deleted.
 * - Receiver write-ahead log segments: older than every block the previous completed
 *   checkpoint's batches use (one checkpoint behind, so falling back one still finds them).
 */
export class CheckpointRetention {
  /** Per written checkpoint sequence (0: those on disk at recovery), the RDD folders it names. */
  private readonly referencedBySeq = new Map<number, ReadonlySet<string>>();
  /** Run folders of earlier runs that checkpoints named: deleted once unreferenced. */
  private readonly earlierRuns = new Set<string>();
  private readonly walCleanThresholds = new Map<WriteAheadLogBlockStore, number>();
  private writes = 0;

  /** The directory the store writes to (absolute). */
  private readonly checkpointDir: string;
  /** Sequence numbers of the metadata files on disk, oldest first (listed once, then kept up to date). */
  private metadataFiles: number[] | undefined;
  /** The sequence of the newest checkpoint written (see {@link afterWrite}). */
  private latestWritten: number | undefined;
  /**
   * Whether the last prune kept RDD checkpoint folders (or an earlier run's folder) only
   * because the newest durable checkpoint (`keepFrom`), older than the retained ones, names
   * them, while their streams no longer remember their RDDs: they go once a newer checkpoint
   * is synced. The writer's batches wait for that round rather than let such folders pile up
   * when fsyncs lag behind the batches. A folder its stream still remembers is kept anyway,
   * so it makes no batch wait.
   */
  keepsFoldersForDurability = false;

  constructor(
    /** The metadata checkpoint files whose old files this deletes. */
    private readonly store: CheckpointStore,
    private readonly graph: DStreamGraph,
    /** This run's folder (`<uuid>`, relative): never deleted by this run. */
    private readonly currentRun: string | undefined,
    private readonly walStores: ReadonlyMap<InputDStream<unknown>, WriteAheadLogBlockStore>,
    plan: RecoveryPlan | undefined,
  ) {
    this.checkpointDir = store.checkpointDir;
    if (plan !== undefined) {
      this.referencedBySeq.set(0, plan.referencedFolders);
      for (const r of plan.earlierRunFolders) if (r !== currentRun) this.earlierRuns.add(r);
    }
  }

  /**
   * Before this process writes: deletes what a killed writer left half-written or half-deleted
   * (temporary metadata files, hidden temporary or moved-aside folders in run folders and in
   * the checkpoint directory).
   */
  async removeLeftovers(): Promise<void> {
    for (const file of this.store.temporaryFiles()) rmSync(file, { force: true });
    // Earlier runs' folders moved aside by a writer killed before it deleted them.
    await removeStaleTempSiblings(this.checkpointDir);
    let entries;
    try {
      entries = readdirSync(this.checkpointDir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && RUN_FOLDER_RE.test(e.name)) await removeStaleTempSiblings(join(this.checkpointDir, e.name));
    }
  }

  /**
   * After metadata checkpoint `cp` is on disk: deletes metadata checkpoint files beyond the
   * newest {@link DEFAULT_RETAINED_CHECKPOINTS}, then the RDD checkpoint and run folders no
   * retained checkpoint needs. `deletePaths` deletes them: files, or folders with what they
   * hold (by default here and now; the running context's writer deletes them on the thread
   * pool, off the batches' thread). `keepFrom`: the newest checkpoint made durable (its file
   * and what it names are kept even beyond the newest 10, for when the newer ones are not
   * synced yet and a power loss damages them); 0 keeps nothing beyond.
   */
  afterWrite(cp: MetadataCheckpoint, deletePaths: DeletePaths = deleteNow, keepFrom = 0): void {
    this.metadataFiles ??= this.store.list().map((f) => f.seq).filter((seq) => seq !== cp.sequence);
    this.metadataFiles.push(cp.sequence);
    this.latestWritten = cp.sequence;
    this.writes++;
    const folders = new Set<string>();
    for (const s of cp.streams) if (s.checkpointedRDD !== undefined) folders.add(s.checkpointedRDD.path);
    this.referencedBySeq.set(cp.sequence, folders);
    this.prune(deletePaths, keepFrom);
  }

  /**
   * Deletes what no retained checkpoint needs, as {@link afterWrite} does, without a new
   * checkpoint: when a newer checkpoint became the newest durable one (`keepFrom`), what only
   * the previous durable one kept is deleted.
   */
  afterSync(deletePaths: DeletePaths, keepFrom: number): void {
    if (this.latestWritten !== undefined) this.prune(deletePaths, keepFrom);
  }

  private prune(deletePaths: DeletePaths, keepFrom: number): void {
    this.pruneMetadataFiles(deletePaths, keepFrom);
    // The retained files, by what is on disk: sequence numbers are not contiguous (a capture
    // the next one superseded before it was written took a number and left no file).
    const retained = new Set((this.metadataFiles ?? []).slice(-DEFAULT_RETAINED_CHECKPOINTS));
    for (const seq of [...this.referencedBySeq.keys()]) if (seq !== 0 && !retained.has(seq) && seq !== keepFrom) this.referencedBySeq.delete(seq);
    // Those on disk at recovery stay referenced until this run wrote as many as are kept.
    if (this.writes >= DEFAULT_RETAINED_CHECKPOINTS) this.referencedBySeq.delete(0);
    const keep = new Set<string>();
    const durable = keepFrom > 0 && !retained.has(keepFrom) ? keepFrom : undefined;
    for (const [seq, set] of this.referencedBySeq) if (seq !== durable) for (const f of set) keep.add(f);
    /** Folders only the newest durable checkpoint, older than the retained ones, names. */
    const heldForDurability = new Set<string>();
    for (const f of durable === undefined ? [] : this.referencedBySeq.get(durable) ?? []) {
      if (keep.has(f)) continue;
      keep.add(f);
      heldForDurability.add(f);
    }
    let held = false;
    const superseded: string[] = [];
    for (const s of this.graph.allStreams()) {
      superseded.push(...s.checkpointData.forgetUnreferenced(this.checkpointDir, keep));
      if (heldForDurability.size > 0 && !held) held = s.checkpointData.keepsOnlyFor(this.checkpointDir, heldForDurability);
    }
    for (const run of this.earlierRuns) {
      if (!RUN_FOLDER_RE.test(run)) continue;
      let named = false;
      let onlyHeld = true;
      for (const f of keep) {
        if (!f.startsWith(`${run}/`)) continue;
        named = true;
        if (heldForDurability.has(f)) continue;
        onlyHeld = false;
        break;
      }
      if (named) {
        if (onlyHeld) held = true;
        continue;
      }
      superseded.push(join(this.checkpointDir, run));
      this.earlierRuns.delete(run);
    }
    this.keepsFoldersForDurability = held;
    if (superseded.length > 0) deletePaths(superseded, true);
  }

  private pruneMetadataFiles(deletePaths: DeletePaths, keepFrom: number): void {
    if (this.metadataFiles === undefined) return;
    const old: string[] = [];
    while (this.metadataFiles.length > DEFAULT_RETAINED_CHECKPOINTS) {
      const seq = this.metadataFiles[0]!;
      if (seq === keepFrom) {
        // Kept (the newest durable one) while beyond the newest 10; deleted by a later write.
        if (this.metadataFiles.length === DEFAULT_RETAINED_CHECKPOINTS + 1) break;
        this.metadataFiles.splice(1, 1).forEach((s) => old.push(this.store.fileFor(s)));
        continue;
      }
      old.push(this.store.fileFor(this.metadataFiles.shift()!));
    }
    if (old.length > 0) deletePaths(old, false);
  }

  /**
   * After a completed batch's checkpoint is on disk: deletes write-ahead log segments older
   * than every block a retained batch of the *previous* completed checkpoint uses. Retained
   * batches include completed ones within the remember duration: recomputing state from its
   * last checkpoint may need their blocks.
   */
  async afterCompletedWrite(cp: MetadataCheckpoint): Promise<void> {
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
}

/** Deletes files (`folders` false) or folders with their contents; a path already gone is no error. */
export type DeletePaths = (paths: string[], folders: boolean) => void;

function deleteNow(paths: string[], folders: boolean): void {
  for (const path of paths) rmSync(path, { recursive: folders, force: true });
}
