// kindling-submit run as a command, from the sources (the installed bin is run by
// packages/dstream/test/installed-packages.test.ts): the application gets the launch's
// master, name and --conf settings through new SparkConf(), code wins, arguments pass through.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const cli = join(repoRoot, 'packages', 'core', 'src', 'submit', 'cli.ts');
const app = join('packages', 'core', 'test', 'fixtures', 'submit-app.ts');

interface Run { code: number; stdout: string; stderr: string; json: Record<string, unknown>[] }

function submit(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=kindling-source', '--import', 'tsx', cli, ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      const json = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, stdout, stderr, json });
    });
  });
}

describe('kindling-submit', () => {
  it('hands --master, --name and --conf to new SparkConf() and the rest of the line to the application', async () => {
    const r = await submit(['--master', 'local[3]', '--name', 'Orders', '--conf', 'spark.ui.port=4050', '--conf', 'not.spark=1', app, 'context', '--master', 'in.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json[0]).toEqual({ conf: { 'spark.master': 'local[3]', 'spark.app.name': 'Orders', 'spark.ui.port': '4050' }, args: ['context', '--master', 'in.txt'] });
    expect(r.json[1]).toEqual({ master: 'local[3]', appName: 'Orders', defaultParallelism: 3 });
    expect(r.stderr).toContain('ignoring non-Spark config property: not.spark');
  }, 120_000);

  it('lets what the code sets win over the launch', async () => {
    const r = await submit(['--master', 'local[3]', '--conf', 'spark.ui.port=4050', app, 'code-wins']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json[0]!['conf']).toEqual({ 'spark.master': 'local[1]', 'spark.app.name': 'submit-app', 'spark.ui.port': '5000' });
    expect(r.json[1]).toEqual({ master: 'local[1]', appName: 'submit-app', defaultParallelism: 1 });
  }, 120_000);

  it('without a master anywhere, the error says how to give one in code or at launch', async () => {
    const r = await submit([app, 'context']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("conf.setMaster('local[2]')");
    expect(r.stderr).toContain('kindling-submit --master local[2]');
  }, 120_000);

  it("exits with the application's exit code", async () => {
    expect((await submit(['--master', 'local', app, 'exit', '7'])).code).toBe(7);
  }, 120_000);

  it('explains a command line it cannot run', async () => {
    const missing = await submit(['--master', 'local', 'no-such-app.js']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('application file no-such-app.js not found');
    const bad = await submit(['--conf', 'oops', app]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--conf oops is not key=value[\s\S]*Usage: kindling-submit/);
  }, 120_000);
});
