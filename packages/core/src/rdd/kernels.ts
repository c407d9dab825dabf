// Partition kernels: plain loops over whole partitions. They take `(split, data)` and return a
// new array. The per-record operators (map, filter, flatMap and the pair operators built on
// them) derive theirs from their record op (record-pipeline.ts).

/** A partition kernel: the output partition from the input partition. */
export type PartitionKernel<T, U> = (split: number, data: readonly T[]) => U[];

/** An iterable as an array, without copying when it already is one. */
export function toArray<U>(it: Iterable<U>): U[] {
  return Array.isArray(it) ? (it as U[]) : Array.from(it);
}
