import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hiddenSiblingPid } from './temp-name.ts';

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes the hidden temporary files and folders that {@link atomicWriteFile} and
 * {@link writeFolderAtomically} leave in `dir` when their process is killed mid-write
 * (`.<name>.tmp-<pid>-<hex>`, `.<name>.old-<pid>-<hex>`), if the process that made them is
 * no longer running. Call it when a job starts on a checkpoint or output directory.
 * Resolves with how many entries were removed; a missing `dir` removes nothing.
 */
export async function removeStaleTempSiblings(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = hiddenSiblingPid(name);
    if (pid === undefined || isAlive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
