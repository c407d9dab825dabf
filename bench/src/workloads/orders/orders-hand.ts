import { readFileSync } from 'node:fs';
import { parseOrder } from '@kindling/example-orders-dashboard/src/order.ts';
import type { Order } from '@kindling/example-orders-dashboard/src/order.ts';
import type { SystemModule } from '../../harness/workload.ts';
import { writeBatchFolder } from './batch-folder.ts';
import type { OrdersInput } from './orders-input.ts';
import { OrdersState, aggregateOrders } from './orders-state.ts';

/** Read, parse (the dashboard's parser) and add up one order file. */
export function readOrders(path: string): Order[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const orders: Order[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const parsed = parseOrder(lines[i]!);
    if (parsed.length === 1) orders.push(parsed[0]!);
  }
  return orders;
}

/** The orders dashboard as one loop over the files with native Maps. */
export const ordersHand: SystemModule<OrdersInput> = {
  async run(input, ctx) {
    const state = new OrdersState(input.windowBatches);
    for (let b = 0; b < input.files.length; b++) {
      writeBatchFolder(ctx.outDir, (b + 1) * 1000, state.push(aggregateOrders(readOrders(input.files[b]!))));
      ctx.emit(b, 1);
    }
  },
};
