import { ShuffleDependency } from '../rdd/dependency.ts';
import type { RDD } from '../rdd/rdd.ts';

/**
 * How many levels the checks below follow before answering "not known": a longer lineage (an
 * unchecked stateful chain) goes through the general walks, which stop at stored RDDs.
 */
const MAX_LEVELS = 64;

/**
 * Whether `root`'s lineage is a line: following `dependencies` down, every RDD has at most one
 * (within 64 levels). No RDD of a line is reached twice, so a walk that looks for RDDs read by
 * several others (a batch's sharing plan) has nothing to find there. A loop over the line: no
 * set, stack or closure, which the general walks make per call.
 * @internal
 */
export function isLine(root: RDD<unknown>): boolean {
  let r = root;
  for (let level = 0; level < MAX_LEVELS; level++) {
    const deps = r.dependencies;
    if (deps.length === 0) return true;
    if (deps.length > 1) return false;
    r = deps[0]!.rdd;
  }
  return false;
}

/**
 * Whether `root`'s lineage is a line (see {@link isLine}) of narrow dependencies none of whose
 * RDDs has a preparation before a job (`prepareForJob`): a job over it has no preparation and
 * no map stage to run, whatever is stored, only its result stage. Every batch of a program of
 * narrow operators and an action (`filter(...).count()`, `map(...).foreachRDD(collect)`) is
 * such a job.
 * @internal
 */
export function isNarrowLine(root: RDD<unknown>): boolean {
  let r = root;
  for (let level = 0; level < MAX_LEVELS; level++) {
    if (r.prepareForJob !== undefined) return false;
    const deps = r.dependencies;
    if (deps.length === 0) return true;
    if (deps.length > 1) return false;
    const d = deps[0]!;
    if (d instanceof ShuffleDependency) return false;
    r = d.rdd;
  }
  return false;
}
