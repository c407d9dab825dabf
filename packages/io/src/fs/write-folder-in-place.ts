import { closeSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeAll } from './atomic-write-file.ts';
import { abandonStagedFolder, stageFolder, stagedPartName } from './staged-folder.ts';
import { hiddenSiblingName } from './temp-name.ts';

/**
 * The first half of {@link writeFolderAtomically}, synchronously and without fsyncs: the part
 * files and `_SUCCESS` written into a hidden staging sibling, then renamed to `dir` (an
 * existing `dir` renamed aside first and deleted after). Page-cache work of microseconds per
 * file: the folder is complete and in place at once, and survives the process being killed;
 * {@link syncWrittenFolder} makes it survive a power loss. Until then a power loss may leave
 * it missing or with damaged parts, so whoever records its name durably must sync it first
 * (a checkpoint's metadata does, in the fsync round that makes the record durable).
 * @internal
 */
export function writeFolderInPlace(dir: string, parts: readonly (string | Uint8Array)[]): void {
  const staging = stageFolder(dir);
  let old: string | undefined;
  try {
    for (let i = 0; i < parts.length; i++) writeFile(join(staging, stagedPartName(i)), parts[i]!);
    writeFile(join(staging, '_SUCCESS'), '');
    if (existsSync(dir)) {
      old = join(dirname(dir), hiddenSiblingName(basename(dir), 'old'));
      renameSync(dir, old);
    }
    renameSync(staging, dir);
  } catch (err) {
    // Best effort: the original error is the one to report.
    try { if (old !== undefined && !existsSync(dir)) renameSync(old, dir); } catch { /* see above */ }
    abandonStagedFolder(staging);
    throw err;
  }
  if (old !== undefined) rmSync(old, { recursive: true, force: true });
}

function writeFile(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}
