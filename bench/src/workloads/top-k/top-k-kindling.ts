import { join } from 'node:path';
import { Seconds } from '@kindling/dstream';
import type { SystemModule } from '../../harness/workload.ts';
import { splitWords } from '../../data/text-records.ts';
import type { DStream } from '@kindling/dstream';
import { manualContext, parallelContext, runBatches, runClock } from '../kindling-driver.ts';
import type { TextInput } from '../text/text-input.ts';
import { compareRank } from '../text/top-k.ts';
import type { WordCount } from '../text/top-k.ts';
import type { TopKGraphArgs } from './top-k-graph.ts';

// `top` takes the largest by the ordering: the best rank must compare greatest.
const byRank = (a: WordCount, b: WordCount): number => compareRank(b, a);

/** TopKCount in Kindling: `countByValueAndWindow` then `top(k)` of each window. */
export const topKKindling: SystemModule<TextInput> = {
  async run(input, ctx) {
    const { ssc, queue } = manualContext<string>('bench-topk');
    ssc.queueStream(queue).flatMap(splitWords).countByValueAndWindow(Seconds(input.window), Seconds(1))
      .foreachRDD(async (rdd, time) => ctx.emit(time.milliseconds / 1000 - 1, await rdd.top(input.topK, byRank)));
    ssc.checkpoint(join(ctx.outDir, 'checkpoint'));
    await runBatches(ssc, queue, input.batches);
  },
};

/**
 * The same TopKCount under `local[threads]`: the window's counts are computed in the worker
 * threads (graph built by `ssc.buildGraph` from `top-k-graph.ts`, each input batch cut into one
 * partition per thread); `top(k)` runs on the driver over the partitions gathered from them.
 */
export function topKKindlingParallel(threads: number): SystemModule<TextInput> {
  return {
    async run(input, ctx) {
      const ssc = parallelContext('bench-topk', threads);
      ssc.checkpoint(join(ctx.outDir, 'checkpoint'));
      const args: TopKGraphArgs = { batches: input.batches, partitions: threads, window: input.window };
      const counts = await ssc.buildGraph<DStream<WordCount>>(new URL('./top-k-graph.ts', import.meta.url), 'topKGraph', args);
      counts.foreachRDD(async (rdd, time) => ctx.emit(time.milliseconds / 1000 - 1, await rdd.top(input.topK, byRank)));
      ctx.startTiming();
      await runClock(ssc, input.batches.length, ctx);
    },
  };
}
