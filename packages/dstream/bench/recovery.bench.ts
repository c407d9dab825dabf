/**
 * `pnpm bench:recovery`: the fault-tolerance figures of issue #5 item 7.
 *
 * (a) checkpoint write time for an updateStateByKey state of 100,000 and 1,000,000 keys: the
 *     state RDD (in memory) written as checkpoint files, and a metadata checkpoint of that
 *     context (it refers to the files, so its size does not grow with the state);
 * (b) recovery time from each: `StreamingContext.getOrCreate` (read and check the metadata
 *     checkpoint, rebuild the graph, restore) plus the first batch after it, which reads the
 *     whole state back from the checkpoint files;
 * (c) the per-batch overhead metadata checkpointing adds to a 100 ms batch: a stateless
 *     pipeline (10,000 records -> map -> reduceByKey -> count) with `ssc.checkpoint(dir)` vs
 *     the same pipeline without, (c1) back to back on a manual clock (pure cost, ms/batch) and
 *     (c2) on the system clock at 100 ms batches (mean delay from batch time to completion).
 *
 * Configurations alternate `--rounds=N` times (default 3) and the median is kept: other work
 * on the machine adds noise. `--checkpoint-root=/dev/shm` measures without disk syncs.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Milliseconds, Seconds, SparkConf } from '@kindling/core';
import type { ManualClock, RDD } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [number, number];
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const checkpointRoot = arg('checkpoint-root') ?? tmpdir();
const rounds = Number(arg('rounds') ?? '3');
const only = (arg('only') ?? 'a,c').split(',');

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

function dirSize(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

function manualConf(): SparkConf {
  return new SparkConf().setMaster('local[2]').setAppName('recovery-bench').set('spark.streaming.clock', 'manual');
}

const firstBatches = new Map<number, KV[]>();
/** The input of batch 1, built once per size (so getOrCreate's timing is not about building it). */
function firstBatch(keys: number): KV[] {
  let first = firstBatches.get(keys);
  if (first === undefined) {
    first = new Array<KV>(keys);
    for (let i = 0; i < keys; i++) first[i] = [i, 1];
    firstBatches.set(keys, first);
  }
  return first;
}

/**
 * Batch 1 brings `keys` distinct keys; batch 2 touches 1,000 of them. `onState` sees each
 * batch's state RDD.
 */
function stateProgram(dir: string, keys: number, checkpointEveryBatch: boolean, onState: (rdd: RDD<KV>) => void = () => {}): StreamingContext {
  const ssc = new StreamingContext(manualConf(), Seconds(1));
  ssc.checkpoint(dir);
  const first = firstBatch(keys);
  const touch: KV[] = Array.from({ length: 1000 }, (_, i) => [i * 7, 1] as KV);
  const input = new TestInputDStream<KV>(ssc, [first, touch, touch, touch], 2);
  const state = input.updateStateByKey((vs: number[], s: number | undefined) => (vs.length === 0 ? s : vs.reduce((a, b) => a + b, s ?? 0)));
  state.checkpoint(checkpointEveryBatch ? Seconds(1) : Seconds(100));
  state.foreachRDD(async (rdd) => { onState(rdd); await rdd.count(); });
  return ssc;
}

async function timeAdvance(ssc: StreamingContext): Promise<number> {
  const t0 = performance.now();
  await (ssc.clock as ManualClock).advance(1000);
  return performance.now() - t0;
}

/** (a) and (b) for one state size; returns the medians. */
async function stateFigures(keys: number): Promise<Record<string, number>> {
  const rddWrite: number[] = [];
  const metadataWrite: number[] = [];
  const getOrCreate: number[] = [];
  const firstBatch: number[] = [];
  const steadyBatch: number[] = [];
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    // (a) the state of batch 1, in memory, written as a checkpoint; then a metadata checkpoint.
    let dir = mkdtempSync(join(checkpointRoot, 'kindling-recovery-bench-'));
    try {
      let state: RDD<KV> | undefined;
      const ssc = stateProgram(dir, keys, false, (rdd) => { state ??= rdd; });
      await ssc.start();
      await timeAdvance(ssc);
      let t0 = performance.now();
      state!.checkpoint();
      await state!.count();
      rddWrite.push(performance.now() - t0);
      bytes = dirSize(dir);
      const checkpointer = ssc.checkpointWriter!;
      t0 = performance.now();
      await checkpointer.store.write(checkpointer.capture('generated', 1000));
      metadataWrite.push(performance.now() - t0);
      // the next batch on the in-memory state, to compare with the first batch after recovery
      steadyBatch.push(await timeAdvance(ssc));
      await ssc.stop(true, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // (b) the same state checkpointed by batch 1; recover, then run batch 2 (reads it back).
    dir = mkdtempSync(join(checkpointRoot, 'kindling-recovery-bench-'));
    try {
      const ssc = stateProgram(dir, keys, true);
      await ssc.start();
      await timeAdvance(ssc);
      await ssc.stop(true, false);
      const t0 = performance.now();
      const recovered = await StreamingContext.getOrCreate(dir, () => stateProgram(dir, keys, true));
      await recovered.start();
      getOrCreate.push(performance.now() - t0);
      firstBatch.push(await timeAdvance(recovered));
      await recovered.stop(true, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    rddWrite: median(rddWrite),
    metadataWrite: median(metadataWrite),
    bytes,
    getOrCreate: median(getOrCreate),
    firstBatchAfter: median(firstBatch),
    steadyBatch: median(steadyBatch),
  };
}

/** The stateless pipeline of (c), with or without a checkpoint directory. */
function statelessProgram(conf: SparkConf, batch: number, dir: string | undefined, batches: number): StreamingContext {
  const ssc = new StreamingContext(conf, Milliseconds(batch));
  if (dir !== undefined) ssc.checkpoint(dir);
  const records: KV[] = Array.from({ length: 10_000 }, (_, i) => [i % 500, i] as KV);
  const input = new TestInputDStream<KV>(ssc, Array.from({ length: batches }, () => records), 2);
  input.map((kv) => [kv[0], 1] as KV).reduceByKey((a, b) => a + b).foreachRDD(async (rdd) => { await rdd.count(); });
  return ssc;
}

async function overheadManual(checkpointing: boolean, batches: number): Promise<number> {
  const dir = checkpointing ? mkdtempSync(join(checkpointRoot, 'kindling-recovery-bench-')) : undefined;
  try {
    const ssc = statelessProgram(manualConf(), 100, dir, batches + 5);
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    for (let i = 0; i < 5; i++) await clock.advance(100); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < batches; i++) await clock.advance(100);
    const ms = (performance.now() - t0) / batches;
    await ssc.stop(true, false);
    return ms;
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

async function overheadSystem(checkpointing: boolean, batches: number): Promise<number> {
  const dir = checkpointing ? mkdtempSync(join(checkpointRoot, 'kindling-recovery-bench-')) : undefined;
  try {
    const conf = new SparkConf().setMaster('local[2]').setAppName('recovery-bench');
    const ssc = statelessProgram(conf, 100, dir, batches + 1000);
    const delays: number[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => { if (e.batchInfo.totalDelay !== undefined) delays.push(e.batchInfo.totalDelay); } });
    await ssc.start();
    while (delays.length < batches + 5) await new Promise((r) => setTimeout(r, 50));
    await ssc.stop(true, false);
    const measured = delays.slice(5, batches + 5);
    return measured.reduce((a, b) => a + b, 0) / measured.length;
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`recovery bench: node ${process.version}, checkpoints under ${checkpointRoot}, ${rounds} rounds, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (only.includes('a') || only.includes('b')) {
    console.log('\n(a, b) state checkpoint write and recovery (updateStateByKey, 2 partitions; medians)');
    console.log('keys       | state RDD checkpoint write | on disk | metadata checkpoint write | getOrCreate+start | 1st batch after (reads state) | same batch, no crash | recovery total');
    for (const keys of [100_000, 1_000_000]) {
      const f = await stateFigures(keys);
      console.log(`${String(keys).padEnd(10)} | ${fmt(f.rddWrite!).padStart(23)} ms | ${(f.bytes! / 1e6).toFixed(1).padStart(4)} MB | ${fmt(f.metadataWrite!).padStart(22)} ms | ${fmt(f.getOrCreate!).padStart(14)} ms | ${fmt(f.firstBatchAfter!).padStart(26)} ms | ${fmt(f.steadyBatch!).padStart(17)} ms | ${fmt(f.getOrCreate! + f.firstBatchAfter!).padStart(11)} ms`);
    }
  }
  if (only.includes('c')) {
    console.log('\n(c) metadata checkpointing overhead on a 100 ms batch (10,000 records -> map -> reduceByKey -> count; medians)');
    const m: Record<'on' | 'off', number[]> = { on: [], off: [] };
    const s: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let r = 0; r < rounds; r++) {
      for (const on of [false, true]) m[on ? 'on' : 'off'].push(await overheadManual(on, 200));
      for (const on of [false, true]) s[on ? 'on' : 'off'].push(await overheadSystem(on, 30));
    }
    const mOn = median(m.on); const mOff = median(m.off);
    const sOn = median(s.on); const sOff = median(s.off);
    console.log(`(c1) back to back (manual clock): ${fmt(mOff)} ms/batch without, ${fmt(mOn)} ms/batch with: ratio ${(mOn / mOff).toFixed(2)}, +${fmt(mOn - mOff)} ms = ${((100 * (mOn - mOff)) / 100).toFixed(1)}% of a 100 ms batch interval`);
    console.log(`(c2) system clock, 100 ms batches: mean batch delay (batch time -> done) ${fmt(sOff)} ms without, ${fmt(sOn)} ms with: ratio ${(sOn / sOff).toFixed(2)}`);
  }
}

await main();
