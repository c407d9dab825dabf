/**
 * `pnpm -F @kindling/example-orders-dashboard bench [orders-file]`: how long the dashboard's
 * `--replay` takes over an orders file (default: the book's 500,000 orders at
 * ../shared/data/orders/orders.txt), against a baseline measured in the same run: a hand
 * loop that computes the same per-batch results (parse, buys/sells, running volume per client,
 * one-hour shares per stock, both top 5s) with Maps and no engine, and writes nothing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDashboardArgs } from './cli-options.ts';
import { readOrder } from './order.ts';
import { runDashboard } from './run-dashboard.ts';

const BOOK = fileURLToPath(new URL('../../../../shared/data/orders/orders.txt', import.meta.url));

function top5<K>(m: Map<K, number>): K[] {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, 5).map((e) => e[0]);
}

/** The hand loop: the same results per batch of `perBatch` lines, in one pass. */
function handLoop(lines: readonly string[], perBatch: number): number {
  const volumes = new Map<number, number>();
  const window: Map<string, number>[] = [];
  let checksum = 0;
  for (let start = 0; start < lines.length; start += perBatch) {
    let buys = 0;
    let sells = 0;
    const shares = new Map<string, number>();
    for (let i = start; i < Math.min(start + perBatch, lines.length); i++) {
      const o = readOrder(lines[i]!);
      if (o.buy) buys++; else sells++;
      volumes.set(o.clientId, (volumes.get(o.clientId) ?? 0) + o.amount * o.price);
      shares.set(o.symbol, (shares.get(o.symbol) ?? 0) + o.amount);
    }
    window.push(shares);
    if (window.length > 720) window.shift();
    const windowed = new Map<string, number>();
    for (const w of window) for (const [s, n] of w) windowed.set(s, (windowed.get(s) ?? 0) + n);
    checksum += buys - sells + top5(volumes).length + top5(windowed).length;
  }
  return checksum;
}

const input = process.argv[2] ?? BOOK;
const lines = readFileSync(input, 'utf8').split('\n').filter((l) => l !== '');
handLoop(lines, 10_000); // warm up
const t0 = performance.now();
handLoop(lines, 10_000);
const handMs = performance.now() - t0;

const results: { state: string; ms: number }[] = [];
for (const state of ['updateStateByKey', 'mapWithState']) {
  const run = await runDashboard(parseDashboardArgs(['--replay', '--no-ui', '--input', input, '--state', state]), {
    log: () => undefined,
    error: (line) => console.error(line),
    progress: () => undefined,
  });
  const summary = await run.done;
  results.push({ state, ms: summary!.elapsedMs });
}
const n = lines.length.toLocaleString('en-US');
console.log(`${n} orders in ${Math.ceil(lines.length / 10_000)} batches of 10,000`);
console.log(`  hand loop (baseline)        ${(handMs / 1000).toFixed(2)} s   1.0x`);
for (const r of results) {
  console.log(`  --replay --state ${r.state.padEnd(16)} ${(r.ms / 1000).toFixed(2)} s   ${(r.ms / handMs).toFixed(1)}x the hand loop, ${Math.round(lines.length / (r.ms / 1000)).toLocaleString('en-US')} orders/s`);
}
