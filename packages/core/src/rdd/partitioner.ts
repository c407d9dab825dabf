import { hashCode, nonNegativeMod } from '../util/hash-code.ts';
import type { RDD } from './rdd.ts';

/**
 * Decides which partition each key of a pair RDD goes to, as Spark's `Partitioner`. Two
 * RDDs partitioned by `equals` partitioners have their keys co-located, so joining or
 * reducing them needs no shuffle.
 */
export abstract class Partitioner {
  abstract readonly numPartitions: number;
  /** The partition (in `0..numPartitions-1`) of `key`. */
  abstract getPartition(key: unknown): number;
  /** True when `other` sends every key to the same partition as this one. */
  equals(other: unknown): boolean { return other === this; }
  hashCode(): number { return this.numPartitions; }
  /**
   * Called by the scheduler before the shuffle that uses this partitioner runs, for
   * partitioners that learn from the data (range partitioning samples its input).
   * @internal
   */
  prepare?(): Promise<void>;
}

/**
 * Partitions keys by their Java-compatible hash code modulo `numPartitions` (see
 * `hashCode`), so string, integer and boolean keys, and tuples of them (Scala 2.12 tuple
 * hashing), land where Spark puts them. `undefined` and `null` keys go to partition 0.
 */
export class HashPartitioner extends Partitioner {
  constructor(readonly numPartitions: number) {
    super();
    if (!(Number.isInteger(numPartitions) && numPartitions >= 0)) {
      throw new RangeError(`HashPartitioner needs a non-negative integer number of partitions, got ${numPartitions}`);
    }
  }

  getPartition(key: unknown): number {
    if (key === undefined || key === null) return 0;
    if (typeof key === 'number' && (key | 0) === key) return nonNegativeMod(key, this.numPartitions);
    return nonNegativeMod(hashCode(key), this.numPartitions);
  }

  override equals(other: unknown): boolean {
    return other instanceof HashPartitioner && other.numPartitions === this.numPartitions;
  }

  override hashCode(): number { return this.numPartitions; }

  override toString(): string { return `HashPartitioner(${this.numPartitions})`; }
}

/** The partition count a shuffle should produce: a number, a partitioner's, or undefined. */
export type NumPartitionsOrPartitioner = number | Partitioner | undefined;

function isEligible(p: Partitioner, rdds: readonly RDD<unknown>[]): boolean {
  const maxPartitions = Math.max(...rdds.map((r) => r.getNumPartitions()));
  return Math.log10(maxPartitions) - Math.log10(p.numPartitions) < 1;
}

/**
 * Spark's `Partitioner.defaultPartitioner`: reuse the partitioner with the most partitions
 * among the RDDs when it is not much smaller than the largest RDD (or not smaller than the
 * default parallelism); otherwise a `HashPartitioner` over `spark.default.parallelism` when
 * that is set, else over the largest partition count.
 */
export function defaultPartitioner(rdd: RDD<unknown>, ...others: RDD<unknown>[]): Partitioner {
  const rdds = [rdd, ...others];
  let best: Partitioner | undefined;
  for (const r of rdds) {
    const p = r.partitioner;
    if (p !== undefined && p.numPartitions > 0 && (best === undefined || p.numPartitions > best.numPartitions)) best = p;
  }
  const sc = rdd.context;
  const defaultNum = sc.getConf().contains('spark.default.parallelism')
    ? sc.defaultParallelism
    : Math.max(...rdds.map((r) => r.getNumPartitions()));
  if (best !== undefined && (isEligible(best, rdds) || defaultNum <= best.numPartitions)) return best;
  return new HashPartitioner(defaultNum);
}

/** Resolves an optional `numPartitions | Partitioner` argument against the default. */
export function resolvePartitioner(p: NumPartitionsOrPartitioner, rdd: RDD<unknown>, ...others: RDD<unknown>[]): Partitioner {
  if (p instanceof Partitioner) return p;
  if (typeof p === 'number') return new HashPartitioner(p);
  return defaultPartitioner(rdd, ...others);
}
