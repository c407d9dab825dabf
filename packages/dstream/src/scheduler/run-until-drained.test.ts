import { ManualClock, SparkConf, type RDD, type Time } from '@kindling/core';
import { afterEach, describe, expect, it } from 'vitest';
import { InputDStream } from '../input/input-dstream.ts';
import { Seconds, StreamingContext } from '../index.ts';
import { runUntilDrained } from './run-until-drained.ts';

/** An input that always says it has input waiting, and never gives any. */
class NeverDrained extends InputDStream<number> {
  start(): void {}
  stop(): void {}
  compute(_time: Time): RDD<number> | undefined { return undefined; }
  override hasPendingInput(): boolean { return true; }
}

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop(true);
});
const context = (): StreamingContext => {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('drain').set('spark.streaming.clock', 'manual'), Seconds(1));
  contexts.push(ssc);
  return ssc;
};

describe('runUntilDrained', () => {
  it('advances a manual clock batch by batch until the inputs have nothing waiting', async () => {
    const ssc = context();
    const seen: number[][] = [];
    ssc.queueStream([[1], [2], [3]]).foreachRDD(async (rdd) => { seen.push(await rdd.collect()); });
    await ssc.start();
    expect(await runUntilDrained(ssc, ssc.graph.inputStreams)).toBe('drained');
    expect((ssc.clock as ManualClock).getTimeMillis()).toBe(3000);
    await ssc.scheduler.jobScheduler.whenIdle();
    expect(seen).toEqual([[1], [2], [3]]);
  });

  it('ends timed-out after timeoutMs, or stopped when keepGoing says so, on input that never drains', async () => {
    const ssc = context();
    const never = new NeverDrained(ssc);
    never.foreachRDD(() => undefined);
    await ssc.start();
    expect(await runUntilDrained(ssc, [never], { timeoutMs: 20 })).toBe('timed-out');
    let steps = 0;
    expect(await runUntilDrained(ssc, [never], { keepGoing: () => ++steps <= 3 })).toBe('stopped');
    expect(steps).toBe(4);
  });

  it('ends failed once a batch has failed', async () => {
    const ssc = context();
    ssc.queueStream([[1], [2], [3]]).foreachRDD(() => { throw new Error('boom'); });
    await ssc.start();
    expect(await runUntilDrained(ssc, ssc.graph.inputStreams)).toBe('failed');
    await expect(ssc.awaitTermination()).rejects.toThrow(/boom/);
  });
});
