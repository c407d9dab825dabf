import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { SeededRandom } from './seeded-random.ts';

/**
 * The 80 ticker symbols the generator draws from (uniformly). Three contain a dot, as in the
 * book's data, so that a parser splitting on anything but commas would be caught.
 */
export const SYMBOLS: readonly string[] = [
  'AAPL', 'ABBV', 'ADBE', 'AMD', 'AMZN', 'BA', 'BABA', 'BAC', 'BIDU', 'BMY',
  'C', 'CAT', 'CHK', 'CSCO', 'CVX', 'DIS', 'EBAY', 'EPE', 'F', 'FB',
  'FCX', 'GE', 'GILD', 'GM', 'GOOG', 'GS', 'HAL', 'HD', 'HPQ', 'IBM',
  'INTC', 'JNJ', 'JPM', 'KO', 'MA', 'MCD', 'MNKD', 'MO', 'MRK', 'MS',
  'MSFT', 'MU', 'NFLX', 'NKE', 'NVDA', 'ORCL', 'PBR.A', 'PEP', 'PFE', 'PG',
  'PYPL', 'QCOM', 'RDS.A', 'RDS.B', 'SBUX', 'SLB', 'SNAP', 'T', 'TGT', 'TSLA',
  'TWTR', 'TXN', 'UNH', 'UPS', 'V', 'VALE', 'VZ', 'WBA', 'WFC', 'WMT',
  'X', 'XOM', 'YHOO', 'ZNGA', 'CTRE', 'ENTA', 'FNF', 'TBIO', 'CYT', 'BARC',
];

/** Options for {@link generateOrderLines}. */
export interface OrderGeneratorOptions {
  /** How many orders (lines). */
  count: number;
  /** PRNG seed; the same seed and options give the same lines. Default 42. */
  seed?: number;
  /** Time of the first order (read as local time when printed). Default 2026-01-05 09:30:00. */
  start?: Date;
  /** Orders per second of order time; the book's 500,000 span about 6 s. Default 90,000. */
  ordersPerSecond?: number;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * Generates order lines in the book's format and distributions:
 * `time,orderId,clientId,symbol,amount,price,side` with orderId = line number (from 1),
 * clientId uniform in 1..101, one of {@link SYMBOLS}, amount uniform in 1..1001 shares,
 * whole-dollar prices 1.00..101.00, side B or S with equal odds, and times a few seconds apart
 * at most.
 */
export function* generateOrderLines(options: OrderGeneratorOptions): Generator<string> {
  const rnd = new SeededRandom(options.seed ?? 42);
  const start = options.start ?? new Date(2026, 0, 5, 9, 30, 0);
  const perSecond = options.ordersPerSecond ?? 90_000;
  let second = -1;
  let stamp = '';
  for (let i = 0; i < options.count; i++) {
    const s = Math.floor(i / perSecond);
    if (s !== second) {
      second = s;
      stamp = formatTime(new Date(start.getTime() + s * 1000));
    }
    const clientId = rnd.int(1, 101);
    const symbol = SYMBOLS[rnd.int(0, SYMBOLS.length - 1)]!;
    const amount = rnd.int(1, 1001);
    const price = rnd.int(1, 101);
    const side = rnd.next() < 0.5 ? 'B' : 'S';
    yield `${stamp},${i + 1},${clientId},${symbol},${amount},${price}.00,${side}`;
  }
}

/** Writes {@link generateOrderLines} to `path`, one line each, LF endings. */
export async function writeOrdersFile(path: string, options: OrderGeneratorOptions): Promise<void> {
  const out = createWriteStream(path, { encoding: 'ascii' });
  let buffer: string[] = [];
  for (const line of generateOrderLines(options)) {
    buffer.push(line);
    if (buffer.length === 4096) {
      if (!out.write(buffer.join('\n') + '\n')) await once(out, 'drain');
      buffer = [];
    }
  }
  if (buffer.length > 0) out.write(buffer.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
}
