import type { ReceivedBlockInfo } from './received-block-info.ts';

/**
 * Where a receiver stream keeps the data of its blocks until the batches that read them are
 * forgotten: the hook for durability. The default, {@link InMemoryBlockStore}, keeps them in
 * memory. The receiver write-ahead log (`WriteAheadLogBlockStore`, with
 * `spark.streaming.receiver.writeAheadLog.enable`) implements `put` by appending the block to
 * the log before resolving, and is read back by checkpoint recovery after a restart.
 *
 * A block becomes available to batches only after `put` has returned (or its Promise has
 * resolved), so a batch never reads a block that is not stored yet.
 */
export interface ReceivedBlockStore {
  put(info: ReceivedBlockInfo, records: readonly unknown[]): void | Promise<void>;
  /** The records of a block, or `undefined` when the store does not have it (any more). */
  get(blockId: string): readonly unknown[] | undefined;
  /** Forgets blocks (their batches are done and forgotten). */
  remove(blockIds: readonly string[]): void;
}

/** The default {@link ReceivedBlockStore}: a Map in memory (lost if the process dies). */
export class InMemoryBlockStore implements ReceivedBlockStore {
  readonly #blocks = new Map<string, readonly unknown[]>();

  put(info: ReceivedBlockInfo, records: readonly unknown[]): void {
    this.#blocks.set(info.blockId, records);
  }

  get(blockId: string): readonly unknown[] | undefined {
    return this.#blocks.get(blockId);
  }

  remove(blockIds: readonly string[]): void {
    for (const id of blockIds) this.#blocks.delete(id);
  }

  /** Blocks held. */
  get size(): number { return this.#blocks.size; }
}
