import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatElement, getLogger, type RDD } from '@kindling/core';
import { atomicWriteFile, encodeValues } from '@kindling/io';
import { ExchangeRDD } from '../exchange/exchange-rdd.ts';
import type { GroupRuntime } from './group-runtime.ts';

const log = getLogger('GroupBatchOutput');

/** The `part-NNNNN` name of a partition's file, as Spark names them. */
export function partFileName(partition: number): string { return `part-${String(partition).padStart(5, '0')}`; }

/**
 * `saveAsTextFiles` / `saveAsObjectFiles` in group mode, for one batch: each partition this
 * instance owns is written as its own file `part-<p>` (atomically: a re-run writes the same
 * file again) into the folder of the partition's batch time (the batch's, or the earlier time
 * of a recorded batch it re-runs for a failed owner). `_SUCCESS` is written by
 * {@link markGroupFoldersComplete} once every partition committed the batch.
 */
export async function saveGroupBatch(group: GroupRuntime, rdd: RDD<unknown>, time: number, folderOf: (time: number) => string, format: 'text' | 'object'): Promise<void> {
  // After a repartition log (group leases, re-keyed graph), the RDD's partitions are that log's: its runtime plans them.
  const runtime = stageRuntimeOf(rdd) ?? group;
  const plan = runtime.plan(time);
  if (plan === undefined || plan.owned.size === 0) return;
  const parts = [...plan.owned.keys()].sort((a, b) => a - b);
  const contents = await rdd.context.runJob(rdd, (data): string | Uint8Array => {
    if (format === 'object') return encodeValues(data);
    let s = '';
    for (let i = 0; i < data.length; i++) s += formatElement(data[i]) + '\n';
    return s;
  }, parts, format === 'text' ? 'saveAsTextFiles' : 'saveAsObjectFiles');
  for (let i = 0; i < parts.length; i++) {
    const folder = folderOf(plan.owned.get(parts[i]!)!.batch.time);
    // Taken over meanwhile (this instance was paused past its lease): the new owner writes it.
    if (!runtime.holds(time, parts[i]!)) {
      log.warn(`${rdd.toString()}: batch ${time} ms does not write partition ${parts[i]} into ${folder}: another instance took the partition over (this instance's lease expired); its new owner writes it.`);
      continue;
    }
    try {
      await mkdir(folder, { recursive: true });
      await atomicWriteFile(join(folder, partFileName(parts[i]!)), contents[i]!);
    } catch (e) {
      throw new Error(`Could not write partition ${parts[i]} of ${rdd.toString()} to ${folder}: ${(e as Error)?.message ?? String(e)}. Check that the folder is writable.`, { cause: e });
    }
  }
}

/**
 * Writes `_SUCCESS` into every batch folder `prefix-<time>[.suffix]` whose time is at most
 * `upTo` (every partition of the group committed that batch) and which lacks it.
 * `state.doneUpTo` remembers how far it went.
 */
export async function markGroupFoldersComplete(upTo: number, prefix: string, suffix: string | undefined, state: { doneUpTo: number }): Promise<void> {
  const dir = prefix === '' ? '.' : dirname(prefix);
  const head = prefix === '' ? '' : `${basename(prefix)}-`;
  const tail = suffix === undefined || suffix === '' ? '' : `.${suffix}`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(head) || !name.endsWith(tail) || name.length <= head.length + tail.length) continue;
    const digits = name.slice(head.length, name.length - tail.length);
    if (!/^[0-9]+$/.test(digits)) continue;
    const t = Number(digits);
    if (t > upTo || t <= state.doneUpTo) continue;
    const marker = join(dir, name, '_SUCCESS');
    if (!existsSync(marker)) await atomicWriteFile(marker, '');
  }
  state.doneUpTo = upTo;
}

/** RDDs whose partitions a stage's runtime owns, registered by the stateful streams (see {@link markStageRuntime}). */
const stageRuntimes = new WeakMap<RDD<unknown>, GroupRuntime>();

/**
 * Under group leases, records that `rdd`'s partitions are those `runtime` owns. A stateful
 * stream's RDD is checkpointed (its lineage to the repartition log cut) after the first job
 * that computes it; a later output of the same batch still finds its stage.
 * @internal
 */
export function markStageRuntime(rdd: RDD<unknown>, runtime: GroupRuntime): void { stageRuntimes.set(rdd, runtime); }

/**
 * Under group leases, the runtime owning the partitions of `rdd`: that of the nearest
 * repartition log (or RDD marked by {@link markStageRuntime}) in its lineage (undefined when
 * there is none: the source topic's partitions).
 */
export function stageRuntimeOf(rdd: RDD<unknown>): GroupRuntime | undefined {
  const seen = new Set<RDD<unknown>>();
  let level: RDD<unknown>[] = [rdd];
  while (level.length > 0) {
    const next: RDD<unknown>[] = [];
    for (const r of level) {
      if (seen.has(r)) continue;
      seen.add(r);
      const marked = stageRuntimes.get(r);
      if (marked !== undefined) return marked;
      if (r instanceof ExchangeRDD) {
        const rt = r.groupRuntime;
        if (rt !== undefined) return rt;
      }
      for (const d of r.dependencies) next.push(d.rdd);
    }
    level = next;
  }
  return undefined;
}
