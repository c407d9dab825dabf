import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  DirectoryScanner,
  FileLedger,
  socketDecoded,
  socketLines,
  socketStream,
  type ChunkDecoder,
  type FileLedgerSnapshot,
  type FoundFile,
  type WalRecordHandle,
  WriteAheadLog,
} from '../src/index.ts';

describe('io types', () => {
  it('socket sources infer their item type', () => {
    expectTypeOf(socketLines('127.0.0.1', 1)).toEqualTypeOf<Observable<string>>();
    expectTypeOf(socketStream('127.0.0.1', 1, (chunk) => chunk.values())).toEqualTypeOf<Observable<number>>();
    const dec = (): ChunkDecoder<[string, number]> => ({ push: () => [], end: () => [] });
    expectTypeOf(socketDecoded('127.0.0.1', 1, dec)).toEqualTypeOf<Observable<[string, number]>>();
    // @ts-expect-error the converter must return an iterable
    socketStream('127.0.0.1', 1, (chunk: Buffer) => chunk.length);
  });

  it('scan results and ledger snapshots are plain data', () => {
    const s = new DirectoryScanner('/tmp/x');
    expectTypeOf(s.scan().files).toEqualTypeOf<FoundFile[]>();
    expectTypeOf(s.snapshot()).toEqualTypeOf<FileLedgerSnapshot>();
    expectTypeOf(FileLedger.fromJSON).parameter(0).toEqualTypeOf<unknown>();
    // @ts-expect-error a snapshot is read-only
    s.snapshot().seen.push(['p', 1, 2]);
  });

  it('the write-ahead log appends bytes with a time', () => {
    expectTypeOf<WriteAheadLog['append']>().toEqualTypeOf<(data: Uint8Array, time: number) => Promise<WalRecordHandle>>();
    // @ts-expect-error records are bytes, not strings
    void ({} as WriteAheadLog).append('text', 1);
  });
});
