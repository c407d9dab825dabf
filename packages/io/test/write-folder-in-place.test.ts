import fs, { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncWrittenFolder, writeFolderInPlace } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

/** Records the path of every fd fsynced (through /proc, Linux) while `run` runs. */
async function fsyncedPaths(run: () => Promise<void>): Promise<string[]> {
  const paths: string[] = [];
  const original = fs.fsync;
  fs.fsync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    paths.push(readlinkSync(`/proc/self/fd/${fd}`));
    original(fd, cb);
  }) as typeof fs.fsync;
  syncBuiltinESMExports();
  try {
    await run();
  } finally {
    fs.fsync = original;
    syncBuiltinESMExports();
  }
  return paths;
}


describe('writeFolderInPlace and syncWrittenFolder', () => {
  it('puts the parts and _SUCCESS in place synchronously, with no fsync and no hidden sibling left', async () => {
    const d = tempDir();
    const out = join(d, 'rdd-7');
    const synced = await fsyncedPaths(async () => { writeFolderInPlace(out, ['a\n', new Uint8Array([0x62])]); });
    expect(synced).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001']);
    expect(readFileSync(join(out, 'part-00000'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(out, 'part-00001'), 'utf8')).toBe('b');
    expect(readdirSync(d)).toEqual(['rdd-7']);
  });

  it('replaces an existing folder, dropping its stale parts', () => {
    const d = tempDir();
    const out = join(d, 'rdd-7');
    writeFolderInPlace(out, ['old0', 'old1', 'old2']);
    writeFolderInPlace(out, ['new0']);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000']);
    expect(readFileSync(join(out, 'part-00000'), 'utf8')).toBe('new0');
    expect(readdirSync(d)).toEqual(['rdd-7']);
  });

  it('syncWrittenFolder fsyncs every file, then the folder, then its parent', async () => {
    const d = tempDir();
    const out = join(d, 'rdd-7');
    writeFolderInPlace(out, ['x', 'y', 'z']);
    const synced = await fsyncedPaths(() => syncWrittenFolder(out));
    expect(synced.slice(0, 4).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001', 'part-00002'].map((f) => join(out, f)));
    expect(synced.slice(4)).toEqual([out, d]);
  });

  it('syncWrittenFolder of a folder deleted meanwhile fails with ENOENT (the caller decides)', async () => {
    const d = tempDir();
    await expect(syncWrittenFolder(join(d, 'gone'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
