import { ShuffleDependency } from '../rdd/dependency.ts';
import type { Dependency } from '../rdd/dependency.ts';
import type { RDD } from '../rdd/rdd.ts';
import type { BlockManager } from '../storage/block-manager.ts';

/** Below this many parents a lineage walk checks each parent itself, as before. */
const MIN_PARENTS = 8;

/**
 * What {@link unstoredDependencies} last found for an RDD: the block manager's removal count
 * then, the dependencies it looked at, and those whose parents were not stored in full.
 */
interface Found {
  readonly removals: number;
  readonly deps: readonly Dependency[];
  unstored: readonly Dependency[];
}

const found = new WeakMap<RDD<unknown>, Found>();

/** A parent persisted with every partition (this thread's, under `local[N]`) stored. */
function storedInFull(p: RDD<unknown>, blocks: BlockManager): boolean {
  return p.getStorageLevel().isValid && blocks.hasAll(p.id, p.getNumPartitions());
}

/** The dependencies of `deps` a walk still has to cross: shuffles, and parents not stored in full. */
function keepUnstored(deps: readonly Dependency[], blocks: BlockManager): readonly Dependency[] {
  let out: Dependency[] | undefined;
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i]!;
    const kept = d instanceof ShuffleDependency || !storedInFull(d.rdd as RDD<unknown>, blocks);
    if (kept) out?.push(d);
    else if (out === undefined) out = deps.slice(0, i);
  }
  return out ?? deps;
}

/**
 * The dependencies of `rdd` that a lineage walk (a job's preparations and missing shuffles, a
 * batch's sharing plans) has to cross: all of them, except, for an RDD of many parents, the
 * narrow ones on parents persisted with all their partitions stored, which contribute nothing
 * to the walk (computing `rdd` reads their blocks). A window's union reaches every batch in
 * the window that way, and only the newest batch is not stored yet when the batch's jobs are
 * planned: each walk visited every batch of the window, each job of every batch. Order is
 * kept. The finding is kept while the block manager removes nothing and the dependencies are
 * the same (a checkpoint replaces them): a parent stored then is still stored, so later walks
 * look again only at the parents that were not. Few parents (under 8): all of them, unasked.
 * @internal
 */
export function unstoredDependencies(rdd: RDD<unknown>): readonly Dependency[] {
  const deps = rdd.dependencies;
  if (deps.length < MIN_PARENTS) return deps;
  const blocks = rdd.context.blockManager;
  const known = found.get(rdd);
  if (known !== undefined && known.removals === blocks.removals && known.deps === deps) {
    if (known.unstored.length > 0) known.unstored = keepUnstored(known.unstored, blocks);
    return known.unstored;
  }
  const unstored = keepUnstored(deps, blocks);
  found.set(rdd, { removals: blocks.removals, deps, unstored });
  return unstored;
}

/**
 * Whether every parent of `rdd` is a narrow dependency on an RDD persisted with all its
 * partitions stored, so that computing `rdd` reads only stored blocks (see
 * {@link unstoredDependencies}: none left to cross). False for RDDs with fewer than a few
 * parents (walked as before).
 * @internal
 */
export function parentsAllStored(rdd: RDD<unknown>): boolean {
  return rdd.dependencies.length >= MIN_PARENTS && unstoredDependencies(rdd).length === 0;
}
