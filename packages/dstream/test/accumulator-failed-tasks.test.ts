import { describe, expect, it } from 'vitest';
import { SparkConf, Seconds, type ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { FailingLinesGraph, WordCountArgs } from './support/graphs/word-count-graph.ts';

const graphs = new URL('./support/graphs/word-count-graph.ts', import.meta.url);

// Spark counts a user accumulator's updates only for tasks that succeed
// (`countFailedValues` = false). The lines slice into 3 partitions as
// ['a b', 'c'], ['boom', 'boom x'], ['boom y', 'z']: partition 0 succeeds, 1 and 2 throw at
// their first line, after adding it. Under local[1] the tasks run in partition order (the job
// stops at partition 1); under local[2] worker 0 runs partitions 0 and 2, worker 1 runs
// partition 1. Either way only partition 0's additions count.
const batches = [['a b', 'c', 'boom', 'boom x', 'boom y', 'z']];

async function run(master: string): Promise<{ error: Error | undefined; calls: number; called: string[]; threads: number }> {
  const conf = new SparkConf().setMaster(master).setAppName('accumulator-failed-tasks').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  const ssc = new StreamingContext(conf, Seconds(1));
  try {
    const args: WordCountArgs & { failOn: string } = { batches, numPartitions: 3, failOn: 'boom' };
    const g = await ssc.buildGraph<FailingLinesGraph>(graphs, 'failingLines', args);
    g.checked.foreachRDD(async (rdd) => { await rdd.count(); });
    await ssc.start();
    const threads = graphWorkerPoolOf(ssc)?.workers.length ?? 1;
    const error = await (ssc.clock as ManualClock).advance(1000).then(() => undefined, (e: unknown) => e as Error);
    return { error, calls: g.calls.value, called: g.called.value, threads };
  } finally {
    await ssc.stop();
  }
}

describe('accumulator updates of failed tasks, in the driver and in worker threads', () => {
  for (const master of ['local[1]', 'local[2]']) {
    it(`${master}: a batch's failing tasks add nothing; its tasks that succeeded count once`, async () => {
      const r = await run(master);
      expect(r.threads).toBe(master === 'local[1]' ? 1 : 2);
      expect(r.error?.name).toBe('BatchFailedError');
      expect(r.error?.message).toMatch(/cannot check boom/);
      expect(r.calls).toBe(2);
      expect(r.called).toEqual(['a b', 'c']);
    }, 60_000);
  }
});

// A result task is its partition's computation and the action's function: when `foreach`'s
// function throws on a partition, what computing that partition added is dropped too, also
// when a worker thread computed it (its additions come back apart, per partition, and count
// once the function succeeded on the driver). Batch 1: ['a', 'b'], ['c', 'd'] both succeed;
// batch 2: ['e', 'f'] succeeds, ['boom', 'g'] is computed (adding 'boom' and 'g') and then
// fails in the function. So the map function's additions that count: a b c d e f.
async function runThrowingAction(master: string): Promise<{ errors: string[]; calls: number; called: string[]; threads: number }> {
  const conf = new SparkConf().setMaster(master).setAppName('accumulator-failed-action').set('spark.streaming.clock', 'manual');
  const ssc = new StreamingContext(conf, Seconds(1));
  try {
    const args: WordCountArgs & { failOn: string } = { batches: [['a', 'b', 'c', 'd'], ['e', 'f', 'boom', 'g']], numPartitions: 2, failOn: '\u0000' };
    const g = await ssc.buildGraph<FailingLinesGraph>(graphs, 'failingLines', args);
    g.checked.foreachRDD(async (rdd) => {
      await rdd.foreach((l) => { if (l === 'boom') throw new Error('the action refuses boom'); });
    });
    await ssc.start();
    const threads = graphWorkerPoolOf(ssc)?.workers.length ?? 1;
    const errors: string[] = [];
    for (let b = 0; b < 2; b++) {
      const e = await (ssc.clock as ManualClock).advance(1000).then(() => undefined, (x: unknown) => x as Error);
      if (e !== undefined) errors.push(`${e.name}: ${e.message}`);
    }
    return { errors, calls: g.calls.value, called: [...g.called.value].sort(), threads };
  } finally {
    await ssc.stop();
  }
}

describe("a result task whose action function throws on the driver drops its partition's additions", () => {
  for (const master of ['local[1]', 'local[2]']) {
    it(`${master}: the additions of the partition the function refused (and of none other) are dropped`, async () => {
      const r = await runThrowingAction(master);
      expect(r.threads).toBe(master === 'local[1]' ? 1 : 2);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/BatchFailedError: Batch 2000 ms failed[\s\S]*the action refuses boom/);
      // The same words under both masters: the RDD with the line of the graph module that made it.
      expect(r.errors[0]).toMatch(/Failed to run foreach on partition 1 of MapPartitionsRDD\[\d+\] at map \(from map at word-count-graph\.ts:\d+\): the action refuses boom/);
      expect(r.called).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(r.calls).toBe(6);
    }, 60_000);
  }
});
