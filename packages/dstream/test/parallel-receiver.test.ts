// Receiver streams under worker threads (local[2] with a graph module): the receiver runs on
// the driver, each received block is sent to the worker owning its partition, and the results
// equal a local[1] run: a custom (queue-like) receiver, and socketTextStream reading a real
// loopback server started here.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds, type WorkerTaskScheduler } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import { waitForStoredRecords } from '../src/testing/index.ts';
import { LineServer } from './support/line-server.ts';
import type { BlockGraph, SocketGraph } from './support/graphs/receiver-graphs.ts';

const graphs = new URL('./support/graphs/receiver-graphs.ts', import.meta.url);

function conf(master: string): SparkConf {
  return new SparkConf().setMaster(master).setAppName('parallel-receiver').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
}

const byKey = (b: [string, number][]): [string, number][] => [...b].sort((x, y) => (x[0] < y[0] ? -1 : 1));

describe('a custom receiver under worker threads', () => {
  const blocks = [['a', 'bb'], ['ccc'], ['dddd', 'e', 'ff'], [], ['ggg', 'h']];
  const total = blocks.flat().length;

  async function run(master: string): Promise<{ out: { partitions: string[][][]; lengths: number[][] }; workers: number; tasks: number[] }> {
    const ssc = new StreamingContext(conf(master), Seconds(1));
    const out = { partitions: [] as string[][][], lengths: [] as number[][] };
    try {
      const g = await ssc.buildGraph<BlockGraph>(graphs, 'listedBlocks', { blocks });
      g.partitions.foreachRDD(async (rdd) => { out.partitions.push(await rdd.collect()); });
      g.lengths.foreachRDD(async (rdd) => { out.lengths.push(await rdd.collect()); });
      await ssc.start();
      await waitForStoredRecords(ssc, total, { timeoutMs: 60_000 });
      await (ssc.clock as ManualClock).advance(1000);
      await (ssc.clock as ManualClock).advance(1000);
      const pool = graphWorkerPoolOf(ssc);
      return { out, workers: pool?.workers.length ?? 0, tasks: (pool?.taskScheduler as WorkerTaskScheduler | undefined)?.counts.perWorker.slice() ?? [] };
    } finally {
      await ssc.stop();
    }
  }

  it('gives every block as one partition, in order, as local[1] does, computed in both workers', async () => {
    const one = await run('local[1]');
    const two = await run('local[2]');
    expect(two.workers).toBe(2);
    expect(two.tasks.every((n) => n > 0)).toBe(true);
    expect(two.out).toEqual(one.out);
    // Known answer: the blocks stored with store(array), one partition each (an empty array
    // stores no block), then an empty batch.
    expect(one.out.partitions).toEqual([blocks.filter((b) => b.length > 0), []]);
    expect(one.out.lengths).toEqual([blocks.flat().map((x) => x.length), []]);
  }, 120_000);
});

describe('socketTextStream under worker threads, from a loopback server started here', () => {
  const batches = [['red green', 'blue red'], ['green', 'cyan cyan red'], [], ['blue']];
  let server: LineServer;
  let port: number;
  let client: Socket | undefined;
  let connected: (() => void) | undefined;
  beforeAll(async () => {
    server = new LineServer((socket) => { client = socket; connected?.(); });
    port = await server.listen(0);
  });
  afterAll(async () => { await server.close(); });

  async function run(master: string): Promise<{ out: { upper: string[][]; counts: [string, number][][]; windowCount: number[][] }; workers: number }> {
    const ssc = new StreamingContext(conf(master), Seconds(1));
    const out = { upper: [] as string[][], counts: [] as [string, number][][], windowCount: [] as number[][] };
    client = undefined;
    try {
      const g = await ssc.buildGraph<SocketGraph>(graphs, 'socketWords', { port });
      g.upper.foreachRDD(async (rdd) => { out.upper.push(await rdd.collect()); });
      g.counts.foreachRDD(async (rdd) => { out.counts.push(await rdd.collect()); });
      g.windowCount.foreachRDD(async (rdd) => { out.windowCount.push(await rdd.collect()); });
      const isConnected = new Promise<void>((resolve) => { connected = resolve; });
      await ssc.start();
      await isConnected;
      let sent = 0;
      for (const lines of batches) {
        for (const l of lines) client!.write(`${l}\n`);
        sent += lines.length;
        // The batch takes exactly these lines: wait until the receiver stored them, then tick.
        await waitForStoredRecords(ssc, sent, { timeoutMs: 60_000 });
        await (ssc.clock as ManualClock).advance(1000);
      }
      return { out, workers: graphWorkerPoolOf(ssc)?.workers.length ?? 0 };
    } finally {
      await ssc.stop();
    }
  }

  it('gives local[1]\'s results batch by batch (records in order; counts and windows equal)', async () => {
    const one = await run('local[1]');
    const two = await run('local[2]');
    expect(two.workers).toBe(2);
    expect(one.workers).toBe(0);
    // Known answers, computed here from what the server sent.
    expect(one.out.upper).toEqual(batches.map((b) => b.map((l) => l.toUpperCase())));
    expect(two.out.upper).toEqual(one.out.upper);
    const counts = batches.map((b) => {
      const m = new Map<string, number>();
      for (const l of b) for (const w of l.split(' ')) m.set(w, (m.get(w) ?? 0) + 1);
      return byKey([...m]);
    });
    // Block boundaries follow arrival times, so compare the counts' content, not their order.
    expect(one.out.counts.map(byKey)).toEqual(counts);
    expect(two.out.counts.map(byKey)).toEqual(counts);
    const windowCounts = batches.map((b, i) => [b.length + (batches[i - 1]?.length ?? 0)]);
    expect(one.out.windowCount).toEqual(windowCounts);
    expect(two.out.windowCount).toEqual(windowCounts);
  }, 120_000);
});
