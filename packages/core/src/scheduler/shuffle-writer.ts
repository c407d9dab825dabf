import { compiledCombine } from '../rdd/compiled-combine.ts';
import { chainFailure, collectChain, fusedChain } from '../rdd/record-pipeline.ts';
import type { Aggregator } from '../rdd/aggregator.ts';
import type { ShuffleDependency } from '../rdd/dependency.ts';
import type { FusedChain } from '../rdd/record-pipeline.ts';
import { PairColumns, recordsOf } from '../rdd/pair-columns.ts';
import type { PartitionData } from '../rdd/pair-columns.ts';
import type { PartitionEvaluator } from './partition-evaluator.ts';

/**
 * The map side of a shuffle for one map partition: evaluate the map-side RDD (pushing
 * records through a fused chain of narrow operators straight into the combiner when it can),
 * combine by key if the dependency asks for it, then bucket by the partitioner. Returns one
 * block per reduce partition (combined pairs as columns).
 * @internal
 */
export function runShuffleMapTask(dep: ShuffleDependency, m: number, ev: PartitionEvaluator): PartitionData[] {
  const chain = fusedChain(dep.rdd);
  return mapSideOutput(dep, chain, m, ev.evaluateData(chain.base, m));
}

/**
 * The map output of `dep` for map partition `m`, given the partition `base` of its fused
 * chain's base (evaluated by the caller, possibly once for several shuffles).
 * @internal
 */
export function mapSideOutput(dep: ShuffleDependency, chain: FusedChain, m: number, base: PartitionData): PartitionData[] {
  if (dep.mapSideCombine) {
    // One compiled loop: the chain's ops, then the combining, per record (or per column entry).
    const combine = compiledCombine(chain.ops.map((o) => o.op), dep.aggregator as Aggregator<unknown, unknown>);
    const input = chain.ops.length === 0 ? base : recordsOf(base);
    return bucketColumns(dep, combine([input], chainFailure(chain, m)));
  }
  const records = chain.ops.length === 0 ? recordsOf(base) : collectChain(chain, m, recordsOf(base));
  return bucketRecords(dep, records as readonly (readonly [unknown, unknown])[]);
}

function bucketRecords(dep: ShuffleDependency, records: readonly (readonly [unknown, unknown])[]): unknown[][] {
  const part = dep.partitioner;
  const n = part.numPartitions;
  if (n === 1) return [records as unknown[]];
  const buckets: unknown[][] = [];
  for (let i = 0; i < n; i++) buckets.push([]);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    buckets[part.getPartition(r[0])]!.push(r);
  }
  return buckets;
}

function bucketColumns(dep: ShuffleDependency, cols: PairColumns): PairColumns[] {
  const part = dep.partitioner;
  const n = part.numPartitions;
  if (n === 1) return [cols];
  const ks = cols.keys;
  const vs = cols.values;
  const size = ks.length;
  // Each key's partition once, counted, so that every bucket is allocated at its final size
  // (not grown push by push, which leaves its smaller copies to the collector); filled in
  // order, so each bucket holds its keys in the combine's first-seen order, as before.
  const where = n <= 256 ? new Uint8Array(size) : new Uint32Array(size);
  const counts = new Uint32Array(n);
  for (let i = 0; i < size; i++) {
    const p = part.getPartition(ks[i]);
    where[i] = p;
    counts[p]++;
  }
  const keys: unknown[][] = [];
  const values: unknown[][] = [];
  for (let p = 0; p < n; p++) {
    keys.push(sized(counts[p]!));
    values.push(sized(counts[p]!));
  }
  counts.fill(0);
  for (let i = 0; i < size; i++) {
    const p = where[i]!;
    const j = counts[p]++;
    keys[p]![j] = ks[i];
    values[p]![j] = vs[i];
  }
  const out: PairColumns[] = [];
  for (let p = 0; p < n; p++) out.push(new PairColumns(keys[p]!, values[p]!));
  return out;
}

/**
 * An array to fill in index order up to `length`: allocated at that length when V8 keeps such
 * an array in fast elements (a `new Array(n)` of 100,000 or more starts as a dictionary), else
 * empty and grown as it is filled.
 */
function sized(length: number): unknown[] {
  return length < 65_536 ? new Array<unknown>(length) : [];
}
