import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrderLines } from '../src/order-generator.ts';
import { parseOutputLine } from './support/reference.ts';
import { batchLines, startCli } from './support/run-cli.ts';
import type { CliRun } from './support/run-cli.ts';

describe('a live run (system clock, feeder on a timer)', () => {
  let dir: string;
  let run: CliRun | undefined;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'orders-live-')); });
  afterAll(async () => {
    if (run && run.child.exitCode === null) run.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('processes every fed order across its batches, and stops cleanly on SIGTERM', async () => {
    // 6,000 generated orders (seed 5), fed as 3 files 400 ms apart into 1 s batches
    let buys = 0;
    let sells = 0;
    for (const line of generateOrderLines({ count: 6000, seed: 5 })) {
      if (line.endsWith(',B')) buys++; else sells++;
    }
    const out = join(dir, 'out');
    run = startCli([
      '--no-ui', '--orders', '6000', '--seed', '5', '--lines-per-file', '2000', '--every', '400', '--batch', '1000',
      '--out', out, '--work', join(dir, 'work'),
    ]);
    await run.waitFor(/All 3 files fed/, 60_000);
    const totals = async (): Promise<[number, number]> => {
      let b = 0;
      let s = 0;
      for (const name of (await readdir(out).catch(() => [] as string[])).filter((n) => /^output-\d+\.txt$/.test(n))) {
        const ms = Number(/^output-(\d+)\.txt$/.exec(name)![1]);
        const byLabel = new Map((await batchLines(out, ms).catch(() => [] as string[])).map((l) => parseOutputLine(l)));
        b += Number(byLabel.get('BUYS')?.[0] ?? 0);
        s += Number(byLabel.get('SELLS')?.[0] ?? 0);
      }
      return [b, s];
    };
    const until = Date.now() + 30_000;
    let got = await totals();
    while ((got[0] !== buys || got[1] !== sells) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      got = await totals();
    }
    expect(got).toEqual([buys, sells]);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Stopping');
  }, 120_000);
});
