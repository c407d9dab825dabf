// A window's lineage reaches every batch in the window through its union, and only the newest
// batch is not stored when the batch's jobs are planned. The planning walks (the job's
// preparations and missing shuffles, the batch's sharing and map-side plans) must not visit
// the stored batches: their work per batch stays the same however many batches the window
// holds. Counted, not timed: reads of RDDs' `dependencies` per batch.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RDD, SparkConf, Seconds, type ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';

const BATCHES = 40;

/** One batch's input: key `k` with value `b` for each of 3 keys, in batch `b` (1-based). */
function batch(b: number): [string, number][] {
  return ['a', 'b', 'c'].map((k) => [k, b]);
}

describe('planning walks over a window', () => {
  let ssc: StreamingContext | undefined;
  afterEach(async () => { await ssc?.stop(); ssc = undefined; vi.restoreAllMocks(); });

  it('read a bounded number of dependencies per batch as the window fills, with the window sums right', async () => {
    ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('window-walks').set('spark.streaming.clock', 'manual'), Seconds(1));
    const queue: [string, number][][] = [];
    for (let b = 1; b <= BATCHES; b++) queue.push(batch(b));
    const windowed = ssc.queueStream(queue).reduceByKeyAndWindow((x, y) => x + y, Seconds(60));
    const sums: number[] = [];
    const tops: string[] = [];
    windowed.foreachRDD(async (rdd) => { sums.push((await rdd.collect()).reduce((s, [, v]) => s + v, 0)); });
    // a second output over the same window, with a sampling job (sortBy) and a counting job (zipWithIndex)
    windowed.transform((rdd) => rdd.sortBy(([k]) => k, false).zipWithIndex().filter(([, i]) => i < 1).map(([[k]]) => k))
      .foreachRDD(async (rdd) => { tops.push(...(await rdd.collect())); });
    const reads = vi.spyOn(RDD.prototype, 'dependencies', 'get');
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    const perBatch: number[] = [];
    for (let b = 1; b <= BATCHES; b++) {
      const before = reads.mock.calls.length;
      await clock.advance(1000);
      perBatch.push(reads.mock.calls.length - before);
    }
    // Each window holds batches 1..b: 3 keys x (1 + ... + b).
    expect(sums).toEqual(Array.from({ length: BATCHES }, (_, i) => 3 * ((i + 1) * (i + 2)) / 2));
    expect(tops).toEqual(Array.from({ length: BATCHES }, () => 'c'));
    // Past the first batches (a union of fewer than 8 parents is walked whole), every batch
    // reads as many dependencies as the one before: the window's 11th and 40th batches cost the
    // walks the same (before: the jobs' walks visited every stored batch of the window, one
    // more read a batch for every batch it holds, 187 reads at the 11th, 216 at the 40th).
    const steady = perBatch.slice(10);
    expect(Math.max(...steady)).toBe(Math.min(...steady));
  });
});
