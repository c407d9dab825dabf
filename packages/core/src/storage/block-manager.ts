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

  /** True when every one of the RDD's `numPartitions` partitions is stored. */
  hasAll(rddId: number, numPartitions: number): boolean {
    const parts = this.rdds.get(rddId);
    if (parts === undefined) return numPartitions === 0;
    for (let i = 0; i < numPartitions; i++) if (parts[i] === undefined) return false;
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
    if (this.rdds.delete(rddId)) this.#removals++;
  }

  clear(): void {
    if (this.rdds.size > 0) this.#removals++;
    this.rdds.clear();
  }
}
