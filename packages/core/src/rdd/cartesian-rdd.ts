import { RDD } from './rdd.ts';
import { FunctionNarrowDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import type { SparkContext } from '../spark-context.ts';
import type { TaskContext } from '../scheduler/task-context.ts';

/** Every pair of elements: partition `i * n2 + j` pairs partition i of `rdd1` with j of `rdd2`. */
export class CartesianRDD<T, U> extends RDD<[T, U]> {
  private readonly n1: number;
  private readonly n2: number;

  constructor(sc: SparkContext, rdd1: RDD<T>, rdd2: RDD<U>) {
    const n2 = rdd2.getNumPartitions();
    super(sc, [
      new FunctionNarrowDependency(rdd1, (p) => [Math.floor(p / n2)]),
      new FunctionNarrowDependency(rdd2, (p) => [p % n2]),
    ], 'cartesian');
    this.n1 = rdd1.getNumPartitions();
    this.n2 = n2;
  }

  protected getPartitions(): number { return this.n1 * this.n2; }

  compute(split: number, ctx: TaskContext): readonly [T, U][] {
    const xs = ctx.parent<T>(0, Math.floor(split / this.n2));
    const ys = ctx.parent<U>(1, split % this.n2);
    const out = new Array<[T, U]>(xs.length * ys.length);
    let k = 0;
    for (let i = 0; i < xs.length; i++) for (let j = 0; j < ys.length; j++) out[k++] = [xs[i]!, ys[j]!];
    return out;
  }
}
rddClasses.CartesianRDD = CartesianRDD;
