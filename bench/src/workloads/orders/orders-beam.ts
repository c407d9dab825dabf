import * as beam from 'apache-beam';
import { directRunner } from 'apache-beam/runners/direct_runner';
import { countPerElement, groupBy } from 'apache-beam/transforms/group_and_combine';
import { sum } from 'apache-beam/transforms/combiners';
import { windowParam } from 'apache-beam/transforms/pardo';
import { withName } from 'apache-beam/transforms/transform';
import { assignTimestamps, windowInto } from 'apache-beam/transforms/window';
import { fixedWindows, slidingWindows } from 'apache-beam/transforms/windowings';
import type { Order } from '@kindling/example-orders-dashboard/src/order.ts';
import type { SystemModule } from '../../harness/workload.ts';
import { beamBridge, beamLong } from '../beam/beam-bridge.ts';
import { writeBatchFolder } from './batch-folder.ts';
import { readOrders } from './orders-hand.ts';
import type { OrdersInput } from './orders-input.ts';
import { top5 } from './orders-state.ts';

interface Bridge {
  [key: string]: unknown;
  files: string[];
  read: (path: string) => Order[];
  top5: <K>(m: Map<K, number>) => K[];
  Long: { fromNumber(n: number): unknown };
  lines: string[][];
}

// Reached from the pipeline's functions, which lose their closures (see beam-bridge.ts).
declare const globalThis: { __kindlingBeam: Bridge };

type WindowContext = { window: { lookup(): { end: { toNumber(): number } } } };

function stampWithBatch(b: number): never {
  return globalThis.__kindlingBeam.Long.fromNumber(b * 1000) as never;
}

function batchOrders(b: number): Order[] {
  const g = globalThis.__kindlingBeam;
  return g.read(g.files[b]!);
}

/**
 * One key for every element: `groupBy(everything)` gathers a window's rows (Beam 2.49's
 * `groupGlobally()` returns `undefined` groups: it reads `kv[1]` from `{ key, value }` rows).
 */
function everything(): string {
  return '';
}

function side(o: Order): string {
  return o.buy ? 'BUYS' : 'SELLS';
}

function clientVolume(o: Order): { client: number; v: number } {
  return { client: o.clientId, v: o.amount * o.price };
}

function symbolShares(o: Order): { symbol: string; n: number } {
  return { symbol: o.symbol, n: o.amount };
}

function collectSide(kv: { element: string; count: number }, w: WindowContext): void {
  const g = globalThis.__kindlingBeam;
  g.lines[(w.window.lookup().end.toNumber() / 1000 - 1)]!.push(`(${kv.element},List(${kv.count}))`);
}

function collectTopClients(group: { value: Iterable<{ client: number; v: number }> }, w: WindowContext): void {
  const rows = group.value;
  const g = globalThis.__kindlingBeam;
  const batch = (w.window.lookup().end.toNumber() / 1000 - 1);
  if (batch >= g.lines.length) return;
  const m = new Map<number, number>();
  for (const r of rows) m.set(r.client, r.v);
  g.lines[batch]!.push(`(TOP5CLIENTS,List(${g.top5(m).join(', ')}))`);
}

function collectTopStocks(group: { value: Iterable<{ symbol: string; n: number }> }, w: WindowContext): void {
  const rows = group.value;
  const g = globalThis.__kindlingBeam;
  const batch = (w.window.lookup().end.toNumber() / 1000 - 1);
  if (batch >= g.lines.length) return;
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.symbol, r.n);
  g.lines[batch]!.push(`(TOP5STOCKS,List(${g.top5(m).join(', ')}))`);
}

/**
 * The orders dashboard in Apache Beam's TypeScript SDK on its direct runner: orders stamped
 * with their batch's second; buys/sells counted in 1 s fixed windows; client volumes and symbol
 * shares summed per second, then re-summed over sliding windows (as long as the run, for the
 * cumulative client totals; the book's 60 minutes capped at the run's length for stocks, which
 * gives the same windows for every batch that exists) and ranked per window. Beam's direct
 * runner runs the whole input as one bundle, so the lines are gathered and each batch's folder
 * written at the end, by the same writer as the other systems.
 */
export const ordersBeam: SystemModule<OrdersInput> = {
  async run(input, ctx) {
    const batches = input.files.length;
    const bridge = beamBridge<Bridge>({
      files: input.files, read: readOrders, top5, Long: beamLong(),
      lines: input.files.map(() => []),
    });
    await directRunner().run((root) => {
      const orders = root.apply(beam.create(input.files.map((_, i) => i)))
        .apply(assignTimestamps(stampWithBatch))
        .flatMap(batchOrders)
        .apply(windowInto(fixedWindows(1)));
      orders.map(side).apply(countPerElement()).map(collectSide, { window: windowParam() } as never);
      orders.map(clientVolume)
        .apply(withName('clientVolumePerBatch', groupBy('client').combining('v', sum, 'v')))
        .apply(withName('sinceStart', windowInto(slidingWindows(batches, 1))))
        .apply(withName('clientVolumeSinceStart', groupBy('client').combining('v', sum, 'v')))
        .apply(withName('allClients', groupBy(everything)))
        .map(collectTopClients, { window: windowParam() } as never);
      orders.map(symbolShares)
        .apply(withName('sharesPerBatch', groupBy('symbol').combining('n', sum, 'n')))
        .apply(withName('stockWindow', windowInto(slidingWindows(Math.min(input.windowBatches, batches), 1))))
        .apply(withName('sharesPerWindow', groupBy('symbol').combining('n', sum, 'n')))
        .apply(withName('allSymbols', groupBy(everything)))
        .map(collectTopStocks, { window: windowParam() } as never);
    });
    for (let b = 0; b < batches; b++) {
      writeBatchFolder(ctx.outDir, (b + 1) * 1000, bridge.lines[b]!);
      ctx.emit(b, 1);
    }
  },
};
