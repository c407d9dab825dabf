import { ShuffleDependency } from '../rdd/dependency.ts';
import type { Dependency } from '../rdd/dependency.ts';
import type { RDD } from '../rdd/rdd.ts';

/** Below this many parents a lineage walk checks each parent itself, as before. */
const MIN_PARENTS = 8;

/** When {@link parentsAllStored} last found an RDD's parents stored: the block manager's removal count then, and the dependencies it checked. */
const foundStored = new WeakMap<RDD<unknown>, { removals: number; deps: readonly Dependency[] }>();

/**
 * Whether every parent of `rdd` is a narrow dependency on an RDD persisted with all its
 * partitions stored, so that computing `rdd` reads only stored blocks: a lineage walk (a job's
 * preparations and missing shuffles, a batch's sharing plans) need not visit those parents,
 * which contribute nothing to it. A window's union reaches every batch in the window that
 * way: each job over it walked all of them. The finding is kept while the block manager
 * removes nothing and the dependencies are the same (a checkpoint replaces them), so the
 * walks after the first of a batch check it in constant time. False for RDDs with fewer than
 * a few parents (walked as before).
 * @internal
 */
export function parentsAllStored(rdd: RDD<unknown>): boolean {
  const deps = rdd.dependencies;
  if (deps.length < MIN_PARENTS) return false;
  const blocks = rdd.context.blockManager;
  const found = foundStored.get(rdd);
  if (found !== undefined && found.removals === blocks.removals && found.deps === deps) return true;
  // Newest first: a window's batch not computed yet is its last parent.
  for (let i = deps.length - 1; i >= 0; i--) {
    const d = deps[i]!;
    if (d instanceof ShuffleDependency) return false;
    const p = d.rdd as RDD<unknown>;
    if (!p.getStorageLevel().isValid || !blocks.hasAll(p.id, p.getNumPartitions())) return false;
  }
  foundStored.set(rdd, { removals: blocks.removals, deps });
  return true;
}
