import { join } from 'node:path';
import { Seconds } from '@kindling/dstream';
import type { SystemModule } from '../../harness/workload.ts';
import { splitWords } from '../../data/text-records.ts';
import { manualContext, runBatches } from '../kindling-driver.ts';
import type { TextInput } from '../text/text-input.ts';
import { compareRank } from '../text/top-k.ts';
import type { WordCount } from '../text/top-k.ts';

/** TopKCount in Kindling: `countByValueAndWindow` then `top(k)` of each window. */
export const topKKindling: SystemModule<TextInput> = {
  async run(input, ctx) {
    const { ssc, queue } = manualContext<string>('bench-topk');
    // `top` takes the largest by the ordering: the best rank must compare greatest.
    const byRank = (a: WordCount, b: WordCount): number => compareRank(b, a);
    ssc.queueStream(queue).flatMap(splitWords).countByValueAndWindow(Seconds(input.window), Seconds(1))
      .foreachRDD(async (rdd, time) => ctx.emit(time.milliseconds / 1000 - 1, await rdd.top(input.topK, byRank)));
    ssc.checkpoint(join(ctx.outDir, 'checkpoint'));
    await runBatches(ssc, queue, input.batches);
  },
};
