import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { ManualClock, StreamingContext } from '@kindling/dstream';
import { feedQueue, queueStream } from '../src/queue-stream.ts';
import { capture, pairs, printedBatches } from './support/printed.ts';

describe('QueueStream', () => {
  let ssc: StreamingContext | undefined;
  afterEach(async () => { await ssc?.stop(); }); // stop() also after a failed start, which leaves the SparkContext running

  it('reads one queued RDD per batch and counts 1..1000 by last digit', async () => {
    const made = queueStream(new SparkConf().setMaster('local[2]').set('spark.streaming.clock', 'manual'));
    ssc = made.ssc;
    const out = capture(ssc);
    const clock = ssc.clock as ManualClock;
    await ssc.start();
    await feedQueue(ssc, made.rddQueue, 3, () => clock.advance(1000));
    await clock.advance(1000); // one more batch: the queue is empty

    const batches = printedBatches(out);
    expect(batches.map((b) => b.time)).toEqual(['1000 ms', '2000 ms', '3000 ms', '4000 ms']);
    // 1..1000 holds exactly 100 numbers ending in each digit
    const digits = new Map(Array.from({ length: 10 }, (_, d) => [String(d), 100] as [string, number]));
    for (const b of batches.slice(0, 3)) expect(new Map(pairs(b.lines))).toEqual(digits);
    expect(batches[3]!.lines).toEqual([]);
    expect(made.rddQueue).toHaveLength(0);
  });
});
