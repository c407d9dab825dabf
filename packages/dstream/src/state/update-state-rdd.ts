import { OneToOneDependency, RDD } from '@kindling/core';
import type { Partitioner, SparkContext, TaskContext, Time } from '@kindling/core';
import { updateStatePartition } from './update-state-partition.ts';
import type { PartitionStateUpdate } from './update-state-partition.ts';

/**
 * One batch of `updateStateByKey`: the previous state and the batch's grouped values,
 * partitioned alike, joined and updated partition by partition (see
 * {@link updateStatePartition}). Either input may be absent (first batch; a batch whose
 * parent has no RDD).
 *
 * Dependencies (one-to-one): `[previous state?, grouped values?]`.
 * @internal
 */
export class UpdateStateRDD<K, V, S> extends RDD<[K, S]> {
  private readonly hasPrevious: boolean;
  private readonly hasValues: boolean;

  constructor(
    sc: SparkContext,
    previous: RDD<[K, S]> | undefined,
    grouped: RDD<[K, V[]]> | undefined,
    private readonly update: PartitionStateUpdate<K, V, S>,
    private readonly time: Time,
    private readonly keyPartitioner: Partitioner,
    private readonly preservePartitioning: boolean,
    private readonly streamName: string,
    /** The previous state may hold a key twice: keep its first state (see updateStatePartition). */
    private readonly dedupePrevious = false,
  ) {
    const deps: OneToOneDependency<unknown>[] = [];
    if (previous !== undefined) deps.push(new OneToOneDependency(previous.partitionBy(keyPartitioner)));
    if (grouped !== undefined) deps.push(new OneToOneDependency(grouped.partitionBy(keyPartitioner)));
    super(sc, deps, 'updateStateByKey');
    this.hasPrevious = previous !== undefined;
    this.hasValues = grouped !== undefined;
  }

  override get partitioner(): Partitioner | undefined { return this.preservePartitioning ? this.keyPartitioner : undefined; }

  protected getPartitions(): number { return this.keyPartitioner.numPartitions; }

  compute(split: number, ctx: TaskContext): [K, S][] {
    let dep = 0;
    const previous = this.hasPrevious ? ctx.parent<[K, S]>(dep++, split) : [];
    const grouped = this.hasValues ? ctx.parent<[K, V[]]>(dep++, split) : [];
    try {
      return updateStatePartition(previous, grouped, this.update, this.time, this.dedupePrevious);
    } catch (e) {
      throw new Error(`${this.streamName}: the updateStateByKey function failed at batch ${this.time} (partition ${split}): ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }
}
