/**
 * When fsyncs lag behind the batches, the newest fsynced metadata checkpoint may be older than
 * the 10 retained ones; the RDD checkpoint folders it names are then kept for it alone
 * (docs/checkpoint-format.md, retention). A batch's outputs wait for the fsync round only when
 * such a folder is one its stream no longer remembers (it would have been deleted): a folder
 * the stream still remembers is kept anyway, so keeping it costs no disk and holds no batch.
 *
 * The fsyncs are held here by replacing `fs.fsync` (a disk slower than the batches cannot be
 * made on demand): a batch that waited for a round would never finish while they are held.
 */
import fs, { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Seconds, SparkConf } from '@kindling/core';
import type { ManualClock } from '@kindling/core';
import { CheckpointStore } from '../src/checkpoint/checkpoint-store.ts';
import { StreamingContext } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [string, number];
const root = mkdtempSync(join(tmpdir(), 'kindling-durability-wait-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fsyncs lagging behind the batches', () => {
  it('hold no batch while the folders kept for the newest fsynced checkpoint are still remembered by their stream', async () => {
    const held: (() => void)[] = [];
    let holding = false;
    const original = fs.fsync;
    fs.fsync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      if (holding) held.push(() => original(fd, cb));
      else original(fd, cb);
    }) as typeof fs.fsync;
    syncBuiltinESMExports();
    const dir = join(root, 'remembered');
    const batches = 24;
    const input = Array.from({ length: batches }, (_, b) => [[`k${b % 3}`, b + 1] as KV]);
    let totals: KV[] = [];
    const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('durability-wait').set('spark.streaming.clock', 'manual'), Seconds(1));
    try {
      ssc.checkpoint(dir);
      // Every RDD of the run stays remembered (30 batches), so no state folder is ever superseded.
      ssc.remember(Seconds(30));
      new TestInputDStream<KV>(ssc, input, 1)
        .updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0))
        .checkpoint(Seconds(2))
        .foreachRDD(async (rdd) => { totals = await rdd.collect(); });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      for (let b = 1; b <= 4; b++) await clock.advance(1000);
      // Everything so far fsynced: the newest durable checkpoint names a state folder.
      await ssc.checkpointWriter!.flush();
      // (the newest "generated" one: a completed batch's checkpoint is put in place, not fsynced)
      const synced = [...new CheckpointStore(dir).readNewestFirst()].find((s) => s.checkpoint.reason !== 'completed')!.checkpoint;
      const syncedFolder = synced.streams.find((s) => s.checkpointedRDD !== undefined)?.checkpointedRDD?.path;
      expect(syncedFolder).toBeDefined();
      holding = true;
      // 20 more batches, no fsync completing: far more checkpoints than the 10 retained, so the
      // fsynced one is older than all of them. Each batch must finish (one that waited for a
      // round would hang here: the test would time out).
      for (let b = 5; b <= batches; b++) await clock.advance(1000);
      expect(held.length).toBeGreaterThan(0);
      // The folder the fsynced checkpoint names is still there (its stream remembers it).
      expect(existsSync(join(dir, syncedFolder!))).toBe(true);
      // It is kept for the fsynced checkpoint alone: no other checkpoint on disk names it.
      const others = [...new CheckpointStore(dir).readNewestFirst()].filter((s) => s.checkpoint.sequence !== synced.sequence);
      expect(others.length).toBeGreaterThanOrEqual(10);
      for (const { checkpoint } of others) expect(checkpoint.streams.map((s) => s.checkpointedRDD?.path)).not.toContain(syncedFolder);
      holding = false;
      for (const release of held.splice(0)) release();
    } finally {
      holding = false;
      for (const release of held.splice(0)) release();
      await ssc.stop(true, true);
      fs.fsync = original;
      syncBuiltinESMExports();
    }
    // the state is right: k0 = 1 + 4 + ... + 22, k1 = 2 + 5 + ... + 23, k2 = 3 + 6 + ... + 24
    const sum = (from: number): number => { let s = 0; for (let v = from; v <= batches; v += 3) s += v; return s; };
    expect(totals.sort()).toEqual([['k0', sum(1)], ['k1', sum(2)], ['k2', sum(3)]]);
  }, 120_000);
});
