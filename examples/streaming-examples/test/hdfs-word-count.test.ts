import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { ManualClock, StreamingContext } from '@kindling/dstream';
import { hdfsWordCount } from '../src/hdfs-word-count.ts';
import { capture, pairs, printedBatches, type PrintedBatch } from './support/printed.ts';
import { tasksPerWorker } from './support/workers.ts';

describe('HdfsWordCount', () => {
  let ssc: StreamingContext | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await ssc?.stop(); // also after a failed start, which leaves the SparkContext running
    ssc = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the example under `master` over two files and three batches; returns what it printed and where its tasks ran. */
  async function run(master: string): Promise<{ batches: PrintedBatch[]; workers: number[] | undefined }> {
    dir = await mkdtemp(join(tmpdir(), 'hdfs-wc-'));
    const input = join(dir, 'in');
    await mkdir(input);
    // The same partitioning under every master, so that print() shows the same elements in the same order.
    const conf = new SparkConf().setMaster(master).set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
    ssc = await hdfsWordCount([input], conf);
    const out = capture(ssc);
    const clock = ssc.clock as ManualClock;
    await ssc.start();

    // Files are written elsewhere and moved in whole, stamped inside the batch that reads them
    // (as Spark's own file stream tests do with a manual clock).
    const drop = async (name: string, text: string, mtimeMs: number): Promise<void> => {
      await writeFile(join(dir!, name), text);
      await utimes(join(dir!, name), mtimeMs / 1000, mtimeMs / 1000);
      await rename(join(dir!, name), join(input, name));
    };
    await drop('a.txt', 'to be or not to be\nthat is the question\n', 1000);
    await clock.advance(2000);
    await drop('b.txt', 'be quick\n', 3000);
    await clock.advance(2000);
    await clock.advance(2000);
    const workers = tasksPerWorker(ssc);
    await ssc.stop();
    ssc = undefined;
    await rm(dir, { recursive: true, force: true });
    return { batches: printedBatches(out), workers };
  }

  it('counts the words of each new file, in the batch that finds it', async () => {
    const { batches } = await run('local[1]');
    expect(batches.map((b) => b.time)).toEqual(['2000 ms', '4000 ms', '6000 ms']);
    expect(new Map(pairs(batches[0]!.lines))).toEqual(new Map([
      ['to', 2], ['be', 2], ['or', 1], ['not', 1], ['that', 1], ['is', 1], ['the', 1], ['question', 1],
    ]));
    expect(new Map(pairs(batches[1]!.lines))).toEqual(new Map([['be', 1], ['quick', 1]]));
    expect(batches[2]!.lines).toEqual([]); // no new file: an empty batch
  });

  it('under local[2] builds its graph in two worker threads, which run the tasks, and prints what local[1] prints', async () => {
    const one = await run('local[1]');
    const two = await run('local[2]');
    expect(one.workers).toBeUndefined();
    expect(two.workers).toHaveLength(2);
    expect(two.workers!.every((n) => n > 0)).toBe(true);
    expect(two.batches).toEqual(one.batches);
    expect(two.batches[0]!.lines.length).toBe(8);
  });
});
