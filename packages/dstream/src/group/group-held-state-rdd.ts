import { OneToOneDependency, RDD } from '@kindling/core';
import type { Partitioner, SparkContext, TaskContext } from '@kindling/core';
import type { GroupBatchPlan } from './group-runtime.ts';

/**
 * A stateful stream's new state in one batch of group mode: the updated state for the
 * partitions the batch runs, and the previous state, unchanged, for the partitions it holds
 * without running them ({@link GroupBatchPlan.held}: the update function is not called for
 * their keys, since the batch is not one of theirs).
 * @internal
 */
export class GroupHeldStateRDD<K, S> extends RDD<[K, S]> {
  constructor(
    sc: SparkContext,
    updated: RDD<[K, S]>,
    previous: RDD<[K, S]>,
    private readonly plan: GroupBatchPlan,
    private readonly keyPartitioner: Partitioner,
  ) {
    super(sc, [new OneToOneDependency(updated), new OneToOneDependency(previous)], 'groupHeldState');
  }

  override get partitioner(): Partitioner { return this.keyPartitioner; }

  protected getPartitions(): number { return this.keyPartitioner.numPartitions; }

  compute(split: number, ctx: TaskContext): [K, S][] {
    return [...ctx.parent<[K, S]>(this.plan.held.has(split) ? 1 : 0, split)];
  }
}
