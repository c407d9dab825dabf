import type { PartitionData } from '../rdd/pair-columns.ts';
import type { ShuffleDependency } from '../rdd/dependency.ts';
import type { RDD } from '../rdd/rdd.ts';
import type { TaskContext } from './task-context.ts';

/**
 * What a stage computes, as data a `TaskScheduler` may inspect to run its tasks elsewhere
 * (the worker-thread scheduler looks up the same RDD in every worker's replicated graph).
 * Every task of a stage carries the same object.
 * @internal
 */
export type StageSpec = ResultStageSpec | ShuffleMapStageSpec;

/** A result stage: `func` applied to partitions of `rdd`. @internal */
export interface ResultStageSpec {
  readonly kind: 'result';
  readonly rdd: RDD<unknown>;
  readonly func: (data: readonly unknown[], ctx: TaskContext) => unknown;
  readonly callSite: string;
}

/**
 * A shuffle map stage: the map side of `dep` (read by `child`); task `m` writes
 * `outputs[m]`, one array per reduce partition.
 * @internal
 */
export interface ShuffleMapStageSpec {
  readonly kind: 'shuffleMap';
  readonly dep: ShuffleDependency;
  readonly child: RDD<unknown>;
  readonly outputs: PartitionData[][];
}
