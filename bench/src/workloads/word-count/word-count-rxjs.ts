import { bufferCount, from, map, scan } from 'rxjs';
import type { SystemModule } from '../../harness/workload.ts';
import type { TextInput } from '../text/text-input.ts';
import { RxWordWindow, rxCountWords } from '../text/rxjs-word-window.ts';

/** WordCount in RxJS: records one by one, `bufferCount` into batches, `scan` the window. */
export function wordCountRxjs(inverse: boolean): SystemModule<TextInput> {
  return {
    run: (input, ctx) => new Promise<void>((resolve, reject) => {
      from(input.records).pipe(
        bufferCount(input.perBatch),
        map(rxCountWords),
        scan((acc, counts) => {
          acc.batch++;
          acc.counts = acc.window.next(counts);
          return acc;
        }, { window: new RxWordWindow(input.window, inverse), batch: -1, counts: new Map<string, number>() }),
      ).subscribe({ next: (s) => ctx.emit(s.batch, s.counts), error: reject, complete: resolve });
    }),
  };
}
