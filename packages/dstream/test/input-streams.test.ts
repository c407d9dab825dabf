/**
 * Ports of the queue and file stream cases of Spark's InputStreamsSuite (same inputs, outputs
 * re-derived by hand). Receiver and socket cases live in receiver.test.ts and
 * socket-input-stream.test.ts.
 *
 * | Spark test (InputStreamsSuite)                    | here                                                       |
 * |---------------------------------------------------|------------------------------------------------------------|
 * | queue input stream - oneAtATime = true            | 'queue input stream - oneAtATime = true'                   |
 * | queue input stream - oneAtATime = false           | 'queue input stream - oneAtATime = false'                  |
 * | (QueueInputDStream's defaultRDD)                  | 'queue input stream - defaultRDD'                          |
 * | binary records stream                             | 'binary records stream' (differs for a rewritten file, see there) |
 * | file input stream - newFilesOnly = true           | 'file input stream - newFilesOnly = true'                  |
 * | file input stream - newFilesOnly = false          | 'file input stream - newFilesOnly = false'                 |
 * | file input stream - wildcard                      | file-input-stream.test.ts 'reads sub-directories when a glob pattern says so' |
 * | Modified files are correctly detected.            | 'a directory renamed under a glob: every file in it is new' (differs, see there) |
 * | socket input stream / with stop / multi-thread    | socket-input-stream.test.ts, receiver.test.ts              |
 * | test track the number of input stream             | streaming-context.test.ts                                  |
 */
import { mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RDD } from '@kindling/core';
import { Seconds } from '../src/index.ts';
import { InputTestKit, clockOf } from './support/input-test-kit.ts';

const kit = new InputTestKit();
afterEach(() => kit.cleanup());

describe("Spark's InputStreamsSuite: queueStream", () => {
  it('queue input stream - oneAtATime = true', async () => {
    // two items queued per tick, one taken per batch: every item comes out alone, in order
    const ssc = kit.context();
    const queue: RDD<string>[] = [];
    const out: string[][] = [];
    ssc.queueStream(queue, true).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    await ssc.start();
    const input = ['1', '2', '3', '4', '5'];
    let next = 0;
    for (let i = 0; i < input.length; i++) {
      for (let j = 0; j < 2 && next < input.length; j++) queue.push(ssc.sparkContext.parallelize([input[next++]!]));
      await clockOf(ssc).advance(1000);
    }
    expect(out.filter((b) => b.length > 0)).toEqual([['1'], ['2'], ['3'], ['4'], ['5']]);
    expect(out).toHaveLength(5);
  });

  it('queue input stream - oneAtATime = false', async () => {
    // three items then two: each batch takes everything queued, as one RDD in queue order
    const ssc = kit.context();
    const queue: RDD<string>[] = [];
    const out: string[][] = [];
    ssc.queueStream(queue, false).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    await ssc.start();
    for (const x of ['1', '2', '3']) queue.push(ssc.sparkContext.parallelize([x]));
    await clockOf(ssc).advance(1000);
    for (const x of ['4', '5']) queue.push(ssc.sparkContext.parallelize([x]));
    await clockOf(ssc).advance(1000);
    expect(out.filter((b) => b.length > 0)).toEqual([['1', '2', '3'], ['4', '5']]);
  });

  it('a queued array is taken as it is when its batch is generated: changing it afterwards changes no batch, not even a window computing it again', async () => {
    // One partition (the array as a whole) or two (slices of it).
    for (const parallelism of ['1', '2']) {
      const ssc = kit.context({ 'spark.default.parallelism': parallelism });
      const first = ['a', 'b', 'c'];
      const queue: string[][] = [first];
      const batches: string[][] = [];
      const windows: string[][] = [];
      const lines = ssc.queueStream(queue);
      // The first output operation changes the array once its batch has been generated and read.
      lines.foreachRDD(async (rdd) => {
        batches.push(await rdd.collect());
        if (batches.length > 1) return;
        first[0] = 'z';
        first.push('d');
        first.splice(1, 1);
      });
      // The window is not kept: each of its two batches computes the first batch's RDD again.
      lines.window(Seconds(2)).foreachRDD(async (rdd) => { windows.push((await rdd.collect()).sort()); });
      await ssc.start();
      await clockOf(ssc).advance(2000);
      await ssc.stop();
      expect(first).toEqual(['z', 'c', 'd']);
      expect(batches).toEqual([['a', 'b', 'c'], []]);
      expect(windows).toEqual([['a', 'b', 'c'], ['a', 'b', 'c']]);
    }
  });

  it('queue input stream - defaultRDD when the queue is empty, for either mode', async () => {
    for (const oneAtATime of [true, false]) {
      const ssc = kit.context();
      const queue: string[][] = [['a']];
      const out: string[][] = [];
      ssc.queueStream(queue, oneAtATime, ssc.sparkContext.parallelize(['default'])).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
      await ssc.start();
      await clockOf(ssc).advance(2000);
      queue.push(['b'], ['c']);
      await clockOf(ssc).advance(2000);
      await ssc.stop();
      expect(out).toEqual(oneAtATime ? [['a'], ['default'], ['b'], ['c']] : [['a'], ['default'], ['b', 'c'], ['default']]);
    }
  });
});

describe("Spark's InputStreamsSuite: file streams", () => {
  /**
   * Spark's testFileStream: file "0" exists before start (mtime 10 s), the clock starts at
   * 12 s, half a batch passes, then files "1".."5" are written one per 2 s batch.
   */
  async function testFileStream(newFilesOnly: boolean): Promise<string[]> {
    const dir = kit.tempDir();
    writeFileSync(join(dir, '0'), '0\n');
    utimesSync(join(dir, '0'), new Date(10_000), new Date(10_000));
    const ssc = kit.context({}, 'manual', Seconds(2));
    clockOf(ssc).setTime(12_000);
    const out: string[][] = [];
    ssc.fileStream(dir, { filter: () => true, newFilesOnly, log: () => undefined }).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    await ssc.start();
    await clockOf(ssc).advance(1000);
    for (const i of [1, 2, 3, 4, 5]) {
      writeFileSync(join(dir, String(i)), `${i}\n`);
      const t = new Date(clockOf(ssc).getTimeMillis());
      utimesSync(join(dir, String(i)), t, t);
      await clockOf(ssc).advance(2000);
    }
    expect(out).toHaveLength(5);
    return out.flat();
  }

  it('file input stream - newFilesOnly = true', async () => {
    expect(new Set(await testFileStream(true))).toEqual(new Set(['1', '2', '3', '4', '5']));
  });

  it('file input stream - newFilesOnly = false', async () => {
    expect(new Set(await testFileStream(false))).toEqual(new Set(['0', '1', '2', '3', '4', '5']));
  });

  it('binary records stream: records of each new file; a file present at start and rewritten later stays set aside', async () => {
    // Spark's test: file "0" exists before start; then files "0" (rewritten), "1", "2" with
    // bytes 1..5 (+ i) appear one per batch. Spark reads the rewritten "0" (its new mtime is
    // after the start), so its batches are [1..5], [2..6], [3..7]. Kindling's ledger decides
    // "new" by name and does not stat files it set aside, so the rewritten "0" is not read.
    const dir = kit.tempDir();
    writeFileSync(join(dir, '0'), '0\n');
    utimesSync(join(dir, '0'), new Date(10_000), new Date(10_000));
    const ssc = kit.context({}, 'manual', Seconds(2));
    clockOf(ssc).setTime(12_000);
    const out: number[][] = [];
    ssc.binaryRecordsStream(dir, 1).foreachRDD(async (rdd) => { out.push((await rdd.collect()).flatMap((r) => [...r])); });
    await ssc.start();
    await clockOf(ssc).advance(1000);
    const input = [1, 2, 3, 4, 5];
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(dir, String(i)), Uint8Array.from(input.map((b) => b + i)));
      const t = new Date(clockOf(ssc).getTimeMillis());
      utimesSync(join(dir, String(i)), t, t);
      await clockOf(ssc).advance(2000);
    }
    expect(out).toEqual([[], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7]]);
  });

  it('a directory renamed under a glob: every file in it is new (Spark skips the one older than its remember window)', async () => {
    // Spark's "Modified files are correctly detected.": generated/subdir holds "existing"
    // (old) and "renamed.txt", then is renamed to streaming/subdir, watched as streaming/sub*.
    // Spark reads only "renamed" (it ignores files whose modification time is older than its
    // window); Kindling's ledger takes a file by membership, so both are read, once.
    const root = kit.tempDir();
    const stream = join(root, 'streaming');
    const generated = join(root, 'generated', 'subdir');
    mkdirSync(stream, { recursive: true });
    mkdirSync(generated, { recursive: true });
    writeFileSync(join(generated, 'existing'), 'existing\n');
    utimesSync(join(generated, 'existing'), new Date(1000), new Date(1000));
    const ssc = kit.context({}, 'manual', Seconds(2));
    const out: string[][] = [];
    ssc.textFileStream(join(stream, 'sub*')).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    await ssc.start();
    await clockOf(ssc).advance(2000);
    writeFileSync(join(generated, 'renamed.txt'), 'renamed\n');
    renameSync(generated, join(stream, 'subdir'));
    await clockOf(ssc).advance(2000);
    await clockOf(ssc).advance(2000);
    expect(out[0]).toEqual([]);
    expect(new Set(out[1])).toEqual(new Set(['existing', 'renamed']));
    expect(out[2]).toEqual([]);
  });
});
