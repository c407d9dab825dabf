import { RDD } from './rdd.ts';
import { OneToOneDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import type { TaskContext } from '../scheduler/task-context.ts';

/**
 * Pairs each element with its global index. The start index of each partition needs the
 * sizes of the partitions before it; they are counted by a small job when the first job
 * over this RDD is prepared (Spark counts at construction; we stay lazy).
 */
export class ZippedWithIndexRDD<T> extends RDD<[T, number]> {
  private startIndices: number[] | undefined;

  constructor(prev: RDD<T>) {
    super(prev.context, [new OneToOneDependency(prev)], 'zipWithIndex');
  }

  protected getPartitions(): number { return this.dependencies[0]!.rdd.getNumPartitions(); }

  override async prepareForJob(): Promise<void> {
    if (!this.needsOffsets) return;
    const prev = this.dependencies[0]!.rdd;
    const n = prev.getNumPartitions();
    const ids = Array.from({ length: Math.max(n - 1, 0) }, (_, i) => i);
    this.offsetsFromCounts(n > 1 ? await this.context.runJob(prev, (d) => d.length, ids, 'zipWithIndex') : []);
  }

  /** Whether the start index of each partition still has to be counted. @internal */
  get needsOffsets(): boolean { return this.startIndices === undefined && !this.isCheckpointed; }

  /** Sets the start indices from the sizes of the parent's partitions `0..n-2`, in order (counted here or by the worker threads of `local[N]`). @internal */
  offsetsFromCounts(counts: readonly number[]): void {
    const starts = [0];
    for (const c of counts) starts.push(starts[starts.length - 1]! + c);
    this.startIndices = starts;
  }

  compute(split: number, ctx: TaskContext): readonly [T, number][] {
    const starts = this.startIndices;
    if (starts === undefined) throw new Error(`${this.toString()} was computed before its partition offsets were counted (internal scheduler error)`);
    const data = ctx.parent<T>(0, split);
    const base = starts[split]!;
    const out = new Array<[T, number]>(data.length);
    for (let i = 0; i < data.length; i++) out[i] = [data[i]!, base + i];
    return out;
  }
}
rddClasses.ZippedWithIndexRDD = ZippedWithIndexRDD;
