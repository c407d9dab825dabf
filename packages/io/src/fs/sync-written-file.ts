import { dirname } from 'node:path';
import { fsyncTogether } from './fsync-together.ts';
import type { FsyncTarget } from './fsync-together.ts';

/**
 * Makes a file already written and renamed into place survive a power loss: fsyncs its data
 * and its directory's entries (the rename) on the thread pool, issued together (the file
 * system commits them in one journal commit), and resolves when both are done. The second
 * half of a write whose first half (temporary file, rename) ran synchronously so that the
 * file was in place at once (surviving the process being killed); until this resolves a
 * power loss may leave the file missing or damaged, so its readers must detect damage (a
 * checksum) and fall back. With `alsoParent`, the directory's own entry in its parent is
 * fsynced too (after the directory was created).
 */
export async function syncWrittenFile(path: string, alsoParent = false): Promise<void> {
  const dir = dirname(path);
  const targets: FsyncTarget[] = [{ path, folder: false }, { path: dir, folder: true }];
  if (alsoParent) targets.push({ path: dirname(dir), folder: true });
  await fsyncTogether(targets);
}
