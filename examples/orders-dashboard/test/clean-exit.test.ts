// A first run leaves nothing to clean up and nothing to worry about: `pnpm dashboard` stopped
// with Ctrl-C exits 0 without a failure message from pnpm, and the temporary work folder goes
// away unless --keep (or --work DIR) asks to keep it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, watchCli } from './support/run-cli.ts';

/** The pnpm that runs `pnpm test`, or the version the repository pins (through npx). */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env['npm_execpath'];
  if (execPath !== undefined && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  const pinned = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
  return [execFileSync('npx', ['-y', '-p', pinned, '-c', 'command -v pnpm'], { encoding: 'utf8' }).trim(), []];
}

/** A private temp folder for the dashboard's own temp folders (TMPDIR), so leftovers are seen. */
let tmp = '';
const env = (): NodeJS.ProcessEnv => ({ ...process.env, TMPDIR: tmp });
const leftovers = (): string[] => readdirSync(tmp).filter((n) => n.startsWith('kindling-orders-'));

describe('a clean exit', () => {
  beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'dashboard-tmp-')); });
  afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

  it('pnpm dashboard: Ctrl-C stops after the batch in progress, exits 0, pnpm reports no failure, the temp folder is removed', async () => {
    const [cmd, prefix] = pnpmCommand();
    // Its own process group, which a terminal's Ctrl-C signals as a whole (pnpm, the shell, node).
    const child = spawn(cmd, [...prefix, 'dashboard', '--no-ui', '--orders', '4000', '--lines-per-file', '2000', '--every', '300', '--batch', '1000'],
      { cwd: REPO_ROOT, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = watchCli(child);
    try {
      const work = (await run.waitFor(/Work folder: (\S+)/, 120_000))[1]!;
      await run.waitFor(/batch \d+ ms: \d+ buys/, 120_000);
      process.kill(-child.pid!, 'SIGINT');
      const code = await run.exit;
      const output = `${run.stdout()}\n${run.stderr()}`;
      expect(code, output).toBe(0);
      expect(output).not.toMatch(/ELIFECYCLE|Command failed/);
      expect(run.stderr()).toContain('Stopping (waiting for the batch in progress');
      expect(run.stdout()).toContain(`Removed the temporary work folder ${work}`);
      expect(existsSync(work)).toBe(false);
      expect(leftovers()).toEqual([]);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 240_000);

  it('--keep keeps it and says where the outputs are', async () => {
    const { stdout } = await runCli(['--replay', '--no-ui', '--orders', '2000', '--lines-per-file', '1000', '--batch', '1000', '--keep'], env());
    const work = /Work folder: (\S+) \(batch output/.exec(stdout)![1]!;
    expect(stdout).toContain(`Outputs kept: ${join(work, 'output', 'output')}-<ms>.txt (work folder ${work})`);
    expect(readdirSync(join(work, 'output')).filter((n) => /^output-\d+\.txt$/.test(n)).length).toBe(2);
    expect(leftovers()).toEqual([work.split('/').pop()]);
  }, 120_000);

  it('--out outside a temp work folder keeps the outputs there and removes the rest', async () => {
    const out = join(tmp, 'out');
    const { stdout } = await runCli(['--replay', '--no-ui', '--orders', '2000', '--lines-per-file', '1000', '--batch', '1000', '--out', out], env());
    const work = /Work folder: (\S+) \(removed on exit/.exec(stdout)![1]!;
    expect(stdout).toContain(`Removed the temporary work folder ${work}; outputs kept: ${join(out, 'output')}-<ms>.txt`);
    expect(existsSync(work)).toBe(false);
    expect(readdirSync(out).filter((n) => /^output-\d+\.txt$/.test(n)).length).toBe(2);
  }, 120_000);
});
