import { crc32 } from 'node:zlib';
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../fs/fsync-dir.ts';
import { WriteAheadLogError } from './write-ahead-log-error.ts';

/**
 * # On-disk format, version 1
 * A log is a directory of segment files `log-00000001`, `log-00000002`, ... (in write order).
 * Each segment starts with an 8-byte header: ASCII `KWAL`, a version byte (1) and three zero
 * bytes. Records follow, each framed as
 *
 * ```
 * length:u32le  crc:u32le  time:f64le  payload[length]
 * ```
 * where `crc` is the CRC-32 of the `length` bytes, the `time` bytes and the payload. A frame
 * that is cut short or whose checksum does not match ends its segment: it is what a crash
 * during an append leaves behind. A reopened log never appends after such a tail; it starts
 * a new segment.
 */
export const WAL_FORMAT_VERSION = 1;

const SEGMENT_HEADER = Buffer.from([0x4b, 0x57, 0x41, 0x4c, WAL_FORMAT_VERSION, 0, 0, 0]); // "KWAL" v1
const FRAME_HEADER = 16;
const SEGMENT_RE = /^log-(\d{8,})$/;

/** Where a record lives, for {@link WriteAheadLog.read}. Plain data: can be checkpointed. */
export interface WalRecordHandle {
  readonly segment: string;
  /** Byte offset of the frame in the segment. */
  readonly offset: number;
  /** Payload length. */
  readonly length: number;
}

/** A record read back from the log. */
export interface WalRecord {
  readonly time: number;
  readonly data: Uint8Array;
  readonly handle: WalRecordHandle;
}

/** A torn or corrupt part of the log met while reading (not an error: a crash leaves these). */
export interface WalProblem {
  readonly segment: string;
  readonly offset: number;
  readonly reason: string;
}

/** Options of {@link WriteAheadLog.open}. */
export interface WriteAheadLogOptions {
  /** fsync after every append so an acknowledged record survives a power loss. Default true. */
  fsync?: boolean;
  /** Start a new segment once the current one reaches this many bytes. Default 64 MiB. */
  maxSegmentBytes?: number;
  /** Start a new segment once its records span this much time (record times). Default 60 000, as Spark. */
  rollingIntervalMs?: number;
  /** Called for each torn/corrupt tail met by a read. Default: a `console.warn` line (stderr); `@kindling/dstream` passes its logger. */
  onProblem?: (problem: WalProblem) => void;
}

interface SegmentInfo {
  name: string;
  /** Time range of its valid records; undefined until known (an old segment not read yet). */
  minTime?: number;
  maxTime?: number;
}

interface ActiveSegment {
  info: SegmentInfo;
  handle: FileHandle;
  size: number;
}

function segmentName(seq: number): string {
  return `log-${String(seq).padStart(8, '0')}`;
}

function frameCrc(frame: Uint8Array, payloadLength: number): number {
  let crc = crc32(frame.subarray(0, 4));
  crc = crc32(frame.subarray(8, FRAME_HEADER), crc);
  return crc32(frame.subarray(FRAME_HEADER, FRAME_HEADER + payloadLength), crc);
}

/**
 * A write-ahead log of time-stamped binary records (received blocks, for receivers with
 * `spark.streaming.receiver.writeAheadLog.enable`), as Spark's `FileBasedWriteAheadLog`:
 * append, read everything back after a crash, and clean what is older than a threshold.
 *
 * Operations are serialised in call order, so appends may be issued without awaiting each.
 * See {@link WAL_FORMAT_VERSION} for the format.
 */
export class WriteAheadLog {
  readonly dir: string;
  readonly #fsync: boolean;
  readonly #maxSegmentBytes: number;
  readonly #rollingIntervalMs: number;
  readonly #onProblem: (p: WalProblem) => void;
  readonly #segments: SegmentInfo[];
  #nextSeq: number;
  #active: ActiveSegment | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, segments: SegmentInfo[], nextSeq: number, opts: WriteAheadLogOptions) {
    this.dir = dir;
    this.#segments = segments;
    this.#nextSeq = nextSeq;
    this.#fsync = opts.fsync ?? true;
    this.#maxSegmentBytes = opts.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.#rollingIntervalMs = opts.rollingIntervalMs ?? 60_000;
    this.#onProblem = opts.onProblem ?? ((p) => console.warn(`Write-ahead log ${dir}/${p.segment} at byte ${p.offset}: ${p.reason}; records after it in that segment are not recoverable`));
  }

  /** Opens (creating if needed) the log in `dir`. Existing segments are kept for {@link readAll}. */
  static async open(dir: string, opts: WriteAheadLogOptions = {}): Promise<WriteAheadLog> {
    await mkdir(dir, { recursive: true });
    const segments: SegmentInfo[] = [];
    let maxSeq = 0;
    for (const name of await readdir(dir)) {
      const m = SEGMENT_RE.exec(name);
      if (m === null) continue;
      segments.push({ name });
      maxSeq = Math.max(maxSeq, Number(m[1]));
    }
    segments.sort((a, b) => (a.name < b.name ? -1 : 1));
    return new WriteAheadLog(dir, segments, maxSeq + 1, opts);
  }

  /** Names of the segment files, oldest first. */
  get segmentNames(): string[] {
    return this.#segments.map((s) => s.name);
  }

  /**
   * Appends a record; resolves once it is written (and fsynced with `fsync`), with its handle.
   */
  append(data: Uint8Array, time: number): Promise<WalRecordHandle> {
    return this.#enqueue(async () => {
      let active = this.#active;
      if (
        active !== undefined &&
        (active.size >= this.#maxSegmentBytes || (active.info.minTime !== undefined && time - active.info.minTime >= this.#rollingIntervalMs))
      ) {
        await this.#closeActive();
        active = undefined;
      }
      active ??= await this.#openSegment();
      const frame = Buffer.allocUnsafe(FRAME_HEADER + data.byteLength);
      frame.writeUInt32LE(data.byteLength, 0);
      frame.writeDoubleLE(time, 8);
      frame.set(data, FRAME_HEADER);
      frame.writeUInt32LE(frameCrc(frame, data.byteLength), 4);
      const offset = active.size;
      let written = 0;
      while (written < frame.length) {
        const { bytesWritten } = await active.handle.write(frame, written, frame.length - written, offset + written);
        written += bytesWritten;
      }
      if (this.#fsync) await active.handle.datasync();
      active.size += frame.length;
      const info = active.info;
      info.minTime = info.minTime === undefined ? time : Math.min(info.minTime, time);
      info.maxTime = info.maxTime === undefined ? time : Math.max(info.maxTime, time);
      return { segment: info.name, offset, length: data.byteLength };
    });
  }

  /** Reads one record by its handle. Throws an error naming the segment if it is not intact. */
  read(handle: WalRecordHandle): Promise<Uint8Array> {
    return this.#enqueue(async () => {
      const fh = await open(join(this.dir, handle.segment), 'r');
      try {
        const frame = Buffer.alloc(FRAME_HEADER + handle.length);
        const { bytesRead } = await fh.read(frame, 0, frame.length, handle.offset);
        if (bytesRead !== frame.length || frame.readUInt32LE(0) !== handle.length || frame.readUInt32LE(4) !== frameCrc(frame, handle.length)) {
          throw new WriteAheadLogError(`Write-ahead log record at ${this.dir}/${handle.segment}:${handle.offset} is missing or corrupt; the block cannot be recovered from the log.`);
        }
        return new Uint8Array(frame.buffer, frame.byteOffset + FRAME_HEADER, handle.length);
      } finally {
        await fh.close();
      }
    });
  }

  /**
   * Every intact record of every segment, in write order: what recovery replays. A segment
   * is read up to its first torn or corrupt frame, which is reported through `onProblem`
   * (never thrown); reading continues with the next segment.
   */
  readAll(): Promise<WalRecord[]> {
    return this.#enqueue(async () => {
      const out: WalRecord[] = [];
      for (const info of this.#segments) await this.#readSegment(info, out);
      return out;
    });
  }

  /**
   * Deletes the segments whose records are all older than `threshTime` (a segment with no
   * intact record counts as old); resolves with how many were deleted. The segment being
   * written is closed first when it qualifies; the next append starts a new one.
   */
  clean(threshTime: number): Promise<number> {
    return this.#enqueue(async () => {
      let deleted = 0;
      for (const info of [...this.#segments]) {
        if (info.maxTime === undefined && this.#active?.info !== info) await this.#readSegment(info, undefined);
        const old = info.maxTime === undefined || info.maxTime < threshTime;
        if (!old) continue;
        if (this.#active?.info === info) await this.#closeActive();
        await rm(join(this.dir, info.name), { force: true });
        this.#segments.splice(this.#segments.indexOf(info), 1);
        deleted++;
      }
      if (deleted > 0) await fsyncDir(this.dir);
      return deleted;
    });
  }

  /** Closes the segment being written (idempotent). Further operations are rejected. */
  close(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#closeActive();
      this.#closed = true;
    }, true);
  }

  #enqueue<R>(op: () => Promise<R>, evenIfClosed = false): Promise<R> {
    const run = async (): Promise<R> => {
      if (this.#closed && !evenIfClosed) throw new WriteAheadLogError(`Write-ahead log ${this.dir} is closed; open it again to use it.`);
      return op();
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #openSegment(): Promise<ActiveSegment> {
    const info: SegmentInfo = { name: segmentName(this.#nextSeq++) };
    const path = join(this.dir, info.name);
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx');
      await handle.write(SEGMENT_HEADER, 0, SEGMENT_HEADER.length, 0);
      if (this.#fsync) await handle.sync();
    } catch (err) {
      throw new WriteAheadLogError(`Could not create write-ahead log segment ${path}: ${(err as Error).message}. Check that the checkpoint directory is writable.`, { cause: err });
    }
    if (this.#fsync) await fsyncDir(this.dir);
    this.#segments.push(info);
    this.#active = { info, handle, size: SEGMENT_HEADER.length };
    return this.#active;
  }

  async #closeActive(): Promise<void> {
    const active = this.#active;
    if (active === undefined) return;
    this.#active = undefined;
    await active.handle.close();
  }

  /** Reads a segment's intact records into `out` (if given) and records its time range. */
  async #readSegment(info: SegmentInfo, out: WalRecord[] | undefined): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.dir, info.name));
    } catch (err) {
      this.#onProblem({ segment: info.name, offset: 0, reason: `cannot be read (${(err as Error).message})` });
      return;
    }
    if (bytes.length < SEGMENT_HEADER.length || !bytes.subarray(0, SEGMENT_HEADER.length).equals(SEGMENT_HEADER)) {
      if (bytes.length > 0) this.#onProblem({ segment: info.name, offset: 0, reason: 'not a version-1 write-ahead log segment (bad header)' });
      return;
    }
    let pos = SEGMENT_HEADER.length;
    let minTime: number | undefined;
    let maxTime: number | undefined;
    while (pos < bytes.length) {
      if (bytes.length - pos < FRAME_HEADER) {
        this.#onProblem({ segment: info.name, offset: pos, reason: `torn record header (${bytes.length - pos} of ${FRAME_HEADER} bytes)` });
        break;
      }
      const length = bytes.readUInt32LE(pos);
      if (pos + FRAME_HEADER + length > bytes.length) {
        this.#onProblem({ segment: info.name, offset: pos, reason: `torn record (${bytes.length - pos - FRAME_HEADER} of ${length} payload bytes)` });
        break;
      }
      const frame = bytes.subarray(pos, pos + FRAME_HEADER + length);
      if (frame.readUInt32LE(4) !== frameCrc(frame, length)) {
        this.#onProblem({ segment: info.name, offset: pos, reason: 'checksum mismatch (corrupt record)' });
        break;
      }
      const time = frame.readDoubleLE(8);
      minTime = minTime === undefined ? time : Math.min(minTime, time);
      maxTime = maxTime === undefined ? time : Math.max(maxTime, time);
      out?.push({ time, data: new Uint8Array(bytes.buffer, bytes.byteOffset + pos + FRAME_HEADER, length), handle: { segment: info.name, offset: pos, length } });
      pos += FRAME_HEADER + length;
    }
    if (this.#active?.info !== info) {
      info.minTime = minTime;
      info.maxTime = maxTime;
    }
  }
}
