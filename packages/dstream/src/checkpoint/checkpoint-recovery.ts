import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkpointPartMismatch, getLogger, ManualClock, SparkContext, Time } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import { isCheckpointableInput } from './checkpointable-input.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import type { StoredCheckpoint } from './checkpoint-store.ts';
import { checksumsFromHex } from './dstream-checkpoint-data.ts';
import { hasCustomName, inputKeys, matchGraph } from './graph-shape.ts';
import { IncompatibleCheckpointError } from './incompatible-checkpoint-error.ts';
import { UnrecoverableCheckpointError } from './unrecoverable-checkpoint-error.ts';
import type { CheckpointedRDDDescriptor, InputDescriptor, MetadataCheckpoint } from './metadata-checkpoint.ts';
import type { RecoveryPlan } from './recovery-plan.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { ReceiverInputDStream } from '../input/receiver-input-dstream.ts';
import type { BlockBatchInput } from '../input/batch-input-description.ts';
import { isWalInputPosition, WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';

// Spark's CheckpointReader logs what it read and what it falls back from.
const log = getLogger('CheckpointReader');

/**
 * What `StreamingContext.getOrCreate` passes to its factory when it recovers (nothing on a
 * fresh start), e.g. to print Spark's "Creating new context" only when there is no checkpoint.
 */
export interface CheckpointRecoveryInfo {
  /** The metadata checkpoint file recovery uses. */
  readonly checkpointFile: string;
  /** The latest batch generated before the stop or crash; it runs again, completed or not (as Spark). */
  readonly latestBatchTime: Time;
  /** Batches generated and not completed: they run again first. */
  readonly pendingBatches: readonly Time[];
}

/** What `getOrCreate` hands back: the context, and the plan to start it with (when recovered). */
export interface Recovered {
  readonly ssc: StreamingContext;
  readonly plan: RecoveryPlan | undefined;
}

/**
 * `StreamingContext.getOrCreate`: with no metadata checkpoint in `checkpointDir`, returns
 * `create()`; otherwise picks the newest usable checkpoint, calls `create()` too (the user's
 * current code builds the graph), matches the checkpoint's streams to it, restores their data
 * and returns the {@link RecoveryPlan} the context starts with.
 *
 * A checkpoint is usable when its file decodes and validates field by field, every part of
 * the state it refers to is there with the checksum it was written with, and every input it
 * restores is one the current program's input could have assigned (a file stream's files lie
 * in its directory). Others are skipped with a warning naming the file and why.
 */
export async function recoverOrCreate(checkpointDir: string, create: (recovery?: CheckpointRecoveryInfo) => StreamingContext | Promise<StreamingContext>): Promise<Recovered> {
  const dir = resolve(checkpointDir);
  const store = new CheckpointStore(dir);
  if (store.list().length === 0) {
    const orphaned = checkpointedStateFolders(dir);
    if (orphaned.length > 0) {
      throw new UnrecoverableCheckpointError(dir, `has no metadata checkpoint (${store.metadataDir} is missing or holds none) but holds checkpointed state, which cannot be recovered without one`,
        orphaned.map((f) => `${f}: state checkpoint folder no metadata checkpoint names`));
    }
    const ssc = await callFactory(checkpointDir, create, undefined);
    if (ssc.checkpointDir === undefined) ssc.checkpoint(checkpointDir);
    return { ssc, plan: undefined };
  }
  const rejected: string[] = [];
  const candidates = usableCandidates(store, rejected);
  let next = candidates.next();
  if (next.done === true) throw noneUsable(store, rejected);
  let stored = next.value;
  const cp0 = stored.checkpoint;
  const ssc = await callFactory(checkpointDir, create, { checkpointFile: stored.file, latestBatchTime: new Time(cp0.latestGeneratedTime), pendingBatches: cp0.pendingTimes.map((t) => new Time(t)) });
  try {
    for (;;) {
      const problem = inputProblem(ssc, stored.checkpoint);
      if (problem === undefined) break;
      const message = `Metadata checkpoint ${stored.file} is unusable: ${problem}. Falling back to the previous checkpoint.`;
      log.warn(message);
      rejected.push(message);
      next = candidates.next();
      if (next.done === true) throw noneUsable(store, rejected);
      stored = next.value;
    }
    return { ssc, plan: await restore(ssc, stored, dir, store) };
  } catch (e) {
    // Leave the process free to build another context (e.g. to start fresh).
    await ssc.stop(true).catch(() => undefined);
    throw e;
  }
}

/**
 * Calls the user's factory. When it throws, or returns something else than a StreamingContext
 * (a forgotten `return ssc`), the SparkContext it created (if any: one that was running before
 * the call is left alone) is stopped, so that the process can call `getOrCreate` again; the
 * factory's error is rethrown unchanged.
 */
async function callFactory(checkpointDir: string, create: (recovery?: CheckpointRecoveryInfo) => StreamingContext | Promise<StreamingContext>, recovery: CheckpointRecoveryInfo | undefined): Promise<StreamingContext> {
  const before = SparkContext.getActive();
  const stopCreated = (): void => {
    const created = SparkContext.getActive();
    if (created !== undefined && created !== before) created.stop();
  };
  let ssc: unknown;
  try {
    ssc = await (recovery === undefined ? create() : create(recovery));
  } catch (e) {
    stopCreated();
    throw e;
  }
  if (!isStreamingContext(ssc)) {
    stopCreated();
    throw new TypeError(`StreamingContext.getOrCreate('${checkpointDir}', create): create returned ${describeValue(ssc)}, not a StreamingContext: end it with \`return ssc;\` (the context it built).`);
  }
  return ssc;
}

/** Whether `x` is a StreamingContext (by shape: this module cannot import the class's value). */
function isStreamingContext(x: unknown): x is StreamingContext {
  const c = x as Partial<StreamingContext> | null | undefined;
  return typeof c === 'object' && c !== null && c.sparkContext instanceof SparkContext && typeof c.start === 'function' && typeof c.checkpoint === 'function';
}

function describeValue(x: unknown): string {
  if (x === undefined || x === null || typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (typeof x === 'object' || typeof x === 'function') return `a ${(x as object).constructor?.name ?? typeof x}`;
  return `a ${typeof x}`;
}

function noneUsable(store: CheckpointStore, rejected: readonly string[]): Error {
  return new UnrecoverableCheckpointError(store.checkpointDir, 'has metadata checkpoint files but none is usable', rejected);
}

/**
 * The RDD checkpoint folders (`<run uuid>/rdd-<id>`) in a checkpoint directory, e.g. left
 * without the metadata checkpoints that name them (the `metadata/` folder deleted or lost):
 * starting fresh there would drop that state without a word.
 */
function checkpointedStateFolders(dir: string): string[] {
  const found: string[] = [];
  for (const run of listDirs(dir)) {
    if (run === 'metadata' || run === 'receivedData') continue;
    for (const name of listDirs(join(dir, run))) if (/^rdd-\d+$/.test(name)) found.push(join(dir, run, name));
  }
  return found.sort();
}

/** The visible sub-folders of `dir` (none when it cannot be listed). */
function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * Checkpoints that decode and validate and whose state files are intact, newest first; each
 * skipped one is warned about and added to `rejected`.
 */
function* usableCandidates(store: CheckpointStore, rejected: string[]): Generator<StoredCheckpoint> {
  const verified = new Map<string, string[]>();
  const warn = (m: string): void => {
    log.warn(m);
    rejected.push(m);
  };
  for (const stored of store.readNewestFirst(warn)) {
    const problems: string[] = [];
    for (const s of stored.checkpoint.streams) {
      const d = s.checkpointedRDD;
      if (d === undefined) continue;
      let found = verified.get(d.path);
      if (found === undefined) verified.set(d.path, (found = partProblems(store.checkpointDir, d)));
      for (const p of found) problems.push(`${s.id}: ${p}`);
    }
    if (problems.length === 0) {
      yield stored;
      continue;
    }
    warn(`Metadata checkpoint ${stored.file} refers to checkpointed state that no longer exists or is damaged (${problems.join('; ')}). Falling back to the previous checkpoint.`);
  }
}

/** What is wrong with the part files of a checkpointed RDD (empty: nothing). */
function partProblems(checkpointDir: string, d: CheckpointedRDDDescriptor): string[] {
  const folder = join(checkpointDir, d.path);
  const checksums = d.checksums === undefined ? undefined : checksumsFromHex(d.checksums);
  const problems: string[] = [];
  for (let i = 0; i < d.numPartitions; i++) {
    const file = join(folder, `part-${String(i).padStart(5, '0')}`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      problems.push(`${file} is missing`);
      continue;
    }
    const mismatch = checksums === undefined ? undefined : checkpointPartMismatch(file, bytes, checksums[i]!);
    if (mismatch !== undefined) problems.push(mismatch);
  }
  return problems;
}

/** The input of the program each old input descriptor restores into. */
function matchInputs(ssc: StreamingContext, cp: MetadataCheckpoint): Map<InputDStream<unknown>, InputDescriptor> {
  const byKey = new Map(cp.inputs.map((i) => [i.structuralKey, i]));
  const byId = new Map(cp.inputs.map((i) => [i.id, i]));
  const out = new Map<InputDStream<unknown>, InputDescriptor>();
  for (const [input, key] of inputKeys(ssc.graph)) {
    const old = (hasCustomName(input) ? byId.get(input.name()) : undefined) ?? byKey.get(key);
    if (old !== undefined) out.set(input, old);
  }
  return out;
}

/** Why the checkpoint's inputs cannot be restored into the program's (e.g. a file outside the directory). */
function inputProblem(ssc: StreamingContext, cp: MetadataCheckpoint): string | undefined {
  for (const [input, old] of matchInputs(ssc, cp)) {
    if (isWalInputPosition(old.position) && input instanceof ReceiverInputDStream) continue;
    for (const [t, description] of old.assignments) {
      const problem = input.checkRestoredInput(description);
      if (problem !== undefined) return `the input of batch ${t} ms: ${problem}`;
    }
  }
  return undefined;
}

async function restore(ssc: StreamingContext, stored: StoredCheckpoint, checkpointDir: string, store: CheckpointStore): Promise<RecoveryPlan> {
  const cp = stored.checkpoint;
  const graph = ssc.graph;
  const queues = graph.inputStreams.filter((s) => s.kind === 'queueStream');
  if (queues.length > 0) {
    throw new Error(`Cannot recover from checkpoint ${stored.file}: the program uses a queue stream (${queues.map((q) => q.name()).join(', ')}), whose contents are not checkpointed. Use a replayable source (files, a receiver with the write-ahead log), or delete the checkpoint directory to start fresh.`);
  }
  const match = matchGraph(cp, graph);
  if (match.differences.length > 0) throw new IncompatibleCheckpointError(stored.file, match.differences, match.missingStateful, checkpointDir);
  if (ssc.checkpointDir === undefined) ssc.checkpoint(checkpointDir);

  const expectedStateShapes = new Map<string, string>();
  for (const [stream, old] of match.streams) {
    if (old.stateShape !== undefined) expectedStateShapes.set(stream.name(), old.stateShape);
    if (old.checkpointedRDD !== undefined) stream.checkpointData.restore(old.checkpointedRDD, checkpointDir);
  }

  const period = cp.batchDurationMs;
  const latest = cp.latestGeneratedTime;
  const walStores = new Map<InputDStream<unknown>, WriteAheadLogBlockStore>();
  for (const [input, old] of matchInputs(ssc, cp)) {
    const position = old.position;
    if (isWalInputPosition(position) && input instanceof ReceiverInputDStream) {
      // Blocks of the checkpoint's batches and those received after the last allocated one
      // come back from the log; the latter go to the first batch after the checkpoint.
      const qualify = (id: string): string => (id.includes('/') ? id : `${position.run}/${id}`);
      const assignments = old.assignments.map(([t, b]) => [t, { kind: 'blocks', blocks: (b as BlockBatchInput).blocks.map((x) => ({ ...x, blockId: qualify(x.blockId) })) }] as const);
      const referenced = new Set<string>();
      for (const [, b] of assignments) for (const x of b.blocks) referenced.add(x.blockId);
      const blocks = await WriteAheadLogBlockStore.recover(checkpointDir, position, referenced, input.id);
      const missing = [...referenced].filter((id) => !blocks.blocks.has(id));
      if (missing.length > 0) {
        log.warn(`Receiver write-ahead log ${blocks.dir} lacks ${missing.length} block(s) of checkpointed batches (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}); those batches are recomputed without them.`);
      }
      const restoredAssignments: (readonly [number, unknown])[] = [...assignments];
      if (blocks.unallocated.length > 0) restoredAssignments.push([latest + period, { kind: 'blocks', blocks: blocks.unallocated.map((u) => u.info) }]);
      input.restoreAssignedInputs(restoredAssignments as [number, never][]);
      walStores.set(input, new WriteAheadLogBlockStore(blocks.dir, blocks.relDir, blocks));
      continue;
    }
    input.restoreAssignedInputs(old.assignments);
    if (position !== undefined && isCheckpointableInput(input)) input.restoreState(position);
  }

  const clock = ssc.clock;
  if (clock instanceof ManualClock) {
    // As Spark: a manual clock resumes at the last checkpointed batch time, plus
    // spark.streaming.manualClock.jump (a test's way to say time passed while it was down).
    const jump = ssc.streamingConf.manualClockJumpMs;
    if (clock.getTimeMillis() < latest + jump) clock.setTime(latest + jump);
  }
  // As Spark (JobGenerator.restart: checkpointTime.until(restartTime)), the checkpoint's own
  // batch runs again, completed or not, with the input it had; then the batches missed while
  // down, each with what arrived by then (the generator makes those lazily). Outputs are
  // idempotent per batch time, so a re-run replaces what the batch wrote.
  const replay = new Set<number>(cp.pendingTimes);
  if (latest > cp.zeroTimeMs) replay.add(latest);
  const pendingTimes = [...replay].sort((a, b) => a - b);
  log.info(`Recovered from ${stored.file} (batch ${latest} ms); ${pendingTimes.length} batch(es) to run again, then those missed while down`);
  if (match.notes.length > 0 && log.isDebugEnabled()) log.debug(`How the program's graph matched the checkpoint's:\n${match.notes.map((n) => `  - ${n}`).join('\n')}`);
  const references = referencedOnDisk(store);
  return {
    checkpointDir,
    checkpointFile: stored.file,
    checkpoint: cp,
    generator: { zeroTime: new Time(cp.zeroTimeMs), replayTimes: pendingTimes.map((t) => new Time(t)), resumeAt: latest + period },
    pendingTimes,
    latestGeneratedTime: latest,
    expectedStateShapes,
    walStores,
    referencedFolders: references.folders,
    earlierRunFolders: references.runs,
  };
}

/**
 * The RDD checkpoint folders any metadata checkpoint on disk refers to (relative paths), and
 * the run folders (`<uuid>`) they and the checkpoints' own run folders lie in.
 */
function referencedOnDisk(store: CheckpointStore): { folders: Set<string>; runs: Set<string> } {
  const folders = new Set<string>();
  const runs = new Set<string>();
  for (const { checkpoint } of store.readNewestFirst(() => {})) {
    for (const s of checkpoint.streams) {
      if (s.checkpointedRDD === undefined) continue;
      folders.add(s.checkpointedRDD.path);
      runs.add(s.checkpointedRDD.path.split('/')[0]!);
    }
    if (checkpoint.rddCheckpointDir !== undefined) runs.add(checkpoint.rddCheckpointDir.split('/')[0]!);
  }
  return { folders, runs };
}

/** `<dir>/metadata`: where metadata checkpoints live. */
export function metadataDirOf(checkpointDir: string): string { return join(checkpointDir, 'metadata'); }
