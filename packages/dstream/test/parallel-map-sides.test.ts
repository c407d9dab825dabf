import { describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds, type WorkerTaskScheduler } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { BranchesGraph, WordCountArgs } from './support/graphs/word-count-graph.ts';

const graphs = new URL('./support/graphs/word-count-graph.ts', import.meta.url);

const batches = [
  ['apple bob avocado', 'cat bob'],
  ['dog', 'bob cat cow', 'ant'],
  [],
  ['eel eel emu', 'bob'],
];
const numPartitions = 3;

function conf(master: string): SparkConf {
  return new SparkConf().setMaster(master).setAppName('parallel-map-sides').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
}

interface Outputs {
  perWord: [string, number][][];
  perLength: [number, number][][];
  byInitial: [string, string[]][][];
}

const byKey = <K extends string | number, V>(xs: readonly [K, V][]): [K, V][] => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

/** Each batch's three answers, computed here from the input. */
function expected(input: readonly (readonly string[])[]): Outputs {
  const out: Outputs = { perWord: [], perLength: [], byInitial: [] };
  for (const b of input) {
    const words = b.flatMap((l) => l.split(' '));
    const count = <K>(key: (w: string) => K): Map<K, number> => {
      const m = new Map<K, number>();
      for (const w of words) m.set(key(w), (m.get(key(w)) ?? 0) + 1);
      return m;
    };
    const initials = new Map<string, string[]>();
    for (const w of words) initials.set(w[0]!, [...(initials.get(w[0]!) ?? []), w]);
    out.perWord.push(byKey([...count((w) => w)]));
    out.perLength.push(byKey([...count((w) => w.length)]));
    out.byInitial.push(byKey([...initials].map(([k, ws]) => [k, ws.sort()] as [string, string[]])));
  }
  return out;
}

/** With `everyOther`, the per-word output runs its job only in the batches of even seconds (it reads the accumulator either way). */
async function run(master: string, input: readonly (readonly string[])[], failOn?: string, everyOther = false) {
  const ssc = new StreamingContext(conf(master), Seconds(1));
  const out: Outputs = { perWord: [], perLength: [], byInitial: [] };
  // The split accumulator as each output operation reads it after its job: a map side computed
  // ahead of its job must count in the job that takes it, as on one thread.
  const seen: number[] = [];
  try {
    const args: WordCountArgs & { failOn?: string } = { batches: input, numPartitions, failOn };
    const g = await ssc.buildGraph<BranchesGraph>(graphs, 'branches', args);
    // A first output that reads no branch: its job takes none of the map sides.
    g.lines.foreachRDD(async (rdd) => { await rdd.count(); seen.push(g.splits.value); });
    g.perWord.foreachRDD(async (rdd, time) => {
      if (!everyOther || time.milliseconds % 2000 === 0) out.perWord.push(byKey(await rdd.collect()));
      seen.push(g.splits.value);
    });
    g.perLength.foreachRDD(async (rdd) => { out.perLength.push(byKey(await rdd.collect())); seen.push(g.splits.value); });
    g.byInitial.foreachRDD(async (rdd) => { out.byInitial.push(byKey(await rdd.collect())); seen.push(g.splits.value); });
    await ssc.start();
    let error: Error | undefined;
    for (let i = 0; i < input.length && error === undefined; i++) {
      error = await (ssc.clock as ManualClock).advance(1000).then(() => undefined, (e: unknown) => e as Error);
    }
    const pool = graphWorkerPoolOf(ssc);
    // A failed batch stops the context (and releases its threads): no stats then.
    const stats = pool === undefined || error !== undefined ? [] : await pool.stats();
    const scheduler = pool === undefined ? undefined : ((ssc.sparkContext as unknown as { taskScheduler: WorkerTaskScheduler }).taskScheduler);
    return { out, error, seen, splits: g.splits.value, splitLines: g.splitLines.value, initials: g.initials.value, threads: pool?.workers.length ?? 1, tasks: pool?.tasksPerWorker() ?? [], ahead: stats.map((s) => s.mapSidesAhead), counts: scheduler === undefined ? undefined : { ...scheduler.counts } };
  } finally {
    await ssc.stop();
  }
}

describe('map sides over a shared partition in worker threads (local[N])', () => {
  it('one pass per partition computes the three branches\' map sides; outputs equal local[1]\'s and the computed answers', async () => {
    const lines = batches.reduce((n, b) => n + b.length, 0);
    const one = await run('local[1]', batches);
    const two = await run('local[2]', batches);
    expect(one.error).toBeUndefined();
    expect(two.error).toBeUndefined();
    expect(one.out).toEqual(expected(batches));
    expect(two.out).toEqual(one.out);
    expect(two.threads).toBe(2);
    for (const n of two.tasks) expect(n).toBeGreaterThan(0);
    // Every line was split once under both masters, though three jobs read the split words.
    expect(one.splits).toBe(lines);
    expect(two.splits).toBe(lines);
    // The collection accumulator's elements cross from the workers' passes to the driver
    // (structured-cloned) once each: every input line, once.
    const allLines = batches.flat().sort();
    expect([...one.splitLines].sort()).toEqual(allLines);
    expect([...two.splitLines].sort()).toEqual(allLines);
    // Read after each output's job, the accumulator holds the same counts as on one thread:
    // none of a batch's lines after the job over its lines, all of them once the first branch's
    // job ran (that job computes every branch's map side).
    const upTo = (i: number): number => batches.slice(0, i).reduce((n, b) => n + b.length, 0);
    expect(one.seen).toEqual(batches.flatMap((_, i) => [upTo(i), upTo(i + 1), upTo(i + 1), upTo(i + 1)]));
    expect(two.seen).toEqual(one.seen);
    // In the workers, each batch's three map sides were computed in one pass when the batch was
    // announced (3 per map partition, each partition in the worker that owns it), before the
    // driver asked for them, and the three jobs' map stages took them instead of evaluating the
    // split words again.
    const computed = two.ahead.reduce((n, a) => n + a.computed, 0);
    expect(computed).toBe(3 * numPartitions * batches.length);
    expect(two.ahead.reduce((n, a) => n + a.atBatch, 0)).toBe(computed);
    expect(two.ahead.reduce((n, a) => n + a.taken, 0)).toBe(computed);
    for (const a of two.ahead) expect(a.computed).toBeGreaterThan(0);
    // With an accumulator in the graph, the batch's four output jobs still go to the workers in
    // one request per batch, each output taking its job from it, and the accumulator's updates
    // count in the job that takes them (the values read above).
    expect(two.counts!.requests).toBe(batches.length);
    expect(two.counts!.outputJobsTaken).toBe(4 * batches.length);
  }, 60_000);

  it('an output planned in the batch\'s message that runs no job: the map sides its job computed count in the next output\'s job, as on one thread', async () => {
    const one = await run('local[1]', batches, undefined, true);
    const two = await run('local[2]', batches, undefined, true);
    expect(one.error).toBeUndefined();
    expect(two.error).toBeUndefined();
    const want = expected(batches);
    expect(one.out).toEqual({ ...want, perWord: want.perWord.filter((_, i) => i % 2 === 1) });
    expect(two.out).toEqual(one.out);
    // Each batch's lines are split once, by the first job that needs the split words: the
    // per-word job in the batches it runs, the per-length job in the others (in the workers,
    // the per-word job planned in the batch's message computed them, and they count when the
    // per-length job takes its map side).
    const lines = batches.reduce((n, b) => n + b.length, 0);
    const upTo = (i: number): number => batches.slice(0, i).reduce((n, b) => n + b.length, 0);
    expect(one.seen).toEqual(batches.flatMap((_, i) => [upTo(i), i % 2 === 1 ? upTo(i + 1) : upTo(i), upTo(i + 1), upTo(i + 1)]));
    expect(two.seen).toEqual(one.seen);
    expect(two.splits).toBe(lines);
    expect(two.threads).toBe(2);
    for (const n of two.tasks) expect(n).toBeGreaterThan(0);
    // Batch 1 plans every output, batch 2 (after one where the per-word output ran no job) all
    // but the per-word output's, batches 3 and 4 alike: 4 + 3 + 4 + 3 jobs sent, 3 taken per
    // batch and the per-word output's in batch 4 too.
    expect(two.counts!.outputJobsSent).toBe(14);
    expect(two.counts!.outputJobsTaken).toBe(3 * batches.length);
  }, 60_000);

  it('a branch whose map function throws fails its own output operation, after the earlier ones ran, as on one thread', async () => {
    const input = [['apple bob', 'boom cat']];
    for (const master of ['local[1]', 'local[2]']) {
      const r = await run(master, input, 'boom');
      expect(r.error?.name).toBe('BatchFailedError');
      expect(r.error?.message).toMatch(/Batch 1000 ms failed.*cannot take the initial of boom/s);
      // The two branches before it delivered their outputs (the failing map side ran beside
      // the first one's in the same pass, and was left for its own job to fail).
      expect(r.out.perWord).toEqual(expected(input).perWord);
      expect(r.out.perLength).toEqual(expected(input).perLength);
      expect(r.out.byInitial).toEqual([]);
      if (master === 'local[2]') expect(r.threads).toBe(2);
    }
  }, 60_000);

  it('a branch that throws in every partition adds nothing to accumulators: not in the pass it shared with another branch, not in its own job', async () => {
    // Each partition's first word fails the third branch, whose map function counts its calls
    // before the check. On Spark that branch's tasks all fail (its map side is a task of its
    // own job), so none of their additions count; here its map side also ran beside the first
    // branch's, in that branch's tasks, which succeeded.
    const input = [['boom a', 'boom b', 'boom c']];
    for (const master of ['local[1]', 'local[2]']) {
      const r = await run(master, input, 'boom');
      expect(r.error?.message).toMatch(/cannot take the initial of boom/);
      expect(r.out.perWord).toEqual(expected(input).perWord);
      expect(r.initials).toBe(0);
      // The shared split still counts once per line: the tasks that computed it succeeded.
      expect(r.splits).toBe(3);
      if (master === 'local[2]') expect(r.threads).toBe(2);
    }
  }, 60_000);
});
