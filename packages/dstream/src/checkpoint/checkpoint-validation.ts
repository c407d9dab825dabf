import { dirname, isAbsolute, relative, sep } from 'node:path';
import { withOperatorKinds } from './legacy-kinds.ts';
import { CHECKPOINT_FORMAT_VERSION, CorruptCheckpointError, decodeCheckpointFrame } from './metadata-checkpoint.ts';
import type { CheckpointedRDDDescriptor, InputDescriptor, MetadataCheckpoint, OutputDescriptor, PartitionerDescriptor, StreamDescriptor } from './metadata-checkpoint.ts';

/**
 * Decodes a metadata checkpoint file and validates its body field by field: a body whose CRC
 * is right can still be wrong (written by a buggy tool, edited by hand, forged), and recovery
 * must never act on it (loop to a time of 1e308, read a file it names outside the checkpoint
 * directory, or fail with a TypeError). Anything invalid throws {@link CorruptCheckpointError}
 * naming the file and the field, which recovery treats as any damaged file: warn, fall back.
 *
 * A version 1 body is converted: its absolute RDD checkpoint paths become relative to the
 * checkpoint directory (the folder above `metadata/`), and it is unusable if they lie outside.
 * Version 1 and 2 bodies recorded class-style kinds (`StateDStream`): their kinds, ids and
 * structural keys are converted to the operator kinds (`updateStateByKey`, see
 * `legacy-kinds.ts`), so they match the streams of the current program.
 */
export function decodeCheckpoint(bytes: Uint8Array, file: string): MetadataCheckpoint {
  const { version, body } = decodeCheckpointFrame(bytes, file);
  return validateCheckpointBody(body, version, file, dirname(dirname(file)));
}

/** A value that failed validation: which field, and why. */
class Invalid extends Error {}

function fail(path: string, reason: string): never { throw new Invalid(`${path} ${reason}`); }

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, `must be an array, got ${show(v)}`);
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, `must be a string, got ${show(v)}`);
  return v;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `must be true or false, got ${show(v)}`);
  return v;
}
/** An integer that is exact in a double (every time and count of a checkpoint is one). */
function int(v: unknown, path: string, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(path, `must be a whole number, got ${show(v)}`);
  if (v < min) fail(path, `must be at least ${min}, got ${v}`);
  return v;
}
function optional<T>(v: unknown, read: (v: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : read(v);
}
function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/**
 * Validates a decoded checkpoint body (see {@link decodeCheckpoint}); `checkpointDir` is the
 * directory the file was read from.
 */
export function validateCheckpointBody(raw: unknown, version: number, file: string, checkpointDir: string): MetadataCheckpoint {
  try {
    return readCheckpoint(raw, version, checkpointDir);
  } catch (e) {
    if (e instanceof Invalid) throw new CorruptCheckpointError(file, `invalid body: ${e.message}`);
    throw e;
  }
}

function readCheckpoint(raw: unknown, version: number, checkpointDir: string): MetadataCheckpoint {
  const b = obj(raw, 'the body');
  if (b.version !== version) fail('version', `must be ${version} (as the header says), got ${show(b.version)}`);
  const batchDurationMs = int(b.batchDurationMs, 'batchDurationMs', 1);
  const zeroTimeMs = int(b.zeroTimeMs, 'zeroTimeMs');
  /** A batch time: on the grid of the zero time and batch duration, after the zero time. */
  const batchTime = (v: unknown, path: string, allowZero = false): number => {
    const t = int(v, path, allowZero ? zeroTimeMs : zeroTimeMs + batchDurationMs);
    if ((t - zeroTimeMs) % batchDurationMs !== 0) fail(path, `(${t}) is not a batch time: batches are at ${zeroTimeMs} + k * ${batchDurationMs} ms`);
    return t;
  };
  // Version 1 wrote no time before the first batch as null.
  const latestGeneratedTime = b.latestGeneratedTime === null && version === 1 ? zeroTimeMs : batchTime(b.latestGeneratedTime, 'latestGeneratedTime', true);
  const pendingTimes = arr(b.pendingTimes, 'pendingTimes').map((t, i) => batchTime(t, `pendingTimes[${i}]`));
  for (let i = 0; i < pendingTimes.length; i++) {
    if (pendingTimes[i]! > latestGeneratedTime) fail(`pendingTimes[${i}]`, `(${pendingTimes[i]}) is after latestGeneratedTime (${latestGeneratedTime})`);
    if (i > 0 && pendingTimes[i]! <= pendingTimes[i - 1]!) fail('pendingTimes', 'must be in increasing time order');
  }
  const reason = str(b.reason, 'reason');
  if (reason !== 'generated' && reason !== 'completed' && reason !== 'final') fail('reason', `must be generated, completed or final, got ${show(reason)}`);
  const relativePath = (v: unknown, path: string): string => inside(str(v, path), path, checkpointDir, version);
  const streams = arr(b.streams, 'streams').map((s, i) => readStream(s, `streams[${i}]`, batchTime, relativePath, version));
  const ids = new Set<string>();
  for (const s of streams) {
    if (ids.has(s.id)) fail('streams', `name the stream '${s.id}' twice`);
    ids.add(s.id);
  }
  const cp: MetadataCheckpoint = {
    version: CHECKPOINT_FORMAT_VERSION,
    sequence: int(b.sequence, 'sequence', 1),
    reason,
    batchTime: batchTime(b.batchTime, 'batchTime', true),
    latestGeneratedTime,
    writtenAt: typeof b.writtenAt === 'number' && Number.isFinite(b.writtenAt) ? b.writtenAt : fail('writtenAt', `must be a time, got ${show(b.writtenAt)}`),
    batchDurationMs,
    zeroTimeMs,
    pendingTimes,
    streams,
    inputs: arr(b.inputs, 'inputs').map((x, i) => readInput(x, `inputs[${i}]`, batchTime)),
    outputs: arr(b.outputs, 'outputs').map((x, i) => readOutput(x, `outputs[${i}]`)),
    rddCheckpointDir: optional(b.rddCheckpointDir, (v) => relativePath(v, 'rddCheckpointDir')),
  };
  return version < 3 ? withOperatorKinds(cp) : cp;
}

/**
 * A path the checkpoint names under its own directory, as a relative path that cannot leave
 * it (no `..`, not absolute). Version 1 stored absolute paths: they are made relative, and
 * must lie inside `checkpointDir`.
 */
function inside(p: string, path: string, checkpointDir: string, version: number): string {
  let rel = p;
  if (version === 1 && isAbsolute(p)) rel = relative(checkpointDir, p);
  if (rel.length === 0 || isAbsolute(rel) || rel.split(/[\\/]/).some((part) => part === '..' || part === '')) {
    fail(path, `(${show(p)}) must be a path inside the checkpoint directory, relative to it`);
  }
  return rel.split(sep).join('/');
}

function readStream(raw: unknown, path: string, batchTime: (v: unknown, path: string) => number, relativePath: (v: unknown, path: string) => string, version: number): StreamDescriptor {
  const s = obj(raw, path);
  const positive = (v: unknown, field: string): number | undefined => optional(v, (x) => int(x, `${path}.${field}`, 1));
  const d = optional(s.checkpointedRDD, (x) => readCheckpointedRDD(x, `${path}.checkpointedRDD`, batchTime, relativePath, version));
  return {
    id: nonEmpty(s.id, `${path}.id`),
    named: bool(s.named, `${path}.named`),
    structuralKey: nonEmpty(s.structuralKey, `${path}.structuralKey`),
    kind: nonEmpty(s.kind, `${path}.kind`),
    parents: arr(s.parents, `${path}.parents`).map((p, i) => str(p, `${path}.parents[${i}]`)),
    slideMs: int(s.slideMs, `${path}.slideMs`, 1),
    windowMs: positive(s.windowMs, 'windowMs'),
    checkpointMs: positive(s.checkpointMs, 'checkpointMs'),
    stateful: bool(s.stateful, `${path}.stateful`),
    checkpointedRDD: d,
    stateShape: optional(s.stateShape, (x) => str(x, `${path}.stateShape`)),
  };
}

function nonEmpty(v: unknown, path: string): string {
  const s = str(v, path);
  if (s.length === 0) fail(path, 'must not be empty');
  return s;
}

/** More partitions than this is not a checkpoint Kindling wrote (it would be millions of files). */
const MAX_PARTITIONS = 1 << 20;

function readCheckpointedRDD(raw: unknown, path: string, batchTime: (v: unknown, path: string) => number, relativePath: (v: unknown, path: string) => string, version: number): CheckpointedRDDDescriptor {
  const d = obj(raw, path);
  const numPartitions = int(d.numPartitions, `${path}.numPartitions`, 0);
  if (numPartitions > MAX_PARTITIONS) fail(`${path}.numPartitions`, `(${numPartitions}) is more than ${MAX_PARTITIONS}`);
  let checksums: string[] | undefined;
  if (version > 1 || d.checksums !== undefined) {
    checksums = arr(d.checksums, `${path}.checksums`).map((c, i) => {
      if (typeof c !== 'string' || !/^[0-9a-f]{8}$/.test(c)) fail(`${path}.checksums[${i}]`, `must be 8 hex digits, got ${show(c)}`);
      return c;
    });
    if (checksums.length !== numPartitions) fail(`${path}.checksums`, `has ${checksums.length} entries for ${numPartitions} partitions`);
  }
  return {
    time: batchTime(d.time, `${path}.time`),
    path: relativePath(d.path, `${path}.path`),
    numPartitions,
    partitioner: optional(d.partitioner, (x) => readPartitioner(x, `${path}.partitioner`)),
    checksums,
  };
}

function readPartitioner(raw: unknown, path: string): PartitionerDescriptor {
  const p = obj(raw, path);
  if (p.kind !== 'hash' && p.kind !== 'other') fail(`${path}.kind`, `must be hash or other, got ${show(p.kind)}`);
  return { kind: p.kind, numPartitions: int(p.numPartitions, `${path}.numPartitions`, 1) };
}

function readInput(raw: unknown, path: string, batchTime: (v: unknown, path: string) => number): InputDescriptor {
  const x = obj(raw, path);
  return {
    id: nonEmpty(x.id, `${path}.id`),
    structuralKey: nonEmpty(x.structuralKey, `${path}.structuralKey`),
    inputId: int(x.inputId, `${path}.inputId`, 0),
    kind: nonEmpty(x.kind, `${path}.kind`),
    replayable: bool(x.replayable, `${path}.replayable`),
    assignments: arr(x.assignments, `${path}.assignments`).map((a, i) => {
      const pair = arr(a, `${path}.assignments[${i}]`);
      if (pair.length !== 2) fail(`${path}.assignments[${i}]`, 'must be [batch time, description]');
      // The description is the input stream's own data: the stream checks it when it is
      // restored (a file stream: every file inside its directory).
      return [batchTime(pair[0], `${path}.assignments[${i}][0]`), pair[1]] as const;
    }),
    position: x.position === null ? undefined : x.position,
  };
}

function readOutput(raw: unknown, path: string): OutputDescriptor {
  const o = obj(raw, path);
  return { outputOpId: int(o.outputOpId, `${path}.outputOpId`, 0), opName: nonEmpty(o.opName, `${path}.opName`), parent: nonEmpty(o.parent, `${path}.parent`) };
}
