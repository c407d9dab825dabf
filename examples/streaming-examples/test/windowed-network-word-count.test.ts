import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';
import { windowedNetworkWordCount, windowedWordCounts } from '../src/windowed-network-word-count.ts';
import { runOnOneAndTwo, sortedBatches, type FedExample } from './support/fed-run.ts';
import { capture, pairs, printedBatches, wordCounts } from './support/printed.ts';

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

  it('over a socket under local[2] builds its graph in two worker threads, which run the tasks, and prints what local[1] prints', async () => {
    dir = await mkdtemp(join(tmpdir(), 'windowed-wc-'));
    const root = dir;
    let runs = 0;
    const example: FedExample = {
      build: (port, conf) => windowedNetworkWordCount(['127.0.0.1', String(port), '3', '1'], conf, join(root, `run-${runs++}`)),
      batches: [['a b', 'a'], ['b c'], [], ['c c d'], [], [], []],
    };
    const { one, two } = await runOnOneAndTwo(example);
    // Known answers, computed here: the counts of the last 3 batches' words, zeros left out
    const expected = example.batches.map((_, i) => {
      const window = example.batches.slice(Math.max(0, i - 2), i + 1).flat();
      return { time: `${(i + 1) * 1000} ms`, lines: [...wordCounts(window.join('\n'))].map(([w, n]) => `(${w},${n})`).sort() };
    });
    expect(sortedBatches(one.out)).toEqual(expected);
    expect(sortedBatches(two.out)).toEqual(sortedBatches(one.out));
  }, 120_000);
});
