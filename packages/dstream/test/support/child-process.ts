import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The repository root (where `tsx` is installed). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** How a child process ended, with what it printed. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running child: its process, its output and error output so far, and its end. */
export interface RunningChild {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly errors: () => string;
  readonly done: Promise<ChildResult>;
}

/**
 * Starts `node --conditions=kindling-source --import tsx <script> <JSON args>` from the
 * repository root (the sources, not dist/). With `stdin`, the child's standard input is a pipe
 * the test writes commands to (`child.stdin`). `env` adds to the test's environment.
 */
export function startChild(script: string, args: unknown, timeoutMs = 60_000, options: { stdin?: boolean; env?: Record<string, string> } = {}): RunningChild {
  const env = options.env === undefined ? undefined : { ...process.env, ...options.env };
  const child = spawn(process.execPath, ['--conditions=kindling-source', '--import', 'tsx', script, JSON.stringify(args)], { cwd: repoRoot, env, stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  const done = new Promise<ChildResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' can come before the pipes are drained.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
  return { child, output: () => stdout, errors: () => stderr, done };
}

/** Runs a child to its end. */
export function runChild(script: string, args: unknown, timeoutMs?: number, env?: Record<string, string>): Promise<ChildResult> {
  return startChild(script, args, timeoutMs, { env }).done;
}

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
