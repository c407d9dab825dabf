import { dirname } from 'node:path';
import { AtomicWriteError } from './atomic-write-error.ts';
import { abandonStagedFolder, commitStagedFolder, stageFolder, stagedPartName, writeStagedFile } from './staged-folder.ts';

/** Options of {@link writeFolderAtomically}. */
export interface WriteFolderOptions {
  /** Prefix of the part file names; default `'part-'` (giving `part-00000`, `part-00001`, ...). */
  partPrefix?: string;
}

// Directory and file operations are synchronous (page-cache work that returns in
// microseconds); only the fsyncs, which wait for the disk, go to the thread pool (see
// fsyncFd in fsync-dir.ts): a batch folder took about eighteen round trips before.

/**
 * Writes a batch folder as Spark's `saveAsTextFile` lays it out, atomically and idempotently.
 *
 * One file per element of `parts` (`part-00000`, `part-00001`, ...; a string is written as
 * is, in UTF-8), then an empty `_SUCCESS` last, all into a hidden temporary sibling folder
 * (its name starts with `.`, so listings and directory streams ignore it). Each file and the
 * folder are fsynced, then the folder is renamed to `dir`.
 *
 * If `dir` already exists (a batch re-run after a crash) it is replaced: the old folder is
 * renamed aside to a hidden sibling, the new one renamed in, and the old one deleted. A reader
 * therefore sees the old complete folder, then (for the instant between two renames) no
 * folder, then the new complete folder; never a half-written one. Hidden siblings left behind
 * by a crash of an earlier write of the same `dir` are removed.
 */
export async function writeFolderAtomically(
  dir: string,
  parts: readonly (string | Uint8Array)[],
  opts: WriteFolderOptions = {},
): Promise<void> {
  let staging: string | undefined;
  try {
    staging = stageFolder(dir);
    for (let i = 0; i < parts.length; i++) await writeStagedFile(staging, stagedPartName(i, opts.partPrefix), parts[i]!);
    await commitStagedFolder(staging, dir);
  } catch (err) {
    if (staging !== undefined) abandonStagedFolder(staging);
    throw new AtomicWriteError(
      dir,
      `Could not write output folder ${dir}: ${(err as Error).message}. Check that ${dirname(dir)} is writable and the disk is not full; re-running the batch rewrites the folder.`,
      { cause: err },
    );
  }
}
