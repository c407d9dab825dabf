import { RDD } from '../rdd/rdd.ts';
import { OneToOneDependency, type Dependency } from '../rdd/dependency.ts';
import type { Partitioner } from '../rdd/partitioner.ts';
import { recordsOf, type PartitionData } from '../rdd/pair-columns.ts';

/**
 * What replaces the lineage of an RDD after `rdd.localCheckpoint()` materialized it, as Spark's
 * `LocalCheckpointRDD`: its partitions are the RDD's own persisted blocks, and nothing else
 * can recompute them. A block that is gone (the RDD was unpersisted) fails the task with
 * Spark's explanation.
 * @internal
 */
export class LocalCheckpointRDD<T> extends RDD<T> {
  /** `[OneToOneDependency(this)]`, the dependencies of the RDD this checkpoint replaced. */
  readonly asDependencies: readonly Dependency[];
  /** A local checkpoint writes no files. */
  readonly checkpointPath: undefined = undefined;
  readonly partChecksums: undefined = undefined;

  constructor(
    /** The locally checkpointed RDD, whose blocks these partitions are. */
    private readonly owner: RDD<T>,
    private readonly numParts: number,
    private readonly part: Partitioner | undefined,
  ) {
    super(owner.context, [], 'localCheckpoint');
    this.asDependencies = [new OneToOneDependency(this)];
  }

  override get partitioner(): Partitioner | undefined { return this.part; }

  protected getPartitions(): number { return this.numParts; }

  compute(split: number): readonly T[] {
    const data = this.context.blockManager.get(this.owner.id, split) as PartitionData<T> | undefined;
    if (data === undefined) {
      throw new Error(
        `Checkpoint block rdd_${this.owner.id}_${split} not found! Either the executor that originally checkpointed this partition is no longer alive, or the original RDD is unpersisted. ` +
          'If this problem persists, you may consider using `rdd.checkpoint()` instead, which is slower than local checkpointing but more fault-tolerant.',
      );
    }
    return recordsOf(data);
  }
}
