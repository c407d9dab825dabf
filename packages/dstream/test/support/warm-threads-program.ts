/**
 * A program for the warm-thread test, run as a child process: two contexts under `local[2]`
 * one after the other, each building its graph with `buildGraph`, then nothing. It prints one
 * JSON line (each context's output and thread ids, threads started, idle threads left) and
 * must then exit by itself although its worker threads wait, warm, for a next context (idle
 * timeout `10min`): idle threads never keep the process alive. Argument: JSON `{}`.
 */
import { SparkConf, Seconds, type ManualClock } from '@kindling/core';
import { StreamingContext } from '../../src/index.ts';
import { graphWorkerPoolOf } from '../../src/parallel/build-graph.ts';
import { WorkerThreadPool } from '../../src/parallel/worker-thread-pool.ts';
import type { WordCountArgs, WordCountGraph } from './graphs/word-count-graph.ts';

const graphs = new URL('./graphs/word-count-graph.ts', import.meta.url);

async function once(): Promise<{ out: [string, number][][]; threads: number[] }> {
  const conf = new SparkConf().setMaster('local[2]').setAppName('warm-threads-program').set('spark.streaming.clock', 'manual').set('spark.kindling.workers.idleTimeout', '10min').set('spark.log.level', 'WARN');
  const ssc = new StreamingContext(conf, Seconds(1));
  const out: [string, number][][] = [];
  try {
    const g = await ssc.buildGraph<WordCountGraph>(graphs, 'wordCount', { batches: [['a b a', 'b c']], numPartitions: 2 } satisfies WordCountArgs);
    g.counts.foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    await ssc.start();
    await (ssc.clock as ManualClock).advance(1000);
    return { out, threads: graphWorkerPoolOf(ssc)!.threads.map((t) => t.threadId) };
  } finally {
    await ssc.stop();
  }
}

const first = await once();
const second = await once();
console.log(JSON.stringify({ first, second, started: WorkerThreadPool.shared.started, idle: WorkerThreadPool.shared.idleCount }));
