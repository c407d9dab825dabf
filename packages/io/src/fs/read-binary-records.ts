import { readFileSync } from 'node:fs';

/** Thrown by {@link readBinaryRecordsSync} when a file's length is not a multiple of the record length. */
export class BinaryRecordLengthError extends Error {
  override readonly name = 'BinaryRecordLengthError';
  constructor(
    readonly path: string,
    readonly fileLength: number,
    readonly recordLength: number,
  ) {
    super(
      `${path} is ${fileLength} bytes long, which is not a multiple of the record length ${recordLength} ` +
        `(${fileLength % recordLength} byte(s) left over). Check the record length, or whether the file was truncated or still being written.`,
    );
  }
}

/**
 * Reads a file of fixed-length records (Spark's `binaryRecords`): one `Uint8Array` per
 * record, each a view of a single buffer holding the whole file (no copy per record).
 *
 * @throws {BinaryRecordLengthError} when the length is not a multiple of `recordLength`.
 * @throws {RangeError} when `recordLength` is not a positive integer.
 * @throws the `fs` error when the file cannot be read.
 */
export function readBinaryRecordsSync(path: string, recordLength: number): Uint8Array[] {
  if (!Number.isInteger(recordLength) || recordLength <= 0) {
    throw new RangeError(`Record length for ${path} must be a positive integer, got ${recordLength}`);
  }
  const bytes = readFileSync(path);
  if (bytes.length % recordLength !== 0) throw new BinaryRecordLengthError(path, bytes.length, recordLength);
  const n = bytes.length / recordLength;
  const out = new Array<Uint8Array>(n);
  const buffer = bytes.buffer;
  let off = bytes.byteOffset;
  for (let i = 0; i < n; i++) {
    out[i] = new Uint8Array(buffer, off, recordLength);
    off += recordLength;
  }
  return out;
}
