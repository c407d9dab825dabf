import { RDD } from './rdd.ts';
import { FunctionNarrowDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import type { TaskContext } from '../scheduler/task-context.ts';

/**
 * Merges neighbouring parent partitions without a shuffle: with no locality to honour,
 * group i takes parent partitions `floor(i*n/k) .. floor((i+1)*n/k)-1`, as Spark does. Asking
 * for more partitions than the parent has keeps the parent's count.
 */
export class CoalescedRDD<T> extends RDD<T> {
  private readonly groups: number[][];

  constructor(prev: RDD<T>, maxPartitions: number) {
    const n = prev.getNumPartitions();
    const k = Math.min(maxPartitions, n);
    const groups: number[][] = [];
    for (let i = 0; i < k; i++) {
      const g: number[] = [];
      for (let j = Math.floor((i * n) / k); j < Math.floor(((i + 1) * n) / k); j++) g.push(j);
      groups.push(g);
    }
    super(prev.context, [new FunctionNarrowDependency(prev, (p) => groups[p] ?? [])], 'coalesce');
    this.groups = groups;
  }

  protected getPartitions(): number { return this.groups.length; }

  compute(split: number, ctx: TaskContext): readonly T[] {
    const g = this.groups[split]!;
    if (g.length === 1) return ctx.parent<T>(0, g[0]!);
    const out: T[] = [];
    for (const p of g) {
      const d = ctx.parent<T>(0, p);
      for (let i = 0; i < d.length; i++) out.push(d[i]!);
    }
    return out;
  }
}
rddClasses.CoalescedRDD = CoalescedRDD;
