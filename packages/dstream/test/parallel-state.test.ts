// State under worker threads (local[2] with a graph module): the state partitions live on
// their owners, which write their checkpoint parts and cut their lineage there, so lineages
// stay bounded in every worker; the results, and a recovery from a checkpoint written under
// local[2] (into local[1] or local[2]), equal a local[1] run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds, type WorkerTaskScheduler } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import { heldMapOutputs, lineageCounts, type LineageCounts } from '../src/parallel/graph-worker-pool.ts';
import type { ChainedStateGraph, StateGraph, StateGraphInput } from './support/graphs/state-graphs.ts';

const graphs = new URL('./support/graphs/state-graphs.ts', import.meta.url);
const BATCHES = 50;
const vocabulary = ['a', 'b', 'c', 'd', 'e'];
const words: string[][] = Array.from({ length: BATCHES }, (_, i) => Array.from({ length: (i % 4) + 1 }, (_, k) => vocabulary[(i * 7 + k * 3) % vocabulary.length]!));

type Outputs = Record<keyof StateGraph, [string, number][][]>;
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'parallel-state-'));
  dirs.push(d);
  return d;
}

function conf(master: string): SparkConf {
  return new SparkConf().setMaster(master).setAppName('parallel-state').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
}

const byKey = (b: [string, number][]): [string, number][] => [...b].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

/** Running totals after each batch, and the counts of the 4-batch window, computed here. */
function known(): { totals: [string, number][][]; window: [string, number][][] } {
  const totals: [string, number][][] = [];
  const window: [string, number][][] = [];
  const running = new Map<string, number>();
  for (let i = 0; i < BATCHES; i++) {
    for (const w of words[i]!) running.set(w, (running.get(w) ?? 0) + 1);
    totals.push(byKey([...running]));
    const inWindow = new Map<string, number>();
    for (const b of words.slice(Math.max(0, i - 3), i + 1)) for (const w of b) inWindow.set(w, (inWindow.get(w) ?? 0) + 1);
    window.push(byKey([...inWindow]));
  }
  return { totals, window };
}

interface Run {
  out: Outputs;
  workers: number;
  checkpointParts: number[];
  /**
   * Lineage per worker (and the driver's) after batch 30 and after batch 50: every stream then
   * remembers as many batches (mapWithState's default checkpoint interval is 10 batches, so it
   * remembers 20, and its initial empty state is gone), at the same phase of every checkpoint
   * interval. Without the workers cutting their lineage at the checkpoints, it grows by the
   * state RDDs of every batch.
   */
  workerLineage: LineageCounts[][];
  driverLineage: LineageCounts[];
  /** Shuffle map outputs held (see `heldMapOutputs`) at batches 30 and 50: by the driver (one thread), by each worker. */
  driverMapOutputs: number[];
  workerMapOutputs: number[][];
}

async function runAll(master: string): Promise<Run> {
  const ssc = new StreamingContext(conf(master), Seconds(1));
  const out: Outputs = { totals: [], snapshots: [], windowed: [] };
  const workerLineage: LineageCounts[][] = [];
  const driverLineage: LineageCounts[] = [];
  const driverMapOutputs: number[] = [];
  const workerMapOutputs: number[][] = [];
  try {
    const g = await ssc.buildGraph<StateGraph>(graphs, 'statefulCounts', { words, checkpointDir: freshDir() } satisfies StateGraphInput);
    for (const name of ['totals', 'snapshots', 'windowed'] as const) g[name].foreachRDD(async (rdd) => { out[name].push(await rdd.collect()); });
    await ssc.start();
    const pool = graphWorkerPoolOf(ssc);
    for (let i = 1; i <= BATCHES; i++) {
      await (ssc.clock as ManualClock).advance(1000);
      if (i === 30 || i === BATCHES) {
        driverLineage.push(lineageCounts(ssc.graph.createdStreams));
        driverMapOutputs.push(heldMapOutputs(ssc.graph.createdStreams));
        if (pool !== undefined) {
          const stats = await pool.stats();
          workerLineage.push(stats.map((s) => s.lineage));
          workerMapOutputs.push(stats.map((s) => s.mapOutputs));
        }
      }
    }
    const scheduler = pool === undefined ? undefined : (pool.taskScheduler as WorkerTaskScheduler);
    return { out, workers: pool?.workers.length ?? 0, checkpointParts: scheduler?.counts.checkpointParts.slice() ?? [], workerLineage, driverLineage, driverMapOutputs, workerMapOutputs };
  } finally {
    await ssc.stop();
  }
}

describe('state under worker threads', () => {
  let one: Run;
  let two: Run;
  beforeAll(async () => {
    one = await runAll('local[1]');
    two = await runAll('local[2]');
  }, 240_000);

  it('updateStateByKey, mapWithState and an inverse-reduced window give local[1]\'s results, batch by batch, in order', () => {
    expect(two.workers).toBe(2);
    expect(one.workers).toBe(0);
    for (const name of ['totals', 'snapshots', 'windowed'] as const) expect(two.out[name], name).toEqual(one.out[name]);
    const k = known();
    expect(one.out.totals.map(byKey)).toEqual(k.totals);
    expect(one.out.snapshots.map(byKey)).toEqual(k.totals);
    // The inverse reduction keeps keys whose window count dropped to 0 (as Spark without a filter).
    expect(one.out.windowed.map((b) => byKey(b.filter(([, n]) => n > 0)))).toEqual(k.window);
  });

  it('each worker writes the checkpoint parts of the state partitions it owns', () => {
    const [w0, w1] = two.checkpointParts;
    expect(w0).toBeGreaterThan(0);
    // Two partitions per state RDD, one owned by each worker: both wrote the same number.
    expect(w1).toBe(w0);
  });

  it('lineages stay bounded in the workers: the same after 50 batches as after 30, and the same as the driver\'s', () => {
    const [after30, after50] = two.workerLineage;
    expect(after30).toHaveLength(2);
    expect(after50).toEqual(after30);
    for (const w of after50!) expect(w).toEqual(two.driverLineage[1]);
    expect(one.driverLineage[1]).toEqual(one.driverLineage[0]);
  });

  it('the workers drop the shuffle blocks below stored state partitions once the batch is over, as one thread does', () => {
    // One thread releases a shuffle's map outputs once the RDD that read them is stored in
    // full; each worker does, once the batch is over, for the partitions it owns. Before,
    // every worker kept them for as long as its streams remembered the state RDDs (56 each here).
    expect(one.driverMapOutputs).toEqual([0, 0]);
    expect(two.workerMapOutputs).toEqual([[0, 0], [0, 0]]);
  });
});

/** Outputs by batch time (ms), from a fresh or recovered context running `batches` batches. */
async function phase(master: string, dir: string, batches: number): Promise<{ byTime: Map<number, Record<keyof StateGraph, [string, number][]>>; workers: number; checkpointParts: number[] }> {
  const byTime = new Map<number, Record<keyof StateGraph, [string, number][]>>();
  const ssc = await StreamingContext.getOrCreate(dir, async () => {
    const ssc = new StreamingContext(conf(master), Seconds(1));
    const g = await ssc.buildGraph<StateGraph>(graphs, 'statefulCounts', { words, checkpointDir: dir } satisfies StateGraphInput);
    for (const name of ['totals', 'snapshots', 'windowed'] as const) {
      g[name].foreachRDD(async (rdd, time) => {
        const entry = byTime.get(time.milliseconds) ?? ({} as Record<keyof StateGraph, [string, number][]>);
        entry[name] = await rdd.collect();
        byTime.set(time.milliseconds, entry);
      });
    }
    return ssc;
  });
  try {
    await ssc.start();
    for (let i = 0; i < batches; i++) await (ssc.clock as ManualClock).advance(1000);
    const pool = graphWorkerPoolOf(ssc);
    return { byTime, workers: pool?.workers.length ?? 0, checkpointParts: (pool?.taskScheduler as WorkerTaskScheduler | undefined)?.counts.checkpointParts.slice() ?? [] };
  } finally {
    await ssc.stop();
  }
}

describe('recovery from a checkpoint written by worker threads', () => {
  it('resumes under local[1] and under local[2] with the state a local[1] run has', async () => {
    const reference = await phase('local[1]', freshDir(), 12);
    expect([...reference.byTime.keys()]).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 1000));
    for (const target of ['local[1]', 'local[2]']) {
      const dir = freshDir();
      const first = await phase('local[2]', dir, 7);
      expect(first.workers).toBe(2);
      // The state checkpoints the second phase starts from were written by the workers.
      expect(first.checkpointParts.every((n) => n > 0)).toBe(true);
      const second = await phase(target, dir, 5);
      expect(second.workers).toBe(target === 'local[2]' ? 2 : 0);
      const covered = new Set([...first.byTime.keys(), ...second.byTime.keys()]);
      expect([...covered].sort((a, b) => a - b), target).toEqual([...reference.byTime.keys()]);
      // Every batch, including any the recovery ran again, has the uninterrupted run's outputs.
      for (const [t, outputs] of [...first.byTime, ...second.byTime]) expect(outputs, `${target} batch ${t}`).toEqual(reference.byTime.get(t));
      expect(second.byTime.size).toBeGreaterThanOrEqual(5);
    }
  }, 240_000);
});

describe('a checkpointed state over another checkpointed state (SPARK-6847), under worker threads', () => {
  /** Runs `chainedStates` for 40 batches; lineage counts after batches 20 and 40 (driver, then each worker). */
  async function chained(master: string): Promise<{ sums: [string, number][][]; lineage: LineageCounts[][] }> {
    const ssc = new StreamingContext(conf(master), Seconds(1));
    const sums: [string, number][][] = [];
    const lineage: LineageCounts[][] = [];
    try {
      const g = await ssc.buildGraph<ChainedStateGraph>(graphs, 'chainedStates', { words: words.slice(0, 40), checkpointDir: freshDir() } satisfies StateGraphInput);
      g.sums.foreachRDD(async (rdd) => { sums.push(byKey(await rdd.collect())); });
      await ssc.start();
      const pool = graphWorkerPoolOf(ssc);
      for (let i = 1; i <= 40; i++) {
        await (ssc.clock as ManualClock).advance(1000);
        if (i === 20 || i === 40) lineage.push([lineageCounts(ssc.graph.createdStreams), ...(pool === undefined ? [] : (await pool.stats()).map((st) => st.lineage))]);
      }
      return { sums, lineage };
    } finally {
      await ssc.stop();
    }
  }

  it('every job writes both states, so lineages stay bounded in the driver and the workers, with local[1]\'s sums', async () => {
    // The inner state counts each word; the outer sums, batch after batch, the inner counts.
    const counts = new Map<string, number>();
    const outer = new Map<string, number>();
    const expected: [string, number][][] = [];
    for (const batch of words.slice(0, 40)) {
      for (const w of batch) counts.set(w, (counts.get(w) ?? 0) + 1);
      for (const [w, n] of counts) outer.set(w, (outer.get(w) ?? 0) + n);
      expected.push(byKey([...outer]));
    }
    const one = await chained('local[1]');
    const two = await chained('local[2]');
    expect(one.sums).toEqual(expected);
    expect(two.sums).toEqual(expected);
    for (const run of [one, two]) {
      const [after20, after40] = run.lineage;
      expect(after40).toEqual(after20);
    }
    expect(two.lineage[1]).toHaveLength(3);
  }, 240_000);
});
