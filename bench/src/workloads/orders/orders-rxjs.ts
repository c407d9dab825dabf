import { readFileSync } from 'node:fs';
import { bufferCount, concatMap, from, map, scan, tap } from 'rxjs';
import { parseOrder } from '@kindling/example-orders-dashboard/src/order.ts';
import type { SystemModule } from '../../harness/workload.ts';
import { writeBatchFolder } from './batch-folder.ts';
import type { OrdersInput } from './orders-input.ts';
import { summaryLines } from './orders-state.ts';
import { RxDashboard, rxTally } from './orders-rxjs-state.ts';

/**
 * The orders dashboard in RxJS: the files' lines one by one, `bufferCount` into batches (one
 * file each), parse, tally, `scan` the running state, write each batch's folder.
 */
export const ordersRxjs: SystemModule<OrdersInput> = {
  run: (input, ctx) => new Promise<void>((resolve, reject) => {
    let batch = 0;
    from(input.files).pipe(
      concatMap((path) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '')),
      bufferCount(input.linesPerFile),
      map((lines) => rxTally(lines.flatMap(parseOrder))),
      scan((acc, t) => { acc.lines = summaryLines(acc.state.next(t)); return acc; }, { state: new RxDashboard(input.windowBatches), lines: [] as string[] }),
      tap((acc) => writeBatchFolder(ctx.outDir, (batch + 1) * 1000, acc.lines)),
    ).subscribe({ next: () => ctx.emit(batch++, 1), error: reject, complete: resolve });
  }),
};
