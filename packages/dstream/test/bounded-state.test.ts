/**
 * Issue #3 item 11: 10,000 batches of updateStateByKey and an inverse reduceByKeyAndWindow
 * on a manual clock. Lineage depth, retained RDDs and checkpoint folders must stay under
 * fixed bounds that do not depend on the number of batches.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Seconds, ShuffleDependency, SparkConf } from '@kindling/core';
import type { ManualClock, RDD } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [string, number];

const BATCHES = 10_000;
const KEYS = 5;
// The run writes a metadata checkpoint every batch and RDD checkpoints every 10 (each
// fsynced): on a memory file system when there is one, so that a busy disk does not make the
// test slow. The bounds asserted do not depend on it.
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'kindling-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The longest path of dependencies from `rdd` (1 for an RDD without parents), walked iteratively. */
function lineageDepth(rdd: RDD<unknown>): number {
  const depth = new Map<RDD<unknown>, number>();
  const stack: [RDD<unknown>, boolean][] = [[rdd, false]];
  while (stack.length > 0) {
    const [r, expanded] = stack.pop()!;
    if (depth.has(r)) continue;
    const parents = r.dependencies.map((d) => d.rdd as RDD<unknown>);
    if (!expanded) {
      stack.push([r, true]);
      for (const p of parents) if (!depth.has(p)) stack.push([p, false]);
    } else {
      let d = 0;
      for (const p of parents) d = Math.max(d, depth.get(p) ?? 0);
      depth.set(r, d + 1);
    }
  }
  return depth.get(rdd)!;
}

/** Checkpoint folders (`rdd-<id>`) anywhere under `root`. */
function checkpointFolders(root: string): number {
  let n = 0;
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) if (e.isDirectory() && e.name.startsWith('rdd-')) n++;
  return n;
}

describe('10,000 batches of state and an inverse window', () => {
  it('keep lineage depth, retained RDDs and checkpoint files bounded', async () => {
    const conf = new SparkConf().setMaster('local[1]').setAppName('bounded').set('spark.streaming.clock', 'manual');
    const ssc = new StreamingContext(conf, Seconds(1));
    /** At every 250th batch: the deepest lineage seen so far, retained RDDs, checkpoint folders. */
    const samples: { batch: number; depth: number; retained: number; files: number }[] = [];
    let lastState: KV[] = [];
    let lastWindow: KV[] = [];
    try {
      ssc.checkpoint(dir);
      // batch i (1-based) carries key k(i mod 5) once
      const input = Array.from({ length: BATCHES }, (_, i) => [[`k${(i + 1) % KEYS}`, 1] as KV]);
      const stream = new TestInputDStream<KV>(ssc, input, 1);
      const state = stream.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0));
      const window = stream.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(3), Seconds(1), 1);
      const latest: RDD<unknown>[] = [];
      let maxDepth = 0;
      state.foreachRDD(async (rdd) => { lastState = await rdd.collect(); latest[0] = rdd; });
      window.foreachRDD(async (rdd) => { lastWindow = await rdd.collect(); latest[1] = rdd; });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      for (let b = 1; b <= BATCHES; b++) {
        await clock.advance(1000);
        // every batch: the depth varies with the distance to the last checkpoint
        const depth = Math.max(...latest.map(lineageDepth));
        maxDepth = Math.max(maxDepth, depth);
        if (b % 250 === 0) {
          let retained = 0;
          for (const s of ssc.graph.allStreams()) retained += s.generatedRDDs.size;
          samples.push({ batch: b, depth: maxDepth, retained, files: checkpointFolders(dir) });
        }
      }
    } finally {
      await ssc.stop(true, false);
    }

    // the answers are still right: 2,000 records per key; the 3 s window at t=10,000 holds
    // batches 9,998..10,000 = keys k3, k4, k0 once each, and k1, k2 at 0 (no filter)
    expect(lastState.sort()).toEqual([['k0', 2000], ['k1', 2000], ['k2', 2000], ['k3', 2000], ['k4', 2000]]);
    expect(lastWindow.sort()).toEqual([['k0', 1], ['k1', 0], ['k2', 0], ['k3', 1], ['k4', 1]]);

    // Bounds: both stateful streams checkpoint every 10 batches, so at most ~10 chained
    // state RDDs (plus the per-batch shuffle and input) sit above the last checkpoint; each
    // stream remembers twice its checkpoint interval (the window's parent a window more);
    // each checkpointed stream keeps the folders of its RDDs still remembered, at most 3.
    const first = samples[0]!;
    const worst = {
      depth: Math.max(...samples.map((s) => s.depth)),
      retained: Math.max(...samples.map((s) => s.retained)),
      files: Math.max(...samples.map((s) => s.files)),
    };
    console.log(`bounded run: first sample ${JSON.stringify(first)}, worst ${JSON.stringify(worst)}, last ${JSON.stringify(samples.at(-1))}`);
    expect(worst.depth).toBeLessThanOrEqual(16);
    expect(worst.retained).toBeLessThanOrEqual(140);
    expect(worst.files).toBeLessThanOrEqual(6);
    // and they do not creep up with the batch count
    expect(samples.at(-1)!.depth).toBeLessThanOrEqual(first.depth);
    expect(samples.at(-1)!.retained).toBeLessThanOrEqual(first.retained);
    expect(samples.at(-1)!.files).toBeLessThanOrEqual(first.files);
  }, 300_000);
});

/** Records held in the map outputs of the shuffles below `rdds` (each shuffle counted once). */
function retainedMapOutputRecords(rdds: Iterable<RDD<unknown>>): number {
  const deps = new Set<ShuffleDependency>();
  const seen = new Set<RDD<unknown>>();
  const stack = [...rdds];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    for (const d of r.dependencies) {
      if (d instanceof ShuffleDependency) deps.add(d);
      stack.push(d.rdd as RDD<unknown>);
    }
  }
  let n = 0;
  for (const d of deps) for (const out of d.mapOutputs) for (const block of out ?? []) n += block?.length ?? 0;
  return n;
}

describe('updateStateByKey keeps no shuffled values of remembered batches', () => {
  it('releases each batch shuffle once its state RDD is stored, and the state stays right', async () => {
    const conf = new SparkConf().setMaster('local[1]').setAppName('state-shuffles').set('spark.streaming.clock', 'manual');
    const ssc = new StreamingContext(conf, Seconds(1));
    const batches = 25;
    const perBatch = 40;
    const input = Array.from({ length: batches }, (_, b) => Array.from({ length: perBatch }, (_, i) => [`k${(i * 3 + b) % 11}`, i] as KV));
    const expected = new Map<string, number>();
    for (const batch of input) for (const [k, v] of batch) expected.set(k, (expected.get(k) ?? 0) + v);
    let lastState: KV[] = [];
    let remembered = 0;
    let retained = -1;
    try {
      ssc.checkpoint(mkdtempSync(join(dir, 'state-shuffles-')));
      const stream = new TestInputDStream<KV>(ssc, input, 2);
      const state = stream.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0));
      state.foreachRDD(async (rdd) => { lastState = await rdd.collect(); });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      for (let b = 1; b <= batches; b++) await clock.advance(1000);
      const rdds: RDD<unknown>[] = [];
      for (const s of ssc.graph.allStreams()) for (const r of s.generatedRDDs.values()) rdds.push(r as RDD<unknown>);
      remembered = rdds.length;
      retained = retainedMapOutputRecords(rdds);
    } finally {
      await ssc.stop(true, false);
    }
    expect(lastState.sort()).toEqual([...expected].sort());
    // the state stream remembers several batches (each read 40 shuffled pairs), yet none is held
    expect(remembered).toBeGreaterThan(4);
    expect(retained).toBe(0);
  }, 60_000);
});
