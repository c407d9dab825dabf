import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BinaryRecordLengthError, readBinaryRecordsSync } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

describe('readBinaryRecordsSync', () => {
  it('cuts a file into fixed-length records', () => {
    const p = join(tempDir(), 'r.bin');
    writeFileSync(p, Uint8Array.from([1, 2, 3, 4, 5, 6]));
    expect(readBinaryRecordsSync(p, 2).map((r) => Array.from(r))).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(readBinaryRecordsSync(p, 3).map((r) => Array.from(r))).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('gives no records for an empty file', () => {
    const p = join(tempDir(), 'empty.bin');
    writeFileSync(p, '');
    expect(readBinaryRecordsSync(p, 4)).toEqual([]);
  });

  it('fails naming the file and both numbers when the length is not a multiple', () => {
    const p = join(tempDir(), 'bad.bin');
    writeFileSync(p, Uint8Array.from([1, 2, 3, 4, 5, 6, 7]));
    expect(() => readBinaryRecordsSync(p, 3)).toThrow(BinaryRecordLengthError);
    expect(() => readBinaryRecordsSync(p, 3)).toThrow(`${p} is 7 bytes long, which is not a multiple of the record length 3`);
  });

  it('rejects a record length that is not a positive integer', () => {
    expect(() => readBinaryRecordsSync('/x', 0)).toThrow(RangeError);
  });
});
