import { describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds, setLogSink, type WorkerTaskScheduler } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { WordCountArgs, WordCountGraph, WordListGraph } from './support/graphs/word-count-graph.ts';
import type { DStream } from '../src/index.ts';

const graphs = new URL('./support/graphs/word-count-graph.ts', import.meta.url);

const batches = [
  ['a b a', 'c a', 'b b d', 'e'],
  ['x y', 'x'],
  [],
  ['a a a a', 'z', 'a z', 'q r s t'],
];

// Outputs are compared between one thread and two workers with the same partitioning (as on
// Spark, local[1] and local[2] differ in their default parallelism, hence in partition order).
function conf(master: string): SparkConf {
  return new SparkConf().setMaster(master).setAppName('parallel-graph').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
}

/** Counts per batch computed in the test, sorted (the engine's order is checked separately). */
function expectedCounts(): [string, number][][] {
  return batches.map((b) => {
    const m = new Map<string, number>();
    for (const l of b) for (const w of l.split(' ')) m.set(w, (m.get(w) ?? 0) + 1);
    return [...m].sort((x, y) => (x[0] < y[0] ? -1 : 1));
  });
}

async function runWordCount(master: string, settings: Record<string, string> = {}): Promise<{ out: [string, number][][]; words: number; inWorkers: number; tasks: number[] | undefined; threads: number; stages: number; requests: number; partitions: number[] }> {
  const c = conf(master);
  for (const [k, v] of Object.entries(settings)) c.set(k, v);
  const ssc = new StreamingContext(c, Seconds(1));
  const out: [string, number][][] = [];
  const partitions: number[] = [];
  try {
    const args: WordCountArgs = { batches, numPartitions: 3 };
    const g = await ssc.buildGraph<WordCountGraph>(graphs, 'wordCount', args);
    g.counts.foreachRDD(async (rdd) => { partitions.push(rdd.getNumPartitions()); out.push(await rdd.collect()); });
    await ssc.start();
    for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);
    const pool = graphWorkerPoolOf(ssc);
    const scheduler = pool === undefined ? undefined : ((ssc.sparkContext as unknown as { taskScheduler: WorkerTaskScheduler }).taskScheduler);
    return { out, words: g.words.value, inWorkers: g.inWorkers.value, tasks: scheduler?.counts.perWorker.slice(), threads: pool?.workers.length ?? 1, stages: scheduler?.counts.remoteStages ?? 0, requests: scheduler?.counts.requests ?? 0, partitions };
  } finally {
    await ssc.stop();
  }
}

describe('buildGraph with worker threads (local[N])', () => {
  it('local[2] runs the graph in two workers with the same output, in the same order, as local[1]', async () => {
    const one = await runWordCount('local[1]');
    const two = await runWordCount('local[2]');
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.out).toEqual(one.out);
    expect(one.out.map((b) => [...b].sort((x, y) => (x[0] < y[0] ? -1 : 1)))).toEqual(expectedCounts());
    // Both workers ran tasks, and the map function really ran outside the main thread.
    expect(two.tasks!.every((n) => n > 0)).toBe(true);
    // Each batch is one job (collect) of two stages (the reduceByKey's map side, then the
    // result), sent to the workers together: one request per job, two stages.
    expect(two.stages).toBe(2 * batches.length);
    expect(two.requests).toBe(batches.length);
    const totalWords = batches.flat().reduce((n, l) => n + l.split(' ').length, 0);
    expect(one.words).toBe(totalWords);
    expect(one.inWorkers).toBe(0);
    // Accumulator deltas from the workers are merged on the driver.
    expect(two.words).toBe(totalWords);
    expect(two.inWorkers).toBe(totalWords);
  }, 60_000);

  it('a collection accumulator gathers what the workers\' tasks added on the driver, each element once, as under local[1]', async () => {
    const collect = async (master: string): Promise<{ seen: [string, 'main' | 'worker'][]; after: number[]; threads: number }> => {
      const ssc = new StreamingContext(conf(master), Seconds(1));
      try {
        const g = await ssc.buildGraph<WordListGraph>(graphs, 'wordList', { batches, numPartitions: 3 } satisfies WordCountArgs);
        // Its size as the output operation reads it after each batch's job.
        const after: number[] = [];
        g.counts.foreachRDD(async (rdd) => { await rdd.collect(); after.push(g.seen.value.length); });
        await ssc.start();
        for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);
        return { seen: g.seen.value, after, threads: graphWorkerPoolOf(ssc)?.workers.length ?? 1 };
      } finally {
        await ssc.stop();
      }
    };
    const one = await collect('local[1]');
    const two = await collect('local[2]');
    expect(two.threads).toBe(2);
    const words = batches.flat().flatMap((l) => l.split(' ')).sort();
    const byWord = (xs: [string, string][]): string[] => xs.map(([w]) => w).sort();
    expect(byWord(one.seen)).toEqual(words);
    expect(byWord(two.seen)).toEqual(words);
    // Every element was added in a worker and structured-cloned to the driver.
    expect(one.seen.every(([, t]) => t === 'main')).toBe(true);
    expect(two.seen.every(([, t]) => t === 'worker')).toBe(true);
    // Each batch's elements are there once its job is over, not before, not twice.
    const upTo = (i: number): number => batches.slice(0, i + 1).flat().reduce((n, l) => n + l.split(' ').length, 0);
    expect(one.after).toEqual(batches.map((_, i) => upTo(i)));
    expect(two.after).toEqual(one.after);
  }, 60_000);

  it('local[4] above spark.kindling.workers.maxThreads keeps its 4 partitions per stage and runs them on that many workers, with local[1]\'s output', async () => {
    // local[N]'s N sets the partitions (defaultParallelism), as on Spark; the threads are capped
    // (one per core by default: more isolates than cores only add heaps and hand-overs).
    const one = await runWordCount('local[1]', { 'spark.default.parallelism': '4' });
    const four = await runWordCount('local[4]', { 'spark.default.parallelism': '4', 'spark.kindling.workers.maxThreads': '2' });
    expect(four.threads).toBe(2);
    expect(one.partitions).toEqual(batches.map(() => 4));
    expect(four.partitions).toEqual(batches.map(() => 4));
    expect(four.out).toEqual(one.out);
    expect(one.out.map((b) => [...b].sort((x, y) => (x[0] < y[0] ? -1 : 1)))).toEqual(expectedCounts());
    // Every task ran in one of the two workers: per batch, the 3 input partitions' map side
    // and the 4 reduce partitions (worker r owns partitions p with p mod 2 = r).
    expect(four.tasks).toHaveLength(2);
    expect(four.tasks!.every((n) => n > 0)).toBe(true);
    expect(four.tasks!.reduce((a, b) => a + b, 0)).toBe(batches.length * (3 + 4));
    expect(four.inWorkers).toBe(batches.flat().reduce((n, l) => n + l.split(' ').length, 0));
  }, 60_000);

  it('a sort\'s range bounds and zipWithIndex\'s offsets are computed inside the job, with the same top N as local[1]', async () => {
    const top = 3;
    const runTop = async (master: string): Promise<{ out: [string, number][][]; requests: number; stages: number; jobs: number; tasks: number[] }> => {
      const ssc = new StreamingContext(conf(master), Seconds(1));
      const out: [string, number][][] = [];
      let jobs = 0;
      ssc.sparkContext.addJobListener({ onJobStart: () => { jobs++; } });
      try {
        const s = await ssc.buildGraph<DStream<[string, number]>>(graphs, 'topWords', { batches, numPartitions: 3, top });
        s.foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
        await ssc.start();
        for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);
        const scheduler = graphWorkerPoolOf(ssc)?.taskScheduler;
        return { out, requests: scheduler?.counts.requests ?? 0, stages: scheduler?.counts.remoteStages ?? 0, jobs, tasks: scheduler?.counts.perWorker.slice() ?? [] };
      } finally {
        await ssc.stop();
      }
    };
    const one = await runTop('local[1]');
    const two = await runTop('local[2]');
    // The known answer: each batch's words by count, then word, both descending, ranked.
    const expected = expectedCounts().map((b) => [...b]
      .sort((x, y) => (y[1] - x[1]) || (x[0] < y[0] ? 1 : -1))
      .slice(0, top)
      .map(([w], i) => [w, i] as [string, number]));
    expect(one.out).toEqual(expected);
    expect(two.out).toEqual(expected);
    expect(two.tasks).toHaveLength(2);
    for (const n of two.tasks) expect(n).toBeGreaterThan(0);
    // On one thread each batch runs three jobs: the sort's sampling, zipWithIndex's counting
    // and the collect. In the workers the first two are steps of the collect's job: one job
    // and one request per batch, with its two stages (the word count's map side, the sort's).
    expect(one.jobs).toBe(3 * batches.length);
    expect(two.jobs).toBe(batches.length);
    expect(two.requests).toBe(batches.length);
    expect(two.stages).toBe(3 * batches.length);
  }, 60_000);

  it('an error in a sort\'s range sampling in a worker fails the batch with the original error', async () => {
    const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
    try {
      const s = await ssc.buildGraph<DStream<[string, number]>>(graphs, 'failingSort', { batches: [['ok boom x y z']], numPartitions: 2 });
      s.foreachRDD(async (rdd) => { await rdd.collect(); });
      await ssc.start();
      const err = await (ssc.clock as ManualClock).advance(1000).then(() => undefined, (e: unknown) => e as Error);
      expect(err?.name).toBe('BatchFailedError');
      expect(err?.message).toMatch(/Batch 1000 ms failed.*Failed to compute partition \d of .*cannot rank boom/s);
      const cause = (err!.cause as Error);
      expect(cause.name).toBe('RDDComputeError');
      expect((cause.cause as Error).stack).toMatch(/word-count-graph\.ts[\s\S]*in worker thread \d/);
    } finally {
      await ssc.stop();
    }
  }, 60_000);

  it('an RDD created in an output operation runs on the driver over the workers\' partitions', async () => {
    const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
    const seen: [string, number][][] = [];
    try {
      const g = await ssc.buildGraph<WordCountGraph>(graphs, 'wordCount', { batches, numPartitions: 2 });
      g.counts.foreachRDD(async (rdd) => {
        seen.push(await rdd.map(([w, n]) => [w.toUpperCase(), n * 10] as [string, number]).filter(([, n]) => n > 10).sortBy(([w]) => w).collect());
      });
      await ssc.start();
      for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);
    } finally {
      await ssc.stop();
    }
    const expected = expectedCounts().map((b) => b.filter(([, n]) => n > 1).map(([w, n]) => [w.toUpperCase(), n * 10]));
    expect(seen).toEqual(expected);
  }, 60_000);

  it('a worker whose graph differs fails the batch naming the stream', async () => {
    const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
    try {
      const s = await ssc.buildGraph<DStream<number>>(graphs, 'divergent', { batches, numPartitions: 2 });
      s.foreachRDD(async (rdd) => { await rdd.collect(); });
      await ssc.start();
      await expect((ssc.clock as ManualClock).advance(1000)).rejects.toThrow(/Batch 1000 ms failed.*generated different RDDs for batch 1000 ms than the driver at stream transform#1/s);
      // The job's request went out before the workers' answers to the batch came back: each
      // worker compared its fingerprint with the driver's itself and refused to compute.
      expect(graphWorkerPoolOf(ssc)!.tasksPerWorker()).toEqual([0, 0]);
      expect(graphWorkerPoolOf(ssc)!.taskScheduler!.counts.requests).toBeGreaterThan(0);
    } finally {
      await ssc.stop();
    }
  }, 60_000);

  it('an input stream created outside the graph module is refused at start(), naming it, instead of failing its first batch inside the workers', async () => {
    const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
    try {
      const g = await ssc.buildGraph<WordCountGraph>(graphs, 'wordCount', { batches, numPartitions: 2 } satisfies WordCountArgs);
      g.counts.foreachRDD(async (rdd) => { await rdd.collect(); });
      // An input the workers never built: they cannot read its batches.
      ssc.queueStream([['outside']]).foreachRDD(async (rdd) => { await rdd.collect(); });
      const error = await ssc.start().then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(/queueStream#\d+: an input stream created outside the graph module.*Create every input stream inside the graph module/s);
      expect(ssc.getState()).toBe('STOPPED');
    } finally {
      await ssc.stop();
    }
  }, 60_000);

  it('an error in a worker surfaces as the batch failure with the RDD, partition and original stack', async () => {
    const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
    try {
      const s = await ssc.buildGraph<DStream<number>>(graphs, 'failing', { batches: [['ok', 'boom', 'x', 'y']], numPartitions: 2 });
      s.foreachRDD(async (rdd) => { await rdd.collect(); });
      await ssc.start();
      const err = await (ssc.clock as ManualClock).advance(1000).then(() => undefined, (e: unknown) => e as Error);
      expect(err?.name).toBe('BatchFailedError');
      expect(err?.message).toMatch(/Batch 1000 ms failed.*Failed to compute partition 0 of .*cannot handle boom/s);
      const cause = (err!.cause as Error);
      expect(cause.name).toBe('RDDComputeError');
      expect((cause.cause as Error).stack).toMatch(/word-count-graph\.ts[\s\S]*in worker thread 0/);
    } finally {
      await ssc.stop();
    }
  }, 60_000);

  it('a worker that dies fails its batch clearly', async () => {
    const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
    try {
      const s = await ssc.buildGraph<DStream<number>>(graphs, 'dying', { batches: [['a', 'b'], ['c', 'die']], numPartitions: 2 });
      s.foreachRDD(async (rdd) => { await rdd.collect(); });
      await ssc.start();
      await (ssc.clock as ManualClock).advance(1000);
      await expect((ssc.clock as ManualClock).advance(1000)).rejects.toThrow(/Batch 2000 ms failed.*Worker thread 1 was lost \(exited with code 3\)/s);
    } finally {
      await ssc.stop();
    }
  }, 60_000);

  it('a graph built inline under local[N] runs on the main thread, with one warning saying how to go parallel', async () => {
    const warnings: string[] = [];
    setLogSink({ error: () => {}, warn: (m) => warnings.push(m), info: () => {}, debug: () => {} });
    try {
      const runInline = async (master: string): Promise<number[][]> => {
        const ssc = new StreamingContext(conf(master), Seconds(1));
        const out: number[][] = [];
        try {
          ssc.queueStream([[1, 2, 3]]).map((x) => x * 2).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
          await ssc.start();
          await (ssc.clock as ManualClock).advance(1000);
          expect(graphWorkerPoolOf(ssc)).toBeUndefined();
        } finally {
          await ssc.stop();
        }
        return out;
      };
      expect(await runInline('local[1]')).toEqual([[2, 4, 6]]);
      expect(warnings.filter((w) => w.includes('buildGraph'))).toEqual([]);
      expect(await runInline('local[2]')).toEqual([[2, 4, 6]]);
      expect(await runInline('local[*]')).toEqual([[2, 4, 6]]);
      const parallel = warnings.filter((w) => w.includes('buildGraph'));
      expect(parallel).toHaveLength(1);
      expect(parallel[0]).toMatch(/local\[2\] asks for 2 threads, but this graph was built inline, so it runs on the main thread.*await ssc\.buildGraph\(new URL\('\.\/pipeline\.ts', import\.meta\.url\), 'build', args\)/);
    } finally {
      setLogSink(undefined);
    }
  });

  it('buildGraph names the module and export it cannot use, and refuses arguments it cannot copy', async () => {
    const ssc = new StreamingContext(conf('local[2]'), Seconds(1));
    try {
      await expect(ssc.buildGraph(graphs, 'noSuchExport', {})).rejects.toThrow(/word-count-graph\.ts, 'noSuchExport'\): the module has no exported function 'noSuchExport' \(exports: .*wordCount/);
      await expect(ssc.buildGraph(graphs, 'wordCount', { f: () => 1 })).rejects.toThrow(/args must be structured-cloneable data/);
    } finally {
      await ssc.stop();
    }
  });
});
