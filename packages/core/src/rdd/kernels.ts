// Partition kernels: plain loops over whole partitions, one per narrow operator. They take
// `(split, data)` and return a new array; the only per-record work is the user's function.

/** A partition kernel: the output partition from the input partition. */
export type PartitionKernel<T, U> = (split: number, data: readonly T[]) => U[];

/** An iterable as an array, without copying when it already is one. */
export function toArray<U>(it: Iterable<U>): U[] {
  return Array.isArray(it) ? (it as U[]) : Array.from(it);
}

export function mapKernel<T, U>(f: (t: T) => U): PartitionKernel<T, U> {
  return (_split, data) => {
    const n = data.length;
    const out = new Array<U>(n);
    for (let i = 0; i < n; i++) out[i] = f(data[i]!);
    return out;
  };
}

export function filterKernel<T>(f: (t: T) => boolean): PartitionKernel<T, T> {
  return (_split, data) => {
    const out: T[] = [];
    for (let i = 0; i < data.length; i++) {
      const x = data[i]!;
      if (f(x)) out.push(x);
    }
    return out;
  };
}

export function flatMapKernel<T, U>(f: (t: T) => Iterable<U>): PartitionKernel<T, U> {
  return (_split, data) => {
    const out: U[] = [];
    for (let i = 0; i < data.length; i++) {
      const r = f(data[i]!);
      if (Array.isArray(r)) {
        for (let j = 0; j < r.length; j++) out.push(r[j] as U);
      } else {
        for (const y of r) out.push(y);
      }
    }
    return out;
  };
}
