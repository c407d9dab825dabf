// The dual-master suite: Spark's basic, window and state operations (and the test kit) run
// under local[1] and under local[2], where the graph is really built and computed in two worker
// threads; outputs must be identical, batch by batch and in order, and match the known answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import type { DStream } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import { runStreamingTest, runStreamingTest2, type StreamingTestReport } from '../src/testing/index.ts';
import type { SuiteInput } from './support/graphs/suite-graphs.ts';
import { sorted } from './support/state-test-kit.ts';

const suite = new URL('./support/graphs/suite-graphs.ts', import.meta.url);
const kitOps = new URL('./support/graphs/kit-operations.ts', import.meta.url);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

const input: SuiteInput = {
  nums: [range(1, 4), range(5, 8), range(9, 12), [], [1, 2]],
  words: [['a', 'a', 'b'], ['', ''], [], ['b', 'c', 'a'], ['a']],
  left: [[['a', 1], ['b', 2], ['a', 3]], [['b', 5]], [], [['c', 1], ['a', 2]], [['a', 1]]],
  right: [[['a', 'x'], ['c', 'y']], [['b', 'z'], ['b', 'w']], [['a', 'q']], [['c', 'v']], []],
};

interface Run {
  outputs: Record<string, unknown[][]>;
  workers: number;
  tasksPerWorker: number[];
  /** Window combines the workers folded over the batches they held while waiting for their peers' blocks. */
  foldedAhead: number;
}

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function run(master: string, exportName: string, withCheckpoint: boolean): Promise<Run> {
  const conf = new SparkConf().setMaster(master).setAppName('dual-master').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  const ssc = new StreamingContext(conf, Seconds(1));
  const outputs: Record<string, unknown[][]> = {};
  try {
    const args = withCheckpoint ? { ...input, checkpointDir: mkdtempSync(join(tmpdir(), 'dual-master-')) } : input;
    if (withCheckpoint) dirs.push((args as { checkpointDir: string }).checkpointDir);
    const streams = await ssc.buildGraph<Record<string, DStream<unknown>>>(suite, exportName, args);
    for (const [name, s] of Object.entries(streams)) {
      outputs[name] = [];
      s.foreachRDD(async (rdd) => { outputs[name]!.push(await rdd.collect()); });
    }
    await ssc.start();
    for (let i = 0; i < input.nums.length; i++) await (ssc.clock as ManualClock).advance(1000);
    const pool = graphWorkerPoolOf(ssc);
    const foldedAhead = (pool?.taskScheduler?.counts.foldedAhead ?? []).reduce((a, b) => a + b, 0);
    return { outputs, workers: pool?.workers.length ?? 0, tasksPerWorker: pool?.tasksPerWorker() ?? [], foldedAhead };
  } finally {
    await ssc.stop();
  }
}

function describeDual(exportName: string, withCheckpoint: boolean, known: (out: Record<string, unknown[][]>) => void, checkTwo?: (two: Run) => void): void {
  describe(exportName, () => {
    let one: Run;
    let two: Run;
    beforeAll(async () => {
      one = await run('local[1]', exportName, withCheckpoint);
      two = await run('local[2]', exportName, withCheckpoint);
    }, 120_000);

    it('local[2] built the graph in 2 worker threads, and each ran tasks', () => {
      expect(one.workers).toBe(0);
      expect(two.workers).toBe(2);
      expect(two.tasksPerWorker).toHaveLength(2);
      for (const n of two.tasksPerWorker) expect(n).toBeGreaterThan(0);
    });

    it('every output is identical under local[1] and local[2], batch by batch, in order', () => {
      expect(Object.keys(two.outputs).sort()).toEqual(Object.keys(one.outputs).sort());
      for (const name of Object.keys(one.outputs)) expect(two.outputs[name], name).toEqual(one.outputs[name]);
    });

    it('the outputs are the known answers', () => {
      known(one.outputs);
      known(two.outputs);
    });

    if (checkTwo !== undefined) it('local[2] ran as expected in the workers', () => checkTwo(two));
  });
}

describeDual('basicOperations', false, (o) => {
  expect(o.map).toEqual([['1', '2', '3', '4'], ['5', '6', '7', '8'], ['9', '10', '11', '12'], [], ['1', '2']]);
  expect(o.flatMap![0]).toEqual([1, 2, 2, 4, 3, 6, 4, 8]);
  expect(o.filter).toEqual([[2, 4], [6, 8], [10, 12], [], [2]]);
  expect(o.glom![0]).toEqual([[1, 2], [3, 4]]);
  expect(o.mapPartitions!.slice(0, 3)).toEqual([[3, 7], [11, 15], [19, 23]]);
  expect(o.reduce).toEqual([[10], [26], [42], [], [3]]);
  expect(o.count).toEqual([[4], [4], [4], [0], [2]]);
  expect(sorted(o.countByValue!)[0]).toEqual([[0, 1], [1, 2], [2, 1]]);
  expect(sorted(o.reduceByKey!).slice(0, 3)).toEqual([[['a', 2], ['b', 1]], [['', 2]], []]);
  expect(sorted(o.groupByKey!).slice(0, 3)).toEqual([[['a', [1, 1]], ['b', [1]]], [['', [1, 1]]], []]);
  expect(sorted(o.combineByKey!).slice(0, 3)).toEqual([[['a', [4, 2]], ['b', [2, 1]]], [['b', [5, 1]]], []]);
  expect(o.union![0]).toEqual(range(1, 8));
  expect(o.transform![1]).toEqual([[5, 2000], [6, 2000], [7, 2000], [8, 2000]]);
  expect(sorted(o.join!)).toEqual([[['a', [1, 'x']], ['a', [3, 'x']]], [['b', [5, 'w']], ['b', [5, 'z']]], [], [['c', [1, 'v']]], []]);
  expect(sorted(o.leftOuterJoin!)[4]).toEqual([['a', [1, undefined]]]);
  expect(o.sortByInTransform![3]).toEqual([['c', 1], ['b', 1], ['a', 1]]);
});

describeDual('windowOperations', true, (o) => {
  expect(sorted(o.reduceByKeyAndWindow!)).toEqual([
    [['a', 4], ['b', 2]], [['a', 4], ['b', 7]], [['b', 5]], [['a', 2], ['c', 1]], [['a', 3], ['c', 1]],
  ]);
  // batch sums: 1: a 4, b 2 | 2: b 5 | 3: - | 4: a 2, c 1 | 5: a 1
  expect(sorted(o.reduceByKeyAndWindowLong!)).toEqual([
    [['a', 4], ['b', 2]], [['a', 4], ['b', 7]], [['a', 4], ['b', 7]], [['a', 6], ['b', 7], ['c', 1]], [['a', 3], ['b', 5], ['c', 1]],
  ]);
  expect(sorted(o.perBatchSumsInWindow!)).toEqual([
    [['a', [4]], ['b', [2]]], [['a', [4]], ['b', [2, 5]]], [['a', [4]], ['b', [2, 5]]], [['a', [2]], ['b', [5]], ['c', [1]]], [['a', [2, 1]], ['c', [1]]],
  ]);
  expect(o.window!.map((b) => [...(b as number[])].sort((x, y) => x - y))).toEqual([range(1, 4), range(1, 8), range(5, 12), range(9, 12), [1, 2]]);
  expect(o.countByWindow).toEqual([[4], [8], [8], [4], [2]]);
  // a: 1+3 | +0 | | +2 | +1   over 3 batches, keys kept at 0 by the inverse reduction
  expect(sorted(o.reduceByKeyAndWindowInverse!)).toEqual([
    [['a', 4], ['b', 2]], [['a', 4], ['b', 7]], [['a', 4], ['b', 7]], [['a', 2], ['b', 5], ['c', 1]], [['a', 3], ['b', 0], ['c', 1]],
  ]);
}, (two) => {
  // From the second batch on, each of the three windows re-reduced without an inverse had
  // older batches to fold, on each of its two partitions, while the newest batch's blocks
  // were in flight: 4 batches x 3 windows x 2 partitions.
  expect(two.foldedAhead).toBe(24);
});

describeDual('stateOperations', true, (o) => {
  expect(sorted(o.updateStateByKey!)).toEqual([
    [['a', 2], ['b', 1]], [['', 2], ['a', 2], ['b', 1]], [['', 2], ['a', 2], ['b', 1]], [['', 2], ['a', 3], ['b', 2], ['c', 1]], [['', 2], ['a', 4], ['b', 2], ['c', 1]],
  ]);
  expect(sorted(o.mapWithState!)[3]).toEqual([['a', 3], ['b', 2], ['c', 1]]);
});

// Known answers for compoundPrograms, computed here from the input: a batch's window holds the
// input batches in (t - window, t]; outputs compared as sets where Spark gives no order.
type KV = [string, number];
const inWindow = <T>(batches: readonly (readonly T[])[], i: number, size: number): T[] => batches.slice(Math.max(0, i + 1 - size), i + 1).flat();
const asSet = (batch: readonly unknown[]): string[] => batch.map((x) => JSON.stringify(x)).sort();
function joinRef<V, W>(l: readonly [string, V][], r: readonly [string, W][], outer: 'inner' | 'left' | 'full'): unknown[] {
  const out: unknown[] = [];
  const keys = new Set([...l.map(([k]) => k), ...(outer === 'full' ? r.map(([k]) => k) : [])]);
  for (const k of keys) {
    const ls = l.filter(([x]) => x === k).map(([, v]) => v as unknown);
    const rs = r.filter(([x]) => x === k).map(([, w]) => w as unknown);
    if (rs.length === 0 && outer === 'inner') continue;
    for (const v of ls.length > 0 ? ls : [undefined]) for (const w of rs.length > 0 ? rs : [undefined]) out.push([k, [v, w]]);
  }
  return out;
}
function sumsRef(kvs: readonly KV[]): KV[] {
  const m = new Map<string, number>();
  for (const [k, v] of kvs) m.set(k, (m.get(k) ?? 0) + v);
  return [...m];
}

describeDual('compoundPrograms', true, (o) => {
  const left = input.left;
  const right = input.right;
  const n = input.nums.length;
  const each = <T>(f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  expect(o.windowJoin!.map(asSet)).toEqual(each((i) => asSet(joinRef(inWindow(left, i, 2), inWindow(right, i, 3), 'inner'))));
  // slide 2 s: outputs at 2 s and 4 s only
  expect(o.windowLeftOuterJoin!.map(asSet)).toEqual([1, 3].map((i) => asSet(joinRef(sumsRef(inWindow(left, i, 2)), inWindow(right, i, 2), 'left'))));
  expect(o.windowFullOuterJoin!.map(asSet)).toEqual(each((i) => asSet(joinRef(inWindow(left, i, 2), inWindow(right, i, 2), 'full'))));
  const cogroupRef = (i: number): unknown[] => {
    const l = inWindow(left, i, 3);
    const r = inWindow(right, i, 3);
    return [...new Set([...l, ...r].map(([k]) => k))].map((k) => [k, [l.filter(([x]) => x === k).map(([, v]) => v).sort(), r.filter(([x]) => x === k).map(([, w]) => w).sort()]]);
  };
  const sortedGroups = (batch: readonly unknown[]): string[] => asSet((batch as [string, [number[], string[]]][]).map(([k, [vs, ws]]) => [k, [[...vs].sort(), [...ws].sort()]]));
  expect(o.windowCogroup!.map(sortedGroups)).toEqual(each((i) => asSet(cogroupRef(i))));
  const byValue = (xs: number[]): [number, number][] => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<number, number>())];
  expect(o.countByValueAndWindow!.map(asSet)).toEqual(each((i) => asSet(byValue(inWindow(input.nums, i, 3).map((x) => x % 3)))));
  expect(o.reduceByWindowInverse).toEqual(each((i) => [inWindow(input.nums, i, 3).reduce((x, y) => x + y, 0)]));
  o.rankedWindow!.forEach((batch, i) => {
    const ranked = batch as [number, string][];
    for (let j = 1; j < ranked.length; j++) expect(ranked[j - 1]![0]).toBeGreaterThanOrEqual(ranked[j]![0]);
    expect(asSet(ranked)).toEqual(asSet(sumsRef(inWindow(input.words, i, 3).map((w) => [w, 1] as KV)).map(([w, c]) => [c, w])));
  });
  const lookup: [string, string][] = [['a', 'A'], ['c', 'C']];
  expect(o.staticJoin!.map(asSet)).toEqual(each((i) => asSet(joinRef(left[i]!, lookup, 'inner'))));
  expect(o.staticSubtractByKey!.map(asSet)).toEqual(each((i) => asSet(left[i]!.filter(([k]) => k !== 'a' && k !== 'c'))));
  // mapWithState: the initial state counts as updated at the first batch; a key with state and
  // no record times out once idle more than the 2 s timeout, emitting minus its total
  const state = new Map<string, { total: number; last: number }>([['z', { total: 100, last: 1 }], ['a', { total: 10, last: 1 }]]);
  const emitted: string[][] = [];
  const snapshots: string[][] = [];
  left.forEach((batch, i) => {
    const t = i + 1;
    const out: KV[] = [];
    for (const [k, v] of batch) {
      const s = state.get(k) ?? { total: 0, last: t };
      s.total += v;
      s.last = t;
      state.set(k, s);
      out.push([k, s.total]);
    }
    for (const [k, s] of [...state]) {
      if (!batch.some(([x]) => x === k) && t - s.last > 2) { out.push([k, -s.total]); state.delete(k); }
    }
    emitted.push(asSet(out));
    snapshots.push(asSet([...state].map(([k, s]) => [k, s.total])));
  });
  expect(emitted[3]).toContain(JSON.stringify(['z', -100]));
  expect(o.mapWithStateTimeout!.map(asSet)).toEqual(emitted);
  expect(o.mapWithStateSnapshots!.map(asSet)).toEqual(snapshots);
  expect(o.stateJoin!.map(asSet)).toEqual(each((i) => asSet(joinRef(sumsRef(left.slice(0, i + 1).flat()), right[i]!, 'inner'))));
});

describe('the test kit with a graph module', () => {
  it('runs an operation module in worker threads with the same result as local[1]', async () => {
    const reports: StreamingTestReport[] = [];
    const test = { input: [['a', 'a', 'b'], ['', ''], []], graph: { module: kitOps, exportName: 'wordCounts' }, conf: { 'spark.default.parallelism': 2 } };
    const one = await runStreamingTest<string, [string, number]>({ ...test, master: 'local[1]', report: (r) => reports.push(r) });
    const two = await runStreamingTest<string, [string, number]>({ ...test, master: 'local[2]', report: (r) => reports.push(r) });
    expect(two).toEqual(one);
    expect(sorted(one)).toEqual([[['a', 2], ['b', 1]], [['', 2]], []]);
    expect(reports[0]!.workerThreads).toBe(0);
    expect(reports[1]!.workerThreads).toBe(2);
    expect(reports[1]!.tasksPerWorker.every((n) => n > 0)).toBe(true);
  }, 120_000);

  it('runs a two-input operation module (join) in worker threads', async () => {
    const reports: StreamingTestReport[] = [];
    const out = await runStreamingTest2<[string, number], [string, string], [string, [number, string]]>({
      input1: [[['a', 1], ['b', 2]], [['a', 3]]], input2: [[['a', 'x']], [['a', 'y'], ['b', 'z']]],
      graph: { module: kitOps, exportName: 'joined' }, master: 'local[2]', report: (r) => reports.push(r),
    });
    expect(sorted(out)).toEqual([[['a', [1, 'x']]], [['a', [3, 'y']]]]);
    expect(reports[0]!.workerThreads).toBe(2);
  }, 120_000);
});
