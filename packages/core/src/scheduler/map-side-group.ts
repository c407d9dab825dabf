import { fusedChain } from '../rdd/record-pipeline.ts';
import type { ShuffleDependency } from '../rdd/dependency.ts';
import type { RDD } from '../rdd/rdd.ts';

/**
 * Shuffles whose map sides all read the partitions of one RDD (`base`) through chains of
 * per-record operators, and which are, between them, every reader of `base` in the jobs about
 * to run (a streaming batch whose output operations branch from one parsed stream). When the
 * scheduler runs the map stage of one of them in this thread, each task evaluates its `base`
 * partition once and feeds it to every map side of the group that is not available yet, then
 * drops it: the partition is never stored, so it lives for one task instead of from the
 * batch's first job to its last (where it outlived young-generation collections and made V8
 * allocate such records in the old space).
 *
 * What a user can observe: the map-side functions of a later job's shuffle run during the
 * earlier job (each still once per record, as with `base` persisted). A failure in them does
 * not fail the earlier job: that shuffle's outputs are dropped and its own job computes them
 * again, failing there as it would have.
 * @internal
 */
export interface MapSideGroup {
  readonly base: RDD<unknown>;
  readonly deps: readonly ShuffleDependency[];
}

/**
 * Groups the map sides of `deps` over `base` (see {@link MapSideGroup}). Only the shuffles
 * whose fused chain of record operators starts at `base` join; with fewer than two of them
 * nothing is grouped and `undefined` is returned. The caller guarantees that these shuffles
 * are every reader of `base` in the jobs to come, and releases the group when they ran.
 * @internal
 */
export function groupMapSides(base: RDD<unknown>, deps: readonly ShuffleDependency[]): MapSideGroup | undefined {
  // A partitioner that must be prepared (a range partitioner's sampling job) cannot bucket a
  // map side run ahead of its own job.
  const members = deps.filter((d, i) => deps.indexOf(d) === i && d.mapSideGroup === undefined && d.partitioner.prepare === undefined && fusedChain(d.rdd).base === base);
  if (members.length < 2) return undefined;
  const group: MapSideGroup = { base, deps: members };
  for (const d of members) d.mapSideGroup = group;
  return group;
}

/** Detaches a group from its shuffles (their map sides run one by one again). @internal */
export function releaseMapSideGroup(group: MapSideGroup): void {
  for (const d of group.deps) if (d.mapSideGroup === group) d.mapSideGroup = undefined;
}
