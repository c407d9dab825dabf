import { OneToOneDependency, RDD } from '@kindling/core';
import type { Partitioner, SparkContext, TaskContext } from '@kindling/core';
import type { GroupBatchPlan } from './group-runtime.ts';

/**
 * The previous state of a stateful stream as group mode sees it in one batch: partition p is
 * the restored committed state when this instance has just taken p over, nothing when it does
 * not own p (a partition released or lost leaves no stale state behind), and the previous
 * batch's state otherwise (p run or held in this batch; a partition being given up is held
 * until its release).
 * @internal
 */
export class GroupStateRDD<K, S> extends RDD<[K, S]> {
  readonly #hasPrevious: boolean;

  constructor(
    sc: SparkContext,
    previous: RDD<[K, S]> | undefined,
    private readonly plan: GroupBatchPlan,
    private readonly stream: string,
    private readonly keyPartitioner: Partitioner,
  ) {
    super(sc, previous === undefined ? [] : [new OneToOneDependency(previous.partitionBy(keyPartitioner))], 'groupState');
    this.#hasPrevious = previous !== undefined;
  }

  override get partitioner(): Partitioner { return this.keyPartitioner; }

  protected getPartitions(): number { return this.keyPartitioner.numPartitions; }

  compute(split: number, ctx: TaskContext): [K, S][] {
    const restored = this.plan.restored.get(this.stream)?.get(split);
    if (restored !== undefined) return restored.map((kv) => [kv[0] as K, kv[1] as S]);
    if ((!this.plan.owned.has(split) && !this.plan.held.has(split)) || !this.#hasPrevious) return [];
    return [...ctx.parent<[K, S]>(0, split)];
  }
}
