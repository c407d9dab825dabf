import { describe, expect, it } from 'vitest';
import { getLogLevel, Milliseconds, setLogLevel, setLogSink, SparkConf } from '@kindling/core';
import { StreamingContext, type DStream } from '../index.ts';
import { TestInputDStream, runStreamingTest, runStreamingTest2 } from './index.ts';

describe('runStreamingTest', () => {
  it('runs the documented example', async () => {
    const out = await runStreamingTest({
      input: [['a', 'b', 'a'], ['b'], []],
      operation: (s) => s.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b),
      numPartitions: 1,
    });
    // Two reduce partitions (local[2]); 'b' (hash 98) lands in partition 0, 'a' (97) in 1.
    expect(out).toEqual([[['b', 1], ['a', 2]], [['b', 1]], []]);
  });

  it('runs more batches than inputs (empty ones) and honours the batch duration', async () => {
    const out = await runStreamingTest({
      input: [[1]],
      batchDuration: Milliseconds(250),
      numBatches: 3,
      operation: (s) => s.transform((rdd, time) => rdd.map(() => time.milliseconds)),
    });
    expect(out).toEqual([[250], [], []]);
  });

  it('slices each input batch into numPartitions', async () => {
    const out = await runStreamingTest({ input: [[1, 2, 3, 4, 5, 6]], numPartitions: 3, operation: (s) => s.glom() });
    expect(out).toEqual([[[1, 2], [3, 4], [5, 6]]]);
  });

  it('runs two inputs', async () => {
    const out = await runStreamingTest2({ input1: [[1], [2]], input2: [[10], [20]], operation: (a, b) => a.union(b) });
    expect(out).toEqual([[1, 10], [2, 20]]);
  });

  it('TestInputDStream reports pending input, so processAllAvailable drains it', async () => {
    const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('t').set('spark.streaming.clock', 'manual'), Milliseconds(100));
    try {
      const out: number[][] = [];
      const input = new TestInputDStream(ssc, [[1], [2, 3], undefined, [4]], 1);
      input.foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
      await ssc.start();
      expect(input.hasPendingInput()).toBe(true);
      await ssc.processAllAvailable();
      expect(input.hasPendingInput()).toBe(false);
      expect(out).toEqual([[1], [2, 3], [4]]);
      expect(ssc.clock.getTimeMillis()).toBe(400);
    } finally {
      await ssc.stop();
    }
  });

  it('stops its context even when the pipeline fails', async () => {
    await expect(runStreamingTest({ input: [[1]], operation: (s) => s.map((): number => { throw new Error('nope'); }) })).rejects.toThrow(/Batch 1000 ms failed/);
    expect(StreamingContext.getActive()).toBeUndefined();
  });

  it('logs at the level in force by default, at `logLevel` when given, and restores the level after', async () => {
    const lines: string[] = [];
    const keep = (m: string): void => { lines.push(m); };
    setLogSink({ error: keep, warn: keep, info: keep, debug: keep });
    try {
      setLogLevel('INFO');
      const test = { input: [['a']], operation: (s: DStream<string>) => s };
      expect(await runStreamingTest(test)).toEqual([['a']]);
      expect(lines).toEqual(['StreamingContext: StreamingContext started', 'StreamingContext: StreamingContext stopped']);
      lines.length = 0;
      expect(await runStreamingTest({ ...test, logLevel: 'WARN' })).toEqual([['a']]);
      expect(lines).toEqual([]);
      expect(getLogLevel()).toBe('INFO');
    } finally {
      setLogSink(undefined);
      setLogLevel('INFO');
    }
  });
});
