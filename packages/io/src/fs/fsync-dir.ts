import { open } from 'node:fs/promises';
import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Flushes a directory's entries (a rename or a new file inside it) to disk. Platforms that
 * cannot open a directory for fsync (Windows) make this a no-op, as it cannot be done there.
 *
 * @internal
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // EINVAL/EPERM on file systems that do not support syncing directories.
  } finally {
    await handle.close();
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
