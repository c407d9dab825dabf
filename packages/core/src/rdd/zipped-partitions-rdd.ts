import { RDD } from './rdd.ts';
import { OneToOneDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import { toArray } from './kernels.ts';
import type { Partitioner } from './partitioner.ts';
import type { SparkContext } from '../spark-context.ts';
import type { TaskContext } from '../scheduler/task-context.ts';

/**
 * Partition i applies `f` to partition i of every parent (`zipPartitions`, `zip`). The
 * parents must have the same number of partitions.
 */
export class ZippedPartitionsRDD<V> extends RDD<V> {
  private readonly n: number;
  private readonly part: Partitioner | undefined;

  constructor(
    sc: SparkContext,
    rdds: readonly RDD<unknown>[],
    private readonly f: (parts: readonly (readonly unknown[])[]) => Iterable<V>,
    preservesPartitioning = false,
    scope = 'zipPartitions',
  ) {
    super(sc, rdds.map((r) => new OneToOneDependency(r)), scope);
    const counts = rdds.map((r) => r.getNumPartitions());
    if (counts.some((c) => c !== counts[0])) {
      throw new Error(`Can't zip RDDs with unequal numbers of partitions: ${counts.join(', ')}. Repartition them to the same count first`);
    }
    this.n = counts[0] ?? 0;
    this.part = preservesPartitioning ? rdds[0]?.partitioner : undefined;
  }

  override get partitioner(): Partitioner | undefined { return this.part; }

  protected getPartitions(): number { return this.n; }

  compute(split: number, ctx: TaskContext): readonly V[] {
    const parts = this.dependencies.map((_, i) => ctx.parent(i, split));
    return toArray(this.f(parts));
  }
}
rddClasses.ZippedPartitionsRDD = ZippedPartitionsRDD;
