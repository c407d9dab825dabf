import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir, fsyncFd } from './fsync-dir.ts';
import { writeAll } from './atomic-write-file.ts';
import { hiddenSiblingName, isHiddenSiblingOf } from './temp-name.ts';
import { AtomicWriteError } from './atomic-write-error.ts';

/** Options of {@link writeFolderAtomically}. */
export interface WriteFolderOptions {
  /** Prefix of the part file names; default `'part-'` (giving `part-00000`, `part-00001`, ...). */
  partPrefix?: string;
}

// Directory and file operations are synchronous (page-cache work that returns in
// microseconds); only the fsyncs, which wait for the disk, go to the thread pool (see
// fsyncFd in fsync-dir.ts): a batch folder took about eighteen round trips before.

async function writeFile(path: string, data: string | Uint8Array): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, data);
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a batch folder as Spark's `saveAsTextFile` lays it out, atomically and idempotently.
 *
 * One file per element of `parts` (`part-00000`, `part-00001`, ...; a string is written as
 * is, in UTF-8), then an empty `_SUCCESS` last, all into a hidden temporary sibling folder
 * (its name starts with `.`, so listings and directory streams ignore it). Each file and the
 * folder are fsynced, then the folder is renamed to `dir`.
 *
 * If `dir` already exists (a batch re-run after a crash) it is replaced: the old folder is
 * renamed aside to a hidden sibling, the new one renamed in, and the old one deleted. A reader
 * therefore sees the old complete folder, then (for the instant between two renames) no
 * folder, then the new complete folder; never a half-written one. Hidden siblings left behind
 * by a crash of an earlier write of the same `dir` are removed.
 */
export async function writeFolderAtomically(
  dir: string,
  parts: readonly (string | Uint8Array)[],
  opts: WriteFolderOptions = {},
): Promise<void> {
  const prefix = opts.partPrefix ?? 'part-';
  const parent = dirname(dir);
  const base = basename(dir);
  const tmp = join(parent, hiddenSiblingName(base, 'tmp'));
  let old: string | undefined;
  try {
    mkdirSync(parent, { recursive: true });
    for (const name of readdirSync(parent)) {
      if (isHiddenSiblingOf(name, base)) rmSync(join(parent, name), { recursive: true, force: true });
    }
    mkdirSync(tmp);
    for (let i = 0; i < parts.length; i++) {
      await writeFile(join(tmp, `${prefix}${String(i).padStart(5, '0')}`), parts[i]!);
    }
    await writeFile(join(tmp, '_SUCCESS'), '');
    await fsyncDir(tmp);
    if (existsSync(dir)) {
      old = join(parent, hiddenSiblingName(base, 'old'));
      renameSync(dir, old);
    }
    renameSync(tmp, dir);
  } catch (err) {
    // Best effort: the original error is the one to report.
    try { rmSync(tmp, { recursive: true, force: true }); } catch { /* see above */ }
    try { if (old !== undefined && !existsSync(dir)) renameSync(old, dir); } catch { /* see above */ }
    throw new AtomicWriteError(
      dir,
      `Could not write output folder ${dir}: ${(err as Error).message}. Check that ${parent} is writable and the disk is not full; re-running the batch rewrites the folder.`,
      { cause: err },
    );
  }
  await fsyncDir(parent);
  if (old !== undefined) rmSync(old, { recursive: true, force: true });
}
