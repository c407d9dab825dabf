import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { youngGenerationFlags } from './young-generation.ts';
import type { YoungGeneration } from './young-generation.ts';

/** The repository, where children run. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Output of a finished child process. */
export interface ChildRun<R> {
  result: R | undefined;
  /** Why there is no result (exit code, signal, timeout), with the tail of its output. */
  failure?: string;
}

/**
 * Runs `script` (a .ts file) in a fresh Node process through tsx, with `arg` as its only
 * argument, and reads the JSON it writes to `resultFile`. Kills the child (only it) after
 * `timeoutMs`. With `profileDir`, writes a CPU profile there; with `profileName` too, the main
 * thread's is renamed `<profileName>.cpuprofile` (tsx's loader thread writes its own, renamed
 * `<profileName>.thread-<n>.cpuprofile`).
 */
export function spawnChild<R>(script: string, arg: string, resultFile: string, timeoutMs: number, profileDir?: string, profileName?: string, youngGeneration: YoungGeneration = 'pinned'): Promise<ChildRun<R>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...childFlags(profileDir, youngGeneration), script, arg], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-8000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (profileDir && profileName) nameProfiles(profileDir, child.pid, profileName);
      if (existsSync(resultFile)) {
        resolve({ result: JSON.parse(readFileSync(resultFile, 'utf8')) as R });
        return;
      }
      const why = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exited with ${signal ?? `code ${code}`}`;
      resolve({ result: undefined, failure: `${why}; last output:\n${output.trim()}` });
    });
  });
}

/**
 * Node's flags for a child process of the suite: the sources through tsx, `gc()` exposed, the
 * young generation sized by `youngGeneration` (`young-generation.ts`), a CPU profile into
 * `profileDir` when given.
 */
export function childFlags(profileDir: string | undefined, youngGeneration: YoungGeneration = 'pinned'): string[] {
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--expose-gc', '--max-old-space-size=4096', ...youngGenerationFlags(youngGeneration)];
  if (profileDir) flags.push('--cpu-prof', '--cpu-prof-dir', profileDir);
  return flags;
}

/**
 * Node names profiles `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`: give process `pid`'s
 * `name` (several children may be alive and write profiles at about the same time).
 */
export function nameProfiles(dir: string, pid: number | undefined, name: string): void {
  for (const file of readdirSync(dir)) {
    if (!file.startsWith('CPU.') || !file.endsWith('.cpuprofile')) continue;
    const parts = file.split('.');
    if (Number(parts[3]) !== pid) continue;
    const thread = parts[4];
    renameSync(join(dir, file), join(dir, thread === '0' ? `${name}.cpuprofile` : `${name}.thread-${thread}.cpuprofile`));
  }
}
