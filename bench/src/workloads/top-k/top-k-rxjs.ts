import { bufferCount, from, map, scan } from 'rxjs';
import type { SystemModule } from '../../harness/workload.ts';
import type { TextInput } from '../text/text-input.ts';
import { topK } from '../text/top-k.ts';
import { WindowCounts, countWords } from '../text/window-counts.ts';

/** TopKCount in RxJS: `bufferCount` into batches, `scan` the window counts, rank each. */
export const topKRxjs: SystemModule<TextInput> = {
  run: (input, ctx) => new Promise<void>((resolve, reject) => {
    let batch = 0;
    from(input.records).pipe(
      bufferCount(input.perBatch),
      map(countWords),
      scan((window, counts) => { window.push(counts); return window; }, new WindowCounts(input.window, true)),
      map((window) => topK(window.current(), input.topK)),
    ).subscribe({ next: (top) => ctx.emit(batch++, top), error: reject, complete: resolve });
  }),
};
