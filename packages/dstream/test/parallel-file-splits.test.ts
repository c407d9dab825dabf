// A file stream's big files cut into byte ranges (maxPartitionBytes): each partition holds the
// lines that start in its range (Hadoop's LineRecordReader rule), on one thread and under
// worker threads alike, and a worker reads only the ranges of the partitions it owns.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { ThreadStats } from '../src/parallel/graph-worker-pool.ts';

const graphs = new URL('./support/graphs/file-graphs.ts', import.meta.url);
const MAX = 100;
// Lines of uneven lengths, multi-byte characters, empty lines, a line longer than a range, CRLFs.
const fileText = (b: number, f: number): string =>
  Array.from({ length: 18 + f * 5 }, (_, i) => (i % 7 === 3 ? '' : i % 11 === 5 ? `long ${'é€'.repeat(40 + b)}` : `${b}-${f}-${i} ${'x'.repeat((i * 7 + b) % 13)}`))
    .map((l, i) => (i % 4 === 1 ? `${l}\r\n` : `${l}\n`)).join('');
const FILES = 2;
const BATCHES = 2;

/** The lines of each of the n = ceil(size / MAX) ranges [floor(i size / n), floor((i+1) size / n)): those starting in (start, end], or at 0 for the first. */
function expectedParts(text: string): string[][] {
  const bytes = Buffer.from(text);
  const n = Math.ceil(bytes.length / MAX);
  const lines: { start: number; text: string }[] = [];
  let at = 0;
  for (const piece of text.split('\n').slice(0, -1)) {
    lines.push({ start: at, text: piece.endsWith('\r') ? piece.slice(0, -1) : piece });
    at += Buffer.byteLength(piece) + 1;
  }
  return Array.from({ length: n }, (_, i) => {
    const start = Math.floor((i * bytes.length) / n);
    const end = i === n - 1 ? Infinity : Math.floor(((i + 1) * bytes.length) / n);
    return lines.filter((l) => (start === 0 && l.start === 0) || (l.start > start && l.start <= end)).map((l) => l.text);
  });
}

interface Run { parts: string[][][]; workers: number; workerStats: ThreadStats[] }

async function run(master: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'slice-file-splits-'));
  const conf = new SparkConf().setMaster(master).setAppName('parallel-file-splits').set('spark.streaming.clock', 'manual');
  const ssc = new StreamingContext(conf, Seconds(1));
  const parts: string[][][] = [];
  try {
    const g = await ssc.buildGraph<{ parts: import('../src/index.ts').DStream<string[]> }>(graphs, 'splitFileParts', { dir, maxPartitionBytes: MAX });
    g.parts.foreachRDD(async (rdd) => { parts.push(await rdd.collect()); });
    await ssc.start();
    for (let b = 1; b <= BATCHES; b++) {
      for (let f = 0; f < FILES; f++) writeFileSync(join(dir, `b${b}-f${f}.txt`), fileText(b, f));
      await (ssc.clock as ManualClock).advance(1000);
    }
    const pool = graphWorkerPoolOf(ssc);
    return { parts, workers: pool?.workers.length ?? 0, workerStats: pool === undefined ? [] : await pool.stats() };
  } finally {
    await ssc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a file stream\'s big files read by byte ranges', () => {
  let one: Run;
  let two: Run;
  beforeAll(async () => {
    one = await run('local[1]');
    two = await run('local[2]');
  }, 180_000);

  it('gives each partition the lines that start in its range, on one thread and under workers', () => {
    for (let b = 1; b <= BATCHES; b++) {
      const expected = Array.from({ length: FILES }, (_, f) => expectedParts(fileText(b, f))).flat();
      expect(expected.length).toBeGreaterThan(FILES * 4);
      expect(one.parts[b - 1], `batch ${b}`).toEqual(expected);
    }
    expect(two.workers).toBe(2);
    expect(two.parts).toEqual(one.parts);
  });

  it('each worker reads only the bytes of the ranges it owns: the files once between them', () => {
    const sizes = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: FILES }, (_, f) => Buffer.byteLength(fileText(b + 1, f)))).flat();
    const total = sizes.reduce((x, y) => x + y, 0);
    const reads = two.workerStats.map((s) => s.fileReads[0]!);
    expect(reads).toHaveLength(2);
    for (const r of reads) expect(r.bytes).toBeLessThan(total * 0.6);
    expect(reads.reduce((n, r) => n + r.bytes, 0)).toBe(total);
    expect(reads.reduce((n, r) => n + r.records, 0)).toBe(one.parts.flat(2).length);
  });
});
