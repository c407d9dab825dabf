import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { FileLedger, type FileLedgerSnapshot } from './file-ledger.ts';
import { isHiddenName } from './hidden-name.ts';

/** A file found by a scan, with what `stat` said when it was listed. */
export interface FoundFile {
  readonly path: string;
  /** Modification time, epoch milliseconds. */
  readonly mtimeMs: number;
  /** Size in bytes. */
  readonly size: number;
}

/** A path the scan could not use (vanished between listing and `stat`, no permission, ...). */
export interface ScanProblem {
  readonly path: string;
  /** Human-readable cause, e.g. `"vanished between listing and stat (ENOENT)"`. */
  readonly reason: string;
  /** The underlying error, when there was one. */
  readonly error?: unknown;
}

/** Result of {@link DirectoryScanner.scan}. */
export interface ScanResult {
  /** New, ready files, oldest modification time first (ties by path), at most `maxFilesPerBatch`. */
  readonly files: FoundFile[];
  /** Paths that could not be listed or stat'ed this time; also passed to `onProblem`. */
  readonly problems: ScanProblem[];
  /** New files left for later scans: over `maxFilesPerBatch`, or not ready yet. */
  readonly pending: number;
}

/** Options of {@link DirectoryScanner}. */
export interface DirectoryScannerOptions {
  /** Only paths for which this returns true are input (after the `.`/`_` rule). */
  filter?: (path: string) => boolean;
  /**
   * `true` (default): files present at the first scan are recorded and never returned; every
   * file that appears afterwards is returned once, whatever its modification time.
   * `false`: files present at the first scan are returned too.
   */
  newFilesOnly?: boolean;
  /** At most this many files per scan, oldest first; the rest stay pending. Default: no limit. */
  maxFilesPerBatch?: number;
  /** Readiness: a file is returned only once its modification time is at least this old. */
  minFileAgeMs?: number;
  /** Readiness: a file is returned only once two consecutive scans saw the same size and mtime. */
  requireStableSize?: boolean;
  /** Clock for `minFileAgeMs`, epoch ms; default `Date.now`. */
  now?: () => number;
  /**
   * Informational log lines (the count of files set aside at start); default: a line on
   * stderr (never stdout, which belongs to the program). `@kindling/dstream` passes its logger.
   */
  log?: (message: string) => void;
  /** Called for every {@link ScanProblem}, in addition to returning it. */
  onProblem?: (problem: ScanProblem) => void;
  /** A ledger to resume from (from a checkpoint). */
  ledger?: FileLedger | FileLedgerSnapshot;
}

/** Thrown by a scan when the user's `filter` throws; names the path, with the error as `cause`. */
export class ScanFilterError extends Error {
  override readonly name = 'ScanFilterError';
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}

function byAgeThenPath(a: FoundFile, b: FoundFile): number {
  if (a.mtimeMs !== b.mtimeMs) return a.mtimeMs - b.mtimeMs;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The leading path segments of a glob that contain no glob syntax. */
function staticBase(pattern: string): string {
  const segments = pattern.split('/');
  const base: string[] = [];
  for (const s of segments) {
    if (s !== '' && fg.isDynamicPattern(s)) break;
    base.push(s);
  }
  return base.join('/') || '.';
}

/**
 * Lists a directory (or a fast-glob pattern) batch after batch and returns the files that are
 * new since the previous scan, with a {@link FileLedger} that makes "new" exact: the mechanics
 * beneath `textFileStream`/`fileStream`/`binaryRecordsStream`.
 *
 * - A plain directory: its files, not its sub-directories. A glob (`in/*\/*.csv`,
 *   `in/**`): the files it matches, and the files directly inside the directories it matches.
 * - Names starting with `.` or `_` are never input (nor is anything below such a directory).
 * - Each scan returns new files oldest modification time first (ties by path), bounded by
 *   `maxFilesPerBatch`; the rest stay pending for the next scan.
 * - `newFilesOnly` (default): the first scan, {@link DirectoryScanner.start}, records the
 *   files already present and logs their count once; they are never returned. Every file
 *   that appears later is returned exactly once, even when moved in with an old mtime.
 * - Readiness for writers that write in place: `minFileAgeMs` and/or `requireStableSize`.
 * - Bounded: ledger entries of files that left the directory are dropped at each scan. A file
 *   that is deleted and later re-created under the same name counts as new again; a file
 *   rewritten in place after it was returned is not returned again (write elsewhere, then
 *   `mv` it in).
 * - Never throws for the file system: a directory that cannot be listed or a file that
 *   vanished or cannot be stat'ed becomes a {@link ScanProblem} (path + reason).
 *
 * The returned file list is the replayable description of a batch's input: store it with the
 * batch in the checkpoint alongside {@link DirectoryScanner.snapshot}.
 */
export class DirectoryScanner {
  readonly ledger: FileLedger;
  readonly #source: string;
  readonly #isGlob: boolean;
  readonly #opts: DirectoryScannerOptions;

  constructor(dirOrGlob: string, opts: DirectoryScannerOptions = {}) {
    this.#source = dirOrGlob;
    this.#isGlob = fg.isDynamicPattern(dirOrGlob);
    this.#opts = opts;
    const max = opts.maxFilesPerBatch;
    if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
      throw new RangeError(`maxFilesPerBatch for ${dirOrGlob} must be a positive integer, got ${max}`);
    }
    this.ledger = opts.ledger instanceof FileLedger ? opts.ledger : opts.ledger !== undefined ? FileLedger.fromJSON(opts.ledger) : new FileLedger();
  }

  /** The directory or glob this scanner lists. */
  get source(): string {
    return this.#source;
  }

  /**
   * The first scan, done when the stream starts (a later {@link scan} does it implicitly if
   * this was not called). With `newFilesOnly`, records the files already present so they are
   * never returned, logs their count, and returns it; otherwise returns 0. A source that
   * cannot be listed yet (directory not created) has nothing present: every file that
   * appears later is new. A scanner resumed from a started ledger does nothing and returns 0.
   */
  start(): number {
    if (this.ledger.started) return 0;
    if (this.#opts.newFilesOnly === false) {
      this.ledger.markStarted();
      return 0;
    }
    const problems: ScanProblem[] = [];
    const present = this.#list(problems);
    this.#report(problems);
    this.ledger.markStarted();
    const log = this.#opts.log ?? ((m: string) => { process.stderr.write(`${m}\n`); });
    if (present === undefined) {
      // Nothing can be present in a directory that is not there: whatever appears is new.
      log(`${this.#source}: cannot be listed at start (${problems[0]?.reason ?? 'unknown'}); every file that appears in it will be read`);
      return 0;
    }
    for (const f of present.values()) if (f !== undefined) this.ledger.markSeen(f.path, f.mtimeMs, f.size);
    // Said once, and only when something is set aside: an empty folder needs no warning.
    if (present.size > 0) log(
      `${this.#source}: ignoring ${present.size} file(s) already present at start (newFilesOnly); ` +
        `only files that appear from now on will be read`,
    );
    return present.size;
  }

  /** Lists the source and returns the new, ready files (see the class description). */
  scan(): ScanResult {
    if (!this.ledger.started) this.start();
    const problems: ScanProblem[] = [];
    const present = this.#list(problems);
    this.#report(problems);
    if (present === undefined) return { files: [], problems, pending: 0 };
    this.ledger.retainOnly(present);

    const { minFileAgeMs, requireStableSize, maxFilesPerBatch } = this.#opts;
    const now = minFileAgeMs !== undefined ? (this.#opts.now ?? Date.now)() : 0;
    const ready: FoundFile[] = [];
    let notReady = 0;
    for (const f of present.values()) {
      if (f === undefined) continue; // seen
      const entry = this.ledger.get(f.path);
      let isReady = true;
      if (minFileAgeMs !== undefined && now - f.mtimeMs < minFileAgeMs) isReady = false;
      if (requireStableSize === true) {
        const stable = entry !== undefined && entry.size === f.size && entry.mtimeMs === f.mtimeMs;
        if (!stable) {
          this.ledger.markPending(f.path, f.mtimeMs, f.size);
          isReady = false;
        }
      }
      if (isReady) ready.push(f);
      else notReady++;
    }
    ready.sort(byAgeThenPath);
    const files = maxFilesPerBatch !== undefined && ready.length > maxFilesPerBatch ? ready.slice(0, maxFilesPerBatch) : ready;
    for (const f of files) this.ledger.markSeen(f.path, f.mtimeMs, f.size);
    return { files, problems, pending: notReady + ready.length - files.length };
  }

  /** The ledger's JSON-compatible snapshot, for the checkpoint. */
  snapshot(): FileLedgerSnapshot {
    return this.ledger.toJSON();
  }

  #report(problems: readonly ScanProblem[]): void {
    const cb = this.#opts.onProblem;
    if (cb !== undefined) for (const p of problems) cb(p);
  }

  /**
   * Present input files by path (`undefined` for files the ledger has already seen: they are
   * not stat'ed), or undefined when the source itself cannot be listed.
   */
  #list(problems: ScanProblem[]): Map<string, FoundFile | undefined> | undefined {
    const out = new Map<string, FoundFile | undefined>();
    if (!this.#isGlob) {
      return this.#listDir(this.#source, out, problems, true) ? out : undefined;
    }
    let matches: string[];
    try {
      matches = fg.sync(this.#source, { onlyFiles: false, markDirectories: true, dot: false, suppressErrors: true });
    } catch (err) {
      problems.push({ path: this.#source, reason: `cannot be listed (${errorCode(err)})`, error: err });
      return undefined;
    }
    const base = staticBase(this.#source);
    for (const m of matches) {
      const isDir = m.endsWith('/');
      const path = isDir ? m.slice(0, -1) : m;
      // Nothing below a hidden directory either (`_temporary/...`).
      if (relative(base, path).split('/').some(isHiddenName)) continue;
      if (isDir) this.#listDir(path, out, problems, false);
      else this.#stat(path, out, problems);
    }
    return out;
  }

  #listDir(dir: string, out: Map<string, FoundFile | undefined>, problems: ScanProblem[], isSource: boolean): boolean {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      const code = errorCode(err);
      problems.push({
        path: dir,
        reason: isSource && code === 'ENOENT' ? 'directory does not exist (yet)' : `cannot be listed (${code})`,
        error: err,
      });
      return false;
    }
    const prefix = join(dir, '/'); // normalised once: prefix + name === join(dir, name)
    for (const e of entries) {
      if (isHiddenName(e.name) || e.isDirectory()) continue;
      this.#stat(prefix + e.name, out, problems);
    }
    return true;
  }

  #stat(path: string, out: Map<string, FoundFile | undefined>, problems: ScanProblem[]): void {
    if (out.has(path)) return;
    if (this.ledger.isSeen(path)) {
      // Already taken: being listed is all that matters (it keeps the entry), so a large
      // directory costs one stat per new file per scan, not one per file.
      out.set(path, undefined);
      return;
    }
    const filter = this.#opts.filter;
    if (filter !== undefined) {
      let keep: boolean;
      try {
        keep = filter(path);
      } catch (err) {
        throw new ScanFilterError(`The file filter of ${this.#source} threw on ${path}: ${(err as Error)?.message ?? String(err)}. Fix the filter function.`, { cause: err });
      }
      if (!keep) return; // not input: neither stat'ed nor recorded
    }
    try {
      const st = statSync(path);
      if (!st.isFile()) return; // a symlink to a directory, a socket, ...
      out.set(path, { path, mtimeMs: st.mtimeMs, size: st.size });
    } catch (err) {
      const code = errorCode(err);
      problems.push({
        path,
        reason: code === 'ENOENT' ? 'vanished between listing and stat (ENOENT)' : `cannot be stat'ed (${code})`,
        error: err,
      });
    }
  }
}
