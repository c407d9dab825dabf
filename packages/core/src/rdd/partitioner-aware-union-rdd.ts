import { RDD } from './rdd.ts';
import { OneToOneDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import type { Partitioner } from './partitioner.ts';
import type { SparkContext } from '../spark-context.ts';
import type { TaskContext } from '../scheduler/task-context.ts';

const CONCAT_CHUNK = 1024;

/**
 * The union of RDDs partitioned by the same partitioner: partition i concatenates every
 * parent's partition i, and the result keeps the partitioner (no shuffle downstream).
 */
export class PartitionerAwareUnionRDD<T> extends RDD<T> {
  private readonly part: Partitioner;
  /** Its partition is its parents' partitions concatenated: a reader may take them as blocks. @internal */
  readonly concatenatesParents = true;

  constructor(sc: SparkContext, rdds: readonly RDD<T>[]) {
    super(sc, rdds.map((r) => new OneToOneDependency(r)), 'union');
    const p = rdds[0]?.partitioner;
    if (p === undefined || !rdds.every((r) => p.equals(r.partitioner))) {
      throw new Error('PartitionerAwareUnionRDD needs parents that all have the same partitioner; use UnionRDD (sc.union) otherwise');
    }
    this.part = p;
  }

  override get partitioner(): Partitioner { return this.part; }

  protected getPartitions(): number { return this.part.numPartitions; }

  compute(split: number, ctx: TaskContext): readonly T[] {
    const n = this.dependencies.length;
    if (n === 1) return ctx.parent<T>(0, split);
    // Array.prototype.concat copies each parent in bulk (about 4x a push per element on a
    // window of 30 batch partitions); arguments go in chunks to stay far below engine limits.
    const parts = new Array<readonly T[]>(n);
    for (let i = 0; i < n; i++) parts[i] = ctx.parent<T>(i, split);
    let out: T[] = [];
    for (let i = 0; i < n; i += CONCAT_CHUNK) out = out.concat(...parts.slice(i, i + CONCAT_CHUNK));
    return out;
  }
}
rddClasses.PartitionerAwareUnionRDD = PartitionerAwareUnionRDD;
