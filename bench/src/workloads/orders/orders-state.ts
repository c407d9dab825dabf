import type { Order } from '@kindling/example-orders-dashboard/src/order.ts';

/** What one batch of orders adds up to. */
export interface OrdersBatch {
  buys: number;
  sells: number;
  /** Volume (amount x price) per client in this batch. */
  volumeByClient: Map<number, number>;
  /** Shares per symbol in this batch. */
  sharesBySymbol: Map<string, number>;
}

/** Adds up one batch of parsed orders. */
export function aggregateOrders(orders: Iterable<Order>): OrdersBatch {
  const batch: OrdersBatch = { buys: 0, sells: 0, volumeByClient: new Map(), sharesBySymbol: new Map() };
  for (const o of orders) {
    if (o.buy) batch.buys++;
    else batch.sells++;
    batch.volumeByClient.set(o.clientId, (batch.volumeByClient.get(o.clientId) ?? 0) + o.amount * o.price);
    batch.sharesBySymbol.set(o.symbol, (batch.sharesBySymbol.get(o.symbol) ?? 0) + o.amount);
  }
  return batch;
}

/** The 5 keys with the largest values, largest first; ties by key. */
export function top5<K>(m: Map<K, number>): K[] {
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, 5).map((e) => e[0]);
}

/**
 * The dashboard's state across batches, kept by hand: cumulative volume per client (what
 * `updateStateByKey` keeps) and shares per symbol over the last `windowBatches` batches.
 */
export class OrdersState {
  private readonly volumeByClient = new Map<number, number>();
  private readonly window = new Map<string, number>();
  private readonly ring: (Map<string, number> | undefined)[];
  private batches = 0;

  constructor(private readonly windowBatches: number) {
    this.ring = new Array(windowBatches);
  }

  /** Folds in one batch and returns what the dashboard shows for it. */
  step(batch: OrdersBatch): OrdersSummary {
    for (const [client, v] of batch.volumeByClient) this.volumeByClient.set(client, (this.volumeByClient.get(client) ?? 0) + v);
    const slot = this.batches++ % this.ring.length;
    const leaving = this.batches > this.windowBatches ? this.ring[slot] : undefined;
    this.ring[slot] = batch.sharesBySymbol;
    for (const [s, n] of batch.sharesBySymbol) this.window.set(s, (this.window.get(s) ?? 0) + n);
    if (leaving) {
      for (const [s, n] of leaving) {
        const left = this.window.get(s)! - n;
        if (left === 0) this.window.delete(s);
        else this.window.set(s, left);
      }
    }
    return { buys: batch.buys, sells: batch.sells, topClients: top5(this.volumeByClient), topStocks: top5(this.window) };
  }

  /** Folds in one batch and returns its output lines, formatted as the book's job prints them. */
  push(batch: OrdersBatch): string[] {
    return summaryLines(this.step(batch));
  }
}

/** One batch of the dashboard: buys and sells of the batch, the top 5 clients and stocks so far. */
export interface OrdersSummary {
  buys: number;
  sells: number;
  topClients: number[];
  topStocks: string[];
}

/** A summary as the lines of the book's batch folder (`(BUYS,List(5020))`, ...). */
export function summaryLines(s: OrdersSummary): string[] {
  const lines: string[] = [];
  if (s.buys > 0) lines.push(`(BUYS,List(${s.buys}))`);
  if (s.sells > 0) lines.push(`(SELLS,List(${s.sells}))`);
  lines.push(`(TOP5CLIENTS,List(${s.topClients.join(', ')}))`);
  lines.push(`(TOP5STOCKS,List(${s.topStocks.join(', ')}))`);
  return lines;
}
