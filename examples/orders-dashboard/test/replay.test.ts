import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds } from '@kindling/core';
import { StreamingContext } from '@kindling/dstream';
import { generateOrderLines } from '../src/order-generator.ts';
import { ordersPipeline } from '../src/pipeline.ts';
import { expectedBatches, parseOutputLine, top5Mismatch, unambiguousTop5 } from './support/reference.ts';
import { REPO_ROOT, batchLines, runCli } from './support/run-cli.ts';

// 6 pieces of 2,000 orders, with three malformed lines planted in the third piece.
const PIECE = 2000;
const BAD = ['2026-01-05 09:30:00,x,12,IBM,10,5.00,B', '2026-01-05 09:30:00,4001,12,IBM,10,5.00,Z', 'garbage'];

describe('--replay over generated orders', () => {
  let dir: string;
  let chunks: string[][];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orders-replay-'));
    const lines = [...generateOrderLines({ count: 6 * PIECE - BAD.length, seed: 2024 })];
    lines.splice(2 * PIECE + 100, 0, ...BAD);
    chunks = [];
    for (let i = 0; i < lines.length; i += PIECE) chunks.push(lines.slice(i, i + PIECE));
    await writeFile(join(dir, 'orders.txt'), lines.join('\n') + '\n');
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  for (const state of ['updateStateByKey', 'mapWithState'] as const) {
    it(`writes, batch by batch, what a plain loop computes (--state ${state})`, async () => {
      const out = join(dir, `out-${state}`);
      const { stdout } = await runCli([
        '--replay', '--no-ui', '--input', join(dir, 'orders.txt'), '--lines-per-file', String(PIECE),
        '--batch', '5000', '--out', out, '--work', join(dir, `work-${state}`), '--state', state,
      ]);
      const expected = expectedBatches(chunks, 720);
      expect(expected[2]!.malformed).toEqual(BAD);
      // every malformed line was reported as the book does, and dropped
      for (const bad of BAD) expect(stdout).toContain(`): ${bad}`);
      expect(stdout.match(/^Wrong line format \(/gm)).toHaveLength(BAD.length);

      const folders = (await readdir(out)).filter((n) => n.startsWith('output-')).sort();
      expect(folders).toEqual(expected.map((_, i) => `output-${(i + 1) * 5000}.txt`).sort());
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i]!;
        const lines = await batchLines(out, (i + 1) * 5000);
        const byLabel = new Map(lines.map((l) => parseOutputLine(l)));
        expect(lines).toHaveLength(4);
        expect(lines).toContain(`(BUYS,List(${e.buys}))`);
        expect(lines).toContain(`(SELLS,List(${e.sells}))`);
        const clients = byLabel.get('TOP5CLIENTS')!;
        const stocks = byLabel.get('TOP5STOCKS')!;
        expect(top5Mismatch(clients, e.clientVolumes), `batch ${i + 1} clients`).toBeUndefined();
        expect(top5Mismatch(stocks, e.stockShares), `batch ${i + 1} stocks`).toBeUndefined();
        // where the reference has no ties the lines are exactly determined
        const c = unambiguousTop5(e.clientVolumes);
        if (c) expect(lines).toContain(`(TOP5CLIENTS,List(${c.join(', ')}))`);
        const s = unambiguousTop5(e.stockShares);
        if (s) expect(lines).toContain(`(TOP5STOCKS,List(${s.join(', ')}))`);
      }
      expect(stdout).toMatch(/Replayed 6 files \(12,000 orders\) in 6 batches/);
    }, 120_000);
  }
});

describe('--replay over the book\'s 500,000 orders', () => {
  const BOOK = join(REPO_ROOT, '../shared/data/orders/orders.txt');
  let dir: string;
  let chunks: string[][];
  let all: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orders-book-'));
    const text = await readFile(BOOK, 'utf8').catch((e: unknown) => {
      throw new Error(`The book's orders are expected at ${BOOK} (../shared/data/orders/orders.txt from the repository root)`, { cause: e });
    });
    all = text.split('\n').filter((l) => l !== '');
    chunks = [];
    for (let i = 0; i < all.length; i += 10_000) chunks.push(all.slice(i, i + 10_000));
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  // Each of the 50 pieces of 10,000 lines is one 5 s batch: folders output-5000.txt ..
  // output-250000.txt, each with _SUCCESS and one part-00000 of four lines. The whole file is
  // within the one-hour window, so TOP5STOCKS ranks the shares of every batch so far. The
  // book's data has no tie among the six largest client volumes or stock shares in any batch
  // (checked below), so every line is exactly determined, and so is their order: the union's
  // partitions in turn, and within buySellList's reduceByKey output Spark's reduce-side map
  // order, where `false` (slot 3 of 64) comes before `true` (slot 51): SELLS, then BUYS.
  for (const state of ['updateStateByKey', 'mapWithState'] as const) {
    it(`writes, batch by batch, exactly what a plain loop computes (--state ${state})`, async () => {
      let buys = 0;
      let sells = 0;
      const volume = new Map<string, number>();
      for (const line of all) {
        const f = line.split(',');
        if (f[6] === 'B') buys++; else sells++;
        volume.set(f[2]!, (volume.get(f[2]!) ?? 0) + Number(f[4]) * Number(f[5]));
      }
      const expected = expectedBatches(chunks, 720);
      const out = join(dir, `out-${state}`);
      const { stdout } = await runCli(['--replay', '--no-ui', '--input', BOOK, '--out', out, '--work', join(dir, `work-${state}`), '--state', state]);
      expect((await readdir(out)).sort()).toEqual(chunks.map((_, i) => `output-${(i + 1) * 5000}.txt`).sort());
      let gotBuys = 0;
      let gotSells = 0;
      for (let i = 0; i < chunks.length; i++) {
        const e = expected[i]!;
        const folder = join(out, `output-${(i + 1) * 5000}.txt`);
        expect((await readdir(folder)).sort()).toEqual(['_SUCCESS', 'part-00000']);
        const text = await readFile(join(folder, 'part-00000'), 'utf8');
        expect(text.endsWith('\n')).toBe(true);
        const clients = unambiguousTop5(e.clientVolumes);
        const stocks = unambiguousTop5(e.stockShares);
        expect(clients, `batch ${i + 1}: a tie in the top clients`).toBeDefined();
        expect(stocks, `batch ${i + 1}: a tie in the top stocks`).toBeDefined();
        expect(text.split('\n').slice(0, -1), `batch ${i + 1}`).toEqual([
          `(SELLS,List(${e.sells}))`,
          `(BUYS,List(${e.buys}))`,
          `(TOP5CLIENTS,List(${clients!.join(', ')}))`,
          `(TOP5STOCKS,List(${stocks!.join(', ')}))`,
        ]);
        gotBuys += e.buys;
        gotSells += e.sells;
      }
      // the book's first batch
      expect(await batchLines(out, 5000)).toContain('(BUYS,List(5020))');
      expect([gotBuys, gotSells]).toEqual([buys, sells]);
      expect(unambiguousTop5(volume)).toEqual(unambiguousTop5(expected[49]!.clientVolumes));
      const m = /Replayed 50 files \(500,000 orders\) in 50 batches in ([\d.]+) s/.exec(stdout);
      expect(m, stdout).not.toBeNull();
      console.log(`book replay (${state}): 500,000 orders in ${m![1]} s`);
    }, 600_000);
  }
});

describe('batches without a new file', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'orders-empty-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  for (const state of ['updateStateByKey', 'mapWithState'] as const) {
    it(`write a folder with the state's and the window's top 5 and no BUYS/SELLS line, as Spark (--state ${state})`, async () => {
      const root = join(dir, state);
      const input = join(root, 'in');
      const out = join(root, 'out');
      await mkdir(input, { recursive: true });
      const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('empty').set('spark.streaming.clock', 'manual'), Seconds(5));
      ordersPipeline(ssc, { inputDir: input, outputPrefix: join(out, 'output'), checkpointDir: join(root, 'cp'), state });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      try {
        await clock.advance(5000);
        // client 80 buys 710 x 51 = 36,210; client 70 sells 158 x 8 = 1,264
        await writeFile(join(root, 'piece.tmp'), '2016-03-22 20:25:28,1,80,EPE,710,51.00,B\n2016-03-22 20:25:28,2,70,NFLX,158,8.00,S\n');
        await rename(join(root, 'piece.tmp'), join(input, 'ordersaa.txt'));
        await clock.advance(5000);
        await clock.advance(5000);
      } finally {
        await ssc.stop(true, false);
      }
      // glom of an empty state/window RDD repartitioned to one partition is one empty list
      expect(await readFile(join(out, 'output-5000.txt', 'part-00000'), 'utf8')).toBe('(TOP5CLIENTS,List())\n(TOP5STOCKS,List())\n');
      expect((await batchLines(out, 10_000)).sort()).toEqual(['(BUYS,List(1))', '(SELLS,List(1))', '(TOP5CLIENTS,List(80, 70))', '(TOP5STOCKS,List(EPE, NFLX))']);
      expect(await readFile(join(out, 'output-15000.txt', 'part-00000'), 'utf8')).toBe('(TOP5CLIENTS,List(80, 70))\n(TOP5STOCKS,List(EPE, NFLX))\n');
      expect((await readdir(join(out, 'output-15000.txt'))).sort()).toEqual(['_SUCCESS', 'part-00000']);
    });
  }
});
