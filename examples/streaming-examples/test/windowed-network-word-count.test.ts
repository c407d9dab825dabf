import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';
import { windowedWordCounts } from '../src/windowed-network-word-count.ts';
import { capture, pairs, printedBatches } from './support/printed.ts';

describe('WindowedNetworkWordCount (reduceByKeyAndWindow with an inverse)', () => {
  let ssc: StreamingContext | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await ssc?.stop(); // also after a failed start, which leaves the SparkContext running
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts the words of the last 3 batches, adding what enters and subtracting what leaves', async () => {
    dir = await mkdtemp(join(tmpdir(), 'windowed-wc-'));
    ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('test').set('spark.streaming.clock', 'manual'), Seconds(1));
    ssc.checkpoint(dir);
    const batches: string[][] = [['a b'], ['a'], ['b c'], [], [], []];
    const queue = batches.map((lines) => ssc!.sparkContext.parallelize(lines));
    windowedWordCounts(ssc.queueStream(queue), Seconds(3), Seconds(1)).print();
    const out = capture(ssc);
    await ssc.start();
    for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);

    const got = printedBatches(out).map((b) => new Map(pairs(b.lines)));
    // window (t-3 s, t]: worked out by hand from the inputs above
    expect(got).toEqual([
      new Map([['a', 1], ['b', 1]]),
      new Map([['a', 2], ['b', 1]]),
      new Map([['a', 2], ['b', 2], ['c', 1]]),
      new Map([['a', 1], ['b', 1], ['c', 1]]),
      new Map([['b', 1], ['c', 1]]),
      new Map(), // every count fell to 0 and was filtered out
    ]);
  });
});
