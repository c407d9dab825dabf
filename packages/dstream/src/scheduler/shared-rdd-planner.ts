import { StorageLevel, isLine, unstoredDependencies, type Dependency, type RDD } from '@kindling/core';

/** Persisted at some level (computed once per batch, whoever reads it). */
function persisted(rdd: RDD<unknown>): boolean { return rdd.getStorageLevel() !== StorageLevel.NONE; }

/** Materialised already (checkpointed, or persisted in full): not computed again, so the walk ends there. */
function stops(rdd: RDD<unknown>): boolean {
  return rdd.isCheckpointed || (persisted(rdd) && rdd.context.blockManager.hasAll(rdd.id, rdd.getNumPartitions()));
}

/**
 * The parents a walk goes on to: none past a materialised RDD, and none of the stored parents
 * of an RDD of many (a window's batches: materialised, so none of them is shared).
 */
function parentsOf(rdd: RDD<unknown>): readonly Dependency<unknown>[] {
  return stops(rdd) ? [] : unstoredDependencies(rdd);
}

/**
 * Finds the RDDs of one batch that its output operations would compute more than once, and
 * that are therefore worth keeping (persisting) for the duration of the batch. Spark
 * recomputes them per output unless the user calls `cache()`.
 *
 * Each RDD's demand is the number of times it would be computed: one per output consuming it,
 * plus, per child, the child's effective demand. Walking children before parents, an RDD with
 * demand >= 2 is persisted, after which it is computed once, so its parents see demand 1.
 * RDDs already materialised (checkpointed, or persisted with every partition in memory) are
 * not computed again and end the walk. An RDD persisted but not computed yet (a window's
 * parent of this batch) is computed once, so it passes a demand of 1 to its parents.
 * A single output counts too: a lineage that forks and meets again across shuffles (the
 * book's `orders` feeding three reduceByKey branches unioned into one save) would compute
 * the fork point once per branch.
 * Iterative (no recursion), so deep lineages are fine.
 * @internal
 */
export function planSharedRDDs(outputRDDs: readonly (RDD<unknown> | undefined)[]): RDD<unknown>[] {
  const roots: RDD<unknown>[] = [];
  for (let i = 0; i < outputRDDs.length; i++) if (outputRDDs[i] !== undefined) roots.push(outputRDDs[i]!);
  if (roots.length === 0) return [];
  // One output over a line (a narrow-op program's batch): no RDD is reached twice.
  if (roots.length === 1 && isLine(roots[0]!)) return [];

  // Topological order (children before parents) by iterative post-order DFS, reversed.
  const postOrder: RDD<unknown>[] = [];
  const visited = new Set<RDD<unknown>>();
  // Whether some RDD is reached twice (by two outputs, two children, or as an output and a
  // parent). Otherwise every RDD's demand is at most 1 and nothing is shared.
  let meets = false;
  for (const root of roots) {
    if (visited.has(root)) {
      meets = true;
      continue;
    }
    visited.add(root);
    // Each frame asks `stops` once (it may look at the block store), not once per parent.
    const stack: { rdd: RDD<unknown>; next: number; deps: readonly Dependency<unknown>[] }[] = [{ rdd: root, next: 0, deps: parentsOf(root) }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = top.deps;
      if (top.next < deps.length) {
        const parent = deps[top.next++]!.rdd as RDD<unknown>;
        if (!visited.has(parent)) {
          visited.add(parent);
          stack.push({ rdd: parent, next: 0, deps: parentsOf(parent) });
        } else meets = true;
      } else {
        stack.pop();
        postOrder.push(top.rdd);
      }
    }
  }
  if (!meets) return [];

  const demand = new Map<RDD<unknown>, number>();
  for (const root of roots) demand.set(root, (demand.get(root) ?? 0) + 1);
  const shared: RDD<unknown>[] = [];
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const rdd = postOrder[i]!;
    const d = demand.get(rdd) ?? 0;
    if (stops(rdd)) continue;
    let effective = d;
    if (persisted(rdd)) {
      effective = Math.min(d, 1);
    } else if (d >= 2) {
      shared.push(rdd);
      effective = 1;
    }
    // Stored parents stop the walk: no demand to pass them.
    for (const dep of unstoredDependencies(rdd)) {
      const parent = dep.rdd as RDD<unknown>;
      demand.set(parent, (demand.get(parent) ?? 0) + effective);
    }
  }
  return shared;
}
