import { RDD } from './rdd.ts';
import { OneToOneDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import type { Partitioner } from './partitioner.ts';
import type { TaskContext } from '../scheduler/task-context.ts';
import type { PartitionKernel } from './kernels.ts';
import type { RecordOp, FusibleRDD } from './record-pipeline.ts';

/**
 * Applies a kernel to each parent partition: the RDD behind `map`, `flatMap`, `filter`,
 * `mapPartitions`, `mapValues`, ... Keeps the parent's partitioner when
 * `preservesPartitioning`.
 */
export class MapPartitionsRDD<U, T> extends RDD<U> implements FusibleRDD {
  private readonly part: Partitioner | undefined;

  constructor(
    prev: RDD<T>,
    private readonly kernel: PartitionKernel<T, U>,
    preservesPartitioning = false,
    scope = 'mapPartitions',
    /** The per-record form of `kernel`, when it has one (lets the engine fuse chains). @internal */
    readonly recordOp?: RecordOp,
  ) {
    super(prev.context, [new OneToOneDependency(prev)], scope);
    this.part = preservesPartitioning ? prev.partitioner : undefined;
  }

  override get partitioner(): Partitioner | undefined { return this.part; }

  protected getPartitions(): number { return this.dependencies[0]!.rdd.getNumPartitions(); }

  compute(split: number, ctx: TaskContext): readonly U[] {
    return this.kernel(split, ctx.parent<T>(0, split));
  }
}
rddClasses.MapPartitionsRDD = MapPartitionsRDD;
