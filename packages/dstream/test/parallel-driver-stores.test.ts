// Under local[N] the driver stores none of the replicated graph's partitions; the workers tell
// it (with their replies) which persisted partitions they stored, so the driver's lineage walks
// (its batch's sharing plans, the DAGScheduler's missing shuffles) stop at a window's stored
// per-batch reductions, as one thread's do, instead of going down into every batch each batch.
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds, type RDD } from '@kindling/core';
import { StreamingContext, type DStream } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';

const graphs = new URL('./support/graphs/word-count-graph.ts', import.meta.url);
const BATCHES = 10;
const batches = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: 6 }, (_, i) => `w${(b + i) % 4} w${i % 3} w${b % 5}`));
const contexts: StreamingContext[] = [];
afterAll(async () => { for (const c of contexts) await c.stop(); });

interface Run {
  sums: [string, number][][];
  /** Per batch: how many of the window's earlier batches the driver counts as stored in full. */
  storedBefore: number[];
  workers: number;
}

async function run(master: string): Promise<Run> {
  const conf = new SparkConf().setMaster(master).setAppName('parallel-driver-stores').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  const ssc = new StreamingContext(conf, Seconds(1));
  contexts.push(ssc);
  const sums: [string, number][][] = [];
  const storedBefore: number[] = [];
  const windowed = await ssc.buildGraph<DStream<[string, number]>>(graphs, 'windowedWordCount', { batches, numPartitions: 2 });
  windowed.foreachRDD(async (rdd: RDD<[string, number]>) => {
    // The window's parents, oldest first; the newest (this batch's) is not computed yet.
    const earlier = rdd.dependencies.slice(0, -1).map((d) => d.rdd as RDD<unknown>);
    storedBefore.push(earlier.filter((p) => p.context.blockManager.hasAll(p.id, p.getNumPartitions())).length);
    const m = new Map<string, number>();
    for (const [w, n] of await rdd.collect()) m.set(w, (m.get(w) ?? 0) + n);
    sums.push([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  });
  await ssc.start();
  for (let b = 0; b < BATCHES; b++) await (ssc.clock as ManualClock).advance(1000);
  const workers = graphWorkerPoolOf(ssc)?.workers.length ?? 0;
  await ssc.stop();
  return { sums, storedBefore, workers };
}

describe('the driver under local[N] knows which partitions the workers stored', () => {
  it('counts a window\'s earlier batches as stored, as one thread does, with the same results', async () => {
    const one = await run('local[1]');
    const two = await run('local[2]');
    expect(two.workers).toBe(2);
    // Known answer: the window's word counts, summed here from the input.
    const expected = batches.map((_, b) => {
      const m = new Map<string, number>();
      for (const l of batches.slice(0, b + 1)) for (const w of l.flatMap((x) => x.split(' '))) m.set(w, (m.get(w) ?? 0) + 1);
      return [...m].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    });
    expect(one.sums).toEqual(expected);
    expect(two.sums).toEqual(expected);
    // Batch b's window holds b earlier batches (the window covers every batch of the run).
    const all = batches.map((_, b) => b);
    expect(one.storedBefore).toEqual(all);
    expect(two.storedBefore).toEqual(all);
  }, 120_000);
});
