// Worker threads kept warm across contexts: a context under local[N] takes the threads an
// earlier context of the process gave back (their compiled code warm), and each builds the
// graph anew, so state, caches and RDDs start empty and the results are local[1]'s. A thread
// that died is replaced; idle threads end after spark.kindling.workers.idleTimeout and never
// keep the process alive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds, type WorkerTaskScheduler } from '@kindling/core';
import { StreamingContext, type DStream } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import { WorkerThreadPool } from '../src/parallel/worker-thread-pool.ts';
import { runChild } from './support/child-process.ts';
import type { StateGraph, StateGraphInput } from './support/graphs/state-graphs.ts';
import type { WordCountArgs, WordCountGraph } from './support/graphs/word-count-graph.ts';

const stateGraphs = new URL('./support/graphs/state-graphs.ts', import.meta.url);
const wordGraphs = new URL('./support/graphs/word-count-graph.ts', import.meta.url);
const pool = WorkerThreadPool.shared;

const BATCHES = 8;
const vocabulary = ['a', 'b', 'c', 'd'];
const words: string[][] = Array.from({ length: BATCHES }, (_, i) => Array.from({ length: (i % 3) + 2 }, (_, k) => vocabulary[(i * 5 + k * 3) % vocabulary.length]!));

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function conf(master: string, idleTimeout?: string): SparkConf {
  const c = new SparkConf().setMaster(master).setAppName('parallel-warm-threads').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  if (idleTimeout !== undefined) c.set('spark.kindling.workers.idleTimeout', idleTimeout);
  return c;
}

const byKey = (b: readonly [string, number][]): [string, number][] => [...b].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

/** The running totals after each batch, computed here. */
function knownTotals(): [string, number][][] {
  const running = new Map<string, number>();
  return words.map((batch) => {
    for (const w of batch) running.set(w, (running.get(w) ?? 0) + 1);
    return byKey([...running]);
  });
}

interface StateRun {
  totals: [string, number][][];
  windowed: [string, number][][];
  threads: number[];
  tasks: number[];
  startedDuring: number;
}

/** The stateful graph over `words`, its thread ids, the tasks each ran, and the threads the pool started for it. */
async function runState(master: string, idleTimeout?: string): Promise<StateRun> {
  const startedBefore = pool.started;
  const ssc = new StreamingContext(conf(master, idleTimeout), Seconds(1));
  const dir = mkdtempSync(join(tmpdir(), 'parallel-warm-'));
  dirs.push(dir);
  const totals: [string, number][][] = [];
  const windowed: [string, number][][] = [];
  try {
    const g = await ssc.buildGraph<StateGraph>(stateGraphs, 'statefulCounts', { words, checkpointDir: dir } satisfies StateGraphInput);
    g.totals.foreachRDD(async (rdd) => { totals.push(await rdd.collect()); });
    g.windowed.foreachRDD(async (rdd) => { windowed.push(await rdd.collect()); });
    await ssc.start();
    for (let i = 0; i < BATCHES; i++) await (ssc.clock as ManualClock).advance(1000);
    const workers = graphWorkerPoolOf(ssc);
    const scheduler = workers?.taskScheduler as WorkerTaskScheduler | undefined;
    return { totals, windowed, threads: workers?.threads.map((t) => t.threadId) ?? [], tasks: scheduler?.counts.perWorker.slice() ?? [], startedDuring: pool.started - startedBefore };
  } finally {
    await ssc.stop();
  }
}

async function runWords(graph: 'wordCount' | 'dying', batches: string[][]): Promise<{ out: unknown[][]; threads: number[]; tasks: number[]; error: Error | undefined; inWorkers: number }> {
  const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
  const out: unknown[][] = [];
  let error: Error | undefined;
  try {
    const built = await ssc.buildGraph<WordCountGraph | DStream<number>>(wordGraphs, graph, { batches, numPartitions: 2 } satisfies WordCountArgs);
    const stream = graph === 'wordCount' ? (built as WordCountGraph).counts : (built as DStream<number>);
    (stream as DStream<unknown>).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    await ssc.start();
    try {
      for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);
    } catch (e) {
      error = e as Error;
    }
    const workers = graphWorkerPoolOf(ssc)!;
    return { out, threads: workers.threads.map((t) => t.threadId), tasks: (workers.taskScheduler as WorkerTaskScheduler).counts.perWorker.slice(), error, inWorkers: graph === 'wordCount' ? (built as WordCountGraph).inWorkers.value : 0 };
  } finally {
    await ssc.stop();
  }
}

describe('worker threads kept warm across contexts', () => {
  it('a second context under local[2] reuses the first one\'s threads, with fresh state and local[1]\'s results', async () => {
    const one = await runState('local[1]');
    const first = await runState('local[2]');
    expect(pool.idleCount).toBe(2);
    const second = await runState('local[2]');
    expect(one.totals.map(byKey)).toEqual(knownTotals());
    // State, RDDs and checkpoints of the first context are gone: the second starts from zero.
    for (const run of [first, second]) {
      expect(run.totals).toEqual(one.totals);
      expect(run.windowed).toEqual(one.windowed);
      expect(run.threads).toHaveLength(2);
      expect(run.tasks.every((n) => n > 0)).toBe(true);
    }
    expect(second.threads).toEqual(first.threads);
    expect(second.startedDuring).toBe(0);
  }, 120_000);

  it('a thread that died is replaced by a new one; the survivor is reused', async () => {
    const dying = await runWords('dying', [['a', 'b'], ['c', 'die']]);
    expect(dying.error?.message).toMatch(/Batch 2000 ms failed.*Worker thread 1 was lost \(exited with code 3\)/s);
    const [survivor, dead] = dying.threads;
    const startedBefore = pool.started;
    const batches = [['x y x', 'y'], ['z', 'x z z']];
    const next = await runWords('wordCount', batches);
    expect(pool.started - startedBefore).toBe(1);
    expect(next.threads[0]).toBe(survivor);
    expect(next.threads).not.toContain(dead);
    expect(next.out.map((b) => byKey(b as [string, number][]))).toEqual([[['x', 2], ['y', 2]], [['x', 1], ['z', 3]]]);
    expect(next.tasks.every((n) => n > 0)).toBe(true);
    expect(next.inWorkers).toBe(8);
  }, 120_000);

  it('with spark.kindling.workers.idleTimeout=0 the threads end with their context', async () => {
    const first = await runState('local[2]', '0');
    expect(pool.idleCount).toBe(0);
    const second = await runState('local[2]', '0');
    expect(second.startedDuring).toBe(2);
    expect(second.threads.some((id) => first.threads.includes(id))).toBe(false);
    expect(second.totals.map(byKey)).toEqual(knownTotals());
  }, 120_000);

  it('idle warm threads do not keep the process alive', async () => {
    const r = await runChild(join(import.meta.dirname, 'support/warm-threads-program.ts'), {}, 90_000);
    expect(r.code, r.stderr).toBe(0);
    const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { first: { out: [string, number][][]; threads: number[] }; second: { out: [string, number][][]; threads: number[] }; started: number; idle: number };
    expect(line.first.out.map(byKey)).toEqual([[['a', 2], ['b', 2], ['c', 1]]]);
    expect(line.second.out).toEqual(line.first.out);
    expect(line.second.threads).toEqual(line.first.threads);
    expect(line.started).toBe(2);
    expect(line.idle).toBe(2);
  }, 120_000);
});
