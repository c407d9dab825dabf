import fs, { readlinkSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncWrittenFile, syncWrittenFolder, writeFolderInPlace } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

type Callback = (err: NodeJS.ErrnoException | null) => void;

/**
 * Holds every `fs.fsync` (the path of its fd, through /proc, Linux) until `release()`: what
 * is in flight at once is then what the code issued before waiting for any fsync to end.
 */
function holdFsyncs(failing?: string) {
  const original = fs.fsync;
  const held: { path: string; fd: number; cb: Callback }[] = [];
  const issued: string[] = [];
  let maxInFlight = 0;
  fs.fsync = ((fd: number, cb: Callback) => {
    const path = readlinkSync(`/proc/self/fd/${fd}`);
    issued.push(path);
    held.push({ path, fd, cb });
    maxInFlight = Math.max(maxInFlight, held.length);
  }) as typeof fs.fsync;
  syncBuiltinESMExports();
  return {
    issued,
    get inFlight() { return held.length; },
    get maxInFlight() { return maxInFlight; },
    /** Ends the fsyncs held now (the real fsync, or `failing`'s error). */
    release(): void {
      for (const h of held.splice(0)) {
        if (h.path === failing) h.cb(Object.assign(new Error(`EIO: i/o error, fsync '${h.path}'`), { code: 'EIO' }));
        else {
          fs.fsyncSync(h.fd);
          h.cb(null);
        }
      }
    },
    restore(): void {
      fs.fsync = original;
      syncBuiltinESMExports();
    },
  };
}

let hook: ReturnType<typeof holdFsyncs> | undefined;
afterEach(() => {
  hook?.restore();
  hook = undefined;
});

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Releases the held fsyncs turn after turn until `p` settles; how many rounds of fsyncs that took. */
async function drive(p: Promise<void>): Promise<number> {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  let rounds = 0;
  for (let i = 0; i < 100 && !settled; i++) {
    await turn();
    if (hook!.inFlight === 0) continue;
    rounds++;
    hook!.release();
  }
  expect(settled).toBe(true);
  return rounds;
}

describe('fsyncs issued together', () => {
  it('syncWrittenFolder has the files, the folder and its parent in flight at once, and resolves only when all are done', async () => {
    const d = tempDir();
    const out = join(d, 'rdd-3');
    writeFolderInPlace(out, ['state']);
    hook = holdFsyncs();
    let done = false;
    const p = syncWrittenFolder(out).then(() => { done = true; });
    await turn();
    expect(hook.inFlight).toBe(4);
    expect(hook.issued.slice(0, 2).sort()).toEqual([join(out, '_SUCCESS'), join(out, 'part-00000')]);
    expect(hook.issued.slice(2)).toEqual([out, d]);
    expect(done).toBe(false);
    expect(await drive(p)).toBe(1);
    expect(done).toBe(true);
  });

  it('keeps at most 4 in flight for a folder of many parts, and syncs every one', async () => {
    const d = tempDir();
    const out = join(d, 'rdd-9');
    writeFolderInPlace(out, ['a', 'b', 'c', 'd', 'e', 'f']);
    hook = holdFsyncs();
    expect(await drive(syncWrittenFolder(out))).toBe(3); // 9 fsyncs, 4 at a time
    expect(hook.maxInFlight).toBe(4);
    const parts = ['_SUCCESS', ...['0', '1', '2', '3', '4', '5'].map((i) => `part-0000${i}`)].map((f) => join(out, f));
    expect(hook.issued.slice(0, 7).sort()).toEqual(parts);
    expect(hook.issued.slice(7)).toEqual([out, d]);
  });

  it('syncWrittenFile has the file and its folder (and with alsoParent the parent) in flight at once', async () => {
    const d = tempDir();
    const file = join(d, 'checkpoint-000000000001');
    writeFileSync(file, 'body');
    hook = holdFsyncs();
    const p = syncWrittenFile(file, true);
    await turn();
    expect(hook.issued).toEqual([file, d, join(d, '..')].map((x) => fs.realpathSync(x)));
    expect(await drive(p)).toBe(1);
  });

  it('fails with a file\'s fsync error once every other fsync has ended', async () => {
    const d = tempDir();
    const out = join(d, 'rdd-4');
    writeFolderInPlace(out, ['x', 'y']);
    hook = holdFsyncs(join(out, 'part-00000'));
    const p = syncWrittenFolder(out);
    const outcome = p.then(() => 'resolved', (e: NodeJS.ErrnoException) => e.code);
    await drive(p);
    expect(await outcome).toBe('EIO');
    expect(hook.issued.sort()).toEqual([d, out, join(out, '_SUCCESS'), join(out, 'part-00000'), join(out, 'part-00001')].sort());
  });
});
