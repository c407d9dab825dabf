import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The repository root (where `pnpm dashboard` runs). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const MAIN = join(REPO_ROOT, 'examples/orders-dashboard/src/main.ts');

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
  /** Resolves with the first stdout match of `re`. */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
}

/** Starts `tsx --conditions=kindling-source examples/orders-dashboard/src/main.ts <args>` from the repo root. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  const child = spawn(process.execPath, ['--conditions=kindling-source', '--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return watchCli(child);
}

/** Collects a started dashboard's output (`startCli`, or `pnpm dashboard` started by a test). */
export function watchCli(child: ChildProcess): CliRun {
  let out = '';
  let err = '';
  const watchers: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of watchers.splice(0)) {
      const m = w.re.exec(out);
      if (m) w.resolve(m); else watchers.push(w);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor: (re, timeoutMs = 60_000) => new Promise((resolve, reject) => {
      const m = re.exec(out);
      if (m) return resolve(m);
      const timer = setTimeout(() => reject(new Error(`no ${re} on stdout within ${timeoutMs} ms.\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      void exit.then((code) => { clearTimeout(timer); reject(new Error(`exited ${code} before ${re}.\nstdout:\n${out}\nstderr:\n${err}`)); });
      watchers.push({ re, resolve: (x) => { clearTimeout(timer); resolve(x); } });
    }),
  };
}

/** Runs the CLI to the end; throws with its output when the exit code is not 0. */
export async function runCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  const run = startCli(args, env);
  const code = await run.exit;
  if (code !== 0) throw new Error(`dashboard ${args.join(' ')} exited ${code}.\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`);
  return { stdout: run.stdout(), stderr: run.stderr() };
}

/** The lines of a batch folder's `part-00000`. */
export async function batchLines(outDir: string, ms: number): Promise<string[]> {
  const text = await readFile(join(outDir, `output-${ms}.txt`, 'part-00000'), 'utf8');
  return text.split('\n').filter((l) => l !== '');
}
