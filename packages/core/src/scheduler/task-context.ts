import type { PartitionData } from '../rdd/pair-columns.ts';

/**
 * What a task gives `RDD.compute`: the parent partitions and shuffle blocks it needs, which
 * the engine has evaluated beforehand (iteratively, so deep lineages do not recurse), and
 * where in the job it runs.
 */
export interface TaskContext {
  readonly jobId: number;
  readonly stageId: number;
  /** The partition of the job's final RDD (or of the map stage's RDD) this task computes. */
  readonly partitionId: number;
  /**
   * The partition `parentSplit` of the parent behind narrow dependency `depIndex` of the RDD
   * being computed. Read-only: do not mutate the returned array.
   */
  parent<P = unknown>(depIndex: number, parentSplit: number): readonly P[];
  /**
   * The shuffle blocks for reduce partition `split` behind shuffle dependency `depIndex`:
   * one array of records per map partition. Records are `[key, value]` pairs, or
   * `[key, combiner]` when the dependency combines on the map side. Read-only.
   */
  shuffleRead<R = unknown>(depIndex: number, split: number): readonly (readonly R[])[];
  /**
   * {@link TaskContext.parent} in the engine's own form: combined pairs may come as columns
   * (`PairColumns`) instead of an array of pairs. @internal
   */
  parentData?(depIndex: number, parentSplit: number): PartitionData;
  /** {@link TaskContext.shuffleRead} in the engine's own form (see `parentData`). @internal */
  shuffleReadData?(depIndex: number, split: number): readonly PartitionData[];
}

/** `ctx.parentData`, or the array `ctx.parent` gives when the context has no other form. @internal */
export function parentDataOf(ctx: TaskContext, depIndex: number, parentSplit: number): PartitionData {
  return ctx.parentData !== undefined ? ctx.parentData(depIndex, parentSplit) : ctx.parent(depIndex, parentSplit);
}
