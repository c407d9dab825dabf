// Issue #4 item 1-2: file streams against real files in temp directories, on the manual clock.
import { appendFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTextLinesSync } from '@kindling/io';
import { BatchFailedError, FileInputDStream, type FileInputProblem, type FileInputStreamState } from '../src/index.ts';
import { InputTestKit, batchInfos, clockOf, collectPartitions, flat, moveIn } from './support/input-test-kit.ts';

const kit = new InputTestKit();
afterEach(() => kit.cleanup());
const quiet = { log: () => undefined };

describe('textFileStream / fileStream', () => {
  it('ignores files present at start (saying so once) and reads each file that appears afterwards exactly once', async () => {
    const dir = kit.tempDir();
    writeFileSync(join(dir, 'old.txt'), 'was here\n');
    const logs: string[] = [];
    const ssc = kit.context();
    const lines = ssc.fileStream(dir, { log: (m) => logs.push(m) });
    const out = collectPartitions(lines);
    const infos = batchInfos(ssc);
    await ssc.start();
    expect(logs.filter((l) => l.includes('1 file(s) already present'))).toHaveLength(1);

    writeFileSync(join(dir, 'a.txt'), 'a1\na2\n');
    await clockOf(ssc).advance(1000);
    writeFileSync(join(dir, 'b.txt'), 'b1\n');
    await clockOf(ssc).advance(1000);
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([['a1', 'a2']]);
    expect(out.get(2000)).toEqual([['b1']]);
    expect(out.get(3000)).toEqual([]);
    expect(infos.map((i) => i.numRecords)).toEqual([2, 1, 0]);
    expect(logs.filter((l) => l.includes('already present'))).toHaveLength(1);
  });

  it('reads a file moved in with an old modification time (where Spark would skip it), once', async () => {
    const dir = kit.tempDir();
    const staging = kit.tempDir('kindling-staging-');
    const ssc = kit.context();
    const out = collectPartitions(ssc.fileStream(dir, quiet));
    await ssc.start();
    moveIn(staging, dir, 'orders-1.txt', 'x\ny\n', new Date('2001-01-01T00:00:00Z'));
    await clockOf(ssc).advance(1000);
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([['x', 'y']]);
    expect(out.get(2000)).toEqual([]);
  });

  it('ignores names starting with . or _ and sub-directories', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const out = collectPartitions(ssc.textFileStream(dir));
    await ssc.start();
    writeFileSync(join(dir, '.hidden'), 'no\n');
    writeFileSync(join(dir, '_COPYING_'), 'no\n');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'inner.txt'), 'no\n');
    writeFileSync(join(dir, 'visible.txt'), 'yes\n');
    await clockOf(ssc).advance(1000);
    expect(flat(out)).toEqual(['yes']);
  });

  it('reads sub-directories when a glob pattern says so (and still no hidden names)', async () => {
    const dir = kit.tempDir();
    mkdirSync(join(dir, 'day1'));
    mkdirSync(join(dir, '_tmp'));
    const ssc = kit.context();
    const out = collectPartitions(ssc.fileStream(`${dir}/*/*.csv`, quiet));
    await ssc.start();
    writeFileSync(join(dir, 'day1', 'a.csv'), 'in day1\n');
    writeFileSync(join(dir, 'day1', 'a.txt'), 'not csv\n');
    writeFileSync(join(dir, '_tmp', 'b.csv'), 'hidden dir\n');
    writeFileSync(join(dir, 'top.csv'), 'top level\n');
    await clockOf(ssc).advance(1000);
    expect(flat(out)).toEqual(['in day1']);
  });

  it('gives one partition per file, oldest modification time first', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const out = collectPartitions(ssc.textFileStream(dir));
    await ssc.start();
    const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
    for (const [name, sec] of [['a.txt', 30], ['b.txt', 10], ['c.txt', 20]] as const) {
      writeFileSync(join(dir, name), `${name}-1\n${name}-2\n`);
      utimesSync(join(dir, name), at(sec), at(sec));
    }
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([['b.txt-1', 'b.txt-2'], ['c.txt-1', 'c.txt-2'], ['a.txt-1', 'a.txt-2']]);
  });

  it('newFilesOnly: false reads the files present at start in the first batch', async () => {
    const dir = kit.tempDir();
    writeFileSync(join(dir, 'old.txt'), 'old\n');
    const ssc = kit.context();
    const out = collectPartitions(ssc.fileStream(dir, { newFilesOnly: false }));
    await ssc.start();
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([['old']]);
  });

  it('filter selects the files to read', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const out = collectPartitions(ssc.fileStream(dir, { filter: (p) => p.endsWith('.csv'), ...quiet }));
    await ssc.start();
    writeFileSync(join(dir, 'a.csv'), 'keep\n');
    writeFileSync(join(dir, 'a.tmp'), 'drop\n');
    await clockOf(ssc).advance(1000);
    expect(flat(out)).toEqual(['keep']);
  });

  it('maxFilesPerBatch bounds a backlog, oldest first, and processAllAvailable drains it', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const stream = ssc.fileStream(dir, { maxFilesPerBatch: 2, ...quiet });
    const out = collectPartitions(stream);
    await ssc.start();
    for (let i = 1; i <= 5; i++) {
      writeFileSync(join(dir, `f${i}.txt`), `${i}\n`);
      utimesSync(join(dir, `f${i}.txt`), new Date(i * 1000_000), new Date(i * 1000_000));
    }
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([['1'], ['2']]);
    expect(stream.hasPendingInput()).toBe(true);
    await ssc.processAllAvailable();
    expect(out.get(2000)).toEqual([['3'], ['4']]);
    expect(out.get(3000)).toEqual([['5']]);
    expect(stream.hasPendingInput()).toBe(false);
  });

  it('minFileAgeMs waits until a file is old enough', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const out = collectPartitions(ssc.fileStream(dir, { minFileAgeMs: 60_000, ...quiet }));
    await ssc.start();
    writeFileSync(join(dir, 'fresh.txt'), 'fresh\n');
    writeFileSync(join(dir, 'settled.txt'), 'settled\n');
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, 'settled.txt'), old, old);
    await clockOf(ssc).advance(1000);
    expect(flat(out)).toEqual(['settled']);
    utimesSync(join(dir, 'fresh.txt'), old, old);
    await clockOf(ssc).advance(1000);
    expect(out.get(2000)).toEqual([['fresh']]);
  });

  it('reports a file that vanished or cannot be stat\'ed with its path and batch time, skips it and keeps going', async () => {
    const dir = kit.tempDir();
    const problems: FileInputProblem[] = [];
    const ssc = kit.context();
    // The filter runs after listing and before reading: deleting the file there makes it
    // vanish between the two, deterministically.
    const stream = ssc.fileStream(dir, {
      filter: (p) => {
        if (p.endsWith('gone.txt')) rmSync(p);
        return true;
      },
      onProblem: (p) => problems.push(p),
      ...quiet,
    });
    const out = collectPartitions(stream);
    const infos = batchInfos(ssc);
    await ssc.start();
    writeFileSync(join(dir, 'gone.txt'), 'never read\n');
    writeFileSync(join(dir, 'ok.txt'), 'ok\n');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.txt'));
    await clockOf(ssc).advance(1000);
    writeFileSync(join(dir, 'later.txt'), 'later\n');
    await clockOf(ssc).advance(1000);

    expect(flat(out)).toEqual(['ok', 'later']);
    const seen = (name: string) => problems.filter((p) => p.path === join(dir, name)).map((p) => [p.batchTime.milliseconds, p.reason]);
    expect(seen('gone.txt')).toHaveLength(1);
    expect(seen('gone.txt')[0]![0]).toBe(1000);
    expect(seen('gone.txt')[0]![1]).toContain('ENOENT');
    // The dangling link stays in the directory: reported once, not every batch (issue 10).
    expect(seen('dangling.txt')).toEqual([[1000, `is a symbolic link to a missing target (${join(dir, 'nowhere')})`]]);
    expect(ssc.getState()).toBe('ACTIVE');
    expect(infos[0]!.numRecords).toBe(1);
    const meta = infos[0]!.streamIdToInputInfo.get(stream.id)!.metadata as { problems: { path: string }[] };
    expect(meta.problems.map((p) => p.path).sort()).toEqual([join(dir, 'dangling.txt'), join(dir, 'gone.txt')]);
  });

  // Issue 10, defect 5: the probes "renamed over an already-read name", "deleted and re-created
  // between two scans" and "lines appended after it was read are dropped" (silently).
  it('reads a file renamed over a name it already read and one re-created under it; reports an appended file once', async () => {
    const dir = kit.tempDir();
    const staging = kit.tempDir('kindling-staging-');
    const problems: FileInputProblem[] = [];
    const ssc = kit.context();
    const out = collectPartitions(ssc.fileStream(dir, { onProblem: (p) => problems.push(p), ...quiet }));
    await ssc.start();
    moveIn(staging, dir, 'orders.txt', 'o1\n');
    writeFileSync(join(dir, 'again.txt'), 'a1\n');
    writeFileSync(join(dir, 'log.txt'), 'l1\n');
    await clockOf(ssc).advance(1000);
    moveIn(staging, dir, 'orders.txt', 'o2\n'); // same size, atomic replace
    rmSync(join(dir, 'again.txt'));
    writeFileSync(join(dir, 'again.txt'), 'a2\n');
    appendFileSync(join(dir, 'log.txt'), 'l2\n');
    await clockOf(ssc).advance(1000);
    appendFileSync(join(dir, 'log.txt'), 'l3\n');
    await clockOf(ssc).advance(1000);

    expect([...out.get(1000)!.flat()].sort()).toEqual(['a1', 'l1', 'o1']);
    expect([...out.get(2000)!.flat()].sort()).toEqual(['a2', 'o2']);
    expect(out.get(3000)).toEqual([]);
    expect(problems.map((p) => [p.path, p.batchTime.milliseconds])).toEqual([[join(dir, 'log.txt'), 2000]]);
    expect(problems[0]!.reason).toMatch(/^changed after it was taken \(size 3 -> 6 bytes, modified .*\): the change is not read/);
    expect(ssc.getState()).toBe('ACTIVE');
  });

  it('skips a file that vanished between listing and reading, reporting it with the batch time', async () => {
    const dir = kit.tempDir();
    const problems: FileInputProblem[] = [];
    const ssc = kit.context();
    // A reader that loses the race with a deleter: the file is listed, then gone when read.
    const reader = (path: string): string[] => {
      if (path.endsWith('gone.txt')) rmSync(path);
      return readTextLinesSync(path);
    };
    const stream = new FileInputDStream<string>(ssc, dir, { onProblem: (p) => problems.push(p), ...quiet }, reader);
    const out = collectPartitions(stream);
    await ssc.start();
    writeFileSync(join(dir, 'gone.txt'), 'never read\n');
    writeFileSync(join(dir, 'ok.txt'), 'ok\n');
    await clockOf(ssc).advance(1000);
    expect(flat(out)).toEqual(['ok']);
    expect(problems.map((p) => [p.path, p.batchTime.milliseconds, p.reason])).toEqual([[join(dir, 'gone.txt'), 1000, 'cannot be read (ENOENT)']]);
    expect(ssc.getState()).toBe('ACTIVE');
  });

  it('decodes invalid UTF-8 as U+FFFD, handles CRLF and a final line without newline', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const out = collectPartitions(ssc.textFileStream(dir));
    await ssc.start();
    writeFileSync(join(dir, 'mixed.txt'), Buffer.concat([Buffer.from('caf'), Buffer.from([0xc3, 0xa9]), Buffer.from('\r\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from('\r\nlast')]));
    await clockOf(ssc).advance(1000);
    expect(flat(out)).toEqual(['café', 'bad \ufffd\ufffd', 'last']);
  });

  it('reads a file bigger than maxPartitionBytes as several partitions, every line once, in order', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const out = collectPartitions(ssc.fileStream(dir, { maxPartitionBytes: 100, ...quiet }));
    await ssc.start();
    const lines = Array.from({ length: 50 }, (_, i) => `line-${String(i).padStart(3, '0')}`); // 9 bytes each with \n -> 450 bytes
    writeFileSync(join(dir, 'big.txt'), lines.join('\n') + '\n');
    await clockOf(ssc).advance(1000);
    const parts = out.get(1000)!;
    expect(parts).toHaveLength(Math.ceil(450 / 100));
    expect(parts.flat()).toEqual(lines);
  });

  it('carries its ledger through snapshotState/restoreState (JSON), and a restored batch re-reads its file list', async () => {
    const dir = kit.tempDir();
    writeFileSync(join(dir, 'present.txt'), 'present\n');
    const ssc1 = kit.context();
    const s1 = ssc1.textFileStream(dir);
    const out1 = collectPartitions(s1);
    await ssc1.start();
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    await clockOf(ssc1).advance(1000);
    writeFileSync(join(dir, 'b.txt'), 'b\n');
    await clockOf(ssc1).advance(1000);
    expect(flat(out1)).toEqual(['a', 'b']);
    const state = JSON.parse(JSON.stringify(s1.snapshotState())) as FileInputStreamState;
    const pendingBatch = JSON.parse(JSON.stringify(s1.assignedInputs().get(2000))) as unknown;
    await ssc1.stop();

    // While down: c.txt arrives. After restart nothing taken before is read again, present.txt
    // stays set aside, c.txt is new; batch 1000 of the new run is the replay of old batch 2000.
    writeFileSync(join(dir, 'c.txt'), 'c\n');
    const ssc2 = kit.context();
    const s2 = ssc2.textFileStream(dir) as FileInputDStream<string>;
    s2.restoreState(state);
    s2.restoreAssignedInputs([[1000, pendingBatch as never]]);
    const out2 = collectPartitions(s2);
    await ssc2.start();
    await clockOf(ssc2).advance(1000);
    await clockOf(ssc2).advance(1000);
    expect(out2.get(1000)).toEqual([['b']]);
    expect(out2.get(2000)).toEqual([['c']]);
    expect(state.ledger.seen.map((e) => e[0]).sort()).toEqual(['a.txt', 'b.txt', 'present.txt'].map((n) => join(dir, n)));
  });

  it('keeps the ledger bounded: files that leave the directory leave the ledger', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const s = ssc.textFileStream(dir);
    collectPartitions(s);
    await ssc.start();
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.txt`), 'x\n');
    await clockOf(ssc).advance(1000);
    expect(s.snapshotState().ledger.seen).toHaveLength(5);
    for (let i = 0; i < 4; i++) rmSync(join(dir, `f${i}.txt`));
    await clockOf(ssc).advance(1000);
    expect(s.snapshotState().ledger.seen).toHaveLength(1);
  });
});

describe('binaryRecordsStream', () => {
  it('gives fixed-length records as Uint8Arrays', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const out = collectPartitions(ssc.binaryRecordsStream(dir, 4));
    await ssc.start();
    writeFileSync(join(dir, 'r.bin'), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    await clockOf(ssc).advance(1000);
    expect(flat(out).map((r) => [...r])).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    expect(flat(out)[0]).toBeInstanceOf(Uint8Array);
  });

  it('fails the batch (as Spark) on a file whose length is not a multiple of the record length, naming the file and both numbers', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    collectPartitions(ssc.binaryRecordsStream(dir, 4));
    await ssc.start();
    const bad = join(dir, 'bad.bin');
    writeFileSync(bad, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const advanced = clockOf(ssc).advance(1000);
    await expect(advanced).rejects.toBeInstanceOf(BatchFailedError);
    const err = await ssc.awaitTermination().then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(BatchFailedError);
    expect(err!.message).toContain('1000 ms');
    expect(err!.message).toContain(bad);
    expect(err!.message).toMatch(/10 bytes.*record length 4/);
    expect(readFileSync(bad).length).toBe(10);
  });

  it('rejects a record length that is not a positive integer', () => {
    const ssc = kit.context();
    expect(() => ssc.binaryRecordsStream(kit.tempDir(), 0)).toThrow(/positive integer, got 0/);
  });
});
