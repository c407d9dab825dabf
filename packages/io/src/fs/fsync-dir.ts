import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';

/**
 * fsyncs an open file descriptor on the thread pool. The writers here open, write, close and
 * rename synchronously (page-cache operations that return in microseconds) and leave only
 * the fsyncs, which wait for the disk, to the thread pool: each asynchronous call costs a
 * round trip that, while the main thread computes a batch, waits for the next event-loop
 * turn, and a chain of ten of them held the next batch's outputs back.
 *
 * @internal
 */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Flushes a directory's entries (a rename or a new file inside it) to disk. Platforms that
 * cannot open a directory for fsync (Windows) make this a no-op, as it cannot be done there.
 *
 * @internal
 */
export async function fsyncDir(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    await fsyncFd(fd);
  } catch {
    // EINVAL/EPERM on file systems that do not support syncing directories.
  } finally {
    closeSync(fd);
  }
}

/** Synchronous {@link fsyncDir}. @internal */
export function fsyncDirSync(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // see fsyncDir
  } finally {
    closeSync(fd);
  }
}
