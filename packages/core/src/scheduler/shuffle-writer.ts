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
  const keys: unknown[][] = [];
  const values: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    keys.push([]);
    values.push([]);
  }
  const ks = cols.keys;
  const vs = cols.values;
  for (let i = 0; i < ks.length; i++) {
    const p = part.getPartition(ks[i]);
    keys[p]!.push(ks[i]);
    values[p]!.push(vs[i]);
  }
  const out: PairColumns[] = [];
  for (let i = 0; i < n; i++) out.push(new PairColumns(keys[i]!, values[i]!));
  return out;
}
