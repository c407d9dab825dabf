import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bookFileName, findBookOrders, splitBookOrders } from '../../data/book-orders.ts';
import type { BenchOptions, InputScope, Workload } from '../../harness/workload.ts';
import type { OrdersInput } from '../orders/orders-input.ts';

/** The book's top-stocks window (60 minutes) in 1 s batches. */
const WINDOW_BATCHES = 3600;

interface Sizes {
  files: number;
  lines: number;
}

function sizes(options: BenchOptions, small: boolean): Sizes {
  return small ? { files: options.smallFiles, lines: options.smallLines } : { files: options.bookFiles, lines: options.bookLines };
}

function inputDir(options: BenchOptions, s: Sizes): string {
  return join(options.workDir, `book-orders-${s.lines}`);
}

/**
 * The book's own program on the book's own data: "Spark in Action" chapter 6's listing as a
 * Spark user writes it (no `cache()`; its three branches, buys/sells, top 5 clients by
 * `updateStateByKey` and top 5 stocks over a 60-minute window, each ranked by `sortBy` +
 * `zipWithIndex`, feed three output operations that `collect()`), fed one batch file of the
 * book's 500,000 orders per 1 s batch through `queueStream` of `sc.textFile` RDDs.
 * `orders-book` cuts the file as the book's feeder does (10,000 lines a batch); `orders-small`
 * runs the same program on 1,000-line batches, where the fixed costs per batch and per job
 * (`sortBy`'s sampling job, `zipWithIndex`'s counting job, shuffles of a few rows) dominate.
 * Each batch's output is `{ buys, sells, topClients, topStocks }`.
 */
export function ordersBookWorkload(small: boolean): Workload<OrdersInput> {
  return {
    name: small ? 'orders-small' : 'orders-book',
    async setup(options) {
      const source = findBookOrders();
      if (source === undefined) throw new Error('the book\'s orders (shared/data/orders/orders.txt above the project, or $KINDLING_BOOK_ORDERS) are not on this machine');
      const s = sizes(options, small);
      if (!existsSync(bookFileName(inputDir(options, s), s.files - 1))) {
        splitBookOrders({ source, dir: inputDir(options, s), linesPerFile: s.lines, files: s.files });
      }
    },
    async prepare(options: BenchOptions, _scope: InputScope) {
      const s = sizes(options, small);
      return {
        files: Array.from({ length: s.files }, (_, i) => bookFileName(inputDir(options, s), i)).filter((f) => existsSync(f)),
        linesPerFile: s.lines,
        windowBatches: WINDOW_BATCHES,
      };
    },
    records: (input) => input.files.length * input.linesPerFile,
    canonical: (value) => value,
    systems: {
      hand: async () => (await import('./orders-book-hand.ts')).ordersBookHand,
      rxjs: async () => (await import('./orders-book-rxjs.ts')).ordersBookRxjs,
      kindling: async () => (await import('./orders-book-kindling.ts')).ordersBookKindling,
      'kindling-2': async () => (await import('./orders-book-kindling.ts')).ordersBookKindlingParallel(2),
      'kindling-4': async () => (await import('./orders-book-kindling.ts')).ordersBookKindlingParallel(4),
    },
  };
}
