/**
 * How a shuffle combines values by key, as Spark's `Aggregator`: `createCombiner` turns a
 * key's first value into a combiner, `mergeValue` folds another value in, `mergeCombiners`
 * merges combiners built on different map partitions.
 */
export interface Aggregator<V, C> {
  readonly createCombiner: (v: V) => C;
  readonly mergeValue: (c: C, v: V) => C;
  readonly mergeCombiners: (c1: C, c2: C) => C;
}
