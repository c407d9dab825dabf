import { describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, Seconds } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { WordCountGraph, WindowedCountsGraph } from './support/graphs/word-count-graph.ts';

const graphs = new URL('./support/graphs/word-count-graph.ts', import.meta.url);

// Batches drawn from one vocabulary (a stream's batches share most keys), with a key past 13
// characters and keys that first appear in later batches.
const vocabulary = ['ant', 'bee', 'cow', 'dog', 'eel', 'fox', 'gnu', 'hen', 'a-key-longer-than-thirteen-characters', 'ibis', 'jay', 'kiwi'];
const batches: string[][] = [];
for (let b = 0; b < 6; b++) {
  const lines: string[] = [];
  for (let l = 0; l < 5; l++) lines.push(vocabulary.filter((_, i) => (i + b + l) % 3 !== 0 && i < 8 + b).join(' '));
  batches.push(lines);
}
const window = 3;
const numPartitions = 4;

function conf(master: string): SparkConf {
  return new SparkConf().setMaster(master).setAppName('parallel-key-dictionary').set('spark.streaming.clock', 'manual');
}

const byKey = (xs: readonly [string, number][]): [string, number][] => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

/** Each batch's counts per word, and over the last `window` batches, computed here. */
function expected(): { perBatch: [string, number][][]; windowed: [string, number][][] } {
  const counts = batches.map((b) => {
    const m = new Map<string, number>();
    for (const w of b.flatMap((l) => l.split(' '))) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  });
  const windowed = counts.map((_, i) => {
    const m = new Map<string, number>();
    for (const c of counts.slice(Math.max(0, i - window + 1), i + 1)) for (const [w, n] of c) m.set(w, (m.get(w) ?? 0) + n);
    return byKey([...m]);
  });
  return { perBatch: counts.map((m) => byKey([...m])), windowed };
}

async function runWindowed(master: string) {
  const ssc = new StreamingContext(conf(master), Seconds(1));
  const out = { perBatch: [] as [string, number][][], windowed: [] as [string, number][][] };
  try {
    const g = await ssc.buildGraph<WindowedCountsGraph>(graphs, 'windowedCounts', { batches, numPartitions, window });
    g.perBatch.foreachRDD(async (rdd) => { out.perBatch.push(byKey(await rdd.collect())); });
    g.windowed.foreachRDD(async (rdd) => { out.windowed.push(byKey(await rdd.collect())); });
    await ssc.start();
    for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);
    const pool = graphWorkerPoolOf(ssc);
    const stats = pool === undefined ? [] : await pool.stats();
    return { out, threads: pool?.workers.length ?? 1, sent: stats.map((s) => s.keysSent) };
  } finally {
    await ssc.stop();
  }
}

describe('map-side keys exchanged by slot between worker threads (local[N])', () => {
  it('a key crosses as a string once per pair of threads, then by its slot; outputs equal local[1]\'s and the computed answers', async () => {
    const want = expected();
    const one = await runWindowed('local[1]');
    const two = await runWindowed('local[2]');
    expect(one.out).toEqual(want);
    expect(two.out).toEqual(want);
    expect(two.threads).toBe(2);
    const distinct = new Set(batches.flat().flatMap((l) => l.split(' '))).size;
    // Every worker sent its peer keys; each key at most once as a string per shuffle (two
    // map sides, each combining through a key index of its own; no index was rebuilt), and
    // most by slot (the batches share their vocabulary).
    for (const s of two.sent) {
      expect(s.asStrings).toBeGreaterThan(0);
      expect(s.asStrings).toBeLessThanOrEqual(2 * distinct);
      expect(s.bySlot).toBeGreaterThan(s.asStrings);
    }
  }, 60_000);

  it('the same in map stages run by the driver\'s job messages (a graph with accumulators)', async () => {
    const run = async (master: string) => {
      const ssc = new StreamingContext(conf(master), Seconds(1));
      const out: [string, number][][] = [];
      try {
        const g = await ssc.buildGraph<WordCountGraph>(graphs, 'wordCount', { batches, numPartitions });
        g.counts.foreachRDD(async (rdd) => { out.push(byKey(await rdd.collect())); });
        await ssc.start();
        for (let i = 0; i < batches.length; i++) await (ssc.clock as ManualClock).advance(1000);
        const pool = graphWorkerPoolOf(ssc);
        const stats = pool === undefined ? [] : await pool.stats();
        return { out, words: g.words.value, inWorkers: g.inWorkers.value, sent: stats.map((s) => s.keysSent) };
      } finally {
        await ssc.stop();
      }
    };
    const one = await run('local[1]');
    const two = await run('local[2]');
    expect(one.out).toEqual(expected().perBatch);
    expect(two.out).toEqual(one.out);
    const words = batches.flat().flatMap((l) => l.split(' ')).length;
    expect(two.words).toBe(words);
    expect(two.inWorkers).toBe(words);
    for (const s of two.sent) {
      expect(s.asStrings).toBeGreaterThan(0);
      expect(s.bySlot).toBeGreaterThan(s.asStrings);
    }
  }, 60_000);
});
