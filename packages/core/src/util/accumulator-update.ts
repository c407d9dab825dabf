/**
 * What every accumulator kind offers the worker-thread runtime (`local[N]`): a worker thread
 * drains what its tasks added since the last drain as a structured-cloneable delta, and the
 * driver (or the same thread, when a step's updates are put back) merges such a delta in.
 * Each kind chooses its delta's shape: `[sum, count]` for the numeric accumulators, the added
 * elements for `CollectionAccumulator`.
 * @internal
 */
export interface ThreadAccumulator {
  /** The name given at creation, if any. */
  readonly name?: string | undefined;
  /** True when nothing was added since creation, the last reset or the last drain. */
  isZero(): boolean;
  /** What was added since the last drain, as a structured-cloneable value; empties this one. */
  drainDelta(): unknown;
  /** Adds a delta drained from the same accumulator in another thread (or earlier in this one). */
  mergeDelta(delta: unknown): void;
}

/**
 * One accumulator's update as sent between threads: the accumulator's index in creation
 * order (the same in every thread, as every thread builds the same graph) and its delta.
 * @internal
 */
export type AccumulatorUpdate = readonly [index: number, delta: unknown];

/** Drains every accumulator that holds additions into updates (in index order). @internal */
export function drainAccumulatorUpdates(accumulators: readonly ThreadAccumulator[]): AccumulatorUpdate[] {
  const out: AccumulatorUpdate[] = [];
  for (let i = 0; i < accumulators.length; i++) {
    const a = accumulators[i]!;
    if (!a.isZero()) out.push([i, a.drainDelta()]);
  }
  return out;
}

/** Merges updates into the accumulators they name (an unknown index is ignored). @internal */
export function applyAccumulatorUpdates(accumulators: readonly ThreadAccumulator[], updates: readonly AccumulatorUpdate[] | undefined): void {
  if (updates === undefined) return;
  for (const [index, delta] of updates) accumulators[index]?.mergeDelta(delta);
}
