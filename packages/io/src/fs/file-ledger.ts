import { LedgerSnapshotError } from './ledger-snapshot-error.ts';

/** What the ledger knows about one file (by the path it was last listed under). */
export interface LedgerEntry {
  /**
   * `seen`: taken by a scan, or present when the stream started (never returned again).
   * `changed`: taken, and its content changed afterwards; reported once, never returned.
   * `pending`: new, but not ready yet (its size was still changing); not returned so far.
   */
  readonly state: 'seen' | 'changed' | 'pending';
  /** Modification time (epoch ms) when last observed. */
  readonly mtimeMs: number;
  /** Size in bytes when last observed. */
  readonly size: number;
  /**
   * The file's identity (`fileIdentity`: inode number and birth time), so a file renamed over
   * this path, or deleted and re-created under it, is a new file. `''` when unknown (a file
   * system without inode numbers, or an entry restored from a version 1 snapshot).
   */
  readonly id: string;
}

/** One ledger entry in a snapshot: `[path, mtimeMs, size, identity]`. */
export type LedgerSnapshotEntry = readonly [path: string, mtimeMs: number, size: number, id: string];

/**
 * The serialisable form of a {@link FileLedger}: plain JSON data, versioned, for the metadata
 * checkpoint. {@link FileLedger.fromJSON} also reads version 1 (`[path, mtimeMs, size]`
 * entries without identity, no `changed` list).
 */
export interface FileLedgerSnapshot {
  readonly version: 2;
  /** Whether the stream's first scan (the one that sets aside files already present) happened. */
  readonly started: boolean;
  readonly seen: readonly LedgerSnapshotEntry[];
  /** Files taken and changed since; their change was reported. */
  readonly changed: readonly LedgerSnapshotEntry[];
  readonly pending: readonly LedgerSnapshotEntry[];
}

/**
 * The memory of a file stream: which files of its directory it has already taken (or set
 * aside at start) and which new ones it is waiting on. Deciding "new" by membership rather
 * than by modification time is what lets a file moved in with an old mtime be read, unlike
 * Spark's time window; recording each file's identity besides its path is what lets a file
 * renamed over an old name, or deleted and re-created under it, be read as the new file it is.
 *
 * Bounded: {@link FileLedger.retainOnly} drops entries for files that left the directory, so
 * the ledger never holds more entries than the directory has files.
 */
export class FileLedger {
  #entries = new Map<string, LedgerEntry>();
  #started = false;

  /** Whether the first scan has happened. */
  get started(): boolean {
    return this.#started;
  }

  /** @internal Marks the first scan done. */
  markStarted(): void {
    this.#started = true;
  }

  /** Number of entries (seen, changed and pending). */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `path`, if the ledger has one. */
  get(path: string): LedgerEntry | undefined {
    return this.#entries.get(path);
  }

  /** Whether the file last listed under `path` was already taken or set aside (changed since or not). */
  isSeen(path: string): boolean {
    const state = this.#entries.get(path)?.state;
    return state === 'seen' || state === 'changed';
  }

  /** Records `path` as taken (or set aside at start): that file will not be returned again while it stays. */
  markSeen(path: string, mtimeMs: number, size: number, id: string): void {
    this.#entries.set(path, { state: 'seen', mtimeMs, size, id });
  }

  /** Records that the file taken under `path` changed afterwards (and that this was reported). */
  markChanged(path: string, mtimeMs: number, size: number, id: string): void {
    this.#entries.set(path, { state: 'changed', mtimeMs, size, id });
  }

  /** Records an observation of a new file that is not ready yet (for the stable-size rule). */
  markPending(path: string, mtimeMs: number, size: number, id: string): void {
    this.#entries.set(path, { state: 'pending', mtimeMs, size, id });
  }

  /** Taken (seen or changed) files by identity, as they were before a scan changes anything. */
  takenByIdentity(): Map<string, LedgerEntry> {
    const out = new Map<string, LedgerEntry>();
    for (const e of this.#entries.values()) if (e.id !== '' && e.state !== 'pending') out.set(e.id, e);
    return out;
  }

  /** Drops the entries of paths not in `present`; returns how many were dropped. */
  retainOnly(present: ReadonlySet<string> | ReadonlyMap<string, unknown>): number {
    let dropped = 0;
    for (const path of this.#entries.keys()) {
      if (!present.has(path)) {
        this.#entries.delete(path);
        dropped++;
      }
    }
    return dropped;
  }

  /** Entries in path order. */
  entries(): [string, LedgerEntry][] {
    return [...this.#entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** A JSON-compatible snapshot for the checkpoint. */
  toJSON(): FileLedgerSnapshot {
    const lists = { seen: [] as LedgerSnapshotEntry[], changed: [] as LedgerSnapshotEntry[], pending: [] as LedgerSnapshotEntry[] };
    for (const [path, e] of this.entries()) lists[e.state].push([path, e.mtimeMs, e.size, e.id]);
    return { version: 2, started: this.#started, ...lists };
  }

  /**
   * Rebuilds a ledger from {@link FileLedger.toJSON} output (also after a JSON round trip), of
   * this version or version 1. A version 1 entry has no identity: the scanner adopts the
   * identity of the file it finds under the path when size and mtime still match.
   * @throws {LedgerSnapshotError} naming what is wrong when `json` is not a ledger snapshot of a known version.
   */
  static fromJSON(json: unknown): FileLedger {
    const bad = (why: string): never => {
      throw new LedgerSnapshotError(`Not a file ledger snapshot: ${why}. The checkpoint is damaged or from an incompatible version; start the stream without it.`);
    };
    if (typeof json !== 'object' || json === null) bad('not an object');
    const snap = json as { version?: unknown; started?: unknown; seen?: unknown; changed?: unknown; pending?: unknown };
    if (snap.version !== 1 && snap.version !== 2) bad(`unsupported version ${String(snap.version)} (this version reads 1 and 2)`);
    const v1 = snap.version === 1;
    if (typeof snap.started !== 'boolean' || !Array.isArray(snap.seen) || !Array.isArray(snap.pending) || (!v1 && !Array.isArray(snap.changed))) bad('missing fields');
    const ledger = new FileLedger();
    if (snap.started === true) ledger.markStarted();
    const take = (list: readonly unknown[], state: LedgerEntry['state']): void => {
      for (const item of list) {
        const ok = Array.isArray(item) && typeof item[0] === 'string' && Number.isFinite(item[1]) && Number.isFinite(item[2]) && (v1 || typeof item[3] === 'string');
        if (!ok) bad(`malformed ${state} entry ${JSON.stringify(item)}`);
        const [path, mtimeMs, size, id] = item as [string, number, number, string | undefined];
        ledger.#entries.set(path, { state, mtimeMs, size, id: v1 ? '' : id! });
      }
    };
    take(snap.seen as unknown[], 'seen');
    if (!v1) take(snap.changed as unknown[], 'changed');
    take(snap.pending as unknown[], 'pending');
    return ledger;
  }
}
