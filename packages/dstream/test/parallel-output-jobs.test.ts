import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds, type WorkerTaskScheduler } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { OutputJobsArgs, OutputJobsGraph } from './support/graphs/output-jobs-graph.ts';

const graphs = new URL('./support/graphs/output-jobs-graph.ts', import.meta.url);
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const batches = [
  ['apple bob avocado', 'cat bob', 'bob'],
  ['dog', 'bob cat cow', 'ant'],
  [],
  ['eel eel emu', 'bob', 'cat cat'],
  ['dog dog'],
];

interface Outputs {
  /** Only with `everyOther`: the batches of even seconds. */
  byLength?: [number, number][][];
  perWord: [string, number][][];
  top: [string, number][][];
  byInitial: [string, number][][];
}

const byKey = <V>(xs: readonly [string, V][]): [string, V][] => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

/** Each batch's three answers, worked out here from the input. */
function expected(input: readonly (readonly string[])[]): Outputs {
  const out: Outputs = { perWord: [], top: [], byInitial: [] };
  const totals = new Map<string, number>();
  input.forEach((b, i) => {
    const words = b.flatMap((l) => l.split(' '));
    const perWord = new Map<string, number>();
    for (const w of words) {
      perWord.set(w, (perWord.get(w) ?? 0) + 1);
      totals.set(w, (totals.get(w) ?? 0) + 1);
    }
    out.perWord.push(byKey([...perWord]));
    const ranked = [...totals].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? 1 : -1)).slice(0, 3);
    out.top.push(ranked.map(([w], r) => [w, r]));
    const window = new Map<string, number>();
    for (const l of input.slice(Math.max(0, i - 2), i + 1).flat()) for (const w of l.split(' ')) window.set(w[0]!, (window.get(w[0]!) ?? 0) + w.length);
    out.byInitial.push(byKey([...window]));
  });
  return out;
}

/** With `holdReports`, the workers' reports of what they exchanged ahead never reach the driver's pool (they are counted in `held`). */
async function run(master: string, input: readonly (readonly string[])[], failOn?: string, everyOther = false, holdReports = false, oneAhead = false) {
  const ssc = new StreamingContext(new SparkConf().setMaster(master).setAppName('parallel-output-jobs').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2), Seconds(1));
  const dir = mkdtempSync(join(tmpdir(), 'kindling-output-jobs-'));
  dirs.push(dir);
  const out: Outputs = { perWord: [], top: [], byInitial: [] };
  try {
    const args: OutputJobsArgs = { batches: input, numPartitions: 3, checkpointDir: join(dir, 'checkpoint'), failOn };
    const g = await ssc.buildGraph<OutputJobsGraph>(graphs, 'outputJobs', args);
    let held = 0;
    if (holdReports) graphWorkerPoolOf(ssc)!.onAheadReport = () => { held++; };
    // An output that runs no job over its RDD: sent ahead once, then left out.
    g.lines.foreachRDD(() => {});
    g.perWord.foreachRDD(async (rdd) => { out.perWord.push(await rdd.collect()); });
    g.top.foreachRDD(async (rdd) => { out.top.push(await rdd.collect()); });
    g.byInitial.foreachRDD(async (rdd) => { out.byInitial.push(await rdd.collect()); });
    // An output that runs its job every other batch: after a batch where it ran none, it is not
    // planned, and its job runs on its own.
    if (everyOther) {
      out.byLength = [];
      g.byLength.foreachRDD(async (rdd, time) => { if (time.milliseconds % 2000 === 0) out.byLength!.push(await rdd.collect()); });
    }
    await ssc.start();
    let error: Error | undefined;
    const clock = ssc.clock as ManualClock;
    if (oneAhead) {
      // The clock one batch ahead of the batch running: batch t + 1 is generated (and announced
      // to the workers) while batch t's outputs run, as Spark's timer does for a stream behind.
      let running = clock.advance(1000);
      for (let i = 1; i <= input.length && error === undefined; i++) {
        const next = i < input.length ? clock.advance(1000) : undefined;
        next?.catch(() => undefined);
        error = await running.then(() => undefined, (e: unknown) => e as Error);
        if (next !== undefined) running = next;
      }
    } else {
      for (let i = 0; i < input.length && error === undefined; i++) {
        error = await clock.advance(1000).then(() => undefined, (e: unknown) => e as Error);
      }
    }
    const pool = graphWorkerPoolOf(ssc);
    const scheduler = pool === undefined ? undefined : ((ssc.sparkContext as unknown as { taskScheduler: WorkerTaskScheduler }).taskScheduler);
    const counts = scheduler === undefined ? undefined : { ...scheduler.counts };
    // Each worker's steps started while another lane of its batch's message still ran.
    const stats = pool === undefined || error !== undefined ? [] : await pool.stats();
    const overlapped = stats.map((s) => s.stepsOverlapped);
    return { out, error, held, overlapped, control: stats.map((s) => s.control), threads: pool?.workers.length ?? 1, tasks: pool?.tasksPerWorker() ?? [], counts };
  } finally {
    await ssc.stop();
  }
}

/**
 * Runs `batches` on one thread and on two workers (with `run`'s options after `failOn`), checks
 * that the two workers ran the batches without error and with local[1]'s outputs, and returns
 * the two-worker run.
 */
async function onTwoWorkersAsOnOne(...options: [everyOther?: boolean, holdReports?: boolean, oneAhead?: boolean]) {
  const one = await run('local[1]', batches);
  const two = await run('local[2]', batches, undefined, ...options);
  expect(two.error).toBeUndefined();
  expect(two.out).toEqual(one.out);
  expect(two.threads).toBe(2);
  return two;
}

describe("a batch's output jobs in one message to the worker threads (local[N])", () => {
  it('the outputs take their results from one request per batch, with local[1]\'s outputs in the same order', async () => {
    const one = await run('local[1]', batches);
    const two = await run('local[2]', batches);
    expect(one.error).toBeUndefined();
    expect(two.error).toBeUndefined();
    const want = expected(batches);
    expect(one.out.perWord.map(byKey)).toEqual(want.perWord);
    expect(one.out.top).toEqual(want.top);
    expect(one.out.byInitial.map(byKey)).toEqual(want.byInitial);
    // Byte for byte, in the engine's order (partition order, Spark's order inside each).
    expect(two.out).toEqual(one.out);
    expect(two.threads).toBe(2);
    for (const n of two.tasks) expect(n).toBeGreaterThan(0);
    const c = two.counts!;
    // Three jobs per batch, one request per batch: each output's job took its results from
    // the batch's message. The output that runs no job had its RDD sent in the first batch
    // only.
    expect(c.outputJobsTaken).toBe(3 * batches.length);
    expect(c.outputJobsSent).toBe(3 * batches.length + 1);
    expect(c.requests).toBe(batches.length);
    // The three map sides over the batch's words (the count's, the state's, the window's) were
    // computed and exchanged by every worker when the batch was announced, so their stages were
    // not sent: per batch only the sort's map stage and the three result stages, and the first
    // batch's result stage over the lines.
    expect(c.stagesExchangedAhead).toBe(3 * batches.length);
    expect(c.remoteStages).toBe(4 * batches.length + 1);
  }, 60_000);

  it("the batch's message does not wait for the workers' reports of what they exchanged ahead: each learns it from its peers", async () => {
    // No report reaches the driver: a message that waited for them would never be sent.
    const two = await onTwoWorkersAsOnOne(false, true);
    expect(two.held).toBe(2 * batches.length);
    const c = two.counts!;
    expect(c.requests).toBe(batches.length);
    expect(c.outputJobsTaken).toBe(3 * batches.length);
    // The workers installed the three map sides over the batch's words from what they had
    // exchanged ahead (found from each other's lists), instead of running those stages.
    expect(c.stagesExchangedAhead).toBe(3 * batches.length);
    expect(c.remoteStages).toBe(4 * batches.length + 1);
  }, 60_000);

  it("the message's independent jobs run at once in each worker (one's steps while another waits for its peers), with local[1]'s outputs", async () => {
    const two = await onTwoWorkersAsOnOne();
    // The count's, the state's top 3 and the window's jobs read no shuffle another of them
    // runs: three lanes per batch, whose steps interleave in both workers.
    expect(two.overlapped).toHaveLength(2);
    for (const n of two.overlapped) expect(n).toBeGreaterThanOrEqual(2 * batches.length);
  }, 60_000);

  it("a batch's clear rides with the driver's next message to each worker, so a worker between batches wakes once, not twice", async () => {
    const two = await onTwoWorkersAsOnOne();
    expect(two.control).toHaveLength(2);
    for (const c of two.control) {
      // Per batch at least its announcement, its output jobs' message and its clear.
      expect(c.messages).toBeGreaterThanOrEqual(3 * batches.length);
      // Every batch's clear but perhaps the last came in the same delivery as the next
      // batch's announcement (the last one's with the stats request, or on its own). Before,
      // each clear was a delivery of its own: as many deliveries as messages.
      expect(c.messages - c.deliveries).toBeGreaterThanOrEqual(batches.length - 1);
    }
  }, 60_000);

  it("with the clock one batch ahead (batch t + 1 generated while batch t's outputs run), the outputs are local[1]'s, and each clear goes out at once", async () => {
    const two = await onTwoWorkersAsOnOne(false, false, true);
    const c = two.counts!;
    expect(c.requests).toBe(batches.length);
    expect(c.outputJobsTaken).toBe(3 * batches.length);
    expect(c.stagesExchangedAhead).toBe(3 * batches.length);
    // A batch's clear starts the next batch's map sides in each worker: none was held, except
    // perhaps the last batch's.
    for (const s of two.control) expect(s.messages - s.deliveries).toBeLessThanOrEqual(1);
  }, 60_000);

  it('a job that fails in the workers fails its own output, after the earlier outputs ran, as on one thread', async () => {
    const input = [['apple bob', 'cat'], ['dog boom', 'eel']];
    const results = [];
    for (const master of ['local[1]', 'local[2]']) {
      const r = await run(master, input, 'boom');
      expect(r.error?.name).toBe('BatchFailedError');
      expect(r.error?.message).toMatch(/Batch 2000 ms failed in output operation #2.*cannot count boom/s);
      results.push(r);
    }
    const [one, two] = results;
    // The first batch complete; in the second, the output before the failing one delivered,
    // the one after it never ran.
    const want = expected(input);
    expect(one!.out.perWord.map(byKey)).toEqual(want.perWord);
    expect(one!.out.top).toEqual(want.top.slice(0, 1));
    expect(one!.out.byInitial.map(byKey)).toEqual(want.byInitial.slice(0, 1));
    expect(two!.out).toEqual(one!.out);
    expect(two!.threads).toBe(2);
    // The jobs before the failed one in the second batch's message were kept and taken: the
    // three of the first batch, and the first output's of the second.
    expect(two!.counts!.outputJobsTaken).toBe(4);
  }, 60_000);

  it("an output not planned takes the map sides the workers exchanged ahead, without its map stage sent again", async () => {
    const one = await run('local[1]', batches, undefined, true);
    const two = await run('local[2]', batches, undefined, true);
    expect(one.error).toBeUndefined();
    expect(two.error).toBeUndefined();
    // The counts per length of the batches of seconds 2 and 4, worked out here.
    const lengths = [batches[1]!, batches[3]!].map((b) => {
      const m = new Map<number, number>();
      for (const w of b.flatMap((l) => l.split(' '))) m.set(w.length, (m.get(w.length) ?? 0) + 1);
      return [...m].sort((x, y) => x[0] - y[0]);
    });
    expect(one.out.byLength!.map((b) => [...b].sort((x, y) => x[0] - y[0]))).toEqual(lengths);
    expect(two.out).toEqual(one.out);
    expect(two.threads).toBe(2);
    for (const n of two.tasks) expect(n).toBeGreaterThan(0);
    const c = two.counts!;
    // Batches 1, 3 and 5 plan the output (the first batch plans all; after a batch where it
    // read everything), so its job goes in the batch's message, unused in 1, 3 and 5; in
    // batches 2 and 4 its job runs on its own, one request more each.
    expect(c.outputJobsSent).toBe(3 * batches.length + 1 + 3);
    expect(c.outputJobsTaken).toBe(3 * batches.length);
    expect(c.requests).toBe(batches.length + 2);
    // Its shuffle was exchanged ahead in every batch: listed in the message of batches 1, 3
    // and 5, and in its own job's request in batches 2 and 4, whose only stage sent is the
    // result stage. Before, those two requests sent the map stage as well, and each worker
    // sent its buckets to its peer a second time.
    expect(c.stagesExchangedAhead).toBe(4 * batches.length);
    expect(c.remoteStages).toBe(4 * batches.length + 1 + 3 + 2);
  }, 60_000);
});
