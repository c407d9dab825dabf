import { RDD } from './rdd.ts';
import type { SparkContext } from '../spark-context.ts';

/**
 * Spark's slicing of a local collection: slice i holds `xs[floor(i*n/k) .. floor((i+1)*n/k))`.
 */
export function sliceCollection<T>(xs: readonly T[], numSlices: number): T[][] {
  if (!(Number.isInteger(numSlices) && numSlices >= 1)) {
    throw new RangeError(`Positive number of partitions required, got ${numSlices}: pass numSlices >= 1 to parallelize`);
  }
  const n = xs.length;
  const out: T[][] = [];
  for (let i = 0; i < numSlices; i++) {
    const start = Math.floor((i * n) / numSlices);
    const end = Math.floor(((i + 1) * n) / numSlices);
    out.push(xs.slice(start, end));
  }
  return out;
}

/**
 * An RDD over data held by the driver: `sc.parallelize(xs, k)` (sliced like Spark) or
 * `sc.parallelizePartitions(parts)` (explicit partitions, e.g. receiver blocks). The slices
 * are copied at construction, so later changes to the caller's array are not seen.
 */
export class ParallelCollectionRDD<T> extends RDD<T> {
  private readonly slices: readonly (readonly T[])[];

  constructor(sc: SparkContext, slices: readonly (readonly T[])[], scope = 'parallelize') {
    super(sc, [], scope);
    this.slices = slices;
  }

  protected getPartitions(): number { return this.slices.length; }

  compute(split: number): readonly T[] { return this.slices[split]!; }
}
