import { compiledCombine } from '../rdd/compiled-combine.ts';
import { chainFailure, collectChain, fusedChain } from '../rdd/record-pipeline.ts';
import type { Aggregator } from '../rdd/aggregator.ts';
import type { ShuffleDependency } from '../rdd/dependency.ts';
import type { FusedChain } from '../rdd/record-pipeline.ts';
import type { PartitionEvaluator } from './partition-evaluator.ts';

/**
 * The map side of a shuffle for one map partition: evaluate the map-side RDD (pushing
 * records through a fused chain of narrow operators straight into the combiner when it can),
 * combine by key if the dependency asks for it, then bucket by the partitioner. Returns one
 * array per reduce partition.
 * @internal
 */
export function runShuffleMapTask(dep: ShuffleDependency, m: number, ev: PartitionEvaluator): unknown[][] {
  const chain = fusedChain(dep.rdd);
  return mapSideOutput(dep, chain, m, ev.evaluate(chain.base, m));
}

/**
 * The map output of `dep` for map partition `m`, given the partition `base` of its fused
 * chain's base (evaluated by the caller, possibly once for several shuffles).
 * @internal
 */
export function mapSideOutput(dep: ShuffleDependency, chain: FusedChain, m: number, base: readonly unknown[]): unknown[][] {
  let records: readonly (readonly [unknown, unknown])[];
  if (dep.mapSideCombine) {
    // One compiled loop: the chain's ops, then the combining, per record.
    const combine = compiledCombine(chain.ops.map((o) => o.op), dep.aggregator as Aggregator<unknown, unknown>);
    records = combine([base], chainFailure(chain, m));
  } else if (chain.ops.length === 0) {
    records = base as readonly (readonly [unknown, unknown])[];
  } else {
    records = collectChain(chain, m, base) as (readonly [unknown, unknown])[];
  }
  return bucketRecords(dep, records);
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
