import { bufferCount, from, map, scan } from 'rxjs';
import type { SystemModule } from '../../harness/workload.ts';
import type { TextInput } from '../text/text-input.ts';
import { RxWordWindow, rxCountWords, rxTopK } from '../text/rxjs-word-window.ts';

/** TopKCount in RxJS: `bufferCount` into batches, `scan` the window counts, rank each. */
export const topKRxjs: SystemModule<TextInput> = {
  run: (input, ctx) => new Promise<void>((resolve, reject) => {
    let batch = 0;
    from(input.records).pipe(
      bufferCount(input.perBatch),
      map(rxCountWords),
      scan((acc, counts) => { acc.counts = acc.window.next(counts); return acc; }, { window: new RxWordWindow(input.window, true), counts: new Map<string, number>() }),
      map((acc) => rxTopK(acc.counts, input.topK)),
    ).subscribe({ next: (top) => ctx.emit(batch++, top), error: reject, complete: resolve });
  }),
};
