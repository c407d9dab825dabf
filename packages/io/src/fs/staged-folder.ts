import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeAll } from './atomic-write-file.ts';
import { fsyncDir, fsyncFd } from './fsync-dir.ts';
import { hiddenSiblingName, isHiddenSiblingOf } from './temp-name.ts';

// A folder written atomically in three steps, so that several writers (the worker threads
// that own a checkpoint's partitions) can fill one folder: the owner of the folder stages it,
// each writer writes its part files into the staging folder, and the owner commits it once
// every part is there. `writeFolderAtomically` is the one-writer case.

/**
 * Creates the hidden staging sibling of `dir` (its name starts with `.`, so listings and
 * directory streams ignore it) and returns its path; hidden siblings left by a crashed
 * earlier write of `dir` are removed first.
 * @internal
 */
export function stageFolder(dir: string): string {
  const parent = dirname(dir);
  const base = basename(dir);
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) {
    if (isHiddenSiblingOf(name, base)) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const tmp = join(parent, hiddenSiblingName(base, 'tmp'));
  mkdirSync(tmp);
  return tmp;
}

/** The name of part `index`: `part-00042` with the default prefix. @internal */
export function stagedPartName(index: number, prefix = 'part-'): string {
  return `${prefix}${String(index).padStart(5, '0')}`;
}

/**
 * Writes one file of a staged folder and fsyncs it (any thread may call it for its own parts).
 * @internal
 */
export async function writeStagedFile(staging: string, name: string, data: string | Uint8Array): Promise<void> {
  const fd = openSync(join(staging, name), 'w');
  try {
    writeAll(fd, data);
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Commits a staged folder: writes `_SUCCESS` last, fsyncs the folder, and renames it to `dir`.
 * An existing `dir` (a batch re-run after a crash) is renamed aside first and deleted after, so
 * a reader sees the old complete folder, then the new complete one, never a half-written one.
 * On failure the previous folder is put back and the error is thrown; the caller reports it.
 * @internal
 */
export async function commitStagedFolder(staging: string, dir: string): Promise<void> {
  const parent = dirname(dir);
  let old: string | undefined;
  try {
    await writeStagedFile(staging, '_SUCCESS', '');
    await fsyncDir(staging);
    if (existsSync(dir)) {
      old = join(parent, hiddenSiblingName(basename(dir), 'old'));
      renameSync(dir, old);
    }
    renameSync(staging, dir);
  } catch (err) {
    // Best effort: the original error is the one to report.
    try { if (old !== undefined && !existsSync(dir)) renameSync(old, dir); } catch { /* see above */ }
    throw err;
  }
  await fsyncDir(parent);
  if (old !== undefined) rmSync(old, { recursive: true, force: true });
}

/** Removes a staging folder that will not be committed (best effort). @internal */
export function abandonStagedFolder(staging: string): void {
  try { rmSync(staging, { recursive: true, force: true }); } catch { /* nothing left to do */ }
}
