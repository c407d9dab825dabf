import { LedgerSnapshotError } from './ledger-snapshot-error.ts';

/** What the ledger knows about one file. */
export interface LedgerEntry {
  /** `seen`: returned by a scan, or present when the stream started (never returned again).
   *  `pending`: new, but not ready yet (its size was still changing); not returned so far. */
  readonly state: 'seen' | 'pending';
  /** Modification time (epoch ms) when last observed. */
  readonly mtimeMs: number;
  /** Size in bytes when last observed. */
  readonly size: number;
}

/**
 * The serialisable form of a {@link FileLedger}: plain JSON data, versioned, for the metadata
 * checkpoint. Entries are `[path, mtimeMs, size]`.
 */
export interface FileLedgerSnapshot {
  readonly version: 1;
  /** Whether the stream's first scan (the one that sets aside files already present) happened. */
  readonly started: boolean;
  readonly seen: readonly (readonly [string, number, number])[];
  readonly pending: readonly (readonly [string, number, number])[];
}

/**
 * The memory of a file stream: which files of its directory it has already taken (or set
 * aside at start) and which new ones it is waiting on. Deciding "new" by membership rather
 * than by modification time is what lets a file moved in with an old mtime be read, unlike
 * Spark's time window.
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

  /** Number of entries (seen and pending). */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `path`, if the ledger has one. */
  get(path: string): LedgerEntry | undefined {
    return this.#entries.get(path);
  }

  /** Whether `path` was already taken or set aside. */
  isSeen(path: string): boolean {
    return this.#entries.get(path)?.state === 'seen';
  }

  /** Records `path` as taken (or set aside at start): it will not be returned again while it stays. */
  markSeen(path: string, mtimeMs: number, size: number): void {
    this.#entries.set(path, { state: 'seen', mtimeMs, size });
  }

  /** Records an observation of a new file that is not ready yet (for the stable-size rule). */
  markPending(path: string, mtimeMs: number, size: number): void {
    this.#entries.set(path, { state: 'pending', mtimeMs, size });
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
    const seen: [string, number, number][] = [];
    const pending: [string, number, number][] = [];
    for (const [path, e] of this.entries()) (e.state === 'seen' ? seen : pending).push([path, e.mtimeMs, e.size]);
    return { version: 1, started: this.#started, seen, pending };
  }

  /**
   * Rebuilds a ledger from {@link FileLedger.toJSON} output (also after a JSON round trip).
   * @throws {LedgerSnapshotError} naming what is wrong when `json` is not a ledger snapshot of a known version.
   */
  static fromJSON(json: unknown): FileLedger {
    const bad = (why: string): never => {
      throw new LedgerSnapshotError(`Not a file ledger snapshot: ${why}. The checkpoint is damaged or from an incompatible version; start the stream without it.`);
    };
    if (typeof json !== 'object' || json === null) bad('not an object');
    const snap = json as Partial<FileLedgerSnapshot>;
    if (snap.version !== 1) bad(`unsupported version ${String(snap.version)}`);
    if (typeof snap.started !== 'boolean' || !Array.isArray(snap.seen) || !Array.isArray(snap.pending)) bad('missing fields');
    const ledger = new FileLedger();
    if (snap.started === true) ledger.markStarted();
    const take = (list: readonly unknown[], state: 'seen' | 'pending') => {
      for (const item of list) {
        if (!Array.isArray(item) || typeof item[0] !== 'string' || typeof item[1] !== 'number' || typeof item[2] !== 'number') {
          bad(`malformed ${state} entry ${JSON.stringify(item)}`);
        }
        const [path, mtimeMs, size] = item as [string, number, number];
        if (state === 'seen') ledger.markSeen(path, mtimeMs, size);
        else ledger.markPending(path, mtimeMs, size);
      }
    };
    take(snap.seen!, 'seen');
    take(snap.pending!, 'pending');
    return ledger;
  }
}
