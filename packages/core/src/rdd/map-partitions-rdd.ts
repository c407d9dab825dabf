import { RDD } from './rdd.ts';
import { OneToOneDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import type { Partitioner } from './partitioner.ts';
import { parentDataOf, type TaskContext } from '../scheduler/task-context.ts';
import { recordsOf, type PartitionData } from './pair-columns.ts';
import type { PartitionKernel } from './kernels.ts';
import { recordOpKernel } from './record-pipeline.ts';
import type { RecordOp, FusibleRDD, RecordCountingRDD } from './record-pipeline.ts';
import type { PrefixableBlocksKernel } from './prefixable-blocks-kernel.ts';

/**
 * Applies a kernel to each parent partition: the RDD behind `map`, `flatMap`, `filter`,
 * `mapPartitions`, `mapValues`, ... Keeps the parent's partitioner when
 * `preservesPartitioning`. A per-record operator passes only its `recordOp` (kernel
 * `undefined`): its kernel is derived from it, so the operation has one definition.
 */
export class MapPartitionsRDD<U, T> extends RDD<U> implements FusibleRDD, RecordCountingRDD {
  private readonly part: Partitioner | undefined;
  /** Derived from `recordOp` on first use (most record ops run fused, never through it). */
  private kernel: PartitionKernel<T, U> | undefined;
  /** `blocksKernel` in two steps, the first blocks folded ahead of the others (see {@link PrefixableBlocksKernel}). @internal */
  prefixableBlocks: PrefixableBlocksKernel<T, U> | undefined;

  constructor(
    prev: RDD<T>,
    kernel: PartitionKernel<T, U> | undefined,
    preservesPartitioning = false,
    scope = 'mapPartitions',
    /** The per-record form of `kernel`, when it has one (lets the engine fuse chains). @internal */
    readonly recordOp?: RecordOp,
    /**
     * `kernel` over the parent partition given as blocks taken in order, as if concatenated:
     * lets the engine hand over a union's parents' partitions without concatenating them. @internal
     */
    readonly blocksKernel?: (split: number, blocks: readonly PartitionData<T>[]) => PartitionData<U>,
    /**
     * True when `kernel` outputs one element, the number of records of the parent's partition:
     * the engine then counts what a fused chain below outputs instead of materialising it. @internal
     */
    readonly countsParentRecords = false,
    /**
     * `kernel` in the engine's own form: it may take and return combined pairs as columns
     * (see `PairColumns`); when set, it is what computes the partition. @internal
     */
    readonly dataKernel?: (split: number, data: PartitionData<T>) => PartitionData<U>,
  ) {
    super(prev.context, [new OneToOneDependency(prev)], scope);
    if (kernel === undefined && recordOp === undefined && dataKernel === undefined) throw new Error(`${scope}: a MapPartitionsRDD needs a kernel or a record op`);
    this.kernel = kernel;
    this.part = preservesPartitioning ? prev.partitioner : undefined;
  }

  override get partitioner(): Partitioner | undefined { return this.part; }

  protected getPartitions(): number { return this.dependencies[0]!.rdd.getNumPartitions(); }

  compute(split: number, ctx: TaskContext): readonly U[] {
    if (this.dataKernel !== undefined) return recordsOf(this.dataKernel(split, parentDataOf(ctx, 0, split) as PartitionData<T>));
    const kernel = (this.kernel ??= recordOpKernel(this.recordOp!) as PartitionKernel<T, U>);
    return kernel(split, ctx.parent<T>(0, split));
  }

  /** {@link MapPartitionsRDD.compute} through `dataKernel` when there is one. @internal */
  override computeData(split: number, ctx: TaskContext): PartitionData<U> {
    if (this.dataKernel !== undefined) return this.dataKernel(split, parentDataOf(ctx, 0, split) as PartitionData<T>);
    return this.compute(split, ctx);
  }
}
rddClasses.MapPartitionsRDD = MapPartitionsRDD;
