import { closeSync, openSync } from 'node:fs';
import { fsyncFd } from './fsync-dir.ts';

/** A file or folder to fsync; a folder that cannot be synced (Windows, some file systems) is skipped, as {@link fsyncDir} does. */
export interface FsyncTarget {
  readonly path: string;
  readonly folder: boolean;
}

/**
 * At most this many fsyncs in flight: libuv's default thread pool size. Issued together, the
 * fsyncs of one write (a folder's files, the folder, its parent) are committed by the file
 * system in one journal commit instead of one each (ext4, 4 fsyncs: 6.5 against 22.5 ms at
 * load 30 on this project's machine); a bound keeps a folder of many parts from queueing a
 * batch's deletions and opens behind all of its fsyncs at once.
 */
const MAX_IN_FLIGHT = 4;

/**
 * fsyncs every target, several at a time on the thread pool, and resolves once all are done:
 * durable only then, as the same fsyncs made one after the other. Nothing orders them among
 * themselves (each fsync makes its own file's data or folder's entries durable, whatever the
 * others' order); what must be durable before something else (a metadata checkpoint after the
 * folders it names) awaits this whole call. A file that cannot be opened or synced fails the
 * call, once the others have settled, with the first such error in the targets' order.
 * @internal
 */
export async function fsyncTogether(targets: readonly FsyncTarget[]): Promise<void> {
  const errors: unknown[] = new Array(targets.length);
  let failed = false;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      try {
        await fsyncTarget(targets[i]!);
      } catch (e) {
        errors[i] = e;
        failed = true;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(MAX_IN_FLIGHT, targets.length); w++) workers.push(worker());
  await Promise.all(workers);
  if (failed) for (let i = 0; i < targets.length; i++) if (i in errors) throw errors[i];
}

async function fsyncTarget(target: FsyncTarget): Promise<void> {
  let fd: number;
  try {
    fd = openSync(target.path, 'r');
  } catch (e) {
    if (target.folder) return;
    throw e;
  }
  try {
    await fsyncFd(fd);
  } catch (e) {
    // EINVAL/EPERM on file systems that do not support syncing folders.
    if (!target.folder) throw e;
  } finally {
    closeSync(fd);
  }
}
