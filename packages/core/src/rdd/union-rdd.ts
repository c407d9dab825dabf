import { RDD } from './rdd.ts';
import { RangeDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import type { SparkContext } from '../spark-context.ts';
import type { TaskContext } from '../scheduler/task-context.ts';

/** The partitions of several RDDs one after another (`union` of unpartitioned RDDs). */
export class UnionRDD<T> extends RDD<T> {
  /** `starts[i]`: the first partition of parent i in this RDD. */
  private readonly starts: number[] = [];
  private readonly total: number;

  constructor(sc: SparkContext, rdds: readonly RDD<T>[]) {
    const deps: RangeDependency<T>[] = [];
    const starts: number[] = [];
    let pos = 0;
    for (const r of rdds) {
      const n = r.getNumPartitions();
      deps.push(new RangeDependency(r, 0, pos, n));
      starts.push(pos);
      pos += n;
    }
    super(sc, deps, 'union');
    this.starts = starts;
    this.total = pos;
  }

  protected getPartitions(): number { return this.total; }

  compute(split: number, ctx: TaskContext): readonly T[] {
    // Binary search for the parent owning `split`.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= split) lo = mid;
      else hi = mid - 1;
    }
    // Empty parents share a start with the next one: take the last parent starting here
    // that actually has the partition.
    return ctx.parent<T>(lo, split - this.starts[lo]!);
  }
}
rddClasses.UnionRDD = UnionRDD;
