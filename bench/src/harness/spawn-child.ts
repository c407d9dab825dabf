import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Output of a finished child process. */
export interface ChildRun<R> {
  result: R | undefined;
  /** Why there is no result (exit code, signal, timeout), with the tail of its output. */
  failure?: string;
}

/**
 * Runs `script` (a .ts file) in a fresh Node process through tsx, with `arg` as its only
 * argument, and reads the JSON it writes to `resultFile`. Kills the child (only it) after
 * `timeoutMs`.
 */
export function spawnChild<R>(script: string, arg: string, resultFile: string, timeoutMs: number, profileDir?: string): Promise<ChildRun<R>> {
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--expose-gc', '--max-old-space-size=4096'];
  if (profileDir) flags.push('--cpu-prof', '--cpu-prof-dir', profileDir);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, script, arg], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-8000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (existsSync(resultFile)) {
        resolve({ result: JSON.parse(readFileSync(resultFile, 'utf8')) as R });
        return;
      }
      const why = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exited with ${signal ?? `code ${code}`}`;
      resolve({ result: undefined, failure: `${why}; last output:\n${output.trim()}` });
    });
  });
}
