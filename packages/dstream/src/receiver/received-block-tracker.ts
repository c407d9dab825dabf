import type { ReceivedBlockInfo } from './received-block-info.ts';
import type { ReceivedBlockStore } from './received-block-store.ts';

/**
 * The blocks a receiver stream has stored and not yet given to a batch (Spark's
 * `ReceivedBlockTracker`, for one stream). Blocks enter through {@link ReceivedBlockTracker.add}
 * once the {@link ReceivedBlockStore} holds them; {@link ReceivedBlockTracker.allocate} hands
 * all of them, in arrival order, to the batch being generated.
 */
export class ReceivedBlockTracker {
  #unallocated: ReceivedBlockInfo[] = [];
  #sequence = 0;
  #storing = 0;
  #storedRecords = 0;

  constructor(
    readonly streamId: number,
    /** Where block data goes (the stream's block store: in memory, or the write-ahead log). */
    readonly store: ReceivedBlockStore,
    /** Called when the store fails to take a block (the block is then not given to any batch). */
    private readonly onStoreError: (info: ReceivedBlockInfo, error: unknown) => void,
  ) {}

  /** Stores a block (the `ReceivedBlockStore` hook), then makes it available to the next batch. */
  add(records: readonly unknown[]): void {
    const info: ReceivedBlockInfo = {
      blockId: `input-${this.streamId}-${this.#sequence++}`,
      streamId: this.streamId,
      numRecords: records.length,
      createdAtMs: Date.now(),
    };
    let stored: void | Promise<void>;
    try {
      stored = this.store.put(info, records);
    } catch (e) {
      this.onStoreError(info, e);
      return;
    }
    if (stored instanceof Promise) {
      this.#storing++;
      stored.then(
        () => { this.#storing--; this.#storedRecords += info.numRecords; this.#unallocated.push(info); },
        (e: unknown) => { this.#storing--; this.onStoreError(info, e); },
      );
    } else {
      this.#storedRecords += info.numRecords;
      this.#unallocated.push(info);
    }
  }

  /** Takes every block stored and not yet allocated, in arrival order. */
  allocate(): ReceivedBlockInfo[] {
    const blocks = this.#unallocated;
    this.#unallocated = [];
    return blocks;
  }

  /** Records in blocks the store holds, since the stream started (allocated or not). */
  get storedRecords(): number { return this.#storedRecords; }

  /** Blocks stored (or being stored) and not yet allocated. */
  get pendingBlocks(): number { return this.#unallocated.length + this.#storing; }
}
