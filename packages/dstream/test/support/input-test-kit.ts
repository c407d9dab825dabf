import { mkdtempSync, rmSync, utimesSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, type RDD } from '@kindling/core';
import { ManualClock, StreamingContext, type DStream, type BatchInfo, Seconds, type Duration, type ReceiverInfo } from '../../src/index.ts';

/** Temp directories and contexts that `cleanup()` removes and stops. */
export class InputTestKit {
  private readonly dirs: string[] = [];
  private readonly contexts: StreamingContext[] = [];

  tempDir(prefix = 'kindling-input-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  context(settings: Record<string, string> = {}, clock: 'manual' | 'system' = 'manual', batch: Duration = Seconds(1)): StreamingContext {
    const conf = new SparkConf().setMaster('local[2]').setAppName('input-test').set('spark.streaming.clock', clock);
    for (const [k, v] of Object.entries(settings)) conf.set(k, v);
    const ssc = new StreamingContext(conf, batch);
    this.contexts.push(ssc);
    return ssc;
  }

  async cleanup(): Promise<void> {
    for (const ssc of this.contexts.splice(0)) await ssc.stop().catch(() => undefined);
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Every batch's partitions (glom), by batch time in ms. */
export function collectPartitions<T>(stream: DStream<T>): Map<number, T[][]> {
  const out = new Map<number, T[][]>();
  stream.foreachRDD(async (rdd: RDD<T>, time) => {
    out.set(time.milliseconds, await rdd.glom().collect());
  });
  return out;
}

/** Completed batches' infos, in order. */
export function batchInfos(ssc: StreamingContext): BatchInfo[] {
  const infos: BatchInfo[] = [];
  ssc.addStreamingListener({ onBatchCompleted: (e) => infos.push(e.batchInfo) });
  return infos;
}

export const clockOf = (ssc: StreamingContext): ManualClock => ssc.clock as ManualClock;

/** Writes a file elsewhere and moves it into `dir` (as a feeder does), optionally with an old mtime. */
export function moveIn(staging: string, dir: string, name: string, content: string | Uint8Array, mtime?: Date): string {
  const tmp = join(staging, name);
  writeFileSync(tmp, content);
  if (mtime !== undefined) utimesSync(tmp, mtime, mtime);
  const dest = join(dir, name);
  renameSync(tmp, dest);
  return dest;
}

/** Resolves when `cond()` holds, polling; rejects with `describe()` after `timeoutMs`. */
export async function eventually(cond: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const flat = <T>(m: Map<number, T[][]>): T[] => [...m.keys()].sort((a, b) => a - b).flatMap((t) => m.get(t)!.flat());

/** Every receiver event of `ssc`, in order, as `[kind, receiverInfo]` (`started`, `error`, `stopped`). */
export function receiverEvents(ssc: StreamingContext): [string, ReceiverInfo][] {
  const events: [string, ReceiverInfo][] = [];
  ssc.addStreamingListener({
    onReceiverStarted: (e) => events.push(['started', e.receiverInfo]),
    onReceiverError: (e) => events.push(['error', e.receiverInfo]),
    onReceiverStopped: (e) => events.push(['stopped', e.receiverInfo]),
  });
  return events;
}
