import type { ShuffleDependency } from '../rdd/dependency.ts';
import type { RDD } from '../rdd/rdd.ts';

/**
 * Something a job's lineage must learn before its stages run: the bounds of a shuffle's range
 * partitioner (a sort's sampling) or an RDD's own preparation (`zipWithIndex`'s partition
 * offsets). On one thread each runs as a small job of its own before the job (`run`, deepest
 * first); a task scheduler that can compute it inside the job (the worker threads of
 * `local[N]`, between the job's stages) takes it instead, saving a round trip per preparation.
 * @internal
 */
export type JobPreparation =
  | { readonly kind: 'partitioner'; readonly dep: ShuffleDependency; readonly child: RDD<unknown>; run(): Promise<void> }
  | { readonly kind: 'rdd'; readonly rdd: RDD<unknown>; run(): Promise<void> };
