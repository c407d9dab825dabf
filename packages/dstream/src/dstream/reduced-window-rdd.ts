import { OneToOneDependency, RDD, parentDataOf, recordsOf } from '@kindling/core';
import type { PartitionData, Partitioner, SparkContext, TaskContext, Time } from '@kindling/core';
import { reduceWindowData } from './reduce-window-partition.ts';

/**
 * One window of a {@link ReducedWindowedDStream}: the previous window's RDD, the per-batch
 * reductions that left the window and those that entered it, all partitioned alike, merged
 * partition by partition without a shuffle (see {@link reduceWindowPartition}).
 *
 * Dependencies (all one-to-one): `[previous?, ...left, ...entered]`.
 * @internal
 */
export class ReducedWindowRDD<K, V> extends RDD<[K, V]> {
  private readonly hasPrevious: boolean;
  private readonly numLeft: number;
  private readonly numEntered: number;

  constructor(
    sc: SparkContext,
    previous: RDD<[K, V]> | undefined,
    left: readonly RDD<[K, V]>[],
    entered: readonly RDD<[K, V]>[],
    private readonly keyPartitioner: Partitioner,
    private readonly reduceFn: (a: V, b: V) => V,
    private readonly invReduceFn: (a: V, b: V) => V,
    private readonly filterFn: ((kv: [K, V]) => boolean) | undefined,
    private readonly streamName: string,
    private readonly time: Time,
  ) {
    // Anything not partitioned like the window (say, a previous window restored from a
    // checkpoint without its partitioner) is repartitioned first, so the merge stays narrow.
    const align = (r: RDD<[K, V]>): OneToOneDependency<[K, V]> => new OneToOneDependency(r.partitionBy(keyPartitioner));
    const deps: OneToOneDependency<[K, V]>[] = [];
    if (previous !== undefined) deps.push(align(previous));
    for (const r of left) deps.push(align(r));
    for (const r of entered) deps.push(align(r));
    super(sc, deps, 'reduceByKeyAndWindow');
    this.hasPrevious = previous !== undefined;
    this.numLeft = left.length;
    this.numEntered = entered.length;
  }

  override get partitioner(): Partitioner { return this.keyPartitioner; }

  protected getPartitions(): number { return this.keyPartitioner.numPartitions; }

  compute(split: number, ctx: TaskContext): readonly [K, V][] {
    return recordsOf(this.computeData(split, ctx)) as readonly [K, V][];
  }

  /** The window's pairs as columns (see `PairColumns`). @internal */
  override computeData(split: number, ctx: TaskContext): PartitionData<[K, V]> {
    let dep = 0;
    const previous = this.hasPrevious ? parentDataOf(ctx, dep++, split) : [];
    const left: PartitionData[] = [];
    for (let i = 0; i < this.numLeft; i++) left.push(parentDataOf(ctx, dep++, split));
    const entered: PartitionData[] = [];
    for (let i = 0; i < this.numEntered; i++) entered.push(parentDataOf(ctx, dep++, split));
    try {
      return reduceWindowData(previous, left, entered, this.reduceFn, this.invReduceFn, this.filterFn) as PartitionData<[K, V]>;
    } catch (e) {
      throw new Error(
        `${this.streamName}: a reduce, inverse reduce or filter function of reduceByKeyAndWindow failed at batch ${this.time} (partition ${split}): ${(e as Error)?.message ?? String(e)}`,
        { cause: e },
      );
    }
  }
}
