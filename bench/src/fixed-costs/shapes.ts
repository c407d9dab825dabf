/**
 * The programs `bench/fixed-costs.ts` measures, and how one run of a program is timed. Kept
 * apart from the driver so that it can load this module from two checkouts into one process
 * (`--against DIR`) and alternate their engines round by round: each copy of this module
 * imports the engine of the checkout it lies in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf } from '@kindling/core';
import type { JobListener, RDD, SparkContext } from '@kindling/core';
import { Minutes, Seconds, StreamingContext } from '@kindling/dstream';
import { parseOrder } from '@kindling/example-orders-dashboard/src/order.ts';
import type { DStream, ManualClock } from '@kindling/dstream';
import { bookListing } from '../workloads/orders-book/orders-book-graph.ts';
import { findBookOrders } from '../data/book-orders.ts';
import { generateTextRecords } from '../data/text-records.ts';

/** What a shape builds on a fresh context: its output operations, and what one batch's input is. */
export interface Program {
  /** Queues the input of the next batch. */
  feed(): void;
}

export interface Shape {
  readonly name: string;
  readonly what: string;
  build(ssc: StreamingContext, dir: string): Program;
  /** A shape without Kindling: the same work per batch as a plain loop (the baseline of the shape above it). */
  readonly hand?: () => () => void;
}

const GREP_RECORDS = 5000;
let grepBatch: string[] | undefined;

/** One batch of the grep workload: 5,000 100-byte records of the bench's text generator. */
function grepRecords(): string[] {
  grepBatch ??= generateTextRecords({ count: GREP_RECORDS, seed: 42, vocabulary: 10_000 });
  return grepBatch;
}

/** A few lines, as a grep or word count batch holds them. */
const LINES = ['the quick brown fox', 'jumps over', 'the lazy dog', 'and then some', 'more words here', 'lorem ipsum', 'dolor sit', 'amet the end'];

function queued<T>(ssc: StreamingContext, batch: readonly T[]): { stream: DStream<T>; feed: () => void } {
  const queue: (readonly T[])[] = [];
  return { stream: ssc.queueStream<T>(queue as T[][]), feed: () => { queue.push(batch); } };
}

export const shapes: Shape[] = [
  {
    name: 'noop',
    what: 'foreachRDD doing nothing: batch generation and scheduling only, no job',
    build(ssc) {
      const { stream, feed } = queued(ssc, LINES);
      stream.foreachRDD(() => {});
      return { feed };
    },
  },
  {
    name: 'collect',
    what: 'map(...).foreachRDD(collect): one job, one stage, no shuffle',
    build(ssc) {
      const { stream, feed } = queued(ssc, LINES);
      let n = 0;
      stream.map((l) => l.length).foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      return { feed };
    },
  },
  {
    name: 'count',
    what: 'filter(...).count() + collect: grep (DStream.count goes through a shuffle)',
    build(ssc) {
      const { stream, feed } = queued(ssc, LINES);
      let n = 0;
      stream.filter((l) => l.includes('the')).count().foreachRDD(async (rdd) => { n += (await rdd.collect())[0]!; });
      return { feed };
    },
  },
  {
    name: 'grep',
    what: `the grep workload's batch: filter(_.contains("the")).count() + collect over ${GREP_RECORDS} records`,
    build(ssc) {
      const { stream, feed } = queued(ssc, grepRecords());
      let n = 0;
      stream.filter((l) => l.includes('the')).count().foreachRDD(async (rdd) => { n += (await rdd.collect())[0]!; });
      return { feed };
    },
  },
  {
    name: 'grep-hand',
    what: 'the same batch counted by a plain loop (no Kindling): grep minus grep-hand is the engine\'s cost per batch',
    build() { throw new Error('a hand shape has no program'); },
    hand() {
      const lines = grepRecords();
      let total = 0;
      return () => {
        let n = 0;
        for (let i = 0; i < lines.length; i++) if (lines[i]!.includes('the')) n++;
        total += n;
      };
    },
  },
  {
    name: 'reduceByKey',
    what: 'flatMap words, reduceByKey, collect: one shuffle',
    build(ssc) {
      const { stream, feed } = queued(ssc, LINES);
      let n = 0;
      stream.flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b)
        .foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      return { feed };
    },
  },
  {
    name: 'top',
    what: 'transform(sortBy + zipWithIndex + filter) + collect: the book\'s top 5 (sampling and counting jobs)',
    build(ssc) {
      const { stream, feed } = queued(ssc, LINES);
      let n = 0;
      stream.flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b)
        .transform((rdd) => rdd.sortBy((x) => x[1], false).map((x) => x[0]).zipWithIndex().filter((x) => x[1] < 5))
        .foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      return { feed };
    },
  },
  {
    name: 'book',
    what: 'the book\'s listing (orders-small\'s program) on 20-line batches, checkpointed',
    build(ssc, dir) {
      const file = join(dir, 'orders-20.txt');
      writeFileSync(file, bookLines(20));
      const queue: RDD<string>[] = [];
      const sc = ssc.sparkContext;
      const { numPerType, top5clients, topStocks } = bookListing(ssc.queueStream(queue));
      let n = 0;
      numPerType.foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      top5clients.foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      topStocks.foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      ssc.checkpoint(join(dir, 'checkpoint'));
      return { feed: () => { queue.push(sc.textFile(file)); } };
    },
  },
  {
    name: 'book-types',
    what: 'the book\'s buys/sells branch alone (parse, map, reduceByKey, collect) on 20-line batches',
    build(ssc, dir) {
      const { lines, feed } = bookInput(ssc, dir);
      let n = 0;
      lines.flatMap(parseOrder).map((o) => [o.buy, 1] as [boolean, number]).reduceByKey((a, b) => a + b)
        .foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      return { feed };
    },
  },
  {
    name: 'book-window',
    what: 'the book\'s top-stocks branch alone (60-minute reduceByKeyAndWindow, sortBy + zipWithIndex top 5) on 20-line batches',
    build(ssc, dir) {
      const { lines, feed } = bookInput(ssc, dir);
      let n = 0;
      lines.flatMap(parseOrder).map((x) => [x.symbol, x.amount] as [string, number]).reduceByKeyAndWindow((a, b) => a + b, Minutes(60))
        .transform((rdd) => rdd.sortBy((x) => x[1], false).map((x) => x[0]).zipWithIndex().filter((x) => x[1] < 5))
        .foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      return { feed };
    },
  },
  {
    name: 'book-state',
    what: 'the book\'s top-clients branch alone (updateStateByKey, checkpointed; sortBy + zipWithIndex top 5) on 20-line batches',
    build(ssc, dir) {
      const { lines, feed } = bookInput(ssc, dir);
      let n = 0;
      lines.flatMap(parseOrder).map((o) => [o.clientId, o.amount * o.price] as [number, number])
        .updateStateByKey((vals: number[], total: number | undefined) => { let s = total ?? 0; for (const v of vals) s += v; return s; })
        .transform((rdd) => rdd.sortBy((x) => x[1], false).map((x) => x[0]).zipWithIndex().filter((x) => x[1] < 5))
        .foreachRDD(async (rdd) => { n += (await rdd.collect()).length; });
      ssc.checkpoint(join(dir, 'checkpoint'));
      return { feed };
    },
  },
];

/** A queue stream of `sc.textFile` RDDs over one 20-line file of the book's orders. */
function bookInput(ssc: StreamingContext, dir: string): { lines: DStream<string>; feed: () => void } {
  const file = join(dir, 'orders-20.txt');
  writeFileSync(file, bookLines(20));
  const queue: RDD<string>[] = [];
  const sc = ssc.sparkContext;
  return { lines: ssc.queueStream(queue), feed: () => { queue.push(sc.textFile(file)); } };
}

let bookHead: string | undefined;

/** The first `n` lines of the book's orders (read once). */
function bookLines(n: number): string {
  if (bookHead === undefined) {
    const source = findBookOrders();
    if (source === undefined) throw new Error('the book\'s orders are not on this machine (shared/data/orders/orders.txt or $KINDLING_BOOK_ORDERS)');
    const text = readFileSync(source, 'utf8');
    let end = 0;
    for (let i = 0; i < n; i++) end = text.indexOf('\n', end) + 1;
    bookHead = text.slice(0, end);
  }
  return bookHead;
}

function context(): StreamingContext {
  const conf = new SparkConf().setMaster('local[1]').setAppName('fixed-costs').set('spark.streaming.clock', 'manual');
  return new StreamingContext(conf, Seconds(1));
}

export interface Sample {
  cpuUs: number;
  wallUs: number;
  /** Creating, starting and stopping the context (and building the program), once per run: CPU and wall µs. */
  lifeCpuUs: number;
  lifeWallUs: number;
  /** CPU µs per batch of the context's first {@link FIRST_BATCHES} batches (NaN: fewer warm-up batches). */
  firstCpuUs: number;
}

export const FIRST_BATCHES = 10;

/** Runs `warmup` then `batches` batches of `shape` in a fresh context; the CPU and wall time of the latter, per batch. */
export async function runOnce(shape: Shape, warmup: number, batches: number, listener?: JobListener): Promise<Sample> {
  if (shape.hand !== undefined) {
    const step = shape.hand();
    for (let b = 0; b < warmup; b++) {
      step();
      await Promise.resolve();
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      step();
      await Promise.resolve();
    }
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    return { cpuUs: (cpu.user + cpu.system) / batches, wallUs: wallUs / batches, lifeCpuUs: 0, lifeWallUs: 0, firstCpuUs: Number.NaN };
  }
  const dir = mkdtempSync(join(tmpdir(), 'kindling-fixed-'));
  const life0 = process.cpuUsage();
  const lifeT0 = performance.now();
  const ssc = context();
  let lifeCpu = 0;
  let lifeWall = 0;
  let measured: Sample | undefined;
  let firstCpu = Number.NaN;
  try {
    const program = shape.build(ssc, dir);
    await ssc.start();
    const started = process.cpuUsage(life0);
    lifeCpu += started.user + started.system;
    lifeWall += performance.now() - lifeT0;
    const clock = ssc.clock as ManualClock;
    const first0 = process.cpuUsage();
    for (let b = 0; b < warmup; b++) {
      program.feed();
      await clock.advance(1000);
      if (b === FIRST_BATCHES - 1) {
        const f = process.cpuUsage(first0);
        firstCpu = (f.user + f.system) / FIRST_BATCHES;
      }
    }
    if (listener !== undefined) (ssc.sparkContext as SparkContext).addJobListener(listener);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      program.feed();
      await clock.advance(1000);
    }
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    if (listener !== undefined) (ssc.sparkContext as SparkContext).removeJobListener(listener);
    measured = { cpuUs: (cpu.user + cpu.system) / batches, wallUs: wallUs / batches, lifeCpuUs: 0, lifeWallUs: 0, firstCpuUs: 0 };
  } finally {
    const stop0 = process.cpuUsage();
    const stopT0 = performance.now();
    await ssc.stop(true, false);
    const stopped = process.cpuUsage(stop0);
    lifeCpu += stopped.user + stopped.system;
    lifeWall += (performance.now() - stopT0);
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...measured!, lifeCpuUs: lifeCpu, lifeWallUs: lifeWall * 1000, firstCpuUs: firstCpu };
}

/** Jobs, stages and tasks per batch of `shape`, with the call sites of its jobs. */
export async function countWork(shape: Shape, batches: number): Promise<{ jobs: number; stages: number; tasks: number; sites: string }> {
  if (shape.hand !== undefined) return { jobs: 0, stages: 0, tasks: 0, sites: '' };
  let jobs = 0;
  let stages = 0;
  let tasks = 0;
  const sites = new Map<string, number>();
  const listener: JobListener = {
    onJobStart: (e) => { jobs++; sites.set(e.callSite, (sites.get(e.callSite) ?? 0) + 1); },
    onStageSubmitted: (e) => { stages++; tasks += e.stageInfo.numTasks; },
  };
  await runOnce(shape, 5, batches, listener);
  const per = (n: number): string => (n / batches).toFixed(n % batches === 0 ? 0 : 1);
  return { jobs: jobs / batches, stages: stages / batches, tasks: tasks / batches, sites: [...sites].map(([s, n]) => `${s} ${per(n)}`).join(', ') };
}
