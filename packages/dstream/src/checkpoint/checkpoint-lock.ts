import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { getLogger } from '@kindling/core';
import { CheckpointDirectoryLockedError } from './checkpoint-directory-locked-error.ts';
import type { CheckpointLockHolder } from './checkpoint-directory-locked-error.ts';

const log = getLogger('CheckpointLock');

/** The lock file's name in a checkpoint directory. */
export const LOCK_FILE = 'lock';

/** Tokens of the locks this process holds: a lock with this pid and another token is stale. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): CheckpointLockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<CheckpointLockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.startedAt === 'string' && typeof h.token === 'string') return h as CheckpointLockHolder;
  } catch {
    // unreadable, or written half by a process killed while creating it
  }
  return undefined;
}

/**
 * The exclusive lock of a checkpoint directory, taken by `StreamingContext.start()`:
 * `<dir>/lock` holds the holder's pid, host, start time and a token, created with `O_EXCL`
 * so exactly one process wins. A second process fails with
 * {@link CheckpointDirectoryLockedError}. A lock whose holder is gone (same host, pid not
 * running, or this very process after a context that was never stopped) is taken over with
 * a warning; a lock of another host is never taken over (its pid cannot be checked from here).
 */
export class CheckpointLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(readonly checkpointDir: string, readonly file: string, readonly holder: CheckpointLockHolder) {
    heldHere.add(holder.token);
    // A process that exits without stopping its context leaves no lock behind.
    process.on('exit', this.onExit);
  }

  /** Takes the lock of `checkpointDir` or throws {@link CheckpointDirectoryLockedError}. */
  static acquire(checkpointDir: string): CheckpointLock {
    mkdirSync(checkpointDir, { recursive: true });
    const file = join(checkpointDir, LOCK_FILE);
    const me: CheckpointLockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomUUID() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
        return new CheckpointLock(checkpointDir, file, me);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(file);
      if (holder !== undefined && !CheckpointLock.isStale(holder)) throw new CheckpointDirectoryLockedError(checkpointDir, holder);
      CheckpointLock.takeOver(file, holder);
    }
    const holder = readHolder(file);
    if (holder !== undefined) throw new CheckpointDirectoryLockedError(checkpointDir, holder);
    throw new Error(`Could not take the lock ${file}: it keeps being replaced. Make sure one process at a time uses the checkpoint directory ${checkpointDir}.`);
  }

  private static isStale(holder: CheckpointLockHolder): boolean {
    if (holder.host !== hostname()) return false;
    if (holder.pid === process.pid) return !heldHere.has(holder.token);
    return !isAlive(holder.pid);
  }

  /**
   * Removes a stale lock file, unless another process replaced it meanwhile: it is first
   * renamed to a name of our own (atomic), then checked to be the stale one we read.
   */
  private static takeOver(file: string, stale: CheckpointLockHolder | undefined): void {
    const aside = `${file}.stale-${process.pid}-${randomUUID().slice(0, 8)}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const moved = readHolder(aside);
    if (stale !== undefined && moved?.token !== stale.token) {
      // Another process took it over in between: put its lock back.
      renameSync(aside, file);
      return;
    }
    rmSync(aside, { force: true });
    log.warn(stale === undefined
      ? `The checkpoint lock ${file} was unreadable (a process killed while taking it): taking it over.`
      : `The checkpoint lock ${file} was left by pid ${stale.pid} on ${stale.host} (started ${stale.startedAt}), which is no longer running: taking it over. Its last checkpoints are recovered as after any crash.`);
  }

  /** Releases the lock (idempotent); a lock taken over by another process is left alone. */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.holder.token);
    process.off('exit', this.onExit);
    if (readHolder(this.file)?.token === this.holder.token) rmSync(this.file, { force: true });
  }
}
