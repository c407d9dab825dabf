import type { PartitionData } from '../rdd/pair-columns.ts';

/**
 * The in-memory store of persisted RDD partitions, one per SparkContext. Blocks are the
 * partitions themselves, arrays or pair columns (read-only by contract), keyed by RDD id and
 * partition.
 * @internal
 */
export class BlockManager {
  private readonly rdds = new Map<number, (PartitionData | undefined)[]>();
  #removals = 0;
  // The partitions this thread computes and stores: `p` with `p mod size === rank` (every
  // partition on one thread; a worker thread of local[N] stores only its own, its peers the others).
  #size = 1;
  #rank = 0;
  // Partitions that worker threads stored (the driver of local[N], which stores none of the
  // replicated graph's partitions itself): per RDD id, which partitions some worker holds.
  readonly #elsewhere = new Map<number, boolean[]>();

  /**
   * Makes this the store of worker `rank` of `size` threads under `local[N]`, which stores
   * only the partitions `p` with `p mod size === rank`: {@link hasAll} then asks about those.
   * Without it (one thread, or the driver) every partition is this store's.
   */
  storesOwnedPartitions(size: number, rank: number): void {
    if (!Number.isInteger(size) || size < 1 || !Number.isInteger(rank) || rank < 0 || rank >= size) {
      throw new RangeError(`no worker ${rank} of ${size} threads`);
    }
    this.#size = size;
    this.#rank = rank;
  }

  /**
   * How many times stored blocks were removed: a finding that some RDDs have every partition
   * stored holds while this is unchanged (blocks are only ever added or replaced meanwhile).
   */
  get removals(): number { return this.#removals; }

  get(rddId: number, split: number): PartitionData | undefined {
    return this.rdds.get(rddId)?.[split];
  }

  put(rddId: number, split: number, data: PartitionData): void {
    let parts = this.rdds.get(rddId);
    if (parts === undefined) {
      parts = [];
      this.rdds.set(rddId, parts);
    }
    parts[split] = data;
  }

  /**
   * Notes that a worker thread stored partition `split` of the RDD (the driver of `local[N]`
   * learns it from the worker's reply): {@link hasAll} then counts it as stored, so the
   * driver's lineage walks stop at the RDDs the workers hold, as theirs do. No data is kept
   * here ({@link get} still finds none). Dropped with the RDD's blocks ({@link removeRdd}).
   */
  putElsewhere(rddId: number, split: number): void {
    let parts = this.#elsewhere.get(rddId);
    if (parts === undefined) {
      parts = [];
      this.#elsewhere.set(rddId, parts);
    }
    parts[split] = true;
  }

  /**
   * True when every one of the RDD's `numPartitions` partitions that this store keeps is
   * stored: all of them on one thread; in a worker thread of `local[N]`
   * ({@link storesOwnedPartitions}) the ones it owns (false when it owns none), since its
   * peers compute and store the others and a thread that reads one asks its owner for it. So
   * a lineage walk in a worker stops at a persisted RDD (a window's per-batch reductions) as
   * it does on one thread, instead of going down into every batch of the window. A partition
   * a worker stored ({@link putElsewhere}) counts as stored.
   */
  hasAll(rddId: number, numPartitions: number): boolean {
    if (numPartitions === 0) return true;
    if (numPartitions <= this.#rank) return false;
    const parts = this.rdds.get(rddId);
    const elsewhere = this.#elsewhere.get(rddId);
    if (elsewhere === undefined) {
      if (parts === undefined) return false;
      for (let i = this.#rank; i < numPartitions; i += this.#size) if (parts[i] === undefined) return false;
      return true;
    }
    for (let i = this.#rank; i < numPartitions; i += this.#size) if (parts?.[i] === undefined && elsewhere[i] !== true) return false;
    return true;
  }

  /** Number of stored partitions of an RDD. */
  count(rddId: number): number {
    const parts = this.rdds.get(rddId);
    if (!parts) return 0;
    let n = 0;
    for (const p of parts) if (p !== undefined) n++;
    return n;
  }

  removeRdd(rddId: number): void {
    const elsewhere = this.#elsewhere.delete(rddId);
    if (this.rdds.delete(rddId) || elsewhere) this.#removals++;
  }

  clear(): void {
    if (this.rdds.size > 0 || this.#elsewhere.size > 0) this.#removals++;
    this.rdds.clear();
    this.#elsewhere.clear();
  }
}
