import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WriteAheadLog, WriteAheadLogError, type WalProblem, type WalRecord } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();
const text = (s: string) => new TextEncoder().encode(s);
const plain = (records: WalRecord[]) => records.map((r) => [r.time, Buffer.from(r.data).toString('utf8')]);

describe('WriteAheadLog', () => {
  it('reads back every appended record, in order, after reopening', async () => {
    const dir = join(tempDir(), 'wal');
    const wal = await WriteAheadLog.open(dir);
    await wal.append(text('block-1'), 1000);
    await wal.append(new Uint8Array(0), 1200);
    await wal.append(text('block-3 \u20ac'), 1400);
    await wal.close();
    const again = await WriteAheadLog.open(dir);
    expect(plain(await again.readAll())).toEqual([[1000, 'block-1'], [1200, ''], [1400, 'block-3 \u20ac']]);
    await again.close();
  });

  it('serialises appends issued without awaiting', async () => {
    const wal = await WriteAheadLog.open(tempDir(), { fsync: false });
    const handles = await Promise.all(Array.from({ length: 50 }, (_, i) => wal.append(text(`r${i}`), i)));
    expect(new Set(handles.map((h) => h.offset)).size).toBe(50);
    expect(plain(await wal.readAll())).toEqual(Array.from({ length: 50 }, (_, i) => [i, `r${i}`]));
    expect(Buffer.from(await wal.read(handles[7]!)).toString()).toBe('r7');
    await wal.close();
  });

  it('frames records as documented: KWAL header, then length, crc, time, payload', async () => {
    const dir = tempDir();
    const wal = await WriteAheadLog.open(dir);
    await wal.append(Uint8Array.of(0xab), 2.5);
    await wal.close();
    const bytes = readFileSync(join(dir, 'log-00000001'));
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x4b, 0x57, 0x41, 0x4c, 1, 0, 0, 0]));
    expect(bytes.readUInt32LE(8)).toBe(1);
    expect(bytes.readDoubleLE(16)).toBe(2.5);
    expect(bytes[24]).toBe(0xab);
    expect(bytes.length).toBe(25);
  });

  it('stops cleanly at a truncated last record, reports it, and appends to a new segment after reopening', async () => {
    const dir = tempDir();
    const wal = await WriteAheadLog.open(dir);
    await wal.append(text('one'), 1);
    await wal.append(text('two'), 2);
    await wal.append(text('three-is-long'), 3);
    await wal.close();
    const seg = join(dir, 'log-00000001');
    truncateSync(seg, statSync(seg).size - 5); // a crash in the middle of the last append
    const problems: WalProblem[] = [];
    const reopened = await WriteAheadLog.open(dir, { onProblem: (p) => problems.push(p) });
    expect(plain(await reopened.readAll())).toEqual([[1, 'one'], [2, 'two']]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.segment).toBe('log-00000001');
    expect(problems[0]!.reason).toContain('torn record');
    await reopened.append(text('four'), 4);
    expect(reopened.segmentNames).toEqual(['log-00000001', 'log-00000002']);
    expect(plain(await reopened.readAll())).toEqual([[1, 'one'], [2, 'two'], [4, 'four']]);
    await reopened.close();
  });

  it('stops at a torn record header', async () => {
    const dir = tempDir();
    const wal = await WriteAheadLog.open(dir);
    await wal.append(text('kept'), 1);
    await wal.close();
    const seg = join(dir, 'log-00000001');
    writeFileSync(seg, Buffer.concat([readFileSync(seg), Buffer.from([7, 0, 0])]));
    const problems: WalProblem[] = [];
    const reopened = await WriteAheadLog.open(dir, { onProblem: (p) => problems.push(p) });
    expect(plain(await reopened.readAll())).toEqual([[1, 'kept']]);
    expect(problems[0]!.reason).toContain('torn record header');
  });

  it('stops a segment at a corrupt record and continues with the next segment', async () => {
    const dir = tempDir();
    const wal = await WriteAheadLog.open(dir, { maxSegmentBytes: 1 }); // one record per segment... after the first
    await wal.append(text('a1'), 1);
    await wal.append(text('b1'), 2);
    await wal.close();
    const w2 = await WriteAheadLog.open(dir);
    await w2.append(text('c1'), 3);
    await w2.append(text('c2'), 4);
    await w2.close();
    expect(readdirSync(dir).sort()).toEqual(['log-00000001', 'log-00000002', 'log-00000003']);
    const seg = join(dir, 'log-00000003');
    const bytes = readFileSync(seg);
    bytes[8 + 16] ^= 0xff; // first payload byte of c1
    writeFileSync(seg, bytes);
    const problems: WalProblem[] = [];
    const reopened = await WriteAheadLog.open(dir, { onProblem: (p) => problems.push(p) });
    expect(plain(await reopened.readAll())).toEqual([[1, 'a1'], [2, 'b1']]);
    expect(problems).toEqual([{ segment: 'log-00000003', offset: 8, reason: 'checksum mismatch (corrupt record)' }]);
    await expect(reopened.read({ segment: 'log-00000003', offset: 8, length: 2 })).rejects.toThrow(/log-00000003:8 is missing or corrupt/);
  });

  it('rolls segments by size and by record time span', async () => {
    const bySize = await WriteAheadLog.open(tempDir(), { maxSegmentBytes: 40 });
    for (let i = 0; i < 4; i++) await bySize.append(new Uint8Array(10), i); // 8 + 26 + 26 > 40
    expect(bySize.segmentNames).toEqual(['log-00000001', 'log-00000002']);
    const byTime = await WriteAheadLog.open(tempDir(), { rollingIntervalMs: 1000 });
    for (const t of [0, 500, 999, 1000, 1500, 2100]) await byTime.append(new Uint8Array(1), t);
    expect(byTime.segmentNames).toEqual(['log-00000001', 'log-00000002', 'log-00000003']);
    expect((await byTime.readAll()).map((r) => [r.handle.segment, r.time])).toEqual([
      ['log-00000001', 0], ['log-00000001', 500], ['log-00000001', 999],
      ['log-00000002', 1000], ['log-00000002', 1500],
      ['log-00000003', 2100],
    ]);
  });

  it('clean() deletes only segments whose records are all older than the threshold', async () => {
    const dir = tempDir();
    const wal = await WriteAheadLog.open(dir, { rollingIntervalMs: 1000 });
    for (const t of [0, 900, 1000, 1999, 2000, 2500]) await wal.append(text(String(t)), t);
    expect(wal.segmentNames).toEqual(['log-00000001', 'log-00000002', 'log-00000003']);
    expect(await wal.clean(1999)).toBe(1); // segment 2 still holds 1999
    expect(wal.segmentNames).toEqual(['log-00000002', 'log-00000003']);
    expect(await wal.clean(2000)).toBe(1);
    expect(readdirSync(dir)).toEqual(['log-00000003']);
    expect(plain(await wal.readAll())).toEqual([[2000, '2000'], [2500, '2500']]);
    await wal.close();
  });

  it('clean() handles segments left by an earlier process and the segment being written', async () => {
    const dir = tempDir();
    const first = await WriteAheadLog.open(dir);
    await first.append(text('old'), 100);
    await first.close();
    const wal = await WriteAheadLog.open(dir);
    await wal.append(text('current'), 200);
    expect(await wal.clean(150)).toBe(1); // the earlier process's segment, read to learn its times
    expect(wal.segmentNames).toEqual(['log-00000002']);
    expect(await wal.clean(300)).toBe(1); // the active one, closed then deleted
    expect(readdirSync(dir)).toEqual([]);
    await wal.append(text('after'), 400);
    expect(plain(await wal.readAll())).toEqual([[400, 'after']]);
    await wal.close();
  });

  it('rejects use after close; close is idempotent', async () => {
    const wal = await WriteAheadLog.open(tempDir());
    await wal.close();
    await wal.close();
    await expect(wal.append(text('x'), 1)).rejects.toThrow(/is closed/);
    await expect(wal.readAll()).rejects.toBeInstanceOf(WriteAheadLogError);
  });
});
