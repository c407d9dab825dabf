import { closeSync, openSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fsyncDir, fsyncFd } from './fsync-dir.ts';

/**
 * Makes a folder written by {@link writeFolderInPlace} survive a power loss: fsyncs every file
 * in it, then the folder, then its parent (which holds the rename), on the thread pool, one
 * at a time. The
 * same fsyncs {@link writeFolderAtomically} makes before its rename, made later.
 * @internal
 */
export async function syncWrittenFolder(dir: string): Promise<void> {
  // One at a time: it runs beside the batches, whose deletions need thread-pool threads too.
  for (const name of readdirSync(dir)) {
    const fd = openSync(join(dir, name), 'r');
    try {
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
  }
  await fsyncDir(dir);
  await fsyncDir(dirname(dir));
}
