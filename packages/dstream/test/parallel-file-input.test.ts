// File streams under worker threads: each worker reads only the files of the partitions it
// owns (partition i -> worker i mod 2), the driver reads none, every file is read exactly once
// in all, and the results (and BatchInfo.numRecords) equal a local[1] run with the same
// default parallelism (as on Spark, local[1] and local[2] otherwise differ in partitioning).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import type { FileInputDStream } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { ThreadStats } from '../src/parallel/graph-worker-pool.ts';
import type { FileGraph } from './support/graphs/file-graphs.ts';

const graphs = new URL('./support/graphs/file-graphs.ts', import.meta.url);
const BATCHES = 4;
// Three files per batch: a window's union of two batches puts a batch's partition 0 at index 3.
const FILES_PER_BATCH = 3;
const WORDS = ['red', 'green', 'blue', 'cyan'];
const fileLines = (b: number, f: number): string[] => Array.from({ length: 2 + ((b + f) % 3) }, (_, l) => `${WORDS[(b + l) % 4]} ${WORDS[(f + l * 3) % 4]}`);

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

interface Run {
  out: Record<keyof FileGraph, unknown[][]>;
  numRecords: number[];
  workers: number;
  driverReads: { files: number; bytes: number; records: number };
  workerStats: ThreadStats[];
  bytesWritten: number;
}

async function run(master: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'parallel-file-input-'));
  dirs.push(dir);
  const conf = new SparkConf().setMaster(master).setAppName('parallel-file-input').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  const ssc = new StreamingContext(conf, Seconds(1));
  const out: Run['out'] = { counts: [], windowedLengths: [], partitionSizes: [] };
  const numRecords: number[] = [];
  let bytesWritten = 0;
  try {
    const g = await ssc.buildGraph<FileGraph>(graphs, 'fileWordCounts', { dir });
    for (const name of ['counts', 'windowedLengths', 'partitionSizes'] as const) g[name].foreachRDD(async (rdd) => { out[name].push(await rdd.collect()); });
    ssc.addStreamingListener({ onBatchCompleted: (e) => { numRecords.push(e.batchInfo.numRecords); } });
    await ssc.start();
    for (let b = 1; b <= BATCHES; b++) {
      for (let f = 0; f < FILES_PER_BATCH; f++) {
        const text = `${fileLines(b, f).join('\n')}\n`;
        bytesWritten += Buffer.byteLength(text);
        writeFileSync(join(dir, `b${b}-f${f}.txt`), text);
      }
      await (ssc.clock as ManualClock).advance(1000);
    }
    const pool = graphWorkerPoolOf(ssc);
    const stream = ssc.graph.inputStreams[0] as FileInputDStream<string>;
    return { out, numRecords, workers: pool?.workers.length ?? 0, driverReads: { ...stream.readStats }, workerStats: pool === undefined ? [] : await pool.stats(), bytesWritten };
  } finally {
    await ssc.stop();
  }
}

describe('textFileStream under worker threads', () => {
  let one: Run;
  let two: Run;
  beforeAll(async () => {
    one = await run('local[1]');
    two = await run('local[2]');
  }, 180_000);

  it('gives local[1]\'s results, batch by batch, in order (windows included)', () => {
    expect(two.workers).toBe(2);
    for (const name of ['counts', 'windowedLengths', 'partitionSizes'] as const) expect(two.out[name], name).toEqual(one.out[name]);
    // Known answers, computed here: one partition per file, in listing order, and the word counts.
    for (let b = 1; b <= BATCHES; b++) {
      expect(one.out.partitionSizes[b - 1]).toEqual(Array.from({ length: FILES_PER_BATCH }, (_, f) => fileLines(b, f).length));
      const m = new Map<string, number>();
      for (let f = 0; f < FILES_PER_BATCH; f++) for (const l of fileLines(b, f)) for (const w of l.split(' ')) m.set(w, (m.get(w) ?? 0) + 1);
      expect([...(one.out.counts[b - 1] as [string, number][])].sort((x, y) => (x[0] < y[0] ? -1 : 1))).toEqual([...m].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
    }
  });

  it('reads every file exactly once in all: each worker the files it owns, the driver none', () => {
    const totalLines = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: FILES_PER_BATCH }, (_, f) => fileLines(b + 1, f).length)).flat().reduce((x, y) => x + y, 0);
    expect(one.driverReads).toEqual({ files: BATCHES * FILES_PER_BATCH, bytes: one.bytesWritten, records: totalLines });
    expect(two.driverReads).toEqual({ files: 0, bytes: 0, records: 0 });
    const reads = two.workerStats.map((s) => s.fileReads[0]!);
    expect(reads).toHaveLength(2);
    for (const r of reads) expect(r.files).toBeGreaterThan(0);
    expect(reads.reduce((n, r) => n + r.files, 0)).toBe(BATCHES * FILES_PER_BATCH);
    expect(reads.reduce((n, r) => n + r.bytes, 0)).toBe(two.bytesWritten);
    expect(reads.reduce((n, r) => n + r.records, 0)).toBe(totalLines);
    // Partition i -> worker i mod 2: worker 0 owns files 0 and 2 of every batch, worker 1 file 1.
    expect(reads[0]!.files).toBe(2 * BATCHES);
    expect(reads[1]!.files).toBe(BATCHES);
  });

  it('reports each batch\'s records (BatchInfo.numRecords) as local[1] does', () => {
    const perBatch = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: FILES_PER_BATCH }, (_, f) => fileLines(b + 1, f).length).reduce((x, y) => x + y, 0));
    expect(one.numRecords).toEqual(perBatch);
    expect(two.numRecords).toEqual(perBatch);
  });
});
