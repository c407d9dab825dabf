// What each batch of a program of narrow operators and an action (`filter(...).count()` with a
// `collect` per batch, issue 12's grep) asks of its streams and RDDs before its task runs:
// the batch's sharing plan and the job's walk have nothing to find in a lineage that is a
// line, and a stream's slide does not change once the context started. Counted, not timed,
// with the counts worked out by hand.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RDD, SparkConf, Seconds, type ManualClock } from '@kindling/core';
import { InputDStream, StreamingContext } from '../src/index.ts';

const BATCHES = 6;

/** Batch `b` (0-based): `b + 2` lines, every other one with "the" in it. */
function lines(b: number): string[] {
  return Array.from({ length: b + 2 }, (_, i) => (i % 2 === 0 ? `the line ${i}` : `a line ${i}`));
}

function manualContext(): StreamingContext {
  return new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('narrow-batch-path').set('spark.streaming.clock', 'manual'), Seconds(1));
}

describe('the per-batch path of a narrow-op program', () => {
  let ssc: StreamingContext | undefined;
  afterEach(async () => { await ssc?.stop(); ssc = undefined; vi.restoreAllMocks(); });

  it('plans each batch without asking its RDDs whether they are stored, nor its streams for their slide', async () => {
    ssc = manualContext();
    const queue: string[][] = [];
    for (let b = 0; b < BATCHES; b++) queue.push(lines(b));
    const storageAsked = vi.spyOn(RDD.prototype, 'getStorageLevel');
    const slideAsked = vi.spyOn(InputDStream.prototype, 'slideDuration', 'get');
    const beforeTask: number[] = [];
    const slides: number[] = [];
    let atBatchStart = { storage: 0, slide: 0 };
    let firstRecord = true;
    const counts: number[] = [];
    ssc.queueStream(queue).filter((l) => {
      if (firstRecord) {
        firstRecord = false;
        beforeTask.push(storageAsked.mock.calls.length - atBatchStart.storage);
        slides.push(slideAsked.mock.calls.length - atBatchStart.slide);
      }
      return l.includes('the');
    }).count().foreachRDD(async (rdd) => { counts.push((await rdd.collect())[0]!); });
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    for (let b = 0; b < BATCHES; b++) {
      atBatchStart = { storage: storageAsked.mock.calls.length, slide: slideAsked.mock.calls.length };
      firstRecord = true;
      await clock.advance(1000);
    }
    // Batch b has b + 2 lines, the even-numbered ones with "the": ceil((b + 2) / 2).
    expect(counts).toEqual([1, 2, 2, 3, 3, 4]);
    // From the batch's start to its task's first record: one question, the task's check that
    // the filter and the per-partition count fuse into one loop (before: 11, the sharing plan
    // and the job's preparations walk asking each of the lineage's RDDs).
    expect(beforeTask).toEqual(Array.from({ length: BATCHES }, () => 1));
    // The 7 streams' validity checks read their slides as set at start (before: 7 a batch, one
    // per stream down to the queue stream's getter).
    expect(slides).toEqual(Array.from({ length: BATCHES }, () => 0));
  });

  it('still keeps an RDD two outputs share for the batch: each line filtered once', async () => {
    ssc = manualContext();
    const queue: string[][] = [];
    for (let b = 0; b < BATCHES; b++) queue.push(lines(b));
    let filtered = 0;
    const kept = ssc.queueStream(queue).filter((l) => { filtered++; return l.includes('the'); });
    const counts: number[] = [];
    const firsts: string[] = [];
    kept.count().foreachRDD(async (rdd) => { counts.push((await rdd.collect())[0]!); });
    kept.foreachRDD(async (rdd) => { firsts.push((await rdd.collect())[0]!); });
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    for (let b = 0; b < BATCHES; b++) await clock.advance(1000);
    expect(counts).toEqual([1, 2, 2, 3, 3, 4]);
    expect(firsts).toEqual(Array.from({ length: BATCHES }, () => 'the line 0'));
    // 2 + 3 + ... + 7 lines, each filtered once though two outputs read the filtered RDD.
    expect(filtered).toBe(27);
  });
});
