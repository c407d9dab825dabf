/**
 * `pnpm bench:stream`: the streaming engine's figures for issue #3 item 12.
 *
 * (a) the cost of an empty batch at a 10 ms interval (framework overhead), median and p99;
 * (b) reduceByKeyAndWindow with an inverse function: per-batch time with a 60-batch window
 *     vs a 3,600-batch window (target ratio <= 1.3);
 * (c) mapWithState with 1,000 keys touched per batch on a 10,000-key vs a 1,000,000-key
 *     state (target ratio <= 2);
 * (d) heap after 1,000 vs 10,000 stateful batches (target ratio <= 1.1).
 *
 * Every batch is driven by a manual clock and timed from `advance()` to its resolution: job
 * generation, every output job, checkpoint writes and cleanup included. Ratios compare runs
 * made in the same process; (b) and (c) alternate their configurations `--rounds=N` times
 * (default 2) and compare the best round of each, since other work on the machine adds noise.
 * Options: `--only=a,c`, `--rounds=3`, `--checkpoint-root=/dev/shm` (checkpoints on a memory
 * file system: the engine without disk syncs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Milliseconds, Seconds, SparkConf } from '@kindling/core';
import type { Duration, ManualClock, RDD } from '@kindling/core';
import { StateSpec, StreamingContext } from '../src/index.ts';
import type { DStream, State } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [number, number];

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = (arg('only') ?? 'a,b,c,d').split(',');
/** Where checkpoints go (default: the OS temp dir; `/dev/shm` measures the engine without disk syncs). */
const checkpointRoot = arg('checkpoint-root') ?? tmpdir();
/** Each comparison runs its configurations alternately this many times (a busy machine is noisy). */
const rounds = Number(arg('rounds') ?? '2');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Stats { median: number; p99: number; mean: number; n: number }
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!, mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}
const ms = (x: number): string => `${x.toFixed(3)} ms`;
const fmt = (s: Stats): string => `median ${ms(s.median)}, p99 ${ms(s.p99)}, mean ${ms(s.mean)} (n=${s.n})`;

/** Seeded LCG, so runs are comparable. */
function rng(seed: number): () => number {
  let x = seed;
  return () => { x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff; return x; };
}

/**
 * Builds a pipeline on a fresh manual-clock context, runs `batches` batches and returns the
 * time of each (ms), plus the context for inspection before it is stopped.
 */
async function run(options: {
  batch: Duration;
  batches: number;
  input: (i: number) => KV[] | undefined;
  build: (ssc: StreamingContext, input: DStream<KV>) => void;
  afterBatch?: (b: number, ssc: StreamingContext) => void;
  partitions?: number;
  /** Stateful pipelines need a checkpoint directory (which also turns on metadata checkpoints). */
  checkpoint?: boolean;
}): Promise<number[]> {
  const conf = new SparkConf().setMaster(`local[${options.partitions ?? 2}]`).setAppName('bench-stream').set('spark.streaming.clock', 'manual');
  const ssc = new StreamingContext(conf, options.batch);
  const dir = mkdtempSync(join(checkpointRoot, 'kindling-bench-'));
  const times: number[] = [];
  try {
    if (options.checkpoint !== false) ssc.checkpoint(dir);
    const input = new LazyInputDStream(ssc, options.input, options.partitions ?? 2);
    options.build(ssc, input);
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    const step = options.batch.milliseconds;
    for (let b = 1; b <= options.batches; b++) {
      const t0 = performance.now();
      await clock.advance(step);
      times.push(performance.now() - t0);
      options.afterBatch?.(b, ssc);
    }
  } finally {
    await ssc.stop(true, false);
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

/** Test input whose batches are generated on demand (no 10,000-element array of batches). */
class LazyInputDStream extends TestInputDStream<KV> {
  static override kind = 'LazyInputDStream';
  constructor(ssc: StreamingContext, make: (i: number) => KV[] | undefined, numPartitions: number) {
    super(ssc, new Proxy([] as (KV[] | undefined)[], {
      get: (target, p) => (p === 'length' ? Number.MAX_SAFE_INTEGER : typeof p === 'string' && /^\d+$/.test(p) ? make(Number(p)) : Reflect.get(target, p)),
    }), numPartitions);
  }
}

async function benchA(): Promise<void> {
  console.log('\n(a) empty batch at a 10 ms interval');
  for (const [label, job] of [['no job (foreachRDD that returns)', false], ['one job (count of the empty RDD)', true]] as const) {
    const times = await run({
      batch: Milliseconds(10),
      batches: 3000,
      input: () => [],
      build: (_ssc, input) => input.foreachRDD(job ? async (rdd) => { await rdd.count(); } : () => {}),
      checkpoint: false,
    });
    console.log(`    manual clock, ${label.padEnd(34)} ${fmt(stats(times.slice(500)))}`);
  }
  // On the wall clock: how late each batch starts and how long it runs, from BatchInfo (ms).
  const conf = new SparkConf().setMaster('local[2]').setAppName('bench-stream-a');
  const ssc = new StreamingContext(conf, Milliseconds(10));
  const scheduling: number[] = [];
  const processing: number[] = [];
  const total: number[] = [];
  new TestInputDStream<KV>(ssc, [], 2).foreachRDD(async (rdd) => { await rdd.count(); });
  ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo }) => {
      scheduling.push(batchInfo.schedulingDelay ?? NaN);
      processing.push(batchInfo.processingDelay ?? NaN);
      total.push(batchInfo.totalDelay ?? NaN);
    },
  });
  await ssc.start();
  await ssc.awaitTerminationOrTimeout(5000);
  await ssc.stop(true, false);
  const wall = (xs: number[]): string => { const s = stats(xs.slice(50)); return `median ${s.median} ms, p99 ${s.p99} ms, mean ${s.mean.toFixed(3)} ms`; };
  console.log(`    system clock, 5 s of 10 ms batches with a count job (${total.length} batches, ms resolution):`);
  console.log(`      scheduling delay ${wall(scheduling)}; processing ${wall(processing)}; total delay ${wall(total)}`);
}

async function benchB(): Promise<void> {
  console.log('\n(b) reduceByKeyAndWindow with inverse, per batch: 60-batch vs 3,600-batch window');
  console.log('    batch 1 s, 200 records over 50 keys per batch, 2 partitions, default checkpoint (10 s); last 400 of 4,000 batches');
  const result: Record<string, Stats[]> = {};
  for (let round = 1; round <= rounds; round++) {
    for (const windowBatches of [60, 3600]) {
      const next = rng(7);
      const times = await run({
        batch: Seconds(1),
        batches: 4000,
        input: () => Array.from({ length: 200 }, () => [next() % 50, 1] as KV),
        build: (_ssc, input) => input
          .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(windowBatches), Seconds(1), 2)
          .foreachRDD(async (rdd) => { await rdd.count(); }),
      });
      const last = times.slice(-400);
      // batch b runs at b s; every 10th writes the window's checkpoint (default interval 10 s)
      const isCheckpoint = (i: number): boolean => (times.length - 400 + i + 1) % 10 === 0;
      const plain = stats(last.filter((_, i) => !isCheckpoint(i)));
      const cp = stats(last.filter((_, i) => isCheckpoint(i)));
      (result[windowBatches] ??= []).push(plain);
      console.log(`    round ${round}, window ${String(windowBatches).padStart(4)} batches: ${fmt(plain)}; checkpoint batches median ${ms(cp.median)}, mean ${ms(cp.mean)}`);
    }
  }
  const best = (k: number, f: 'median' | 'mean'): number => Math.min(...result[k]!.map((x) => x[f]));
  console.log(`    ratio 3,600 / 60 (best round of each, batches without a checkpoint write): median ${(best(3600, 'median') / best(60, 'median')).toFixed(2)}, ` +
    `mean ${(best(3600, 'mean') / best(60, 'mean')).toFixed(2)} (target <= 1.3)`);
}

async function benchC(): Promise<void> {
  console.log('\n(c) mapWithState, 1,000 keys touched per batch: 10,000-key vs 1,000,000-key state');
  console.log('    2 partitions; state loaded through initialState; default checkpoint interval (10 batches); batches 21..200');
  const result: Record<string, Stats[]> = {};
  for (let round = 1; round <= rounds; round++) {
    for (const keys of [10_000, 1_000_000]) {
      const next = rng(11);
      const spec = StateSpec.function((_k: number, v: number | undefined, s: State<number>) => {
        s.update((s.getOption() ?? 0) + (v ?? 0));
        return undefined;
      }).numPartitions(2);
      const t0 = performance.now();
      const times = await run({
        batch: Seconds(1),
        batches: 200,
        input: () => Array.from({ length: 1000 }, () => [next() % keys, 1] as KV),
        build: (ssc, input) => {
          const initial: RDD<KV> = ssc.sparkContext.parallelize(Array.from({ length: keys }, (_, k) => [k, 0] as KV), 2);
          input.mapWithState(spec.initialState(initial)).foreachRDD(async (rdd) => { await rdd.count(); });
        },
      });
      // batch b runs at b s; every 10th checkpoints the state (all of it, as Spark)
      const measured = times.map((t, i) => [i + 1, t] as const).filter(([b]) => b > 20);
      const plain = stats(measured.filter(([b]) => b % 10 !== 0).map(([, t]) => t));
      const cp = stats(measured.filter(([b]) => b % 10 === 0).map(([, t]) => t));
      (result[keys] ??= []).push(plain);
      (result[`${keys}-cp`] ??= []).push(cp);
      console.log(`    round ${round}, ${String(keys).padStart(9)} keys: state update batches ${fmt(plain)}`);
      console.log(`                               checkpoint batches ${fmt(cp)}; first batch (loads the state) ${ms(times[0]!)}; run ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  const best = (k: string, f: 'median' | 'mean'): number => Math.min(...result[k]!.map((x) => x[f]));
  console.log(`    ratio 1M / 10k (best round of each), state update batches: median ${(best('1000000', 'median') / best('10000', 'median')).toFixed(2)}, ` +
    `mean ${(best('1000000', 'mean') / best('10000', 'mean')).toFixed(2)} (target <= 2); checkpoint batches: median ${(best('1000000-cp', 'median') / best('10000-cp', 'median')).toFixed(2)}`);
}

async function benchD(): Promise<void> {
  console.log('\n(d) heap after 1,000 vs 10,000 stateful batches');
  console.log('    updateStateByKey + mapWithState + reduceByKeyAndWindow with inverse (30 s window), 100 records over 100 keys per batch; heap after gc');
  gc();
  const heaps: Record<number, number> = {};
  const next = rng(5);
  const times = await run({
    batch: Seconds(1),
    batches: 10_000,
    input: () => Array.from({ length: 100 }, () => [next() % 100, 1] as KV),
    build: (_ssc, input) => {
      input.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0)).foreachRDD(async (rdd) => { await rdd.count(); });
      input.mapWithState(StateSpec.function((_k: number, v: number | undefined, s: State<number>) => { s.update((s.getOption() ?? 0) + v!); return v; }))
        .foreachRDD(async (rdd) => { await rdd.count(); });
      input.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(30), Seconds(1)).foreachRDD(async (rdd) => { await rdd.count(); });
    },
    afterBatch: (b) => {
      if (b === 1000 || b === 10_000) {
        gc();
        gc();
        heaps[b] = process.memoryUsage().heapUsed;
      }
    },
  });
  const mb = (x: number): string => `${(x / 1024 / 1024).toFixed(1)} MB`;
  console.log(`    heap used after 1,000 batches: ${mb(heaps[1000]!)}; after 10,000: ${mb(heaps[10_000]!)}; ratio ${(heaps[10_000]! / heaps[1000]!).toFixed(3)} (target <= 1.1)`);
  console.log(`    per batch (3 stateful outputs): ${fmt(stats(times.slice(100)))}`);
}


console.log(`Kindling stream benchmark — node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, checkpoints under ${checkpointRoot}`);
if (only.includes('a')) await benchA();
if (only.includes('b')) await benchB();
if (only.includes('c')) await benchC();
if (only.includes('d')) await benchD();
