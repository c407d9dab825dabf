// The feeder of the SIGKILL recovery children: moves prepared input files into a file
// stream's folder, one per batch, the way Spark asks files to arrive (atomically, by rename).
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Moves input file k (`input-000k.txt` of `feedDir`) into `inputDir`, atomically and once. */
export function feedInputFile(feedDir: string, inputDir: string, k: number): void {
  const name = `input-${String(k).padStart(4, '0')}.txt`;
  const target = join(inputDir, name);
  if (existsSync(target)) return;
  const tmp = join(inputDir, `.${name}.tmp`);
  copyFileSync(join(feedDir, name), tmp);
  renameSync(tmp, target);
}

/**
 * Prepares `inputDir` before `start()`. When no checkpoint was recovered (`fresh`: a first run,
 * or a kill before the first checkpoint), files an earlier run moved in are older than this run
 * and a file stream started fresh ignores what is already there (Spark's newFilesOnly), so they
 * are removed and moved in again after the start, as a feeder would.
 */
export function prepareInputDir(inputDir: string, fresh: boolean): void {
  if (fresh) rmSync(inputDir, { recursive: true, force: true });
  mkdirSync(inputDir, { recursive: true });
}
