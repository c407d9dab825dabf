// Implementations behind RDD's pair operators and file actions (Spark's PairRDDFunctions).
// RDD methods are one-line delegates to these; they reach them through the registry.
import { encodeValues, writeFolderAtomically } from '@kindling/io';
import { rddClasses } from './registry.ts';
import { MapPartitionsRDD } from './map-partitions-rdd.ts';
import { ShuffledRDD } from './shuffled-rdd.ts';
import { CoGroupedRDD } from './co-grouped-rdd.ts';
import { resolvePartitioner, type NumPartitionsOrPartitioner } from './partitioner.ts';
import { combineValueColumns } from './combine.ts';
import { inAppendOnlyMapOrder, type PartitionData } from './pair-columns.ts';
import { prefixableCombine } from './prefixable-blocks-kernel.ts';
import { appendOnlyMapOrder } from '../util/append-only-map-order.ts';
import { keyEquals } from '../util/hash-code.ts';
import { KeySet } from '../util/key-set.ts';
import { KeyMap } from '../util/key-map.ts';
import { formatElement } from '../util/format-element.ts';
import type { Aggregator } from './aggregator.ts';
import type { RDD } from './rdd.ts';
import type { PartitionKernel } from './kernels.ts';

/**
 * Spark's `combineByKeyWithClassTag`: when the RDD is already partitioned by an equal
 * partitioner, combine within each partition (no shuffle, partitioner kept); otherwise
 * shuffle, combining on the map side when asked.
 */
export function combineByKey<K, V, C>(
  self: RDD<[K, V]>,
  createCombiner: (v: V) => C,
  mergeValue: (c: C, v: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  numPartitions: NumPartitionsOrPartitioner,
  mapSideCombine: boolean,
  scope: string,
): RDD<[K, C]> {
  const partitioner = resolvePartitioner(numPartitions, self as RDD<unknown>);
  const agg: Aggregator<V, C> = { createCombiner, mergeValue, mergeCombiners };
  if (partitioner.equals(self.partitioner)) {
    // Already partitioned: combine in place, in Spark's order (its aggregation map's slots).
    // Over a union of partitions (a window's batches), the same combining takes them as blocks.
    // Combined pairs stay columns (see PairColumns) until something needs them as pairs.
    // Over a window's union, the partition's fold is kept from one slide to the next (see KeptUnionFold).
    const kernel = prefixableCombine<K, V, C>(agg);
    const rdd = new MapPartitionsRDD<[K, C], [K, V]>(
      self,
      undefined,
      true,
      scope,
      undefined,
      (split, blocks) => kernel.whole(split, blocks),
      false,
      (_, data) => inAppendOnlyMapOrder(combineValueColumns([data], agg)) as PartitionData<[K, C]>,
    );
    rdd.prefixableBlocks = kernel;
    return rdd;
  }
  return new ShuffledRDD<K, V, C>(self, partitioner, agg, mapSideCombine, undefined, scope);
}

// groupByKey's aggregator, one for every call (combining loops are compiled per aggregator).
const groupCreate = (v: unknown): unknown[] => [v];
const groupMerge = (c: unknown[], v: unknown): unknown[] => { c.push(v); return c; };
const groupMergeCombiners = (a: unknown[], b: unknown[]): unknown[] => { for (const x of b) a.push(x); return a; };

export function groupByKey<K, V>(self: RDD<[K, V]>, numPartitions: NumPartitionsOrPartitioner): RDD<[K, V[]]> {
  // No map-side combine: it would not shrink the data, only copy it into arrays.
  return combineByKey<K, V, V[]>(
    self,
    groupCreate as (v: V) => V[],
    groupMerge as (c: V[], v: V) => V[],
    groupMergeCombiners as (a: V[], b: V[]) => V[],
    numPartitions,
    false,
    'groupByKey',
  );
}

export function cogroup<K>(self: RDD<[K, unknown]>, others: RDD<[K, unknown]>[], numPartitions: NumPartitionsOrPartitioner): RDD<[K, unknown[][]]> {
  const partitioner = resolvePartitioner(numPartitions, self as RDD<unknown>, ...(others as RDD<unknown>[]));
  return new CoGroupedRDD<K>(self.context, [self, ...others], partitioner);
}

export function join<K, V, W>(
  self: RDD<[K, V]>,
  other: RDD<[K, W]>,
  numPartitions: NumPartitionsOrPartitioner,
  kind: 'inner' | 'left' | 'right' | 'full',
): RDD<[K, [V | undefined, W | undefined]]> {
  const grouped = cogroup(self as RDD<[K, unknown]>, [other as RDD<[K, unknown]>], numPartitions);
  const kernel: PartitionKernel<[K, unknown[][]], [K, [V | undefined, W | undefined]]> = (_, data) => {
    const out: [K, [V | undefined, W | undefined]][] = [];
    for (let i = 0; i < data.length; i++) {
      const [k, groups] = data[i]!;
      let vs = groups[0] as (V | undefined)[];
      let ws = groups[1] as (W | undefined)[];
      if (vs.length === 0) {
        if (kind === 'inner' || kind === 'left') continue;
        vs = [undefined];
      }
      if (ws.length === 0) {
        if (kind === 'inner' || kind === 'right') continue;
        ws = [undefined];
      }
      for (const v of vs) for (const w of ws) out.push([k, [v, w]]);
    }
    return out;
  };
  const scope = kind === 'inner' ? 'join' : kind === 'left' ? 'leftOuterJoin' : kind === 'right' ? 'rightOuterJoin' : 'fullOuterJoin';
  return new MapPartitionsRDD(grouped, kernel, true, scope);
}

export function flatMapValuesKernel<K, V, U>(f: (v: V) => Iterable<U>): PartitionKernel<[K, V], [K, U]> {
  return (_, data) => {
    const out: [K, U][] = [];
    for (let i = 0; i < data.length; i++) {
      const kv = data[i]!;
      for (const u of f(kv[1])) out.push([kv[0], u]);
    }
    return out;
  };
}

export function distinctKernel<T>(it: Iterable<T>): T[] {
  // Spark dedupes a partitioned RDD through an AppendOnlyMap too: its slot order.
  return appendOnlyMapOrder(new KeySet(it).toArray(), (x) => x);
}

export async function lookup<K, V>(self: RDD<[K, V]>, key: K): Promise<V[]> {
  const p = self.partitioner;
  const pick = (data: readonly [K, V][]): V[] => {
    const out: V[] = [];
    for (let i = 0; i < data.length; i++) if (keyEquals(data[i]![0], key)) out.push(data[i]![1]);
    return out;
  };
  if (p !== undefined) {
    await p.prepare?.();
    const res = await self.context.runJob(self, pick, [p.getPartition(key)], 'lookup');
    return res[0] ?? [];
  }
  const res = await self.context.runJob(self, pick, undefined, 'lookup');
  return ([] as V[]).concat(...res);
}

export async function reduceByKeyLocally<K, V>(self: RDD<[K, V]>, f: (a: V, b: V) => V): Promise<Map<K, V>> {
  const merge = (into: KeyMap<K, V>, k: K, v: V): void => { into.set(k, into.has(k) ? f(into.get(k) as V, v) : v); };
  const parts = await self.context.runJob(self, (data: readonly [K, V][]) => {
    const m = new KeyMap<K, V>();
    for (let i = 0; i < data.length; i++) merge(m, data[i]![0], data[i]![1]);
    return m.toArray();
  }, undefined, 'reduceByKeyLocally');
  const total = new KeyMap<K, V>();
  for (const p of parts) for (let i = 0; i < p.length; i++) merge(total, p[i]![0], p[i]![1]);
  return new Map(total.toArray());
}

// countApproxDistinctByKey's aggregator: each key's distinct values, as a set compared by value.
const distinctCreate = (v: unknown): KeySet<unknown> => new KeySet<unknown>().add(v);
const distinctMerge = (s: KeySet<unknown>, v: unknown): KeySet<unknown> => s.add(v);
const distinctMergeSets = (a: KeySet<unknown>, b: KeySet<unknown>): KeySet<unknown> => { for (const v of b) a.add(v); return a; };
const setSize = (s: KeySet<unknown>): number => s.size;

export function countApproxDistinctByKey<K, V>(self: RDD<[K, V]>, relativeSD: number, numPartitions: NumPartitionsOrPartitioner | undefined): RDD<[K, number]> {
  if (!(relativeSD > 0.000017)) throw new Error(`accuracy (${relativeSD}) must be greater than 0.000017`);
  // Values cross the shuffle as they are (no map-side sets): a set is a class instance, which a
  // worker thread's shuffle block would not bring back as one.
  return combineByKey<K, V, KeySet<unknown>>(self, distinctCreate, distinctMerge, distinctMergeSets, numPartitions, false, 'countApproxDistinctByKey').mapValues(setSize);
}

export async function saveAsTextFile(self: RDD<unknown>, path: string): Promise<void> {
  const parts = await self.context.runJob(self, (data) => {
    let s = '';
    for (let i = 0; i < data.length; i++) s += formatElement(data[i]) + '\n';
    return s;
  }, undefined, 'saveAsTextFile');
  await writeOutput(self, path, parts);
}

export async function saveAsObjectFile(self: RDD<unknown>, path: string): Promise<void> {
  const parts = await self.context.runJob(self, (data) => encodeValues(data), undefined, 'saveAsObjectFile');
  await writeOutput(self, path, parts);
}

async function writeOutput(self: RDD<unknown>, path: string, parts: (string | Uint8Array)[]): Promise<void> {
  try {
    await writeFolderAtomically(path, parts);
  } catch (e) {
    throw new Error(`Could not write the output of ${self.toString()} to ${path}: ${(e as Error).message ?? String(e)}. Check that the parent folder is writable.`, { cause: e });
  }
}


rddClasses.pair = { combineByKey, groupByKey, cogroup, join, flatMapValuesKernel, distinctKernel, lookup, reduceByKeyLocally, countApproxDistinctByKey, saveAsTextFile, saveAsObjectFile };
