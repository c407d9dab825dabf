/** A block of records received by a receiver (Spark's `ReceivedBlockInfo`, without the data). */
export interface ReceivedBlockInfo {
  /**
   * `input-<streamId>-<sequence>`, unique within a context run; the write-ahead log and the
   * checkpoints qualify it with the run (`<run>/input-0-7`), as ids restart in every run.
   */
  readonly blockId: string;
  readonly streamId: number;
  readonly numRecords: number;
  /** When the block was cut (wall clock, epoch ms). */
  readonly createdAtMs: number;
}
