import { combineValuesByKey } from '../rdd/combine.ts';
import type { ShuffleDependency } from '../rdd/dependency.ts';

/**
 * The map side of a shuffle for one map partition: combine by key if the dependency asks for
 * it, then bucket the records by the partitioner. Returns one array per reduce partition.
 * @internal
 */
export function writeShuffleBuckets<K, V, C>(dep: ShuffleDependency<K, V, C>, data: readonly (readonly [K, V])[]): unknown[][] {
  const records: readonly (readonly [K, unknown])[] = dep.mapSideCombine ? combineValuesByKey(data, dep.aggregator!) : data;
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
