// A checkpoint written under local[2] (graph in two worker threads, state checkpointed by them)
// and recovered under local[1], and the reverse: the restarted program continues exactly as a
// run that was never stopped, batch for batch, for state (updateStateByKey, mapWithState),
// windows with and without an inverse, and programs combining them. spark.default.parallelism
// is left unset, so the partition counts of the state change with the master (2, then 1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import type { DStream } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { SuiteInput } from './support/graphs/suite-graphs.ts';

const suite = new URL('./support/graphs/suite-graphs.ts', import.meta.url);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const input: SuiteInput = {
  nums: [range(1, 4), range(5, 8), range(9, 12), [], [1, 2], [3], [4, 5], [6]],
  words: [['a', 'a', 'b'], ['', ''], [], ['b', 'c', 'a'], ['a'], ['c'], ['d', 'a'], ['b']],
  left: [[['a', 1], ['b', 2], ['a', 3]], [['b', 5]], [], [['c', 1], ['a', 2]], [['a', 1]], [['z', 3]], [['a', 4], ['c', 1]], [['b', 1]]],
  right: [[['a', 'x'], ['c', 'y']], [['b', 'z'], ['b', 'w']], [['a', 'q']], [['c', 'v']], [], [['a', 'r']], [], [['b', 's']]],
};
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Each output's records per batch time (order-free), and the replays that differed from the first run of their batch. */
interface Outputs { readonly byBatch: Map<string, string>; readonly replaysDiffering: string[] }

async function phase(master: string, exportName: string, dir: string, batches: number, out: Outputs): Promise<number> {
  const conf = new SparkConf().setMaster(master).setAppName('checkpoint-master-switch').set('spark.streaming.clock', 'manual');
  const ssc = await StreamingContext.getOrCreate(dir, async () => {
    const ssc = new StreamingContext(conf, Seconds(1));
    const streams = await ssc.buildGraph<Record<string, DStream<unknown>>>(suite, exportName, { ...input, checkpointDir: dir });
    for (const [name, s] of Object.entries(streams)) {
      s.foreachRDD(async (rdd, time) => {
        const records = JSON.stringify((await rdd.collect()).map((r) => JSON.stringify(r)).sort());
        const key = `${name} @ ${time.milliseconds}`;
        const before = out.byBatch.get(key);
        if (before !== undefined && before !== records) out.replaysDiffering.push(`${key}: ${before} then ${records}`);
        out.byBatch.set(key, records);
      });
    }
    return ssc;
  });
  try {
    await ssc.start();
    for (let i = 0; i < batches; i++) await (ssc.clock as ManualClock).advance(1000);
    return graphWorkerPoolOf(ssc)?.workers.length ?? 1;
  } finally {
    await ssc.stop();
  }
}

async function runs(exportName: string, masters: readonly string[]): Promise<{ out: Outputs; threads: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-master-switch-'));
  dirs.push(dir);
  const out: Outputs = { byBatch: new Map(), replaysDiffering: [] };
  const threads: number[] = [];
  // Stopped after batch 4 (its checkpoint is the newest), recovered for batches 4 (again) to 8.
  if (masters.length === 1) threads.push(await phase(masters[0]!, exportName, dir, input.nums.length, out));
  else for (const [i, m] of masters.entries()) threads.push(await phase(m, exportName, dir, i === 0 ? 4 : input.nums.length - 4, out));
  return { out, threads };
}

describe('a checkpoint recovered under another local[N]', () => {
  for (const exportName of ['stateOperations', 'windowOperations', 'compoundPrograms']) {
    it(`${exportName}: local[2] -> local[1] and local[1] -> local[2] continue as an uninterrupted run`, async () => {
      const reference = await runs(exportName, ['local[1]']);
      expect(reference.out.byBatch.size).toBeGreaterThan(0);
      if (exportName === 'stateOperations') {
        // The reference itself, against totals counted here: every word of the 8 batches.
        const totals = new Map<string, number>();
        for (const b of input.words) for (const w of b) totals.set(w, (totals.get(w) ?? 0) + 1);
        expect(reference.out.byBatch.get('updateStateByKey @ 8000')).toBe(JSON.stringify([...totals].map((p) => JSON.stringify(p)).sort()));
      }
      for (const masters of [['local[2]', 'local[1]'], ['local[1]', 'local[2]']]) {
        const switched = await runs(exportName, masters);
        expect(switched.threads, 'the graph ran on the threads each master gives').toEqual(masters.map((m) => (m === 'local[2]' ? 2 : 1)));
        expect(switched.out.replaysDiffering, `${masters.join(' -> ')}: the replayed batch`).toEqual([]);
        expect(Object.fromEntries(switched.out.byBatch), masters.join(' -> ')).toEqual(Object.fromEntries(reference.out.byBatch));
      }
    }, 180_000);
  }
});
