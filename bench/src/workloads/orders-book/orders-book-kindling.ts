import { join } from 'node:path';
import { SparkConf } from '@kindling/core';
import type { RDD } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { DStream, ManualClock } from '@kindling/dstream';
import type { RunContext, SystemModule } from '../../harness/workload.ts';
import { advanceOneAhead, measureBatches, parallelContext, runClock } from '../kindling-driver.ts';
import { bookListing } from './orders-book-graph.ts';
import type { OrdersBookGraph, OrdersBookGraphArgs } from './orders-book-graph.ts';
import type { OrdersInput } from '../orders/orders-input.ts';
import type { OrdersSummary } from '../orders/orders-state.ts';

/**
 * The book's chapter 6 listing as a Spark user writes it: no `cache()`, each top 5 by `sortBy` +
 * `zipWithIndex`, and its three branches collected by three output operations. Input: a
 * `queueStream` of `sc.textFile` RDDs, one batch file per 1 s batch on a manual clock kept one
 * batch ahead (`advanceOneAhead`), as the `kindling-N` systems' clock.
 */
export const ordersBookKindling: SystemModule<OrdersInput> = {
  async run(input, ctx) {
    const conf = new SparkConf().setMaster('local[1]').setAppName('bench-orders-book').set('spark.streaming.clock', 'manual');
    const ssc = new StreamingContext(conf, Seconds(1));
    const sc = ssc.sparkContext;
    const queue: RDD<string>[] = [];

    const { numPerType, top5clients, topStocks } = bookListing(ssc.queueStream(queue));
    emitSummaries(numPerType, top5clients, topStocks, ctx);
    ssc.checkpoint(join(ctx.outDir, 'checkpoint'));

    await ssc.start();
    try {
      const clock = ssc.clock as ManualClock;
      const measure = measureBatches(ssc);
      await advanceOneAhead(clock, input.files.length, (b) => { queue.push(sc.textFile(input.files[b]!)); });
      measure(ctx, input.files.length);
    } finally {
      await ssc.stop(true, false);
    }
  },
};

/**
 * The same program under `local[threads]`: built by `ssc.buildGraph` from
 * `orders-book-graph.ts` in the driver and in every worker thread, its batch files named up
 * front (the workers cannot see a queue the main program fills); outputs collected as above.
 */
export function ordersBookKindlingParallel(threads: number): SystemModule<OrdersInput> {
  return {
    async run(input, ctx) {
      const ssc = parallelContext('bench-orders-book', threads);
      const args: OrdersBookGraphArgs = { files: input.files, checkpointDir: join(ctx.outDir, 'checkpoint') };
      const g = await ssc.buildGraph<OrdersBookGraph>(new URL('./orders-book-graph.ts', import.meta.url), 'ordersBookGraph', args);
      emitSummaries(g.numPerType, g.top5clients, g.topStocks, ctx);
      ctx.startTiming();
      await runClock(ssc, input.files.length, ctx);
    },
  };
}

/** The three output operations: each batch's buys, sells, top 5 clients and top 5 stocks, emitted once all three ran. */
function emitSummaries(numPerType: DStream<[boolean, number]>, top5clients: DStream<[number, number]>, topStocks: DStream<[string, number]>, ctx: RunContext): void {
  const summaries = new Map<number, OrdersSummary>();
  const summary = (ms: number): OrdersSummary => {
    let s = summaries.get(ms);
    if (s === undefined) summaries.set(ms, s = { buys: 0, sells: 0, topClients: [], topStocks: [] });
    return s;
  };
  numPerType.foreachRDD(async (rdd, time) => {
    const s = summary(time.milliseconds);
    for (const [buy, n] of await rdd.collect()) {
      if (buy) s.buys = n;
      else s.sells = n;
    }
  });
  top5clients.foreachRDD(async (rdd, time) => {
    summary(time.milliseconds).topClients = (await rdd.collect()).map((x) => x[0]);
  });
  topStocks.foreachRDD(async (rdd, time) => {
    const s = summary(time.milliseconds);
    s.topStocks = (await rdd.collect()).map((x) => x[0]);
    summaries.delete(time.milliseconds);
    ctx.emit(time.milliseconds / 1000 - 1, s);
  });
}

