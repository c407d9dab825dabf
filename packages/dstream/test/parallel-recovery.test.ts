// StreamingContext.getOrCreate with a graph built by ssc.buildGraph: a local[2] context whose
// graph runs in worker threads stops, then recovers from its checkpoint (the workers rebuild
// the graph and the restored state) and continues exactly as a local[1] context does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import type { DStream } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { SuiteInput } from './support/graphs/suite-graphs.ts';
import { sorted } from './support/state-test-kit.ts';

const suite = new URL('./support/graphs/suite-graphs.ts', import.meta.url);
const input: SuiteInput = {
  nums: [],
  words: [['a', 'a', 'b'], ['c'], ['a'], ['b', 'b'], ['d', 'a'], ['c']],
  left: [],
  right: [],
};
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Runs `batches` batches from a fresh or recovered context; returns the state totals per batch and the worker count. */
async function phase(master: string, dir: string, batches: number): Promise<{ out: [string, number][][]; workers: number }> {
  const out: [string, number][][] = [];
  const conf = new SparkConf().setMaster(master).setAppName('parallel-recovery').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  const ssc = await StreamingContext.getOrCreate(dir, async () => {
    const ssc = new StreamingContext(conf, Seconds(1));
    const streams = await ssc.buildGraph<Record<string, DStream<unknown>>>(suite, 'stateOperations', { ...input, checkpointDir: dir });
    (streams.updateStateByKey as DStream<[string, number]>).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    return ssc;
  });
  try {
    await ssc.start();
    for (let i = 0; i < batches; i++) await (ssc.clock as ManualClock).advance(1000);
    return { out, workers: graphWorkerPoolOf(ssc)?.workers.length ?? 0 };
  } finally {
    await ssc.stop();
  }
}

describe('getOrCreate with buildGraph', () => {
  it('a local[2] context recovers its state from the checkpoint and continues as local[1] does', async () => {
    const results: [string, number][][][] = [];
    for (const master of ['local[1]', 'local[2]']) {
      const dir = mkdtempSync(join(tmpdir(), 'parallel-recovery-'));
      dirs.push(dir);
      const first = await phase(master, dir, 4);
      const second = await phase(master, dir, 2);
      expect(first.workers).toBe(master === 'local[2]' ? 2 : 0);
      expect(second.workers).toBe(first.workers);
      results.push([...first.out, ...second.out]);
    }
    expect(results[1]).toEqual(results[0]);
    // Running totals, computed here; the last batch before the stop (4) runs again on recovery
    // (as Spark), from the checkpointed state, with the same input.
    const totals = (n: number): [string, number][] => {
      const m = new Map<string, number>();
      for (const b of input.words.slice(0, n)) for (const w of b) m.set(w, (m.get(w) ?? 0) + 1);
      return [...m].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    };
    expect(sorted(results[0]!)).toEqual([1, 2, 3, 4, 4, 5, 6].map(totals));
  }, 180_000);
});
