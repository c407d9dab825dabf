import { ShuffleDependency, StorageLevel, unstoredDependencies } from '@kindling/core';
import type { Dependency, FusibleRDD, RDD } from '@kindling/core';

/** A shared RDD read only by the map sides of these shuffles (through per-record chains). */
export interface PlannedMapSideGroup {
  readonly base: RDD<unknown>;
  readonly deps: readonly ShuffleDependency[];
}

interface Edge {
  readonly child: RDD<unknown>;
  readonly dep: Dependency<unknown>;
}

/**
 * Among a batch's shared RDDs (see `planSharedRDDs`), finds those whose every reader in the
 * batch's lineage is the map side of a shuffle, reached through a chain of per-record
 * operators that nothing else reads (the book's parsed `orders`, mapped three ways into
 * `reduceByKey`, `updateStateByKey` and a window). The engine can then compute those map
 * sides in one pass over each partition of the shared RDD instead of keeping the partition
 * for the whole batch (see `MapSideGroup` in `@kindling/core`). The walk stops where
 * `planSharedRDDs` stops: at RDDs already checkpointed or stored in full.
 * Iterative (no recursion), so deep lineages are fine.
 * @internal
 */
export function planMapSideGroups(outputRDDs: readonly (RDD<unknown> | undefined)[], shared: readonly RDD<unknown>[]): PlannedMapSideGroup[] {
  if (shared.length === 0) return [];
  const stops = (rdd: RDD<unknown>): boolean =>
    rdd.isCheckpointed || (rdd.getStorageLevel() !== StorageLevel.NONE && rdd.context.blockManager.hasAll(rdd.id, rdd.getNumPartitions()));

  // Who reads whom in this batch's lineage.
  const readers = new Map<RDD<unknown>, Edge[]>();
  const visited = new Set<RDD<unknown>>();
  const stack: RDD<unknown>[] = [];
  for (const root of outputRDDs) {
    if (root === undefined || visited.has(root)) continue;
    visited.add(root);
    stack.push(root);
  }
  while (stack.length > 0) {
    const rdd = stack.pop()!;
    if (stops(rdd)) continue;
    // Stored parents of an RDD of many (a window's batches) stop: nothing they read is shared.
    for (const dep of unstoredDependencies(rdd)) {
      const parent = dep.rdd as RDD<unknown>;
      let list = readers.get(parent);
      if (list === undefined) readers.set(parent, (list = []));
      list.push({ child: rdd, dep: dep as Dependency<unknown> });
      if (!visited.has(parent)) {
        visited.add(parent);
        stack.push(parent);
      }
    }
  }

  const groups: PlannedMapSideGroup[] = [];
  for (const base of shared) {
    if (base.checkpointData !== undefined) continue;
    const deps = shuffleReaders(base, readers);
    if (deps !== undefined && deps.length >= 2) groups.push({ base, deps });
  }
  return groups;
}

/** The shuffles reading `base` through per-record chains, or undefined if anything else reads it. */
function shuffleReaders(base: RDD<unknown>, readers: ReadonlyMap<RDD<unknown>, readonly Edge[]>): ShuffleDependency[] | undefined {
  const deps: ShuffleDependency[] = [];
  for (const first of readers.get(base) ?? []) {
    let edge = first;
    for (;;) {
      if (edge.dep instanceof ShuffleDependency) {
        // A range partitioner samples the map side in a job of its own: another reader.
        if (edge.dep.partitioner.prepare !== undefined) return undefined;
        deps.push(edge.dep);
        break;
      }
      // A per-record operator on its first parent, not kept itself, read by exactly one RDD.
      const r = edge.child;
      if (!isChainLink(r, edge.dep)) return undefined;
      const next = readers.get(r);
      if (next === undefined || next.length !== 1) return undefined;
      edge = next[0]!;
    }
  }
  return deps;
}

function isChainLink(rdd: RDD<unknown>, via: Dependency<unknown>): boolean {
  return (rdd as Partial<FusibleRDD>).recordOp !== undefined
    && rdd.dependencies[0] === via
    && rdd.getStorageLevel() === StorageLevel.NONE
    && rdd.checkpointData === undefined;
}
