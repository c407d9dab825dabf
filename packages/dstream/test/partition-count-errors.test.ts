import { describe, expect, it } from 'vitest';
import { SparkConf, Seconds, type ManualClock } from '@kindling/core';
import { StreamingContext, type DStream } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';

const graphs = new URL('./support/graphs/word-count-graph.ts', import.meta.url);

// reduceByKey(f, 0) is accepted when the stream is defined (Spark's HashPartitioner takes 0)
// and fails the first batch with records: the error names the partitioner and the key, and
// says the cause is the partition count, in the driver and when a worker thread fails.
describe('a stream reduced into 0 partitions', () => {
  for (const master of ['local[1]', 'local[2]']) {
    it(`${master}: an empty batch passes; the first batch with words fails naming HashPartitioner(0), not the user's function`, async () => {
      const conf = new SparkConf().setMaster(master).setAppName('partition-count-errors').set('spark.streaming.clock', 'manual');
      const ssc = new StreamingContext(conf, Seconds(1));
      try {
        const counts = await ssc.buildGraph<DStream<[string, number]>>(graphs, 'zeroPartitions', { batches: [[], ['a b a']], numPartitions: 2 });
        const seen: [string, number][][] = [];
        counts.foreachRDD(async (rdd) => { seen.push(await rdd.collect()); });
        await ssc.start();
        expect(graphWorkerPoolOf(ssc)?.workers.length ?? 1).toBe(master === 'local[1]' ? 1 : 2);
        const clock = ssc.clock as ManualClock;
        await clock.advance(1000);
        expect(seen).toEqual([[]]);
        const err = await clock.advance(1000).then(() => undefined, (e: unknown) => e as Error);
        expect(err?.name).toBe('BatchFailedError');
        expect(err?.message).toMatch(/Batch 2000 ms failed/);
        const cause = err!.cause as Error;
        expect(cause.name).toBe('RDDComputeError');
        expect(cause.message).toMatch(/ShuffledRDD\[\d+\] at combineByKey \(from reduceByKey at word-count-graph\.ts:\d+\): HashPartitioner\(0\) has 0 partitions: it cannot place the record with key "[ab]"/);
        expect(cause.message).toMatch(/The cause is the partition count passed to this RDD \(0\), not a function passed to it\.$/);
        expect(cause.message).not.toMatch(/came from a function passed/);
      } finally {
        await ssc.stop();
      }
    }, 60_000);
  }
});
