/**
 * The order of fsyncs under a streaming context's checkpoints: RDD checkpoint folders are put
 * in place by their jobs and fsynced by the metadata writer's rounds, and a metadata
 * checkpoint is never fsynced before every folder it names (docs/checkpoint-format.md, "When
 * an RDD checkpoint folder is durable").
 */
import fs, { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Seconds, SparkConf } from '@kindling/core';
import type { ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [string, number];
const dir = mkdtempSync(join(tmpdir(), 'kindling-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoint durability order', () => {
  it('fsyncs every file of an RDD checkpoint folder, and the folder, before a metadata checkpoint naming it', async () => {
    const synced: string[] = [];
    /** Per metadata file fsynced: the folders it names, and how many fsyncs came before it. */
    const metadataSyncs: { file: string; folders: string[]; at: number }[] = [];
    const original = fs.fsync;
    fs.fsync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      const path = readlinkSync(`/proc/self/fd/${fd}`);
      if (/\/metadata\/checkpoint-\d+$/.test(path)) {
        const text = readFileSync(path, 'utf8');
        const body = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { streams: { checkpointedRDD?: { path: string } }[] };
        const folders = body.streams.flatMap((s) => (s.checkpointedRDD === undefined ? [] : [join(dir, s.checkpointedRDD.path)]));
        metadataSyncs.push({ file: path, folders, at: synced.length });
      }
      synced.push(path);
      original(fd, cb);
    }) as typeof fs.fsync;
    syncBuiltinESMExports();
    let totals: KV[] = [];
    try {
      const conf = new SparkConf().setMaster('local[1]').setAppName('durability-order').set('spark.streaming.clock', 'manual');
      const ssc = new StreamingContext(conf, Seconds(1));
      ssc.checkpoint(dir);
      const batches = 14;
      const input = Array.from({ length: batches }, (_, b) => [[`k${b % 3}`, b + 1] as KV, ['all', 1] as KV]);
      const state = new TestInputDStream<KV>(ssc, input, 1).updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0)).checkpoint(Seconds(2));
      state.foreachRDD(async (rdd) => { totals = await rdd.collect(); });
      await ssc.start();
      for (let b = 0; b < batches; b++) await (ssc.clock as ManualClock).advance(1000);
      await ssc.stop(true, true);
    } finally {
      fs.fsync = original;
      syncBuiltinESMExports();
    }
    // the state is right: k0 = 1 + 4 + 7 + 10 + 13, k1 = 2 + 5 + 8 + 11 + 14, k2 = 3 + 6 + 9 + 12
    expect(totals.sort()).toEqual([['all', 14], ['k0', 35], ['k1', 40], ['k2', 30]]);
    const naming = metadataSyncs.filter((m) => m.folders.length > 0);
    // several state checkpoints were named by fsynced metadata checkpoints (the check below is not vacuous)
    expect(new Set(naming.flatMap((m) => m.folders)).size).toBeGreaterThanOrEqual(2);
    for (const m of naming) {
      const before = synced.slice(0, m.at);
      for (const folder of m.folders) {
        expect(before, `${basename(m.file)} names ${folder}`).toContain(folder);
        expect(before, `${basename(m.file)} names ${folder}`).toContain(join(folder, '_SUCCESS'));
        expect(before, `${basename(m.file)} names ${folder}`).toContain(join(folder, 'part-00000'));
      }
    }
  });
});
