import { linkSync, mkdirSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';
import { ordersPipeline } from '@kindling/example-orders-dashboard/src/pipeline.ts';
import type { SystemModule } from '../../harness/workload.ts';
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
      const pipeline = ordersPipeline(ssc, {
        inputDir,
        outputPrefix: join(ctx.outDir, 'output'),
        checkpointDir: join(ctx.outDir, '.checkpoint'),
        state: 'updateStateByKey',
      });
      if (cacheOrders) pipeline.orders.cache();
      await ssc.start();
      try {
        const clock = ssc.clock as ManualClock;
        for (let b = 0; b < input.files.length; b++) {
          const target = join(inputDir, basename(input.files[b]!));
          linkSync(input.files[b]!, target);
          const stamp = (clock.getTimeMillis() + 500) / 1000;
          utimesSync(target, stamp, stamp);
          await clock.advance(1000);
          ctx.emit(b, 1);
        }
      } finally {
        await ssc.stop(true, false);
      }
    },
  };
}
