// The actions and job control added for tutorial ports (approximate and asynchronous actions,
// job groups, sampleByKeyExact, localCheckpoint) on a stream's RDDs inside foreachRDD, under
// local[1] and under local[2] with the graph built in worker threads: each works, with the
// same answers, or (localCheckpoint of partitions held by workers) refuses saying why.
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf, type ManualClock } from '@kindling/core';
import { Milliseconds, StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { WordCountArgs, WordCountGraph } from './support/graphs/word-count-graph.ts';

let ssc: StreamingContext | undefined;
afterEach(async () => {
  await ssc?.stop();
  ssc = undefined;
});

interface Seen {
  approx: number[];
  byKey: [string, number][];
  async: number[];
  exact: number[];
  cancelled: string[];
  localCheckpoint: string[];
}

describe.each(['local[1]', 'local[2]'])('tutorial actions on a stream\'s RDDs under %s', (master) => {
  it('give local[1]\'s answers, or refuse clearly', async () => {
    const conf = new SparkConf().setMaster(master).setAppName('tutorial-actions').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', '2');
    ssc = new StreamingContext(conf, Milliseconds(1000));
    const sc = ssc.sparkContext;
    const args: WordCountArgs = { batches: [['a b a', 'c a', 'b b d']], numPartitions: 3 };
    const g = await ssc.buildGraph<WordCountGraph>(new URL('./support/graphs/word-count-graph.ts', import.meta.url), 'wordCount', args);
    const seen: Seen = { approx: [], byKey: [], async: [], exact: [], cancelled: [], localCheckpoint: [] };
    g.counts.foreachRDD(async (rdd) => {
      seen.approx.push((await rdd.countApprox(1000)).initialValue.mean);
      seen.byKey.push(...[...(await rdd.countByKeyApprox(1000)).initialValue].map(([k, b]) => [k, b.mean] as [string, number]));
      seen.async.push(await rdd.countAsync(), (await rdd.collectAsync()).length, (await rdd.takeAsync(2)).length);
      const words = rdd.flatMap(([w, n]) => Array.from({ length: n }, () => [w, 1] as [string, number]));
      seen.exact.push(await words.sampleByKeyExact(false, new Map([['a', 0.5], ['b', 0.5], ['c', 1], ['d', 0]]), 3).count());
      sc.setJobGroup('g', 'to be cancelled');
      const f = rdd.countAsync();
      sc.cancelJobGroup('g');
      sc.clearJobGroup();
      seen.cancelled.push(await f.then(() => 'ran', (e: unknown) => (e as Error).message.replace(/\d+/, 'N')));
      seen.localCheckpoint.push(await rdd.localCheckpoint().count().then((n) => `counted ${n}`, (e: Error) => e.message));
    });
    await ssc.start();
    if (master === 'local[2]') expect(graphWorkerPoolOf(ssc)?.workers.length).toBe(2);
    await (ssc.clock as ManualClock).advance(1000);
    expect(seen.approx).toEqual([4]);
    expect(seen.byKey.sort()).toEqual([['a', 1], ['b', 1], ['c', 1], ['d', 1]]);
    expect(seen.async).toEqual([4, 4, 2]);
    // a: ceil(3 * 0.5) = 2, b: 2, c: 1, d: 0.
    expect(seen.exact).toEqual([5]);
    expect(seen.cancelled).toEqual(['Job N cancelled part of cancelled job group g']);
    if (master === 'local[1]') expect(seen.localCheckpoint).toEqual(['counted 4']);
    else expect(seen.localCheckpoint[0]).toMatch(/marked by localCheckpoint\(\), but its partitions are computed in the worker threads of local\[N\].*use checkpoint\(\)/);
  }, 60_000);
});
