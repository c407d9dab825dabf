import { crc32 } from 'node:zlib';

/**
 * Version of the metadata checkpoint encoding (see docs/checkpoint-format.md). Bumped on any
 * change a reader of the previous version could misread; readers refuse other versions with
 * an error that says what to do.
 */
export const CHECKPOINT_FORMAT_VERSION = 3;

/**
 * Older versions this Kindling still reads, converted on read: version 1 (absolute paths, no
 * checksums on state part files) when its paths lie inside the checkpoint directory; versions
 * 1 and 2 recorded class-style kinds (`StateDStream`), which become the operator kinds of
 * version 3 (`updateStateByKey`).
 */
export const READABLE_CHECKPOINT_VERSIONS: readonly number[] = [1, 2, CHECKPOINT_FORMAT_VERSION];

/** The first token of every metadata checkpoint file. */
export const CHECKPOINT_MAGIC = 'KINDLING-CHECKPOINT';

/** A partitioner as data: only hash partitioners are rebuilt; others become a reshuffle. */
export interface PartitionerDescriptor {
  readonly kind: 'hash' | 'other';
  readonly numPartitions: number;
}

/** A checkpointed RDD of a stream: the folder written by core's RDD checkpoint. */
export interface CheckpointedRDDDescriptor {
  /** Batch time (ms) of the RDD. */
  readonly time: number;
  /**
   * The folder holding `part-00000`, ..., relative to the checkpoint directory
   * (`<uuid>/rdd-<id>`), so that a moved or copied checkpoint directory reads its own files.
   */
  readonly path: string;
  readonly numPartitions: number;
  readonly partitioner: PartitionerDescriptor | undefined;
  /**
   * CRC-32 of every part file as written (8 hex digits each), checked before recovery uses
   * the checkpoint and again whenever a part is read. Absent only in version 1 checkpoints.
   */
  readonly checksums: readonly string[] | undefined;
}

/** One DStream of the graph, by stable id. */
export interface StreamDescriptor {
  /** The stable id: `name()` (a custom name, or `<kind>#<position>`). */
  readonly id: string;
  /** Whether `id` is a custom name given with `name()`/`setName()`. */
  readonly named: boolean;
  /** Identity independent of creation order: kind and parents' keys (or the custom name). */
  readonly structuralKey: string;
  /** The operator kind each DStream class declares (`static kind`): `map`, `updateStateByKey`, ... (version 1 and 2: class-style, see `legacy-kinds.ts`). */
  readonly kind: string;
  readonly parents: readonly string[];
  readonly slideMs: number;
  /** Window length, for windowed streams. */
  readonly windowMs: number | undefined;
  readonly checkpointMs: number | undefined;
  /** True for streams whose RDDs carry state from batch to batch. */
  readonly stateful: boolean;
  /** The latest checkpointed RDD (stateful streams, or streams with `checkpoint(interval)`). */
  readonly checkpointedRDD: CheckpointedRDDDescriptor | undefined;
  /**
   * Stateful streams: the shape of a sample element (key and state), e.g. `[string, number]`,
   * when known (see `shapeOf`). Optional: absent in checkpoints that did not know it.
   */
  readonly stateShape?: string | undefined;
}

/** One input stream's position. */
export interface InputDescriptor {
  /** Stable id of the input DStream. */
  readonly id: string;
  /** As {@link StreamDescriptor.structuralKey}. */
  readonly structuralKey: string;
  readonly inputId: number;
  readonly kind: string;
  /** Whether batches can be replayed from `assignments` (files, offsets, blocks). */
  readonly replayable: boolean;
  /** Per batch time (ms), the replayable description of what the batch read. */
  readonly assignments: readonly (readonly [number, unknown])[];
  /** The source's own resumable position (e.g. a file ledger), JSON data. */
  readonly position: unknown;
}

/** An output operation. */
export interface OutputDescriptor {
  readonly outputOpId: number;
  readonly opName: string;
  readonly parent: string;
}

/**
 * What Kindling writes at every batch to resume after a crash: data only, never code.
 * The user's current code rebuilds the graph; this restores its data by stable id.
 */
export interface MetadataCheckpoint {
  readonly version: number;
  /** Ever-increasing write number (continues across restarts); orders checkpoint files. */
  readonly sequence: number;
  /** Why it was written: after a batch's jobs were generated, after it completed, or at stop. */
  readonly reason: 'generated' | 'completed' | 'final';
  /** The batch time the write is about (ms). */
  readonly batchTime: number;
  /** The latest batch time generated so far (ms), `zeroTimeMs` before the first: a manual clock resumes from here. */
  readonly latestGeneratedTime: number;
  /** Wall-clock time of the write (epoch ms), informational. */
  readonly writtenAt: number;
  readonly batchDurationMs: number;
  readonly zeroTimeMs: number;
  /** Batches generated and not completed, in time order: re-run on recovery. */
  readonly pendingTimes: readonly number[];
  readonly streams: readonly StreamDescriptor[];
  readonly inputs: readonly InputDescriptor[];
  readonly outputs: readonly OutputDescriptor[];
  /**
   * The sub-folder (`<uuid>`, relative to the checkpoint directory) where this run writes RDD
   * checkpoints.
   */
  readonly rddCheckpointDir: string | undefined;
}

/** A checkpoint file that cannot be used: truncated, corrupt, or of another version. */
export class CorruptCheckpointError extends Error {
  override readonly name = 'CorruptCheckpointError';
  constructor(readonly file: string, reason: string, options?: { cause?: unknown }) {
    super(`Metadata checkpoint ${file} is unusable: ${reason}.`, options);
  }
}

/** Arrays {@link encodedOnce} marked, with their JSON once encoded (undefined until then). */
const onceJson = new WeakMap<object, string | undefined>();

/**
 * Marks `value`, deeply frozen by its maker, as one that checkpoints encode once and then
 * reuse the JSON of (`describeGraph`'s streams and outputs: the same arrays from one checkpoint
 * to the next while the started graph's description does not change). @internal
 */
export function encodedOnce<T extends readonly unknown[]>(value: T): T {
  if (!onceJson.has(value)) onceJson.set(value, undefined);
  return value;
}

/**
 * `JSON.stringify(cp)`, byte for byte, with the JSON of each field marked {@link encodedOnce}
 * made once and reused: most of a checkpoint's bytes, written every batch.
 */
function checkpointJson(cp: MetadataCheckpoint): string {
  let out = '{';
  for (const key of Object.keys(cp)) {
    const value = (cp as unknown as Record<string, unknown>)[key];
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    let json: string;
    if (typeof value === 'object' && value !== null && onceJson.has(value)) {
      json = onceJson.get(value) ?? JSON.stringify(value);
      onceJson.set(value, json);
    } else {
      json = JSON.stringify(value);
    }
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${json}`;
  }
  return `${out}}`;
}

/**
 * Encodes a checkpoint: one header line `KINDLING-CHECKPOINT <version> <byte length> <crc32
 * hex>` then the JSON body (UTF-8). The length and CRC make a truncated or damaged file
 * detectable before any of it is trusted.
 */
export function encodeCheckpoint(cp: MetadataCheckpoint): Buffer {
  const body = Buffer.from(checkpointJson(cp), 'utf8');
  const header = `${CHECKPOINT_MAGIC} ${CHECKPOINT_FORMAT_VERSION} ${body.length} ${crc32(body).toString(16).padStart(8, '0')}\n`;
  return Buffer.concat([Buffer.from(header, 'utf8'), body]);
}

/**
 * Checks {@link encodeCheckpoint}'s framing (header, version, length, CRC) and parses the JSON
 * body, unvalidated: `checkpoint-validation.ts` checks it field by field. Throws
 * {@link CorruptCheckpointError} naming `file`.
 */
export function decodeCheckpointFrame(bytes: Uint8Array, file: string): { version: number; body: unknown } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(0x0a);
  if (nl < 0 || nl > 200) throw new CorruptCheckpointError(file, 'no header line (truncated or not a checkpoint)');
  const fields = buf.subarray(0, nl).toString('utf8').split(' ');
  if (fields.length !== 4 || fields[0] !== CHECKPOINT_MAGIC) throw new CorruptCheckpointError(file, 'bad header (not a Kindling metadata checkpoint)');
  const version = Number(fields[1]);
  if (!READABLE_CHECKPOINT_VERSIONS.includes(version)) {
    throw new CorruptCheckpointError(file, `format version ${fields[1]} is not supported by this Kindling (it reads versions ${READABLE_CHECKPOINT_VERSIONS.join(', ')}); recover with the Kindling version that wrote it, or delete the checkpoint directory to start fresh`);
  }
  const length = Number(fields[2]);
  const body = buf.subarray(nl + 1);
  if (body.length !== length) throw new CorruptCheckpointError(file, `body has ${body.length} bytes, header says ${length} (truncated or appended to)`);
  const crc = crc32(body).toString(16).padStart(8, '0');
  if (crc !== fields[3]) throw new CorruptCheckpointError(file, `checksum mismatch (${crc}, header says ${fields[3]})`);
  try {
    return { version, body: JSON.parse(body.toString('utf8')) };
  } catch (e) {
    throw new CorruptCheckpointError(file, 'body is not valid JSON', { cause: e });
  }
}
