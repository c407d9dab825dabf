import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { getLogger } from '@kindling/core';
import { decodeValues, encodeValues, WriteAheadLog, type WalProblem } from '@kindling/io';
import type { ReceivedBlockInfo } from './received-block-info.ts';
import type { ReceivedBlockStore } from './received-block-store.ts';

/** A receiver stream's position in a metadata checkpoint when it writes ahead. */
export interface WalInputPosition {
  readonly kind: 'receiver-wal';
  /** The log's folder, relative to the checkpoint directory. */
  readonly dir: string;
  /** The run (process) whose unqualified block ids the checkpoint's assignments use. */
  readonly run: string;
  /** Blocks of the log with a higher ordinal had not been given to a batch yet. */
  readonly maxAllocatedOrd: number;
}

export function isWalInputPosition(x: unknown): x is WalInputPosition {
  return typeof x === 'object' && x !== null && (x as WalInputPosition).kind === 'receiver-wal';
}

interface StoredBlock {
  readonly ord: number;
  readonly createdAtMs: number;
  readonly records: readonly unknown[];
}

/** What recovery read back from a log. */
export interface RecoveredBlocks {
  readonly dir: string;
  readonly relDir: string;
  /** Blocks by qualified id (`<run>/<blockId>`). */
  readonly blocks: Map<string, StoredBlock>;
  /** Qualified ids of blocks not given to any batch before the crash, in arrival order. */
  readonly unallocated: { id: string; info: ReceivedBlockInfo }[];
  readonly nextOrd: number;
  readonly maxAllocatedOrd: number;
}

/**
 * The receiver write-ahead log (`spark.streaming.receiver.writeAheadLog.enable`): a
 * `ReceivedBlockStore` that appends every block to a {@link WriteAheadLog} under the
 * checkpoint directory (`receivedData/<uuid>/`) and resolves `put` only once the block is on
 * disk, so a block counts as received (and can be given to a batch) only when it would
 * survive a crash. Data is also kept in memory for the batches of this run.
 *
 * Records are `[qualifiedId, ordinal, numRecords, createdAtMs, records]` in the value codec,
 * with the block's creation time as the log record time. Block ids restart in every run, so
 * the log and checkpoints qualify them with a per-run id (`<run>/input-0-7`).
 */
export class WriteAheadLogBlockStore implements ReceivedBlockStore {
  readonly run = randomUUID().slice(0, 8);
  private wal: WriteAheadLog | undefined;
  private readonly blocks = new Map<string, StoredBlock>();
  private nextOrd: number;
  #maxAllocatedOrd: number;
  #appended = 0;

  constructor(readonly dir: string, readonly relDir: string, recovered?: RecoveredBlocks) {
    this.nextOrd = recovered?.nextOrd ?? 0;
    this.#maxAllocatedOrd = recovered?.maxAllocatedOrd ?? -1;
    if (recovered !== undefined) for (const [id, b] of recovered.blocks) this.blocks.set(id, b);
  }

  /** Highest ordinal given to a batch so far (see {@link WriteAheadLogBlockStore.noteAllocated}). */
  get maxAllocatedOrd(): number { return this.#maxAllocatedOrd; }

  /** Blocks appended by this run. */
  get appended(): number { return this.#appended; }

  /** Opens the log (before the receiver starts). */
  async open(rollingIntervalMs: number): Promise<void> {
    this.wal ??= await WriteAheadLog.open(this.dir, { rollingIntervalMs, onProblem: walProblemLogger(this.dir) });
  }

  qualify(blockId: string): string { return blockId.includes('/') ? blockId : `${this.run}/${blockId}`; }

  ordOf(blockId: string): number | undefined { return this.blocks.get(blockId)?.ord; }

  /**
   * Notes that block `blockId` is given to a batch a checkpoint records (raising
   * `maxAllocatedOrd` to its ordinal) and returns its qualified id.
   */
  noteAllocated(blockId: string): string {
    const ord = this.ordOf(blockId);
    if (ord !== undefined && ord > this.#maxAllocatedOrd) this.#maxAllocatedOrd = ord;
    return this.qualify(blockId);
  }

  async put(info: ReceivedBlockInfo, records: readonly unknown[]): Promise<void> {
    const wal = this.wal;
    if (wal === undefined) throw new Error(`The receiver write-ahead log in ${this.dir} is not open: it opens when the context starts.`);
    const ord = this.nextOrd++;
    const payload = encodeValues([this.qualify(info.blockId), ord, info.numRecords, info.createdAtMs, records as unknown[]]);
    await wal.append(payload, info.createdAtMs);
    this.#appended++;
    this.blocks.set(info.blockId, { ord, createdAtMs: info.createdAtMs, records });
  }

  get(blockId: string): readonly unknown[] | undefined { return this.blocks.get(blockId)?.records; }

  remove(blockIds: readonly string[]): void {
    for (const id of blockIds) this.blocks.delete(id);
  }

  /** Deletes log segments whose blocks were all created before `threshTime`. */
  async clean(threshTime: number): Promise<number> { return this.wal === undefined ? 0 : this.wal.clean(threshTime); }

  async close(): Promise<void> { await this.wal?.close(); }

  /** The log's segment files (for tests and tools). */
  get segmentNames(): string[] { return this.wal?.segmentNames ?? []; }

  /**
   * Reads a log back after a crash: keeps the blocks that `referenced` (qualified ids of the
   * restored batches' blocks) names, and those appended after `maxAllocatedOrd` (received but
   * not given to a batch), which the recovered stream gives to its first new batch.
   */
  static async recover(checkpointDir: string, position: WalInputPosition, referenced: ReadonlySet<string>, streamId: number): Promise<RecoveredBlocks> {
    const dir = join(checkpointDir, position.dir);
    const wal = await WriteAheadLog.open(dir, { onProblem: walProblemLogger(dir) });
    const records = await wal.readAll();
    await wal.close();
    const blocks = new Map<string, StoredBlock>();
    const unallocated: { id: string; info: ReceivedBlockInfo }[] = [];
    let nextOrd = 0;
    for (const r of records) {
      const [id, ord, numRecords, createdAtMs, data] = decodeValues(r.data) as [string, number, number, number, unknown[]];
      nextOrd = Math.max(nextOrd, ord + 1);
      if (ord > position.maxAllocatedOrd) {
        blocks.set(id, { ord, createdAtMs, records: data });
        unallocated.push({ id, info: { blockId: id, streamId, numRecords, createdAtMs } });
      } else if (referenced.has(id)) {
        blocks.set(id, { ord, createdAtMs, records: data });
      }
    }
    return { dir, relDir: position.dir, blocks, unallocated, nextOrd, maxAllocatedOrd: position.maxAllocatedOrd };
  }
}

/** A log's torn or corrupt tails, as warnings of the engine's logger (Spark's `FileBasedWriteAheadLog`). */
function walProblemLogger(dir: string): (p: WalProblem) => void {
  const log = getLogger('FileBasedWriteAheadLog');
  return (p) => log.warn(`${dir}/${p.segment} at byte ${p.offset}: ${p.reason}; records after it in that segment are not recoverable`);
}

/** A fresh log folder name under the checkpoint directory. */
export function newWalDir(): string { return join('receivedData', randomUUID()); }
