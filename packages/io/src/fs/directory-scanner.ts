import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { fileIdentity } from './file-identity.ts';
import { FileLedger, type FileLedgerSnapshot, type LedgerEntry } from './file-ledger.ts';
import { isHiddenName } from './hidden-name.ts';

/** A file found by a scan, with what `stat` said when it was listed. */
export interface FoundFile {
  readonly path: string;
  /** Modification time, epoch milliseconds. */
  readonly mtimeMs: number;
  /** Size in bytes. */
  readonly size: number;
  /** The file's identity (inode number and birth time, see the scanner), `''` when the file system has none. */
  readonly id: string;
}

/**
 * A path the scan could not use (vanished between listing and `stat`, no permission, a broken
 * symbolic link, ...), or a file that changed after it was taken.
 */
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
  /**
   * Problems found by this scan and not by the previous one (a problem that persists is
   * reported once); also passed to `onProblem`. A source that cannot be listed is reported by
   * every scan.
   */
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
  /** Called for every {@link ScanProblem} reported, in addition to returning it. */
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
 * - Bounded: ledger entries of files that left the directory are dropped at each scan.
 * - Files are known by identity as well as by name ({@link FoundFile.id}: inode number and
 *   birth time). A file renamed over a name already taken, or deleted and re-created under it,
 *   is a new file and is returned (when it has the size and mtime of the file read under that
 *   name, as a folder restored from a copy has, a log line says how many such files a scan took). A file already taken that shows up under another name
 *   (renamed inside the directory, a hard link) is not returned again. A file that changes
 *   after it was taken (grows, is rewritten or truncated in place) is not returned again
 *   either, but reported once as a {@link ScanProblem} naming it: as in Spark, files must be
 *   written elsewhere and moved in when complete (or use `minFileAgeMs`/`requireStableSize`).
 * - Every scan stats every input file (as Spark lists the status of every file each batch).
 * - Never throws for the file system: a directory that cannot be listed or a file that
 *   vanished, cannot be stat'ed or is a broken symbolic link becomes a {@link ScanProblem}
 *   (path + reason), reported once while it persists (again if it clears and comes back).
 *
 * The returned file list is the replayable description of a batch's input: store it with the
 * batch in the checkpoint alongside {@link DirectoryScanner.snapshot}.
 */
export class DirectoryScanner {
  readonly ledger: FileLedger;
  readonly #source: string;
  readonly #isGlob: boolean;
  readonly #opts: DirectoryScannerOptions;
  /** Per-file problems the previous scan reported (path -> reason): not reported again while they persist. */
  #reported = new Map<string, string>();

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
    const found: ScanProblem[] = [];
    const present = this.#list(found);
    this.ledger.markStarted();
    this.#report(found);
    const log = this.#opts.log ?? ((m: string) => { process.stderr.write(`${m}
`); });
    if (present === undefined) {
      // Nothing can be present in a directory that is not there: whatever appears is new.
      log(`${this.#source}: cannot be listed at start (${found[0]?.reason ?? 'unknown'}); every file that appears in it will be read`);
      return 0;
    }
    for (const f of present.values()) this.ledger.markSeen(f.path, f.mtimeMs, f.size, f.id);
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
    const found: ScanProblem[] = [];
    const present = this.#list(found);
    if (present === undefined) return { files: [], problems: this.#report(found), pending: 0 };
    const ledger = this.ledger;
    // Taken files by identity as they were before this scan (a swap of two names stays right).
    const taken = ledger.takenByIdentity();
    const candidates: FoundFile[] = [];
    // Other files under taken names with the taken file's size and mtime: a folder restored from a copy looks so.
    const lookalikes = new Set<string>();
    for (const f of present.values()) {
      const e = ledger.get(f.path);
      if (e !== undefined && e.state !== 'pending' && (e.id === f.id || e.id === '')) {
        // The file taken under this name (or an entry without identity: same name, same file).
        if (e.id === '' && f.id !== '' && e.size === f.size && e.mtimeMs === f.mtimeMs) ledger.markSeen(f.path, f.mtimeMs, f.size, f.id);
        else this.#checkUnchanged(e, f, found);
        continue;
      }
      const other = f.id === '' ? undefined : taken.get(f.id);
      if (other !== undefined) {
        // A file already taken, under another name (renamed inside the directory, a hard link).
        ledger.markSeen(f.path, other.mtimeMs, other.size, f.id);
        if (other.state === 'changed') ledger.markChanged(f.path, f.mtimeMs, f.size, f.id);
        else this.#checkUnchanged(ledger.get(f.path)!, f, found);
        continue;
      }
      // New: never seen, pending, or another file under a taken name (renamed over it, re-created).
      if (e !== undefined && e.state !== 'pending' && e.size === f.size && e.mtimeMs === f.mtimeMs) lookalikes.add(f.path);
      candidates.push(f);
    }
    ledger.retainOnly(present);

    const { minFileAgeMs, requireStableSize, maxFilesPerBatch } = this.#opts;
    const now = minFileAgeMs !== undefined ? (this.#opts.now ?? Date.now)() : 0;
    const ready: FoundFile[] = [];
    let notReady = 0;
    for (const f of candidates) {
      let isReady = true;
      if (minFileAgeMs !== undefined && now - f.mtimeMs < minFileAgeMs) isReady = false;
      if (requireStableSize === true) {
        const entry = ledger.get(f.path);
        const stable = entry !== undefined && entry.state === 'pending' && entry.id === f.id && entry.size === f.size && entry.mtimeMs === f.mtimeMs;
        if (!stable) {
          ledger.markPending(f.path, f.mtimeMs, f.size, f.id);
          isReady = false;
        }
      }
      if (isReady) ready.push(f);
      else notReady++;
    }
    ready.sort(byAgeThenPath);
    const files: FoundFile[] = [];
    const takenNow = new Set<string>();
    let left = 0;
    for (const f of ready) {
      if (f.id !== '' && takenNow.has(f.id)) {
        // One new file under two names (hard links): taken once.
        ledger.markSeen(f.path, f.mtimeMs, f.size, f.id);
        continue;
      }
      if (maxFilesPerBatch !== undefined && files.length >= maxFilesPerBatch) {
        left++;
        continue;
      }
      files.push(f);
      ledger.markSeen(f.path, f.mtimeMs, f.size, f.id);
      if (f.id !== '') takenNow.add(f.id);
    }
    if (lookalikes.size > 0) this.#sayLookalikes(files, lookalikes);
    return { files, problems: this.#report(found), pending: notReady + left };
  }

  /**
   * One log line for the files taken under names already read that are other files (another
   * identity) with the same size and mtime as the ones read: replaced by an atomic rename of
   * equal size, or the folder restored from a copy (`cp -a`, a backup), whose files are then read
   * a second time. They are read (the name's file is another file), but not silently.
   */
  #sayLookalikes(files: readonly FoundFile[], lookalikes: ReadonlySet<string>): void {
    const taken = files.filter((f) => lookalikes.has(f.path));
    if (taken.length === 0) return;
    const log = this.#opts.log ?? ((m: string) => { process.stderr.write(`${m}\n`); });
    log(
      `${this.#source}: ${taken.length} file(s) taken under names already read are other files (another inode) with the same size and modification time ` +
        `as the ones read (e.g. ${taken[0]!.path}): read as new files. If the folder was restored from a copy or a backup, their records are read a second time`,
    );
  }

  /** Reports (once) a taken file whose size or mtime is no longer what it was when taken. */
  #checkUnchanged(e: LedgerEntry, f: FoundFile, found: ScanProblem[]): void {
    if (e.state !== 'seen' || (e.size === f.size && e.mtimeMs === f.mtimeMs)) return;
    this.ledger.markChanged(f.path, f.mtimeMs, f.size, f.id);
    found.push({
      path: f.path,
      reason:
        `changed after it was taken (size ${e.size} -> ${f.size} bytes, modified ${new Date(f.mtimeMs).toISOString()}): the change is not read. ` +
        'A file stream takes each file once, when it appears: write a file elsewhere and move it in (rename) when it is complete',
    });
  }

  /** The ledger's JSON-compatible snapshot, for the checkpoint. */
  snapshot(): FileLedgerSnapshot {
    return this.ledger.toJSON();
  }

  /**
   * Passes on the problems not reported by the previous scan (a problem of the source itself
   * always), and returns them.
   */
  #report(found: readonly ScanProblem[]): ScanProblem[] {
    const fresh: ScanProblem[] = [];
    const now = new Map<string, string>();
    for (const p of found) {
      if (p.path === this.#source) {
        fresh.push(p);
        continue;
      }
      now.set(p.path, p.reason);
      if (this.#reported.get(p.path) !== p.reason) fresh.push(p);
    }
    this.#reported = now;
    const cb = this.#opts.onProblem;
    if (cb !== undefined) for (const p of fresh) cb(p);
    return fresh;
  }

  /** Present input files by path, or undefined when the source itself cannot be listed. */
  #list(problems: ScanProblem[]): Map<string, FoundFile> | undefined {
    const out = new Map<string, FoundFile>();
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

  #listDir(dir: string, out: Map<string, FoundFile>, problems: ScanProblem[], isSource: boolean): boolean {
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

  #stat(path: string, out: Map<string, FoundFile>, problems: ScanProblem[]): void {
    if (out.has(path)) return;
    const filter = this.#opts.filter;
    // A path the ledger knows passed the filter already.
    if (filter !== undefined && this.ledger.get(path) === undefined) {
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
      out.set(path, { path, mtimeMs: st.mtimeMs, size: st.size, id: fileIdentity(st) });
    } catch (err) {
      const code = errorCode(err);
      problems.push({ path, reason: code === 'ENOENT' ? vanishedOrBrokenLink(path) : `cannot be stat'ed (${code})`, error: err });
    }
  }
}

/** Why a listed path could not be stat'ed with ENOENT: a broken symbolic link, or it vanished. */
function vanishedOrBrokenLink(path: string): string {
  try {
    if (lstatSync(path).isSymbolicLink()) return `is a symbolic link to a missing target (${readlinkSync(path)})`;
  } catch {
    // gone altogether
  }
  return 'vanished between listing and stat (ENOENT)';
}
