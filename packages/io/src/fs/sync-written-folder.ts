import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fsyncTogether } from './fsync-together.ts';
import type { FsyncTarget } from './fsync-together.ts';

/**
 * Makes a folder written by {@link writeFolderInPlace} survive a power loss: fsyncs every file
 * in it, the folder and its parent (which holds the rename), on the thread pool, issued
 * together ({@link fsyncTogether}: one journal commit rather than one per fsync), and resolves
 * when all are done. The same fsyncs {@link writeFolderAtomically} makes before its rename,
 * made later. A folder deleted meanwhile fails with ENOENT (the caller decides).
 * @internal
 */
export async function syncWrittenFolder(dir: string): Promise<void> {
  const targets: FsyncTarget[] = [];
  for (const name of readdirSync(dir)) targets.push({ path: join(dir, name), folder: false });
  targets.push({ path: dir, folder: true }, { path: dirname(dir), folder: true });
  await fsyncTogether(targets);
}
