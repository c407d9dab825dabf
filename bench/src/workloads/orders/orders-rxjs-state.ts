import type { Order } from '@kindling/example-orders-dashboard/src/order.ts';
import type { OrdersSummary } from './orders-state.ts';

/**
 * The RxJS variants' own bookkeeping (written apart from the hand loop's `OrdersState`, so that
 * their agreement with it checks something): one batch's tally, then a running state folded in
 * by `scan`.
 */
export interface RxTally {
  buys: number;
  sells: number;
  volume: Map<number, number>;
  shares: Map<string, number>;
}

/** Tallies one batch of orders. */
export function rxTally(orders: readonly Order[]): RxTally {
  let buys = 0;
  const volume = new Map<number, number>();
  const shares = new Map<string, number>();
  for (const o of orders) {
    if (o.buy) buys++;
    const v = volume.get(o.clientId);
    volume.set(o.clientId, v === undefined ? o.amount * o.price : v + o.amount * o.price);
    const n = shares.get(o.symbol);
    shares.set(o.symbol, n === undefined ? o.amount : n + o.amount);
  }
  return { buys, sells: orders.length - buys, volume, shares };
}

function before<K>(a: K, va: number, b: K, vb: number): boolean {
  return va > vb || (va === vb && a < b);
}

/** The 5 keys with the largest values (ties: smaller key first), by insertion into a short list. */
function best5<K>(m: Map<K, number>): K[] {
  const keys: K[] = [];
  const values: number[] = [];
  m.forEach((v, k) => {
    let i = keys.length;
    if (i === 5 && !before(k, v, keys[4]!, values[4]!)) return;
    if (i === 5) i = 4;
    while (i > 0 && before(k, v, keys[i - 1]!, values[i - 1]!)) {
      keys[i] = keys[i - 1]!;
      values[i] = values[i - 1]!;
      i--;
    }
    keys[i] = k;
    values[i] = v;
  });
  return keys;
}

/** The running dashboard state an RxJS `scan` carries: client totals and the stock window. */
export class RxDashboard {
  private readonly clients = new Map<number, number>();
  private readonly stocks = new Map<string, number>();
  private readonly recent: Map<string, number>[] = [];

  constructor(private readonly windowBatches: number) {}

  /** Folds in one batch's tally; returns the batch's summary. */
  next(t: RxTally): OrdersSummary {
    t.volume.forEach((v, c) => this.clients.set(c, (this.clients.get(c) ?? 0) + v));
    t.shares.forEach((n, s) => this.stocks.set(s, (this.stocks.get(s) ?? 0) + n));
    this.recent.push(t.shares);
    if (this.recent.length > this.windowBatches) {
      this.recent.shift()!.forEach((n, s) => {
        const left = this.stocks.get(s)! - n;
        if (left === 0) this.stocks.delete(s);
        else this.stocks.set(s, left);
      });
    }
    return { buys: t.buys, sells: t.sells, topClients: best5(this.clients), topStocks: best5(this.stocks) };
  }
}
