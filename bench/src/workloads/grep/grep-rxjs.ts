import { bufferCount, from, map } from 'rxjs';
import type { SystemModule } from '../../harness/workload.ts';
import type { TextInput } from '../text/text-input.ts';

/** Grep in RxJS: records one by one, `bufferCount` into batches, count the matches of each. */
export const grepRxjs: SystemModule<TextInput> = {
  run: (input, ctx) => new Promise<void>((resolve, reject) => {
    const pattern = input.pattern;
    let batch = 0;
    from(input.records).pipe(
      bufferCount(input.perBatch),
      map((lines) => {
        let n = 0;
        for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(pattern)) n++;
        return n;
      }),
    ).subscribe({ next: (n) => ctx.emit(batch++, n), error: reject, complete: resolve });
  }),
};
