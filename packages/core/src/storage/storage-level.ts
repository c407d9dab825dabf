/**
 * How a persisted RDD keeps its partitions, as Spark's `StorageLevel`. Kindling runs in one
 * process, so every level that uses memory keeps the partition arrays in the in-memory
 * block store; the flags are kept for fidelity (and for `toDebugString`).
 */
export class StorageLevel {
  private constructor(
    readonly useDisk: boolean,
    readonly useMemory: boolean,
    readonly useOffHeap: boolean,
    readonly deserialized: boolean,
    readonly replication: number,
    private readonly label: string,
  ) {}

  static readonly NONE = new StorageLevel(false, false, false, false, 1, 'NONE');
  static readonly DISK_ONLY = new StorageLevel(true, false, false, false, 1, 'DISK_ONLY');
  static readonly DISK_ONLY_2 = new StorageLevel(true, false, false, false, 2, 'DISK_ONLY_2');
  static readonly MEMORY_ONLY = new StorageLevel(false, true, false, true, 1, 'MEMORY_ONLY');
  static readonly MEMORY_ONLY_2 = new StorageLevel(false, true, false, true, 2, 'MEMORY_ONLY_2');
  static readonly MEMORY_ONLY_SER = new StorageLevel(false, true, false, false, 1, 'MEMORY_ONLY_SER');
  static readonly MEMORY_ONLY_SER_2 = new StorageLevel(false, true, false, false, 2, 'MEMORY_ONLY_SER_2');
  static readonly MEMORY_AND_DISK = new StorageLevel(true, true, false, true, 1, 'MEMORY_AND_DISK');
  static readonly MEMORY_AND_DISK_2 = new StorageLevel(true, true, false, true, 2, 'MEMORY_AND_DISK_2');
  static readonly MEMORY_AND_DISK_SER = new StorageLevel(true, true, false, false, 1, 'MEMORY_AND_DISK_SER');
  static readonly MEMORY_AND_DISK_SER_2 = new StorageLevel(true, true, false, false, 2, 'MEMORY_AND_DISK_SER_2');
  static readonly OFF_HEAP = new StorageLevel(true, true, true, false, 1, 'OFF_HEAP');

  /** True for every level except `NONE`. */
  get isValid(): boolean { return (this.useMemory || this.useDisk) && this.replication > 0; }

  /** Spark's description, e.g. `Memory Deserialized 1x Replicated`. */
  description(): string {
    if (!this.isValid) return '';
    const parts: string[] = [];
    if (this.useDisk) parts.push('Disk');
    if (this.useMemory) parts.push(this.useOffHeap ? 'Memory (off heap)' : 'Memory');
    parts.push(this.deserialized ? 'Deserialized' : 'Serialized');
    parts.push(`${this.replication}x Replicated`);
    return parts.join(' ');
  }

  /**
   * This level with disk use added (`MEMORY_ONLY` -> `MEMORY_AND_DISK`), as Spark's
   * `LocalRDDCheckpointData.transformStorageLevel`: the blocks of a locally checkpointed RDD
   * are its only copy. @internal
   */
  withDisk(): StorageLevel {
    if (this.useDisk || !this.isValid) return this;
    const all = Object.values(StorageLevel) as unknown[];
    const match = all.find((l): l is StorageLevel => l instanceof StorageLevel && l.useDisk && l.useMemory === this.useMemory && l.useOffHeap === this.useOffHeap && l.deserialized === this.deserialized && l.replication === this.replication);
    return match ?? new StorageLevel(true, this.useMemory, this.useOffHeap, this.deserialized, this.replication, this.label.replace('MEMORY_ONLY', 'MEMORY_AND_DISK'));
  }

  toString(): string { return `StorageLevel.${this.label}`; }
}
