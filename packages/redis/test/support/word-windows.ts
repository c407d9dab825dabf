// What the in-process group window suites share: the expected answers worked out from
// repartition-feed's words, the lines of a batch folder, and one instance run on a manual clock
// from a given time (two of them one after the other make a take-over).
import { SparkConf, type ManualClock } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchWords } from './repartition-feed.ts';

/** How often each word occurs. */
export function countBy(words: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

/** `(word,n)` lines, sorted, as `saveAsTextFiles` writes pairs. */
export function asLines(m: Map<string, number>): string[] {
  return [...m].map(([w, n]) => `(${w},${n})`).sort();
}

/** The lines of every part file of folder `<prefix>-<t>`, sorted; undefined when the folder is missing. */
export function folderLines(prefix: string, t: number): string[] | undefined {
  const dir = `${prefix}-${t}`;
  if (!existsSync(dir)) return undefined;
  const lines: string[] = [];
  for (const f of readdirSync(dir)) if (f.startsWith('part-')) for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) if (l !== '') lines.push(l);
  return lines.sort();
}

/** The words of the batches with times in `(t - windowMs, t]` (batch k at k s, of `batches`). */
export function windowWords(t: number, windowMs: number, batches: number): string[] {
  const out: string[] = [];
  for (let k = 1; k <= batches; k++) if (k * 1000 > t - windowMs && k * 1000 <= t) out.push(...batchWords(k, batches));
  return out;
}

/** A group-leases configuration on a manual clock reading `RATE` records per partition and batch. */
export function leaseConf(app: string, rate: number): SparkConf {
  return new SparkConf().setMaster('local[2]').setAppName(app).set('spark.streaming.clock', 'manual')
    .set('spark.streaming.kafka.maxRatePerPartition', String(rate))
    .set('spark.kindling.group.enabled', 'true');
}

/**
 * One instance: a 1 s context on `conf` with its clock at `startMs` (so its own zero time),
 * the graph `build` makes, `batches` batches run, then a graceful stop (its leases released,
 * every batch committed: the next instance takes its partitions over).
 */
export async function runInstance(conf: SparkConf, checkpointDir: string, startMs: number, batches: number, build: (ssc: StreamingContext) => void): Promise<void> {
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(checkpointDir);
  const clock = ssc.clock as ManualClock;
  clock.setTime(startMs);
  build(ssc);
  await ssc.start();
  try {
    for (let k = 1; k <= batches; k++) await clock.advance(1000);
  } finally {
    await ssc.stop(true, true);
  }
}
