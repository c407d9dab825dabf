import { readFileSync } from 'node:fs';
import { bufferCount, concatMap, from, map, scan } from 'rxjs';
import { parseOrder } from '@kindling/example-orders-dashboard/src/order.ts';
import type { SystemModule } from '../../harness/workload.ts';
import type { OrdersInput } from '../orders/orders-input.ts';
import { RxDashboard, rxTally } from '../orders/orders-rxjs-state.ts';
import type { OrdersSummary } from '../orders/orders-state.ts';

/**
 * The book's program in RxJS: the files' lines one by one, `bufferCount` into batches (one file
 * each), parse, tally, `scan` the running state.
 */
export const ordersBookRxjs: SystemModule<OrdersInput> = {
  run: (input, ctx) => new Promise<void>((resolve, reject) => {
    let batch = 0;
    from(input.files).pipe(
      concatMap((path) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '')),
      bufferCount(input.linesPerFile),
      map((lines) => rxTally(lines.flatMap(parseOrder))),
      scan((acc, t) => { acc.last = acc.state.next(t); return acc; }, { state: new RxDashboard(input.windowBatches), last: undefined as OrdersSummary | undefined }),
    ).subscribe({ next: (acc) => ctx.emit(batch++, acc.last), error: reject, complete: resolve });
  }),
};
