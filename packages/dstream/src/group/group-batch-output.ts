import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatElement, getLogger, type RDD } from '@kindling/core';
import { atomicWriteFile, encodeValues } from '@kindling/io';
import { ExchangeRDD } from '../exchange/exchange-rdd.ts';
import { prepareExchanges } from '../exchange/prepare-exchanges.ts';
import type { GroupRuntime } from './group-runtime.ts';

const log = getLogger('GroupBatchOutput');

/** The `part-NNNNN` name of a partition's file, as Spark names them. */
export function partFileName(partition: number): string { return `part-${String(partition).padStart(5, '0')}`; }

/**
 * `saveAsTextFiles` / `saveAsObjectFiles` in group mode, for one batch: each partition this
 * instance owns is written as its own file `part-<p>` (atomically: a re-run writes the same
 * file again) into the folder of the partition's batch time (the batch's, or the earlier time
 * of a recorded batch it re-runs for a failed owner). `_SUCCESS` is written by
 * {@link markGroupFoldersComplete} once every partition committed the batch. After a window
 * sliding slower than the batches (under leases), only the partitions whose own batch time is a
 * slide time are written (see {@link markStageRuntime}).
 */
export async function saveGroupBatch(group: GroupRuntime, rdd: RDD<unknown>, time: number, folderOf: (time: number) => string, format: 'text' | 'object'): Promise<void> {
  // After a repartition log (group leases, re-keyed graph), the RDD's partitions are that log's: its runtime plans them.
  const stage = stageOf(rdd);
  const runtime = stage?.runtime ?? group;
  const plan = runtime.plan(time);
  if (plan === undefined || plan.owned.size === 0) return;
  let parts = [...plan.owned.keys()].sort((a, b) => a - b);
  // After a window sliding slower than the batches: only the partitions whose own batch time is a slide time have a batch of it.
  const slideMs = stage?.slideMs;
  if (slideMs !== undefined) parts = parts.filter((j) => runtime.onSlide(time, j, slideMs));
  if (parts.length === 0) {
    // No folder this time; the batch's exchanges still complete before it does (its partitions are committed after it).
    await prepareExchanges(rdd);
    return;
  }
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

/** Under group leases, the runtime owning an RDD's partitions, and the slide of a stream sliding slower than the batches. */
export interface GroupStageMark {
  readonly runtime: GroupRuntime;
  /** Set after a window sliding slower than the batches: a partition has a batch of the RDD only when its own batch time is a multiple of it from the group's zero time. */
  readonly slideMs: number | undefined;
}

/** RDDs whose partitions a stage's runtime owns, registered by the stateful streams and windows (see {@link markStageRuntime}). */
const stageRuntimes = new WeakMap<RDD<unknown>, GroupStageMark>();

/**
 * Under group leases, records that `rdd`'s partitions are those `runtime` owns (and, with
 * `slideMs`, that it comes from a window sliding every `slideMs`, slower than the batches). A
 * stateful stream's RDD is checkpointed (its lineage to the repartition log cut) after the
 * first job that computes it; a later output of the same batch still finds its stage.
 * @internal
 */
export function markStageRuntime(rdd: RDD<unknown>, runtime: GroupRuntime, slideMs?: number): void { stageRuntimes.set(rdd, { runtime, slideMs }); }

/**
 * Under group leases, the runtime owning the partitions of `rdd`: that of the nearest
 * repartition log (or RDD marked by {@link markStageRuntime}) in its lineage (undefined when
 * there is none: the source topic's partitions).
 */
export function stageRuntimeOf(rdd: RDD<unknown>): GroupRuntime | undefined { return stageOf(rdd)?.runtime; }

/** {@link stageRuntimeOf} with the slide of the nearest mark (see {@link markStageRuntime}). */
export function stageOf(rdd: RDD<unknown>): GroupStageMark | undefined {
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
        if (rt !== undefined) return { runtime: rt, slideMs: undefined };
      }
      for (const d of r.dependencies) next.push(d.rdd);
    }
    level = next;
  }
  return undefined;
}
