import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir, fsyncDirSync, fsyncFd } from './fsync-dir.ts';
import { hiddenSiblingName } from './temp-name.ts';
import { AtomicWriteError } from './atomic-write-error.ts';

/**
 * Replaces the file at `path` with `data` so that a reader (or a process restarted after a
 * crash) sees either the old content or the new one, never a mix or a truncated file: the
 * data goes to a hidden temporary sibling, is fsynced, renamed over `path`, and the directory
 * entry is fsynced. Parent directories are created. Used for metadata checkpoints.
 */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  // Only the two fsyncs go to the thread pool (see fsyncFd): a metadata checkpoint every
  // batch took about ten round trips before.
  const tmp = join(dir, hiddenSiblingName(basename(path), 'tmp'));
  try {
    let fd: number;
    try {
      fd = openSync(tmp, 'w');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(dir, { recursive: true });
      fd = openSync(tmp, 'w');
    }
    try {
      writeAll(fd, data);
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    failAtomicWrite(path, tmp, err);
  }
  await fsyncDir(dir);
}

/** Writes all of `data` at the file's position (writeSync may write less than asked). @internal */
export function writeAll(fd: number, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Synchronous {@link atomicWriteFile}, for shutdown hooks where the event loop may not run
 * again.
 */
export function atomicWriteFileSync(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, hiddenSiblingName(basename(path), 'tmp'));
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    failAtomicWrite(path, tmp, err);
  }
  fsyncDirSync(dir);
}

/** Removes the temporary sibling of a failed atomic write and throws what went wrong. */
function failAtomicWrite(path: string, tmp: string, err: unknown): never {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // the original error is the one to report
  }
  throw new AtomicWriteError(path, `Could not write ${path} atomically: ${(err as Error).message}. Check that its directory is writable and the disk is not full.`, { cause: err });
}
