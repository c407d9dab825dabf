import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { getLogger } from '@kindling/core';
import { atomicWriteFile, syncWrittenFile } from '@kindling/io';
import { decodeCheckpoint } from './checkpoint-validation.ts';
import { CorruptCheckpointError, encodeCheckpoint } from './metadata-checkpoint.ts';
import type { MetadataCheckpoint } from './metadata-checkpoint.ts';

const FILE_RE = /^checkpoint-(\d{12})$/;

/** A checkpoint read back, with the file it came from. */
export interface StoredCheckpoint {
  readonly file: string;
  readonly checkpoint: MetadataCheckpoint;
}

/**
 * The metadata checkpoint files of a checkpoint directory: `<dir>/metadata/checkpoint-<seq>`,
 * each written atomically: temp file and rename (in place at once), then file and directory
 * fsynced (durable). Reading falls back from
 * a corrupt or truncated newest file to the previous one, with a warning naming the file. A
 * file is only ever read through `checkpoint-validation.ts`: its body is checked field by
 * field before anything uses it, and its sequence number must be the one its name says (a
 * running writer reuses superseded files, see {@link recycle}). The store only reads and
 * writes: which files are deleted, and when, is `CheckpointRetention`'s.
 */
export class CheckpointStore {
  readonly metadataDir: string;
  /** Set when {@link writeInPlace} created the metadata folder: the next sync fsyncs its entry too. */
  private createdFolder = false;
  /**
   * The file of the next {@link writeInPlace}, opened ahead at the end of the previous write's
   * turn (see {@link openSpare}), so that the write itself only writes and renames. `fd` is
   * set once open; `settled` resolves then. A superseded checkpoint file opened for
   * overwriting has its old length (see {@link recycle}).
   */
  private spare: Spare | undefined;
  private spares = 0;
  /** Set by {@link openAhead}; cleared by {@link release}. */
  private openingAhead = false;
  /** Set while the next spare's open waits for the end of this turn (see {@link requestSpare}). */
  private spareRequested = false;
  /** A superseded checkpoint file handed over by {@link recycle}, to be opened as the next spare, and its length. */
  private recyclable: { path: string; length: number } | undefined;
  /**
   * Each checkpoint file this store wrote through a file opened ahead and still has: its
   * length (a reused one longer than its new body is cut) and the descriptor it was written
   * through, left open so that reusing the file when it is superseded (see {@link recycle})
   * needs no open: a batch then writes its checkpoint with no thread-pool request at all
   * (an open handed to the thread pool cost the batches' thread 0.1-0.2 ms of wall time
   * a batch, and when it had not completed by the next batch, that batch created its file
   * synchronously and the superseded one was unlinked). At most the retained checkpoints'
   * files (and the one being reused) are held open; {@link release} closes them.
   */
  private readonly written = new Map<string, WrittenFile>();

  constructor(readonly checkpointDir: string) {
    this.metadataDir = join(checkpointDir, 'metadata');
  }

  /** Checkpoint files, oldest first, with their sequence numbers. */
  list(): { seq: number; file: string }[] {
    let names: string[];
    try {
      names = readdirSync(this.metadataDir);
    } catch {
      return [];
    }
    const out: { seq: number; file: string }[] = [];
    for (const name of names) {
      const m = FILE_RE.exec(name);
      if (m !== null) out.push({ seq: Number(m[1]), file: join(this.metadataDir, name) });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** The sequence number the next write should use. */
  nextSequence(): number {
    const files = this.list();
    return files.length === 0 ? 1 : files[files.length - 1]!.seq + 1;
  }

  fileFor(seq: number): string { return join(this.metadataDir, `checkpoint-${String(seq).padStart(12, '0')}`); }

  /**
   * Writes `cp` atomically. `durable`
   * (default): temp file fsynced, renamed, directory fsynced, so it survives a power loss.
   * Otherwise temp file and rename only ({@link writeInPlace}).
   */
  async write(cp: MetadataCheckpoint, durable = true): Promise<string> {
    if (durable) {
      const file = this.fileFor(cp.sequence);
      await atomicWriteFile(file, encodeCheckpoint(cp));
      return file;
    }
    return this.writeInPlace(cp);
  }

  /**
   * Writes `cp` now, synchronously: a temporary file renamed to its name (page-cache work of
   * microseconds). It survives the process being killed (the data is in the OS's cache);
   * {@link sync} makes it survive a power loss too. Until then a power loss may leave the
   * previous checkpoint, or a damaged file that reading skips (its checksum fails). Returns
   * the file.
   */
  writeInPlace(cp: MetadataCheckpoint): string {
    const file = this.fileFor(cp.sequence);
    const bytes = encodeCheckpoint(cp);
    const spare = this.spare;
    if (spare?.fd !== undefined) {
      this.spare = undefined;
      try {
        // From the file's start: a descriptor kept from an earlier write is past its end.
        writeAt0(spare.fd, bytes);
        // A reused file that was longer loses its tail (a file killed between the two has
        // a wrong length, and reading skips it).
        if (spare.oldLength > bytes.length) ftruncateSync(spare.fd, bytes.length);
        renameSync(spare.path, file);
      } catch (e) {
        closeSync(spare.fd);
        rmSync(spare.path, { force: true });
        throw e;
      }
      // Kept open for reusing the file once it is superseded.
      if (this.openingAhead) this.written.set(file, { length: bytes.length, fd: spare.fd });
      else closeSync(spare.fd);
      this.requestSpare();
      return file;
    }
    const tmp = join(this.metadataDir, `.checkpoint-${cp.sequence}.tmp-${process.pid}`);
    try {
      writeFileSync(tmp, bytes);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // The folder does not exist yet: created here, its entry fsynced by the next sync.
      mkdirSync(this.metadataDir, { recursive: true });
      this.createdFolder = true;
      writeFileSync(tmp, bytes);
    }
    try {
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    if (this.openingAhead) this.written.set(file, { length: bytes.length, fd: undefined });
    this.requestSpare();
    return file;
  }

  /**
   * Takes a superseded checkpoint file (retention would delete it) as the next write's file:
   * through the descriptor its own write left open (see {@link written}), or else opened for
   * overwriting at the end of the turn; then written, cut to its new length and renamed to its new
   * name by {@link writeInPlace}. That saves creating a file and deleting one per checkpoint
   * (two thread-pool requests, each of which can cost the batches' thread its core), and with
   * the descriptor kept, the open too. Until the rename, the file keeps its old name and content; a process killed while
   * it is being rewritten leaves a file that fails its checksum or length, or whose body
   * holds a newer sequence than its name, and a power cut after the rename, before its
   * fsyncs, can leave the old body under the new name: reading skips any file whose body is
   * not the sequence its name says. Returns false (the caller deletes the file) unless a
   * running writer opens ahead and no spare is open or opening.
   */
  recycle(path: string): boolean {
    const written = this.written.get(path);
    this.written.delete(path);
    if (!this.openingAhead || this.spare !== undefined || this.recyclable !== undefined) {
      if (written?.fd !== undefined) closeSync(written.fd);
      return false;
    }
    if (written?.fd !== undefined) {
      // Still open from its own write: the next write's file at once, no open.
      this.spare = { path, fd: written.fd, settled: Promise.resolve(), oldLength: written.length };
      return true;
    }
    // Files of an earlier run: length unknown, always cut.
    this.recyclable = { path, length: written?.length ?? Number.POSITIVE_INFINITY };
    this.requestSpare();
    return true;
  }

  /**
   * Opens the next spare at the end of this turn: a write is followed, in the same turn, by
   * retention, which may hand over a superseded file to reuse (see {@link recycle}).
   */
  private requestSpare(): void {
    if (this.spare !== undefined || !this.openingAhead || this.spareRequested) return;
    this.spareRequested = true;
    queueMicrotask(() => {
      this.spareRequested = false;
      this.openSpare();
    });
  }

  /**
   * Opens the next write's file (see {@link spare}), here and now, at the end of the turn that
   * asked for it: outside the batch's own checkpoint write, before the next batch. Opened
   * synchronously rather than on the thread pool: on this project's machine, handing a request
   * to the thread pool while a run's batches compute cost the batches' thread 0.2-0.9 ms of CPU
   * (waking a pool thread), a synchronous open or create 10-130 us; and an open queued on the
   * pool behind a round's fsyncs was often not done by the next batch, which then created its
   * own file synchronously anyway and had the superseded file unlinked instead of reused.
   */
  private openSpare(): void {
    if (this.spare !== undefined || !this.openingAhead) return;
    const recycled = this.recyclable?.path;
    const oldLength = this.recyclable?.length ?? 0;
    this.recyclable = undefined;
    const path = recycled ?? join(this.metadataDir, `.checkpoint-next-${++this.spares}.tmp-${process.pid}`);
    let fd: number;
    try {
      fd = openSync(path, recycled === undefined ? 'w' : 'r+');
    } catch {
      // A superseded file that could not be reused is deleted, as retention would have; with
      // no spare, the next write creates its own file.
      if (recycled !== undefined) rmSync(recycled, { force: true });
      return;
    }
    this.spare = { path, fd, settled: Promise.resolve(), oldLength };
  }

  /** Resolves once the next write's file opened ahead is open (or its open failed); at once if none is opening. */
  async spareReady(): Promise<void> {
    // Opened at the end of the turn that asked for it (see requestSpare).
    await Promise.resolve();
    await this.spare?.settled;
  }

  /**
   * From now on each {@link writeInPlace} opens the next one's temporary file ahead, until
   * {@link release} (a running context's writer, which writes every batch).
   */
  openAhead(): void { this.openingAhead = true; }

  /** Closes and deletes the temporary file opened ahead, and opens no more (the writer stopped). */
  async release(): Promise<void> {
    this.openingAhead = false;
    // A superseded file handed over but not opened yet: deleted, as retention would have.
    if (this.recyclable !== undefined) rmSync(this.recyclable.path, { force: true });
    this.recyclable = undefined;
    for (const w of this.written.values()) if (w.fd !== undefined) closeSync(w.fd);
    this.written.clear();
    const spare = this.spare;
    this.spare = undefined;
    if (spare === undefined) return;
    await spare.settled;
    if (spare.fd !== undefined) {
      closeSync(spare.fd);
      rmSync(spare.path, { force: true });
    }
  }

  /** Makes a file written by {@link writeInPlace} survive a power loss (file, then folder, fsynced on the thread pool). */
  async sync(file: string): Promise<void> {
    const alsoParent = this.createdFolder;
    await syncWrittenFile(file, alsoParent);
    if (alsoParent) this.createdFolder = false;
  }

  /** Temporary files in the metadata folder (a writer killed mid-write leaves them behind). */
  temporaryFiles(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.metadataDir);
    } catch {
      return [];
    }
    return names.filter((name) => name.startsWith('.checkpoint-')).map((name) => join(this.metadataDir, name));
  }

  /**
   * Every checkpoint that can be decoded and whose body is valid, newest first. Files that
   * cannot be read, decoded or validated are reported through `warn` (naming the file and
   * why) and skipped.
   */
  *readNewestFirst(warn: (message: string) => void = defaultWarn): Generator<StoredCheckpoint> {
    const files = this.list().reverse();
    for (const { seq, file } of files) {
      let checkpoint: MetadataCheckpoint;
      try {
        checkpoint = decodeCheckpoint(readCheckpointFile(file), file);
        if (checkpoint.sequence !== seq) {
          throw new CorruptCheckpointError(file, `its body is checkpoint ${checkpoint.sequence}, not the ${seq} its name says (a reused file that a crash or power cut left with its old body, or renamed by hand)`);
        }
      } catch (e) {
        warn(`${(e as Error).message} Falling back to the previous checkpoint.`);
        continue;
      }
      yield { file, checkpoint };
    }
  }

  /** The newest usable checkpoint (see {@link readNewestFirst}), or undefined if none. */
  readLatest(warn: (message: string) => void = defaultWarn): StoredCheckpoint | undefined {
    for (const stored of this.readNewestFirst(warn)) return stored;
    return undefined;
  }
}

/** A metadata checkpoint file's bytes; a file that cannot be read is a {@link CorruptCheckpointError} naming it and why. */
function readCheckpointFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CorruptCheckpointError(file, `cannot be read (${code}: ${(e as Error).message})`, { cause: e });
  }
}

/** Writes all of `bytes` at the start of the file open as `fd`, whatever its position. */
function writeAt0(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, done);
}

/** A checkpoint file this store wrote (see {@link CheckpointStore.written}). */
interface WrittenFile {
  readonly length: number;
  /** The descriptor it was written through, still open; undefined when it was written by path. */
  readonly fd: number | undefined;
}

/** The file the next write goes to, opened ahead (see {@link CheckpointStore.spare}). */
interface Spare {
  readonly path: string;
  fd: number | undefined;
  settled: Promise<void>;
  /** The length of the superseded checkpoint file being reused (see {@link CheckpointStore.recycle}); 0 for a fresh file. */
  readonly oldLength: number;
}

// Spark's CheckpointReader logs what it read and what it falls back from.
const log = getLogger('CheckpointReader');

function defaultWarn(message: string): void { log.warn(message); }
