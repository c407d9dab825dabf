import { isAbsolute, relative, resolve, sep } from 'node:path';
import { getLogger, OwnedPartitionsRDD, type RDD, type Time } from '@kindling/core';
import { DirectoryScanner, FileLedger, readTextLineRangeSync, readTextLinesSync, type FileLedgerSnapshot, type ScanProblem } from '@kindling/io';
import { dstreamClasses } from '../dstream/registry.ts';
import type { StreamingContext } from '../streaming-context.ts';
import type { FileBatchInput, FileInputEntry } from './batch-input-description.ts';
import { FileBatchRDD } from './file-batch-rdd.ts';
import { InputDStream } from './input-dstream.ts';
import type { InputOwnership } from '../parallel/input-ownership.ts';

const log = getLogger('FileInputDStream');

/** A file a file stream could not read (or list) for a batch; the stream goes on without it. */
export interface FileInputProblem {
  readonly path: string;
  /** The batch that wanted the file. */
  readonly batchTime: Time;
  /** Human-readable cause, e.g. `"EACCES: permission denied"`. */
  readonly reason: string;
  readonly error?: unknown;
}

/** Options of `ssc.fileStream(dir, options)`. */
export interface FileStreamOptions {
  /** Only paths for which this returns true are read (after the `.`/`_` rule). */
  filter?: (path: string) => boolean;
  /**
   * `true` (default): files already in the directory when the stream starts are ignored (the
   * log says how many, once); every file that appears later is read exactly once, whatever its
   * modification time. `false`: files present at start are read by the first batch.
   */
  newFilesOnly?: boolean;
  /** At most this many files per batch, oldest first; the rest wait for the next batches. */
  maxFilesPerBatch?: number;
  /** Readiness for writers that write in place: take a file only once its mtime is this old. */
  minFileAgeMs?: number;
  /** Readiness: take a file only once two consecutive batches saw the same size and mtime. */
  requireStableSize?: boolean;
  /** A file bigger than this (bytes) is read as several partitions. Default 32 MiB. */
  maxPartitionBytes?: number;
  /** Informational log lines (files set aside at start). Default: the `FileInputDStream` logger at INFO. */
  log?: (message: string) => void;
  /**
   * Called for every file that could not be listed or read, with the batch time; the file is
   * skipped. Default: a WARN line of the `FileInputDStream` logger. Problems also appear in the batch's
   * `StreamInputInfo.metadata.problems`.
   */
  onProblem?: (problem: FileInputProblem) => void;
}

/**
 * A file stream's own position for the metadata checkpoint (JSON-compatible): its ledger of
 * files taken or set aside. The per-batch file lists are the stream's `assignedInputs()`.
 */
export interface FileInputStreamState {
  readonly version: 1;
  readonly ledger: FileLedgerSnapshot;
}

/** Reads one file into records. Errors with a Node `code` (ENOENT, EACCES, ...) skip the file; others fail the batch. */
export type FileRecordReader<T> = (path: string) => T[];

/**
 * Reads the records of one byte range `[start, end)` of a file: those that start in it
 * (`end` Infinity: to the end of the file), so that a file's ranges together give its records
 * once, in order. Errors as {@link FileRecordReader}'s.
 */
export type FileRangeReader<T> = (path: string, start: number, end: number) => T[];

const DEFAULT_MAX_PARTITION_BYTES = 32 * 1024 * 1024;

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Spark's `FileInputDStream` (`textFileStream`, `fileStream`, `binaryRecordsStream`): each
 * batch reads the files that appeared in a directory since the previous batch, one partition
 * per file (several for files over `maxPartitionBytes`), oldest modification time first.
 *
 * Better than Spark: "new" is decided by a ledger of the files seen (`@kindling/io`'s
 * `DirectoryScanner`), not by a modification-time window, so a file moved in with an old
 * mtime is still read, exactly once. Names starting with `.` or `_` are never input.
 *
 * Files are read when the batch is generated, so the batch's record count is known
 * (`BatchInfo.numRecords`) and an unreadable file (no permission, vanished between listing
 * and reading) is reported with its path and the batch time and skipped, never stopping the
 * stream. The records stay in memory until the batch is over; an RDD computed again after that
 * (which a window's persisted parent normally spares) reads its files again. A file whose *content* is invalid for the reader (a binary file whose length is not
 * a multiple of the record length) fails the batch, as in Spark.
 *
 * Replayable: each batch's file list is recorded (`assignedInputs()`) before it is read, and
 * {@link FileInputDStream.snapshotState}/{@link FileInputDStream.restoreState} carry the ledger
 * through a metadata checkpoint (the `CheckpointableInput` protocol).
 */
export class FileInputDStream<T> extends InputDStream<T, FileBatchInput> {
  static override kind = 'fileStream';
  #scanner: DirectoryScanner | undefined;
  #restoredLedger: FileLedger | undefined;
  #pending = 0;
  /** The RDDs whose records are still held, oldest batch first (released once their batch is over). */
  readonly #held: { time: number; rdd: FileBatchRDD<T> }[] = [];
  /** What this thread has read so far: files, their bytes (as listed) and the records it kept. @internal */
  readonly readStats = { files: 0, bytes: 0, records: 0 };

  constructor(
    ssc: StreamingContext,
    /** The directory (or fast-glob pattern) watched. */
    readonly directory: string,
    private readonly options: FileStreamOptions = {},
    private readonly reader: FileRecordReader<T> = readTextLinesSync as unknown as FileRecordReader<T>,
    /**
     * How a big file is read as several partitions, one byte range each (line records: the
     * lines starting in the range, Hadoop's rule); `false`: one partition per file.
     */
    private readonly rangeReader: FileRangeReader<T> | false = readTextLineRangeSync as unknown as FileRangeReader<T>,
    private readonly opName = 'fileStream',
  ) {
    super(ssc);
    const max = options.maxFilesPerBatch;
    if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
      throw new RangeError(`${opName}(${directory}): maxFilesPerBatch must be a positive integer, got ${max}`);
    }
  }

  override get isReplayable(): boolean { return true; }

  /** The scanner (created at start, or on first use). */
  private get scanner(): DirectoryScanner {
    if (this.#scanner === undefined) {
      const o = this.options;
      this.#scanner = new DirectoryScanner(this.directory, {
        filter: o.filter,
        newFilesOnly: o.newFilesOnly,
        maxFilesPerBatch: o.maxFilesPerBatch,
        minFileAgeMs: o.minFileAgeMs,
        requireStableSize: o.requireStableSize,
        log: o.log ?? ((m) => log.info(`${this.opName}: ${m}`)),
        ledger: this.#restoredLedger,
      });
    }
    return this.#scanner;
  }

  start(): void {
    // Sets aside the files already present (newFilesOnly), unless a restored ledger did.
    this.scanner.start();
  }

  stop(): void {}

  /**
   * A checkpointed file list is this stream's only if every file lies inside the watched
   * directory (for a glob pattern: under its fixed leading folders): a checkpoint naming any
   * other file is not read.
   */
  override checkRestoredInput(description: unknown): string | undefined {
    const d = description as Partial<FileBatchInput> | undefined;
    if (typeof d !== 'object' || d === null || d.kind !== 'files' || !Array.isArray(d.files)) return `${this.name()}: a file batch must be {kind: 'files', files: [...]}`;
    const root = resolve(watchedRoot(this.directory));
    for (const f of d.files as unknown[]) {
      const path = (f as { path?: unknown } | null)?.path;
      if (typeof path !== 'string') return `${this.name()}: a file entry has no path`;
      const rel = relative(root, resolve(path));
      if (rel === '' || rel.split(sep).includes('..') || isAbsolute(rel)) return `${this.name()}: ${path} is not inside the watched directory ${this.directory}`;
    }
    return undefined;
  }

  /** True when the last scan left files for later batches (`maxFilesPerBatch`, readiness). */
  override hasPendingInput(): boolean { return this.#pending > 0; }

  compute(validTime: Time): RDD<T> | undefined {
    const problems: FileInputProblem[] = [];
    let input = this.assignedInput(validTime);
    if (input === undefined) {
      const scan = this.scanner.scan();
      this.#pending = scan.pending;
      for (const p of scan.problems) problems.push(this.problem(p, validTime));
      input = { kind: 'files', files: scan.files.map((f): FileInputEntry => ({ path: f.path, mtimeMs: f.mtimeMs, size: f.size })) };
      // Recorded before reading: a retry or a recovered batch reads the same list.
      this.assignInput(validTime, input);
    }
    const owned = this.inputOwnership;
    if (owned !== undefined) return this.computeOwned(validTime, input, owned, problems);
    const parts: T[][] = [];
    const sources: { file: FileInputEntry; i: number; n: number }[] = [];
    const read: string[] = [];
    let numRecords = 0;
    for (const file of input.files) {
      const n = this.partsOf(file);
      const fileParts: T[][] = [];
      try {
        if (n === 1) fileParts.push(this.reader(file.path));
        else for (let i = 0; i < n; i++) fileParts.push(this.readPart(file, i, n));
      } catch (err) {
        problems.push(this.readProblem(err, file, validTime));
        continue;
      }
      read.push(file.path);
      let records = 0;
      for (let i = 0; i < fileParts.length; i++) {
        const part = fileParts[i]!;
        records += part.length;
        parts.push(part);
        sources.push({ file, i, n });
      }
      numRecords += records;
      this.countRead(file.size, records);
    }
    for (const p of problems) this.reportProblem(p);
    this.reportInputInfo(validTime, numRecords, { files: read, problems: problems.map((p) => ({ path: p.path, reason: p.reason })) });
    const rdd = new FileBatchRDD<T>(this.ssc.sparkContext, parts, (split) => this.readAgain(sources[split]!, validTime), `${this.opName} ${this.directory} @ ${validTime}`);
    this.#held.push({ time: validTime.milliseconds, rdd });
    return rdd;
  }

  /** A released batch's partition, read again from its file (see {@link FileBatchRDD}). */
  private readAgain(source: { file: FileInputEntry; i: number; n: number }, validTime: Time): readonly T[] {
    const { file, i, n } = source;
    try {
      return n === 1 ? this.reader(file.path) : this.readPart(file, i, n);
    } catch (err) {
      throw new Error(
        `${this.opName}(${this.directory}): batch ${validTime} is computed again after it ended, and its file ${file.path} can no longer be read ` +
        `(${errorCode(err) ?? (err as Error)?.message ?? String(err)}): keep a stream's input files until the windows over it have passed them, or persist() the stream.`,
        { cause: err },
      );
    }
  }

  /**
   * Lets go of the records of the batches up to `time` (they are over: their files are read
   * again if anything computes them later), then forgets old RDDs as every stream does.
   * @internal
   */
  override clearMetadata(time: Time): void {
    let k = 0;
    while (k < this.#held.length && this.#held[k]!.time <= time.milliseconds) this.#held[k++]!.rdd.release();
    if (k > 0) this.#held.splice(0, k);
    super.clearMetadata(time);
  }

  /** How many partitions a file becomes (from its listed size, so every thread agrees). */
  private partsOf(file: FileInputEntry): number {
    const max = this.options.maxPartitionBytes ?? DEFAULT_MAX_PARTITION_BYTES;
    return this.rangeReader !== false && file.size > max ? Math.ceil(file.size / max) : 1;
  }

  /** Partition `i` of the `n` of a split file: the records starting in its `i`-th of `n` equal byte ranges (from the listed size). */
  private readPart(file: FileInputEntry, i: number, n: number): T[] {
    const start = Math.floor((i * file.size) / n);
    // The last range reads to the end of the file, as a file read whole does.
    const end = i === n - 1 ? Infinity : Math.floor(((i + 1) * file.size) / n);
    return (this.rangeReader as FileRangeReader<T>)(file.path, start, end);
  }

  /** `part` of a split file's `n` ranges: its bytes as listed. */
  private static partBytes(file: FileInputEntry, i: number, n: number): number {
    return Math.floor(((i + 1) * file.size) / n) - Math.floor((i * file.size) / n);
  }

  /** A file that could not be read: a problem to report when the error has a Node `code`, else the batch fails. */
  private readProblem(err: unknown, file: FileInputEntry, validTime: Time): FileInputProblem {
    const code = errorCode(err);
    if (code === undefined) {
      throw new Error(`${this.opName}(${this.directory}) could not use ${file.path} for batch ${validTime}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    return this.problem({ path: file.path, reason: `cannot be read (${code})`, error: err }, validTime);
  }

  private countRead(bytes: number, records: number): void {
    this.readStats.files++;
    this.readStats.bytes += bytes;
    this.readStats.records += records;
  }

  /**
   * Under worker threads: the same partitions in every thread (from the listed sizes), but a
   * thread reads only the files of the partitions it owns (partition `p` belongs to worker
   * `p mod N`); the driver reads none. A file that cannot be read becomes empty partitions
   * (on one thread it gives none): the layout is fixed before reading. Each worker reports
   * its records and problems for the batch; the driver adds them up (`BatchInfo.numRecords`).
   */
  private computeOwned(validTime: Time, input: FileBatchInput, o: InputOwnership, problems: FileInputProblem[]): RDD<T> {
    const parts: (T[] | undefined)[] = [];
    const read: string[] = [];
    let numRecords = 0;
    for (const file of input.files) {
      const n = this.partsOf(file);
      const first = parts.length;
      let mine = false;
      for (let i = 0; i < n && !mine; i++) mine = (first + i) % o.size === o.rank;
      if (!mine) {
        for (let i = 0; i < n; i++) parts.push(undefined);
        continue;
      }
      // Only the partitions this thread owns are read: a split file's own byte ranges.
      let kept = 0;
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        if ((first + i) % o.size !== o.rank) {
          parts.push(undefined);
          continue;
        }
        try {
          const part = n === 1 ? this.reader(file.path) : this.readPart(file, i, n);
          bytes += n === 1 ? file.size : FileInputDStream.partBytes(file, i, n);
          kept += part.length;
          parts.push(part);
        } catch (err) {
          problems.push(this.readProblem(err, file, validTime));
          // The whole file is unreadable: its owned partitions are empty, as on one thread it gives none.
          for (let j = first; j < first + n; j++) parts[j] = j % o.size === o.rank ? [] : undefined;
          kept = -1;
          break;
        }
      }
      if (kept >= 0) {
        read.push(file.path);
        this.countRead(bytes, kept);
        numRecords += kept;
      }
    }
    for (const p of problems) this.reportProblem(p);
    const files = o.rank === undefined ? input.files.map((f) => f.path) : read;
    this.reportInputInfo(validTime, numRecords, { files, problems: problems.map((p) => ({ path: p.path, reason: p.reason })) });
    return new OwnedPartitionsRDD<T>(this.ssc.sparkContext, parts, `${this.opName} ${this.directory} @ ${validTime}`);
  }

  /**
   * The stream's position for the metadata checkpoint: its ledger (which files were taken or
   * set aside at start). JSON-compatible. Together with `assignedInputs()` (each batch's file
   * list), it lets a recovered stream replay its batches and read no file twice.
   */
  snapshotState(): FileInputStreamState {
    return { version: 1, ledger: (this.#scanner?.ledger ?? this.#restoredLedger ?? new FileLedger()).toJSON() };
  }

  /**
   * Restores {@link FileInputDStream.snapshotState} output (also after a JSON round trip)
   * before the context starts: files in the ledger are not read again (and, since the ledger
   * has started, files present at restart that it does not know are new and read).
   * @throws Error when the stream already started, or the state is not a file stream's.
   */
  restoreState(state: unknown): void {
    if (this.#scanner !== undefined) throw new Error(`${this.name()}: restoreState() must be called before the context starts.`);
    const s = state as Partial<FileInputStreamState> | undefined;
    if (s?.version !== 1 || s.ledger === undefined) {
      throw new Error(`${this.name()}: not a file stream state (version ${String(s?.version)}); the checkpoint is damaged or from an incompatible version.`);
    }
    this.#restoredLedger = FileLedger.fromJSON(s.ledger);
  }

  private problem(p: ScanProblem, batchTime: Time): FileInputProblem {
    return { path: p.path, batchTime, reason: p.reason, error: p.error };
  }

  private reportProblem(p: FileInputProblem): void {
    if (this.options.onProblem !== undefined) this.options.onProblem(p);
    else log.warn(`${this.opName}(${this.directory}): batch ${p.batchTime}: skipping ${p.path}: ${p.reason}`);
  }
}
dstreamClasses.FileInputDStream = FileInputDStream;

/** The fixed leading folders of a fast-glob pattern (the directory itself when it has no glob characters). */
function watchedRoot(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}()!+@]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.length === 0 ? '.' : fixed.join('/') || '/';
}
