import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir, fsyncFd } from './fsync-dir.ts';

/**
 * Makes a file already written and renamed into place survive a power loss: fsyncs its data,
 * then its directory's entries (the rename), each on the thread pool. The second half of a
 * write whose first half (temporary file, rename) ran synchronously so that the file was in
 * place at once (surviving the process being killed); until this resolves a power loss may
 * leave the file missing or damaged, so its readers must detect damage (a checksum) and fall
 * back. With `alsoParent`, the directory's own entry in its parent is fsynced too (after the
 * directory was created).
 */
export async function syncWrittenFile(path: string, alsoParent = false): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
  const dir = dirname(path);
  await fsyncDir(dir);
  if (alsoParent) await fsyncDir(dirname(dir));
}
