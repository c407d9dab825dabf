import { join } from 'node:path';
import { Seconds } from '@kindling/dstream';
import type { DStream } from '@kindling/dstream';
import type { SystemModule } from '../../harness/workload.ts';
import { splitWords } from '../../data/text-records.ts';
import { manualContext, parallelContext, runBatches, runClock } from '../kindling-driver.ts';
import type { TextInput } from '../text/text-input.ts';
import type { WordCountGraphArgs } from './word-count-graph.ts';

/**
 * WordCount in Kindling, as a Spark user writes it: `flatMap(split).map((w, 1))
 * .reduceByKeyAndWindow(...)` over a queue stream, driven batch by batch on a manual clock.
 */
export function wordCountKindling(inverse: boolean): SystemModule<TextInput> {
  return {
    async run(input, ctx) {
      const { ssc, queue } = manualContext<string>('bench-wordcount');
      const pairs = ssc.queueStream(queue).flatMap(splitWords).map((w) => [w, 1] as [string, number]);
      const windowed = inverse
        ? pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(input.window), Seconds(1), undefined, (kv) => kv[1] !== 0)
        : pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(input.window), Seconds(1));
      windowed.foreachRDD(async (rdd, time) => ctx.emit(time.milliseconds / 1000 - 1, await rdd.collect()));
      if (inverse) ssc.checkpoint(join(ctx.outDir, 'checkpoint'));
      await runBatches(ssc, queue, input.batches, ctx);
    },
  };
}

/**
 * The same WordCount under `local[threads]`: the graph is built by `ssc.buildGraph` from
 * `word-count-graph.ts` in the driver and in every worker thread, each input batch cut into one
 * partition per thread; the window's counts are collected on the driver as above.
 */
export function wordCountKindlingParallel(inverse: boolean, threads: number): SystemModule<TextInput> {
  return {
    async run(input, ctx) {
      const ssc = parallelContext('bench-wordcount', threads);
      if (inverse) ssc.checkpoint(join(ctx.outDir, 'checkpoint'));
      const args: WordCountGraphArgs = { batches: input.batches, partitions: threads, window: input.window, inverse };
      const windowed = await ssc.buildGraph<DStream<[string, number]>>(new URL('./word-count-graph.ts', import.meta.url), 'wordCountGraph', args);
      windowed.foreachRDD(async (rdd, time) => ctx.emit(time.milliseconds / 1000 - 1, await rdd.collect()));
      ctx.startTiming();
      await runClock(ssc, input.batches.length, ctx);
    },
  };
}
