import type { SystemModule } from '../../harness/workload.ts';
import { readOrders } from '../orders/orders-hand.ts';
import type { OrdersInput } from '../orders/orders-input.ts';
import { OrdersState, aggregateOrders } from '../orders/orders-state.ts';

/** The book's program as one loop over the batch files with native Maps. */
export const ordersBookHand: SystemModule<OrdersInput> = {
  async run(input, ctx) {
    const state = new OrdersState(input.windowBatches);
    for (let b = 0; b < input.files.length; b++) ctx.emit(b, state.step(aggregateOrders(readOrders(input.files[b]!))));
  },
};
