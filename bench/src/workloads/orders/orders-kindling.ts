import { linkSync, mkdirSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';
import { ordersPipeline } from '@kindling/example-orders-dashboard/src/pipeline.ts';
import type { OrdersPipeline, OrdersPipelineConfig } from '@kindling/example-orders-dashboard/src/pipeline.ts';
import type { RunContext, SystemModule } from '../../harness/workload.ts';
import { measureBatches, parallelContext } from '../kindling-driver.ts';
import type { OrdersInput } from './orders-input.ts';

/**
 * The orders dashboard in Kindling: the dashboard's own pipeline module (`textFileStream`,
 * `updateStateByKey`, `reduceByKeyAndWindow`, `saveAsTextFiles`), fed as its replay mode feeds
 * it: each file appears in the input folder stamped inside the next batch, then the manual
 * clock advances one batch. With `cacheOrders`, the parsed `orders` stream is cached, as a
 * Spark user would do for a stream that feeds several shuffles (the book's listing does not, so
 * each batch's lines are read and parsed once per branch: three times).
 */
export function ordersKindling(cacheOrders: boolean): SystemModule<OrdersInput> {
  return {
    async run(input, ctx) {
      const conf = new SparkConf().setMaster('local[1]').setAppName('bench-orders').set('spark.streaming.clock', 'manual');
      const ssc = new StreamingContext(conf, Seconds(1));
      const inputDir = join(ctx.outDir, '.input');
      mkdirSync(inputDir, { recursive: true });
      const pipeline = ordersPipeline(ssc, pipelineConfig(ctx.outDir, inputDir));
      if (cacheOrders) pipeline.orders.cache();
      await feed(ssc, input, inputDir, ctx);
    },
  };
}

/** The dashboard's pipeline module, which the driver and every worker thread of `kindling-N` import. */
const PIPELINE_MODULE = new URL('../../../../examples/orders-dashboard/src/pipeline.ts', import.meta.url);

/**
 * The same dashboard under `local[threads]`: the dashboard's pipeline module is built by
 * `ssc.buildGraph` in the driver and in every worker thread (as `pnpm dashboard` does), each
 * worker reading, parsing and aggregating the partitions it owns; the driver lists the folder,
 * runs the jobs and writes the batch folders from the gathered results.
 */
export function ordersKindlingParallel(threads: number): SystemModule<OrdersInput> {
  return {
    async run(input, ctx) {
      const ssc = parallelContext('bench-orders', threads);
      const inputDir = join(ctx.outDir, '.input');
      mkdirSync(inputDir, { recursive: true });
      await ssc.buildGraph<OrdersPipeline>(PIPELINE_MODULE, 'ordersPipeline', pipelineConfig(ctx.outDir, inputDir));
      ctx.startTiming();
      await feed(ssc, input, inputDir, ctx);
    },
  };
}

function pipelineConfig(outDir: string, inputDir: string): OrdersPipelineConfig {
  return { inputDir, outputPrefix: join(outDir, 'output'), checkpointDir: join(outDir, '.checkpoint'), state: 'updateStateByKey' };
}

/**
 * Feeds the files as the dashboard's replay mode does, one per batch, and stops the context
 * (with the driver's and workers' busy time per batch as metrics; see `measureBatches`).
 */
async function feed(ssc: StreamingContext, input: OrdersInput, inputDir: string, ctx: RunContext): Promise<void> {
  await ssc.start();
  try {
    const clock = ssc.clock as ManualClock;
    const measure = measureBatches(ssc);
    for (let b = 0; b < input.files.length; b++) {
      const target = join(inputDir, basename(input.files[b]!));
      linkSync(input.files[b]!, target);
      const stamp = (clock.getTimeMillis() + 500) / 1000;
      utimesSync(target, stamp, stamp);
      await clock.advance(1000);
      ctx.emit(b, 1);
    }
    measure(ctx, input.files.length);
  } finally {
    await ssc.stop(true, false);
  }
}
