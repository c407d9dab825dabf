import { Partitioner } from './partitioner.ts';
import { rddClasses } from './registry.ts';
import { XorShiftRandom } from '../util/xor-shift-random.ts';
import { keyEquals } from '../util/hash-code.ts';
import type { RDD } from './rdd.ts';
import type { Ordering } from '../util/ordering.ts';

/**
 * Partitions sortable keys into ranges, as Spark's `RangePartitioner`: partition i holds
 * keys no greater than `bounds[i]` (reversed when descending). The bounds are learned from a
 * sample of the data when the job that shuffles by it is prepared (Spark samples at
 * construction; we stay lazy, so building a sort runs nothing).
 */
export class RangePartitioner<K> extends Partitioner {
  private bounds: K[] | undefined;
  private rdd: RDD<[K, unknown]> | undefined;
  /**
   * The partition count: the one asked for, or 1 when 0 was asked for (Spark's range
   * partitioner has one partition more than bounds, and none for a count of 0 or 1, so that
   * sorting an RDD of no partitions, whose default count is 0, still gives one).
   */
  readonly numPartitions: number;

  constructor(
    numPartitions: number,
    rdd: RDD<[K, unknown]>,
    readonly ascending = true,
    readonly ordering: Ordering<K>,
  ) {
    super();
    if (!(Number.isInteger(numPartitions) && numPartitions >= 0)) {
      throw new RangeError(`Number of partitions cannot be negative or fractional, got ${numPartitions}`);
    }
    this.numPartitions = Math.max(numPartitions, 1);
    this.rdd = rdd;
    if (numPartitions <= 1) this.bounds = [];
  }

  /** The upper bounds of partitions `0..n-2`, once sampled. */
  get rangeBounds(): readonly K[] | undefined { return this.bounds; }

  /** The RDD whose keys the bounds are sampled from, until they are. @internal */
  get sampledRDD(): RDD<[K, unknown]> | undefined { return this.bounds === undefined ? this.rdd : undefined; }

  override async prepare(): Promise<void> {
    if (this.bounds !== undefined) return;
    const rdd = this.rdd!;
    const parents = rdd.getNumPartitions();
    const samples = await rdd.context.runJob(rdd, (data, ctx) => this.samplePartition(data, ctx.partitionId, parents), undefined, 'sortByKey');
    this.boundsFromSamples(samples);
  }

  /**
   * The sample of one partition of {@link sampledRDD} (`parents` partitions in all): its size
   * and a reservoir sample of its keys, deterministic per partition, so that any thread
   * sampling the same partition gets the same keys. @internal
   */
  samplePartition(data: readonly [K, unknown][], partitionId: number, parents: number): PartitionSample<K> {
    const sampleSize = Math.min(20 * this.numPartitions, 1e6);
    const perPartition = Math.ceil((3 * sampleSize) / Math.max(parents, 1));
    const rng = new XorShiftRandom(partitionId * 0x5bd1e995 + 17);
    const res: K[] = [];
    for (let i = 0; i < data.length; i++) {
      if (i < perPartition) res.push(data[i]![0]);
      else {
        const j = rng.nextInt(i + 1);
        if (j < perPartition) res[j] = data[i]![0];
      }
    }
    return { count: data.length, sample: res };
  }

  /** Sets the bounds from the samples of every partition of {@link sampledRDD}, in partition order. @internal */
  boundsFromSamples(samples: readonly PartitionSample<K>[]): void {
    const candidates: [K, number][] = [];
    for (const s of samples) {
      if (s.sample.length === 0) continue;
      const weight = s.count / s.sample.length;
      for (const k of s.sample) candidates.push([k, weight]);
    }
    this.adoptBounds(determineBounds(candidates, this.numPartitions, this.ordering));
  }

  /** Takes bounds computed from the same samples elsewhere (by the worker threads of `local[N]`). @internal */
  adoptBounds(bounds: readonly K[]): void {
    this.bounds = [...bounds];
    this.rdd = undefined;
  }

  getPartition(key: unknown): number {
    const b = this.bounds;
    if (b === undefined) throw new Error('RangePartitioner used before its bounds were sampled (internal scheduler error)');
    // First bound >= key.
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ordering(key as K, b[mid]!) > 0) lo = mid + 1;
      else hi = mid;
    }
    return this.ascending ? lo : this.numPartitions - 1 - lo;
  }

  override equals(other: unknown): boolean {
    if (other === this) return true;
    if (!(other instanceof RangePartitioner) || this.bounds === undefined || other.bounds === undefined) return false;
    if (other.ascending !== this.ascending || other.numPartitions !== this.numPartitions || other.bounds.length !== this.bounds.length) return false;
    for (let i = 0; i < this.bounds.length; i++) if (!keyEquals(this.bounds[i], other.bounds[i])) return false;
    return true;
  }

  override toString(): string { return `RangePartitioner(${this.numPartitions})`; }
}

/** One partition's size and sampled keys (see `RangePartitioner.samplePartition`). @internal */
export interface PartitionSample<K> {
  readonly count: number;
  readonly sample: readonly K[];
}

/** Picks up to `partitions - 1` increasing bounds splitting the weighted sample evenly. */
function determineBounds<K>(candidates: [K, number][], partitions: number, ord: Ordering<K>): K[] {
  candidates.sort((a, b) => ord(a[0], b[0]));
  let total = 0;
  for (const c of candidates) total += c[1];
  const step = total / partitions;
  const bounds: K[] = [];
  let cum = 0;
  let target = step;
  let prev: K | undefined;
  let hasPrev = false;
  for (let i = 0; i < candidates.length && bounds.length < partitions - 1; i++) {
    const [key, weight] = candidates[i]!;
    cum += weight;
    if (cum > target) {
      if (!hasPrev || ord(key, prev as K) > 0) {
        bounds.push(key);
        target += step;
        prev = key;
        hasPrev = true;
      }
    }
  }
  return bounds;
}
rddClasses.RangePartitioner = RangePartitioner;
