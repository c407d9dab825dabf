/**
 * Metadata checkpoints written every batch describe the graph incrementally (the description
 * of a started graph is reused while it does not change, and its JSON encoded once): the
 * files must be byte for byte what encoding each checkpoint afresh gives, and follow every
 * change (a newer checkpointed RDD, a state shape sampled).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Seconds, SparkConf } from '@kindling/core';
import type { ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import type { MetadataCheckpoint } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [string, number];
const root = mkdtempSync(join(tmpdir(), 'kindling-encoding-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('metadata checkpoints written every batch', () => {
  it('are byte for byte JSON.stringify of their content, and follow each new checkpointed RDD', async () => {
    const dir = join(root, 'run');
    const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('encoding').set('spark.streaming.clock', 'manual'), Seconds(1));
    const batches = 9;
    // The first batch is empty: the state shape can only be sampled from the second on.
    const input = Array.from({ length: batches }, (_, b) => (b === 0 ? [] : [[`k${b % 2}`, b] as KV]));
    /** Every checkpoint's body as written, captured at each batch (files are deleted after 10). */
    const bodies: string[] = [];
    const metadata = join(dir, 'metadata');
    const seen = new Set<string>();
    const collectFiles = (): void => {
      for (const name of readdirSync(metadata)) {
        if (!name.startsWith('checkpoint-') || seen.has(name)) continue;
        seen.add(name);
        const bytes = readFileSync(join(metadata, name), 'utf8');
        bodies.push(bytes.slice(bytes.indexOf('\n') + 1));
      }
    };
    try {
      ssc.checkpoint(dir);
      const state = new TestInputDStream<KV>(ssc, input, 1)
        .updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0))
        .checkpoint(Seconds(2));
      state.map((kv) => kv[1]).foreachRDD(async (rdd) => { await rdd.collect(); });
      await ssc.start();
      for (let b = 0; b < batches; b++) {
        await (ssc.clock as ManualClock).advance(1000);
        collectFiles();
      }
    } finally {
      await ssc.stop(true, true);
    }
    collectFiles();
    expect(bodies.length).toBeGreaterThanOrEqual(batches);
    const checkpoints = bodies.map((body) => {
      // What the file holds is exactly what JSON.stringify gives for the object it holds.
      const cp = JSON.parse(body) as MetadataCheckpoint;
      expect(body).toBe(JSON.stringify(cp));
      return cp;
    });
    const stateOf = (cp: MetadataCheckpoint) => cp.streams.find((s) => s.kind === 'updateStateByKey')!;
    // Each checkpoint names the newest state RDD checkpointed before it: every 2 s, written by
    // the batch of that time, so a checkpoint of batch t names t - (t mod 2000), or the one
    // before while batch t is running (its "generated" checkpoint comes before its job).
    const named = new Set<number>();
    for (const cp of checkpoints) {
      const rdd = stateOf(cp).checkpointedRDD;
      if (rdd === undefined) {
        expect(cp.batchTime).toBeLessThanOrEqual(2000);
        continue;
      }
      named.add(rdd.time);
      const newest = cp.batchTime - (cp.batchTime % 2000);
      if (cp.reason === 'generated') expect([newest, newest - 2000]).toContain(rdd.time);
      else expect(rdd.time).toBe(newest);
      expect(rdd.path).toMatch(/^[0-9a-f-]{36}\/rdd-\d+$/);
    }
    expect([...named].sort((a, b) => a - b)).toEqual([2000, 4000, 6000, 8000]);
    // The state shape is recorded once it could be sampled, and from then on.
    const firstShape = checkpoints.findIndex((cp) => stateOf(cp).stateShape !== undefined);
    expect(firstShape).toBeGreaterThanOrEqual(0);
    for (const cp of checkpoints.slice(firstShape)) expect(stateOf(cp).stateShape).toBe('[string, number]');
  }, 60_000);
});
