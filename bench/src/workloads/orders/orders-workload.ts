import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ordersFileName, writeOrdersFiles } from '../../data/orders-files.ts';
import type { BenchOptions, InputScope, Workload } from '../../harness/workload.ts';
import type { OrdersInput } from './orders-input.ts';

function inputDir(options: BenchOptions): string {
  return join(options.workDir, 'orders-input');
}

/** The book's top-stocks window (60 minutes) in 1 s batches. */
const WINDOW_BATCHES = 3600;

/**
 * The orders dashboard of "Spark in Action" ch. 6: one file of order lines per 1 s batch; per
 * batch, buys and sells, top 5 clients by cumulative volume (`updateStateByKey`) and top 5
 * stocks by shares over a 60-minute window, written as a batch folder. The written folders are
 * what is compared.
 */
export const ordersWorkload: Workload<OrdersInput> = {
  name: 'orders',
  async setup(options) {
    if (!existsSync(inputDir(options))) {
      writeOrdersFiles({ dir: inputDir(options), files: options.ordersFiles, linesPerFile: options.ordersLines, seed: options.seed });
    }
  },
  async prepare(options: BenchOptions, scope: InputScope) {
    const files = scope === 'beam'
      ? Math.max(1, Math.min(options.ordersFiles, Math.floor(options.beamMaxOrders / options.ordersLines)))
      : options.ordersFiles;
    return {
      files: Array.from({ length: files }, (_, i) => ordersFileName(inputDir(options), i)),
      linesPerFile: options.ordersLines,
      windowBatches: WINDOW_BATCHES,
    };
  },
  records: (input) => input.files.length * input.linesPerFile,
  canonical: (value) => value,
  async collect(ctx) {
    const folders = readdirSync(ctx.outDir).filter((n) => /^output-\d+\.txt$/.test(n));
    folders.sort((a, b) => Number(a.slice(7, -4)) - Number(b.slice(7, -4)));
    return folders.map((name) => {
      const dir = join(ctx.outDir, name);
      const lines = readdirSync(dir).filter((n) => n.startsWith('part-')).sort()
        .flatMap((part) => readFileSync(join(dir, part), 'utf8').split('\n').filter((l) => l !== ''));
      return [name, existsSync(join(dir, '_SUCCESS')), lines.sort()];
    });
  },
  systems: {
    hand: async () => (await import('./orders-hand.ts')).ordersHand,
    rxjs: async () => (await import('./orders-rxjs.ts')).ordersRxjs,
    kindling: async () => (await import('./orders-kindling.ts')).ordersKindling(false),
    'kindling-cached': async () => (await import('./orders-kindling.ts')).ordersKindling(true),
    'kindling-2': async () => (await import('./orders-kindling.ts')).ordersKindlingParallel(2),
    'kindling-4': async () => (await import('./orders-kindling.ts')).ordersKindlingParallel(4),
    beam: async () => (await import('./orders-beam.ts')).ordersBeam,
  },
};
