import { appendFileSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryScanner, FileLedger, LedgerSnapshotError, type ScanProblem, type ScanResult } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

/** Writes a file with a given mtime (seconds since epoch). */
function put(path: string, mtimeSec: number, text = 'x\n'): string {
  writeFileSync(path, text);
  utimesSync(path, mtimeSec, mtimeSec);
  return path;
}

const names = (r: ScanResult) => r.files.map((f) => f.path.split('/').pop());
const quiet = { log: () => undefined };

describe('DirectoryScanner', () => {
  it('ignores files present at start (logging their count once) and returns each later file once', () => {
    const d = tempDir();
    put(join(d, 'old-1.txt'), 1000);
    put(join(d, 'old-2.txt'), 1001);
    const logs: string[] = [];
    const s = new DirectoryScanner(d, { log: (m) => logs.push(m) });
    expect(s.start()).toBe(2);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('2 file(s) already present');
    expect(names(s.scan())).toEqual([]);
    put(join(d, 'new-1.txt'), 2000);
    expect(names(s.scan())).toEqual(['new-1.txt']);
    expect(names(s.scan())).toEqual([]);
    expect(logs).toHaveLength(1);
  });

  it('says nothing at start when no file is present', () => {
    const logs: string[] = [];
    const s = new DirectoryScanner(tempDir(), { log: (m) => logs.push(m) });
    expect(s.start()).toBe(0);
    expect(logs).toEqual([]);
  });

  it('reads a file moved in with an old modification time (the mv case Spark misses)', () => {
    const d = tempDir();
    const staging = tempDir();
    put(join(d, 'present.txt'), 5000);
    const s = new DirectoryScanner(d, quiet);
    s.start();
    const moved = put(join(staging, 'from-the-past.txt'), 10); // 1970: older than everything
    renameSync(moved, join(d, 'from-the-past.txt'));
    const r = s.scan();
    expect(names(r)).toEqual(['from-the-past.txt']);
    expect(r.files[0]!.mtimeMs).toBe(10_000);
  });

  it('returns new files oldest modification time first, ties by name', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    put(join(d, 'c.txt'), 300);
    put(join(d, 'b.txt'), 100);
    put(join(d, 'a.txt'), 300);
    put(join(d, 'd.txt'), 200);
    expect(names(s.scan())).toEqual(['b.txt', 'd.txt', 'a.txt', 'c.txt']);
  });

  it('ignores dotfiles, _ files and sub-directories of a plain directory', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    put(join(d, '.hidden.txt'), 100);
    put(join(d, '_SUCCESS'), 100);
    put(join(d, '.copying.tmp'), 100);
    mkdirSync(join(d, 'sub'));
    put(join(d, 'sub', 'inner.txt'), 100);
    put(join(d, 'visible.txt'), 100);
    expect(names(s.scan())).toEqual(['visible.txt']);
  });

  it('descends into sub-directories when a glob says so, still skipping hidden ones', () => {
    const d = tempDir();
    mkdirSync(join(d, '2024-01'));
    mkdirSync(join(d, '_temporary'));
    const s = new DirectoryScanner(join(d, '**', '*.csv'), quiet);
    s.start();
    put(join(d, '2024-01', 'a.csv'), 100);
    put(join(d, '2024-01', 'a.txt'), 100);
    put(join(d, '_temporary', 'b.csv'), 100);
    put(join(d, 'top.csv'), 200);
    expect(s.scan().files.map((f) => f.path)).toEqual([join(d, '2024-01', 'a.csv'), join(d, 'top.csv')]);
  });

  it('lists the files inside directories matched by a glob', () => {
    const d = tempDir();
    const s = new DirectoryScanner(join(d, 'day-*'), quiet);
    s.start();
    mkdirSync(join(d, 'day-1'));
    put(join(d, 'day-1', 'x.log'), 100);
    put(join(d, 'day-1', '.x.log.swp'), 100);
    put(join(d, 'other.log'), 50);
    expect(s.scan().files.map((f) => f.path)).toEqual([join(d, 'day-1', 'x.log')]);
  });

  it('with newFilesOnly false, returns the files present at start too', () => {
    const d = tempDir();
    put(join(d, 'old.txt'), 100);
    const s = new DirectoryScanner(d, { ...quiet, newFilesOnly: false });
    expect(s.start()).toBe(0);
    expect(names(s.scan())).toEqual(['old.txt']);
    expect(names(s.scan())).toEqual([]);
  });

  it('scan() without start() does the start itself', () => {
    const d = tempDir();
    put(join(d, 'old.txt'), 100);
    const s = new DirectoryScanner(d, quiet);
    expect(names(s.scan())).toEqual([]);
    put(join(d, 'new.txt'), 100);
    expect(names(s.scan())).toEqual(['new.txt']);
  });

  it('applies the filter, also to the count of files set aside at start', () => {
    const d = tempDir();
    put(join(d, 'old.csv'), 100);
    put(join(d, 'old.json'), 100);
    const logs: string[] = [];
    const s = new DirectoryScanner(d, { log: (m) => logs.push(m), filter: (p) => p.endsWith('.csv') });
    expect(s.start()).toBe(1);
    put(join(d, 'a.csv'), 100);
    put(join(d, 'b.json'), 100);
    expect(names(s.scan())).toEqual(['a.csv']);
    expect(s.ledger.size).toBe(2); // old.csv and a.csv; the json files are not input at all
  });

  it('bounds a batch with maxFilesPerBatch, oldest first, the rest pending for later scans', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, { ...quiet, maxFilesPerBatch: 2 });
    s.start();
    for (let i = 0; i < 5; i++) put(join(d, `f${i}.txt`), 1000 - i); // f4 is the oldest
    const r1 = s.scan();
    expect(names(r1)).toEqual(['f4.txt', 'f3.txt']);
    expect(r1.pending).toBe(3);
    put(join(d, 'late-but-old.txt'), 1); // the oldest of all, so it goes first
    const r2 = s.scan();
    expect(names(r2)).toEqual(['late-but-old.txt', 'f2.txt']);
    expect(r2.pending).toBe(2);
    expect(names(s.scan())).toEqual(['f1.txt', 'f0.txt']);
    expect(s.scan().pending).toBe(0);
  });

  it('waits for minFileAgeMs using the injected clock', () => {
    const d = tempDir();
    let now = 100_000_000;
    const s = new DirectoryScanner(d, { ...quiet, minFileAgeMs: 5000, now: () => now });
    s.start();
    put(join(d, 'fresh.txt'), (now - 1000) / 1000);
    const r = s.scan();
    expect(names(r)).toEqual([]);
    expect(r.pending).toBe(1);
    now += 4000;
    expect(names(s.scan())).toEqual(['fresh.txt']);
  });

  it('with requireStableSize, waits until two scans see the same size', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, { ...quiet, requireStableSize: true });
    s.start();
    const p = put(join(d, 'growing.txt'), 100, 'a');
    expect(names(s.scan())).toEqual([]);
    put(p, 100, 'ab');
    expect(names(s.scan())).toEqual([]);
    expect(names(s.scan())).toEqual(['growing.txt']);
    expect(names(s.scan())).toEqual([]);
  });

  it('reports a directory that does not exist yet and reads everything that appears once it does', () => {
    const parent = tempDir();
    const d = join(parent, 'later');
    const problems: ScanProblem[] = [];
    const logs: string[] = [];
    const s = new DirectoryScanner(d, { log: (m) => logs.push(m), onProblem: (p) => problems.push(p) });
    expect(s.start()).toBe(0);
    expect(problems[0]!.path).toBe(d);
    expect(problems[0]!.reason).toContain('does not exist');
    expect(logs[0]).toContain('every file that appears');
    const r = s.scan();
    expect(r.files).toEqual([]);
    expect(r.problems).toHaveLength(1);
    mkdirSync(d);
    put(join(d, 'first.txt'), 100);
    expect(names(s.scan())).toEqual(['first.txt']);
  });

  it('reports a file that cannot be stat-ed with its path and keeps scanning the others', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    put(join(d, 'good.txt'), 100);
    // A dangling symlink lists fine but cannot be stat-ed.
    symlinkSync(join(d, 'does-not-exist'), join(d, 'vanished.txt'));
    const seen: ScanProblem[] = [];
    const s2 = new DirectoryScanner(d, { ...quiet, ledger: s.snapshot(), onProblem: (p) => seen.push(p) });
    const r = s2.scan();
    expect(names(r)).toEqual(['good.txt']);
    expect(r.problems.map((p) => p.path)).toEqual([join(d, 'vanished.txt')]);
    expect(r.problems[0]!.reason).toContain('symbolic link to a missing target');
    expect(seen).toEqual(r.problems);
  });

  it('wraps a throwing filter in an error naming the path', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, { ...quiet, filter: () => { throw new Error('boom'); } });
    s.start();
    put(join(d, 'a.txt'), 100);
    expect(() => s.scan()).toThrow(/filter .* threw on .*a\.txt: boom/);
  });

  it('rejects a maxFilesPerBatch that is not a positive integer', () => {
    expect(() => new DirectoryScanner(tempDir(), { maxFilesPerBatch: 0 })).toThrow(/positive integer/);
  });
});

describe('DirectoryScanner: file identity (issue 10, defect 5)', () => {
  // Probe: "a file renamed over an already-read name is never read".
  it('reads a file renamed over the name of a file it already read', () => {
    const d = tempDir();
    const staging = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    put(join(d, 'orders.txt'), 100, 'first\n');
    expect(names(s.scan())).toEqual(['orders.txt']);
    // The producer's atomic replace: write elsewhere, rename over the old name (same mtime, same size).
    put(join(staging, 'orders.txt'), 100, 'other\n');
    renameSync(join(staging, 'orders.txt'), join(d, 'orders.txt'));
    const r = s.scan();
    expect(names(r)).toEqual(['orders.txt']);
    expect(r.problems).toEqual([]);
    expect(names(s.scan())).toEqual([]);
  });

  // Probe: the watched folder restored from a copy (cp -a keeps names, sizes and mtimes, not inodes):
  // every file is another file under a name already read, so it is read again. Not silently: one
  // line per scan says how many such files were taken and names one.
  it('says so in its log when files under names it read are other files with the same size and mtime (a restored copy)', () => {
    const d = tempDir();
    const backup = tempDir();
    const lines: string[] = [];
    const s = new DirectoryScanner(d, { log: (m) => lines.push(m) });
    s.start();
    put(join(d, 'a.txt'), 100, 'aa\n');
    put(join(d, 'b.txt'), 100, 'bb\n');
    expect(names(s.scan())).toEqual(['a.txt', 'b.txt']);
    for (const n of ['a.txt', 'b.txt']) {
      put(join(backup, n), 100, readFileSync(join(d, n), 'utf8'));
      renameSync(join(backup, n), join(d, n));
    }
    put(join(d, 'c.txt'), 100, 'new file\n');
    lines.length = 0;
    expect(names(s.scan())).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('2 file(s)');
    expect(lines[0]).toContain(join(d, 'a.txt'));
    expect(lines[0]).toMatch(/same size and modification time/);
    // A file whose size or mtime differs is plainly a new one: nothing said.
    lines.length = 0;
    put(join(backup, 'c.txt'), 200, 'other content, longer\n');
    renameSync(join(backup, 'c.txt'), join(d, 'c.txt'));
    expect(names(s.scan())).toEqual(['c.txt']);
    expect(lines).toEqual([]);
  });

  // Probe: "deleted and recreated between two scans is never read" (ext4 reuses the inode number at once).
  it('reads a file deleted and re-created under the same name between two scans', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    put(join(d, 'again.txt'), 100, 'one\n');
    expect(names(s.scan())).toEqual(['again.txt']);
    unlinkSync(join(d, 'again.txt'));
    put(join(d, 'again.txt'), 100, 'two\n');
    const r = s.scan();
    expect(names(r)).toEqual(['again.txt']);
    expect(r.problems).toEqual([]);
  });

  // Probe: "lines appended to a file after it was read are dropped" (silently).
  it('reports a file that grows after it was read once, naming it, and does not read it again', () => {
    const d = tempDir();
    const seen: ScanProblem[] = [];
    const s = new DirectoryScanner(d, { ...quiet, onProblem: (p) => seen.push(p) });
    s.start();
    const p = put(join(d, 'log.txt'), 100, 'a\n');
    expect(names(s.scan())).toEqual(['log.txt']);
    appendFileSync(p, 'b\n');
    const r = s.scan();
    expect(r.files).toEqual([]);
    expect(r.problems.map((x) => x.path)).toEqual([p]);
    expect(r.problems[0]!.reason).toMatch(/changed after it was taken \(size 2 -> 4 bytes/);
    expect(r.problems[0]!.reason).toContain('move it in');
    expect(seen).toEqual(r.problems);
    appendFileSync(p, 'c\n');
    expect(s.scan()).toEqual({ files: [], problems: [], pending: 0 });
    expect(seen).toHaveLength(1);
  });

  it('reports a file rewritten in place (same size, new mtime) or truncated after it was read', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    const a = put(join(d, 'a.txt'), 100, 'aaaa\n');
    const b = put(join(d, 'b.txt'), 100, 'bbbb\n');
    expect(names(s.scan())).toEqual(['a.txt', 'b.txt']);
    put(a, 200, 'AAAA\n');
    truncateSync(b, 1);
    const r = s.scan();
    expect(r.files).toEqual([]);
    expect(r.problems.map((x) => [x.path, /changed after it was taken/.test(x.reason)])).toEqual([[a, true], [b, true]]);
  });

  it('does not read again a file it already read that was renamed inside the directory', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    put(join(d, 'app.log'), 100, 'x\n');
    expect(names(s.scan())).toEqual(['app.log']);
    renameSync(join(d, 'app.log'), join(d, 'app.log.1'));
    put(join(d, 'app.log'), 200, 'y\n');
    const r = s.scan();
    expect(names(r)).toEqual(['app.log']);
    expect(r.problems).toEqual([]);
    expect(s.ledger.entries().map(([p]) => p)).toEqual([join(d, 'app.log'), join(d, 'app.log.1')]);
  });

  // Probe: "a broken symlink is reported every batch".
  it('reports a broken symbolic link once while it stays, and again if it comes back after being fixed', () => {
    const d = tempDir();
    const elsewhere = tempDir();
    const seen: ScanProblem[] = [];
    const s = new DirectoryScanner(d, { ...quiet, onProblem: (p) => seen.push(p) });
    s.start();
    const link = join(d, 'dangling.txt');
    const target = join(elsewhere, 'target.txt');
    symlinkSync(target, link);
    const r = s.scan();
    expect(r.problems.map((p) => p.path)).toEqual([link]);
    expect(r.problems[0]!.reason).toBe(`is a symbolic link to a missing target (${target})`);
    expect(s.scan().problems).toEqual([]);
    expect(s.scan().problems).toEqual([]);
    expect(seen).toHaveLength(1);
    // Fixed: the link now names a file, which is new; then broken again.
    put(target, 100, 'z\n');
    expect(names(s.scan())).toEqual(['dangling.txt']);
    rmSync(target);
    expect(s.scan().problems.map((p) => p.path)).toEqual([link]);
    expect(seen).toHaveLength(2);
  });

  it('reads a new file once when it appears under two names at once (hard links), recording both', () => {
    const d = tempDir();
    const staging = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    const src = put(join(staging, 'x.txt'), 100, 'x\n');
    linkSync(src, join(d, 'x.txt'));
    linkSync(src, join(d, 'y.txt'));
    expect(names(s.scan())).toEqual(['x.txt']);
    expect(s.ledger.size).toBe(2);
    expect(names(s.scan())).toEqual([]);
  });
});

describe('FileLedger', () => {
  it('survives a JSON round trip: a resumed scanner neither re-reads nor misses files', () => {
    const d = tempDir();
    put(join(d, 'before-start.txt'), 100);
    const s1 = new DirectoryScanner(d, { ...quiet, maxFilesPerBatch: 1, requireStableSize: true });
    s1.start();
    put(join(d, 'a.txt'), 200);
    put(join(d, 'b.txt'), 300);
    expect(names(s1.scan())).toEqual([]); // both observed once, pending stability
    expect(names(s1.scan())).toEqual(['a.txt']);
    const json = JSON.parse(JSON.stringify(s1.snapshot())) as unknown;
    // "the process restarts": a new scanner from the checkpointed ledger
    const logs: string[] = [];
    const s2 = new DirectoryScanner(d, { log: (m) => logs.push(m), maxFilesPerBatch: 1, requireStableSize: true, ledger: FileLedger.fromJSON(json) });
    expect(s2.start()).toBe(0);
    expect(logs).toEqual([]);
    expect(names(s2.scan())).toEqual(['b.txt']);
    put(join(d, 'c.txt'), 50);
    expect(names(s2.scan())).toEqual([]);
    expect(names(s2.scan())).toEqual(['c.txt']);
    expect(names(s2.scan())).toEqual([]);
  });

  it('stores seen and pending entries as plain data, with each file\'s identity', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, { ...quiet, requireStableSize: true });
    put(join(d, 'x.txt'), 100, 'abc');
    s.start();
    put(join(d, 'y.txt'), 200, 'hello');
    s.scan();
    // Identity as the scanner defines it: inode number and birth time (this file system has both).
    const idOf = (name: string) => {
      const st = statSync(join(d, name));
      expect(st.birthtimeMs).toBeGreaterThan(0);
      return `${st.ino}@${st.birthtimeMs}`;
    };
    expect(s.snapshot()).toEqual({
      version: 2,
      started: true,
      seen: [[join(d, 'x.txt'), 100_000, 3, idOf('x.txt')]],
      changed: [],
      pending: [[join(d, 'y.txt'), 200_000, 5, idOf('y.txt')]],
    });
  });

  it('keeps identities through a JSON round trip: a file replaced while down is read after the restart', () => {
    const d = tempDir();
    const staging = tempDir();
    const s1 = new DirectoryScanner(d, quiet);
    s1.start();
    put(join(d, 'kept.txt'), 100, 'k\n');
    put(join(d, 'replaced.txt'), 100, 'r\n');
    expect(names(s1.scan())).toEqual(['kept.txt', 'replaced.txt']);
    const json = JSON.parse(JSON.stringify(s1.snapshot())) as unknown;
    renameSync(put(join(staging, 'replaced.txt'), 100, 'R\n'), join(d, 'replaced.txt'));
    const s2 = new DirectoryScanner(d, { ...quiet, ledger: FileLedger.fromJSON(json) });
    const r = s2.scan();
    expect(names(r)).toEqual(['replaced.txt']);
    expect(r.problems).toEqual([]);
  });

  it('reads a version 1 snapshot (no identities): adopts the identity of unchanged files, reports changed ones', () => {
    const d = tempDir();
    const a = put(join(d, 'a.txt'), 100, 'a\n');
    const b = put(join(d, 'b.txt'), 100, 'b\n');
    const v1 = { version: 1, started: true, seen: [[a, 100_000, 2], [b, 100_000, 2]], pending: [] };
    appendFileSync(b, 'more\n');
    const s = new DirectoryScanner(d, { ...quiet, ledger: FileLedger.fromJSON(v1) });
    const r = s.scan();
    expect(r.files).toEqual([]);
    expect(r.problems.map((p) => p.path)).toEqual([b]);
    expect(r.problems[0]!.reason).toContain('changed after it was taken (size 2 -> 7 bytes');
    expect(s.ledger.get(a)).toEqual({ state: 'seen', mtimeMs: 100_000, size: 2, id: `${statSync(a).ino}@${statSync(a).birthtimeMs}` });
    // Now known by identity: a replacement of a.txt is read.
    rmSync(a);
    put(a, 100, 'A\n');
    expect(names(s.scan())).toEqual(['a.txt']);
  });

  it('drops entries of files that left the directory, so it stays bounded', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) put(join(d, `r${round}-${i}.txt`), 100 + round);
      expect(s.scan().files).toHaveLength(10);
      // the consumer archives what it read
      for (let i = 0; i < 10; i++) rmSync(join(d, `r${round}-${i}.txt`));
      s.scan();
      expect(s.ledger.size).toBe(0);
    }
  });

  it('reads a file again when it is deleted and re-created after a scan noticed it gone', () => {
    const d = tempDir();
    const s = new DirectoryScanner(d, quiet);
    s.start();
    put(join(d, 'again.txt'), 100);
    expect(names(s.scan())).toEqual(['again.txt']);
    rmSync(join(d, 'again.txt'));
    expect(names(s.scan())).toEqual([]);
    put(join(d, 'again.txt'), 100);
    expect(names(s.scan())).toEqual(['again.txt']);
  });

  it('rejects a snapshot that is not a ledger', () => {
    expect(() => FileLedger.fromJSON({ version: 3, started: true, seen: [], changed: [], pending: [] })).toThrow(/unsupported version 3/);
    expect(() => FileLedger.fromJSON({ version: 1, started: true, seen: [['a', 'b', 1]], pending: [] })).toThrow(/malformed seen entry/);
    expect(() => FileLedger.fromJSON({ version: 2, started: true, seen: [['a', 1, 1]], changed: [], pending: [] })).toThrow(/malformed seen entry/);
    expect(() => FileLedger.fromJSON({ version: 2, started: true, seen: [], pending: [] })).toThrow(/missing fields/);
    expect(() => FileLedger.fromJSON('nope')).toThrow(/Not a file ledger snapshot/);
    expect(() => FileLedger.fromJSON(undefined)).toThrow(LedgerSnapshotError);
  });
});
