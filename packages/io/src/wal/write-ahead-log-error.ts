/** A write-ahead log operation failed: a segment could not be created, a record is corrupt, or the log is closed. */
export class WriteAheadLogError extends Error {
  override readonly name = 'WriteAheadLogError';
}
