import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { getLogger, HashPartitioner, ManualClock, ReliableCheckpointRDD, Time } from '@kindling/core';
import type { RDD } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import { isCheckpointableInput } from './checkpointable-input.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import type { StoredCheckpoint } from './checkpoint-store.ts';
import { hasCustomName, inputKeys, matchGraph } from './graph-shape.ts';
import { IncompatibleCheckpointError } from './incompatible-checkpoint-error.ts';
import { decodeCheckpoint } from './metadata-checkpoint.ts';
import type { CheckpointedRDDDescriptor, MetadataCheckpoint } from './metadata-checkpoint.ts';
import { MetadataCheckpointer } from './metadata-checkpointer.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { ReceiverInputDStream } from '../input/receiver-input-dstream.ts';
import type { BlockBatchInput } from '../input/batch-input-description.ts';
import { isWalInputPosition, WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';
import type { RecoveredCheckpointInfo } from './metadata-checkpointer.ts';

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

const recovered = new WeakMap<StreamingContext, RecoveredCheckpointInfo & { checkpoint: StoredCheckpoint }>();
const checkpointers = new WeakMap<StreamingContext, MetadataCheckpointer>();

/** The metadata checkpointer of a started context with a checkpoint directory. @internal */
export function metadataCheckpointerOf(ssc: StreamingContext): MetadataCheckpointer | undefined { return checkpointers.get(ssc); }

/** The checkpoint a context was recovered from, if any. */
export function recoveredCheckpointOf(ssc: StreamingContext): StoredCheckpoint | undefined { return recovered.get(ssc)?.checkpoint; }

/**
 * Installs metadata checkpointing on a context that is starting (called by `start()` when a
 * checkpoint directory is set). @internal
 */
export async function startMetadataCheckpointing(ssc: StreamingContext): Promise<MetadataCheckpointer | undefined> {
  const dir = ssc.checkpointDir;
  if (dir === undefined) {
    if (ssc.streamingConf.writeAheadLogEnabled && ssc.graph.inputStreams.some((s) => s instanceof ReceiverInputDStream)) {
      throw new Error('Cannot enable the receiver write-ahead log (spark.streaming.receiver.writeAheadLog.enable) without a checkpoint directory: call ssc.checkpoint(directory) before start().');
    }
    return undefined;
  }
  const existing = checkpointers.get(ssc);
  if (existing !== undefined) return existing;
  const cp = new MetadataCheckpointer(ssc, dir, recovered.get(ssc));
  checkpointers.set(ssc, cp);
  await cp.openWriteAheadLogs();
  cp.install();
  return cp;
}

/**
 * `StreamingContext.getOrCreate`: with no metadata checkpoint in `checkpointDir`, returns
 * `create()`; otherwise calls `create()` too (the user's current code builds the graph), then
 * matches the checkpoint's streams to it, restores their data and arranges for the batches
 * that were generated but not completed (and those missed while down) to run first.
 */
export async function getOrCreateFromCheckpoint(checkpointDir: string, create: (recovery?: CheckpointRecoveryInfo) => StreamingContext | Promise<StreamingContext>): Promise<StreamingContext> {
  const store = new CheckpointStore(checkpointDir);
  const files = store.list();
  if (files.length === 0) {
    const ssc = await create();
    if (ssc.checkpointDir === undefined) ssc.checkpoint(checkpointDir);
    return ssc;
  }
  const stored = newestUsable(store);
  const ssc = await create({ checkpointFile: stored.file, latestBatchTime: new Time(stored.checkpoint.latestGeneratedTime), pendingBatches: stored.checkpoint.pendingTimes.map((t) => new Time(t)) });
  try {
    await restore(ssc, stored, checkpointDir);
  } catch (e) {
    // Leave the process free to build another context (e.g. to start fresh).
    await ssc.stop(true).catch(() => undefined);
    throw e;
  }
  return ssc;
}

/** Whether every part file of a checkpointed RDD is there. */
function checkpointFilesExist(d: CheckpointedRDDDescriptor): boolean {
  for (let i = 0; i < d.numPartitions; i++) if (!existsSync(join(d.path, `part-${String(i).padStart(5, '0')}`))) return false;
  return true;
}

/** The newest checkpoint that decodes and whose RDD checkpoint folders all exist. */
function newestUsable(store: CheckpointStore): StoredCheckpoint {
  const warn = (m: string): void => log.warn(m);
  for (const stored of store.readNewestFirst(warn)) {
    const missing = stored.checkpoint.streams.filter((s) => s.checkpointedRDD !== undefined && !checkpointFilesExist(s.checkpointedRDD)).map((s) => `${s.id}: ${s.checkpointedRDD!.path}`);
    if (missing.length === 0) return stored;
    warn(`Metadata checkpoint ${stored.file} refers to checkpointed state that no longer exists (${missing.join('; ')}). Falling back to the previous checkpoint.`);
  }
  throw new Error(`The checkpoint directory ${store.checkpointDir} has metadata checkpoint files but none is usable (see the warnings above). Restore the directory from a backup, or delete it to start fresh (its state is then lost).`);
}

async function restore(ssc: StreamingContext, stored: StoredCheckpoint, checkpointDir: string): Promise<void> {
  const cp = stored.checkpoint;
  const graph = ssc.graph;
  const queues = graph.inputStreams.filter((s) => s.constructor.name === 'QueueInputDStream');
  if (queues.length > 0) {
    throw new Error(`Cannot recover from checkpoint ${stored.file}: the program uses a queue stream (${queues.map((q) => q.name()).join(', ')}), whose contents are not checkpointed. Use a replayable source (files, a receiver with the write-ahead log), or delete the checkpoint directory to start fresh.`);
  }
  const match = matchGraph(cp, graph);
  if (match.differences.length > 0) throw new IncompatibleCheckpointError(stored.file, match.differences);
  if (ssc.checkpointDir === undefined) ssc.checkpoint(checkpointDir);
  const sc = ssc.sparkContext;

  const restoredRDDs = new Map<string, CheckpointedRDDDescriptor>();
  const expectedStateShapes = new Map<string, string>();
  for (const [stream, old] of match.streams) {
    if (old.stateShape !== undefined && old.stateShape !== null) expectedStateShapes.set(stream.name(), old.stateShape);
    const d = old.checkpointedRDD;
    if (d === undefined) continue;
    const partitioner = d.partitioner?.kind === 'hash' ? new HashPartitioner(d.partitioner.numPartitions) : undefined;
    const rdd = new ReliableCheckpointRDD<unknown>(sc, d.path, d.numPartitions, partitioner);
    (stream.generatedRDDs as Map<number, RDD<unknown>>).set(d.time, rdd);
    restoredRDDs.set(stream.name(), d);
  }

  const period = cp.batchDurationMs;
  const latest = typeof cp.latestGeneratedTime === 'number' ? cp.latestGeneratedTime : cp.zeroTimeMs;
  const walStores = new Map<InputDStream<unknown>, WriteAheadLogBlockStore>();
  const oldInputs = new Map(cp.inputs.map((i) => [i.structuralKey, i]));
  const oldInputsById = new Map(cp.inputs.map((i) => [i.id, i]));
  for (const [input, key] of inputKeys(graph)) {
    const old = (hasCustomName(input) ? oldInputsById.get(input.name()) : undefined) ?? oldInputs.get(key);
    if (old === undefined) continue;
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
    if (position !== undefined && position !== null) {
      if (isCheckpointableInput(input)) input.restoreState(position);
    }
  }

  const clock = ssc.clock;
  if (clock instanceof ManualClock) {
    // As Spark: a manual clock resumes at the last checkpointed batch time, plus
    // spark.streaming.manualClock.jump (a test's way to say time passed while it was down).
    const jump = ssc.streamingConf.manualClockJumpMs;
    if (clock.getTimeMillis() < latest + jump) clock.setTime(latest + jump);
  }
  const replay = new Set<number>(cp.pendingTimes);
  // As Spark (JobGenerator.restart: checkpointTime.until(restartTime)), the checkpoint's own
  // batch runs again, completed or not, with the input it had; then the batches missed while
  // down, each with what arrived by then. Outputs are idempotent per batch time, so a re-run
  // replaces what the batch wrote.
  const now = clock.getTimeMillis();
  for (let t = latest > cp.zeroTimeMs ? latest : latest + period; t <= now; t += period) replay.add(t);
  const replayTimes = [...replay].sort((a, b) => a - b).map((t) => new Time(t));
  ssc.scheduler.jobGenerator.recovery = { zeroTime: new Time(cp.zeroTimeMs), replayTimes };

  recovered.set(ssc, {
    checkpoint: stored,
    pendingTimes: [...replay].sort((a, b) => a - b),
    latestGeneratedTime: Math.max(latest, replayTimes.at(-1)?.milliseconds ?? latest),
    referencedAppDirs: referencedAppDirs(new CheckpointStore(checkpointDir)),
    restoredRDDs,
    expectedStateShapes,
    walStores,
  });
  log.info(`Recovered from ${stored.file} (batch ${latest} ms); ${replayTimes.length} batch(es) to run again or catch up`);
  if (match.notes.length > 0 && log.isDebugEnabled()) {
    log.debug(`How the program's graph matched the checkpoint's:\n${match.notes.map((n) => `  - ${n}`).join('\n')}`);
  }
}

/** The RDD checkpoint folders (`<dir>/<uuid>`) any retained metadata checkpoint refers to. */
function referencedAppDirs(store: CheckpointStore): Set<string> {
  const out = new Set<string>();
  for (const { file } of store.list()) {
    let cp: MetadataCheckpoint;
    try {
      cp = decodeCheckpoint(readFileSync(file), file);
    } catch {
      continue;
    }
    for (const s of cp.streams) if (s.checkpointedRDD !== undefined) out.add(resolve(dirname(s.checkpointedRDD.path)));
    if (cp.rddCheckpointDir !== undefined) out.add(resolve(cp.rddCheckpointDir));
  }
  return out;
}

/** `<dir>/metadata`: where metadata checkpoints live. */
export function metadataDirOf(checkpointDir: string): string { return join(checkpointDir, 'metadata'); }
