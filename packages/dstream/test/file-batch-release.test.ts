// A file stream's batch lets go of its records once the batch is over: a window downstream makes
// the stream remember its RDDs for the window's length, and before this each remembered RDD held
// its lines (the orders dashboard's 60-minute window: BENCHMARKS.md, "The full run of stop 21
// and orders' heap"). A released RDD computed again reads its files again.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RDD } from '@kindling/core';
import { FileInputDStream, Minutes } from '../src/index.ts';
import { FileBatchRDD } from '../src/input/file-batch-rdd.ts';
import { InputTestKit, clockOf } from './support/input-test-kit.ts';

const kit = new InputTestKit();
afterEach(() => kit.cleanup());

/** Batch b's file: lines `w<b % 3> ... ` with b + 1 lines, so counts differ per batch. */
function batchLines(b: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i <= b; i++) lines.push(`w${(b + i) % 3}`);
  return lines;
}

describe('a file stream batch after it is over', () => {
  it('holds no records once over, under a long window, and reads each file once while the window totals stay exact', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const lines = ssc.textFileStream(dir);
    const stream = ssc.graph.inputStreams.find((s) => s instanceof FileInputDStream) as FileInputDStream<string>;
    const seen = new Map<number, Map<string, number>>();
    lines.map((w) => [w, 1] as [string, number])
      .reduceByKeyAndWindow((a, b) => a + b, Minutes(60))
      .foreachRDD(async (rdd, time) => { seen.set(time.milliseconds, new Map(await rdd.collect())); });
    const held: number[] = [];
    const rdds: RDD<string>[] = [];
    lines.foreachRDD((rdd) => { rdds.push(rdd); });
    ssc.addStreamingListener({ onBatchCompleted: () => { held.push(rdds.filter((r) => !(r as FileBatchRDD<string>).released).length); } });
    await ssc.start();
    const batches = 12;
    for (let b = 0; b < batches; b++) {
      writeFileSync(join(dir, `f${b}.txt`), `${batchLines(b).join('\n')}\n`);
      await clockOf(ssc).advance(1000);
    }
    await ssc.stop();
    // Every batch's RDD is a file batch. When a batch's completion is announced only that batch
    // still holds its records (it lets go right after its listeners ran); before, every batch the
    // window remembered held them: 1, 2, 3, ... 12. After the run none holds any.
    expect(rdds).toHaveLength(batches);
    for (const r of rdds) expect(r).toBeInstanceOf(FileBatchRDD);
    expect(held).toEqual(Array.from({ length: batches }, () => 1));
    for (const r of rdds) expect((r as FileBatchRDD<string>).released).toBe(true);
    // Each file read once: the window's reduced parent is stored, so no batch was read again.
    expect(stream.readStats.files).toBe(batches);
    expect(rdds.reduce((n, r) => n + (r as FileBatchRDD<string>).rereads, 0)).toBe(0);
    // The window (all batches so far) against counts worked out from the files.
    for (let b = 0; b < batches; b++) {
      const want = new Map<string, number>();
      for (let k = 0; k <= b; k++) for (const w of batchLines(k)) want.set(w, (want.get(w) ?? 0) + 1);
      expect(new Map([...seen.get((b + 1) * 1000)!].sort())).toEqual(new Map([...want].sort()));
    }
  });

  it('reads its files again when computed after it is over, and names the file and the batch once the file is gone', async () => {
    const dir = kit.tempDir();
    const ssc = kit.context();
    const kept: RDD<string>[] = [];
    ssc.textFileStream(dir).foreachRDD((rdd) => { kept.push(rdd); });
    await ssc.start();
    writeFileSync(join(dir, 'a.txt'), 'a1\na2\n');
    await clockOf(ssc).advance(1000);
    writeFileSync(join(dir, 'b.txt'), 'b1\n');
    await clockOf(ssc).advance(1000);
    const first = kept[0] as FileBatchRDD<string>;
    expect(first.released).toBe(true);
    expect(await first.collect()).toEqual(['a1', 'a2']);
    expect(first.rereads).toBe(1);
    rmSync(join(dir, 'a.txt'));
    await expect(first.collect()).rejects.toThrow(/batch 1000 ms is computed again after it ended, and its file .*a\.txt can no longer be read \(ENOENT\)/);
    await ssc.stop();
  });
});
