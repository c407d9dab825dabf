// Group mode's protocol against a real Redis, step by step (RedisPartitionLeases: the leases,
// epochs, descriptions and the fenced commit script), and what start() refuses: a batch
// interval other than the group's, a graph that is not co-partitioned with the log, and keys
// that are not where the producer put them.
import { HashPartitioner, Milliseconds, SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, NotCoPartitionedError, StreamingContext } from '@kindling/dstream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLogSource, RedisStreamsAdmin, RedisStreamsProducer, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { startChild } from '../../dstream/test/support/child-process.ts';
import type { GroupPipelineArgs } from './support/lease-group-pipeline.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';

let server: RedisServer;
let root: string;

beforeAll(async () => {
  server = await startRedisServer();
  root = mkdtempSync(join(tmpdir(), 'kindling-group-protocol-'));
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('RedisPartitionLeases', () => {
  it('leases with epochs, fenced descriptions and the commit answers OK, ALREADY, FENCED, OFFSET_MISMATCH', async () => {
    const a = new RedisLogSource(server.url);
    const b = new RedisLogSource(server.url);
    await a.open();
    await b.open();
    try {
      const oa = a.ownership('proto');
      const ob = b.ownership('proto');
      const grid = { zeroTime: 1000, batchMs: 500, partitions: ['t-0', 't-1'] };
      expect(await oa.join(grid, 1500)).toEqual(grid);
      // The second member finds the first one's grid, whatever it passes.
      expect(await ob.join({ ...grid, zeroTime: 7000 }, 1500)).toEqual(grid);
      expect(await oa.heartbeat()).toEqual([oa.memberId, ob.memberId].sort());
      const tp = { topic: 't', partition: 0 };
      const first = await oa.acquire(tp);
      expect(first).toEqual({ epoch: 1, next: undefined, lastBatch: undefined, pending: [] });
      expect(await ob.acquire(tp), 'held by a live lease').toBeUndefined();
      // Recorded before outputs; a second description of the same batch returns the first.
      expect(await oa.describe(tp, 1, { time: 1500, fromOffset: 0, untilOffset: 10 })).toEqual({ time: 1500, fromOffset: 0, untilOffset: 10 });
      expect(await oa.describe(tp, 1, { time: 1500, fromOffset: 0, untilOffset: 12 })).toEqual({ time: 1500, fromOffset: 0, untilOffset: 10 });
      const state = [{ stream: 's', set: [['"k"', '3'] as const], removed: [] }];
      expect(await oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 0, untilOffset: 10, state })).toEqual({ status: 'OK', completeUpTo: undefined });
      expect(await oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 0, untilOffset: 10, state })).toEqual({ status: 'ALREADY', completeUpTo: undefined });
      expect(await oa.commit({ ...tp, epoch: 1, time: 2000, fromOffset: 12, untilOffset: 15, state: [] })).toEqual({ status: 'OFFSET_MISMATCH', expected: 10 });
      expect(await oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 10, untilOffset: 15, state: [] }), 'a batch time that does not advance').toEqual({ status: 'OFFSET_MISMATCH', expected: 10 });
      // Batch 2000 recorded, then the owner goes silent: its lease expires, B takes over.
      expect(await oa.describe(tp, 1, { time: 2000, fromOffset: 10, untilOffset: 14 })).toEqual({ time: 2000, fromOffset: 10, untilOffset: 14 });
      let taken;
      const end = Date.now() + 60_000;
      while ((taken = await ob.acquire(tp)) === undefined) {
        if (Date.now() > end) throw new Error('the lease never expired');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(taken).toEqual({ epoch: 2, next: 10, lastBatch: 1500, pending: [{ time: 2000, fromOffset: 10, untilOffset: 14 }] });
      expect(await ob.loadState(tp, 's')).toEqual([['"k"', '3']]);
      // The former owner is fenced everywhere.
      expect(await oa.renew(tp, 1)).toBe(false);
      expect(await oa.describe(tp, 1, { time: 2500, fromOffset: 14, untilOffset: 20 })).toBeUndefined();
      expect(await oa.commit({ ...tp, epoch: 1, time: 2000, fromOffset: 10, untilOffset: 14, state: [] })).toEqual({ status: 'FENCED', epoch: 2 });
      // The new owner re-runs the recorded batch and commits it; the state delta removes k.
      expect(await ob.commit({ ...tp, epoch: 2, time: 2000, fromOffset: 10, untilOffset: 14, state: [{ stream: 's', set: [['"j"', '1']], removed: ['"k"'] }] })).toEqual({ status: 'OK', completeUpTo: undefined });
      expect(await ob.loadState(tp, 's')).toEqual([['"j"', '1']]);
      // Once every partition committed a batch, the commit says how far the group is complete.
      const tp1 = { topic: 't', partition: 1 };
      const p1 = await ob.acquire(tp1);
      expect(await ob.commit({ ...tp1, epoch: p1!.epoch, time: 1500, fromOffset: 0, untilOffset: 0, state: [] })).toEqual({ status: 'OK', completeUpTo: 1500 });
      await ob.release(tp, 2);
      expect((await oa.acquire(tp))?.epoch).toBe(3);
      await oa.leave();
      expect(await ob.heartbeat()).toEqual([ob.memberId]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});

function groupContext(batchMs: number): StreamingContext {
  const conf = new SparkConf().setMaster('local[2]').setAppName('group-start').set('spark.kindling.group.enabled', 'true').set('spark.kindling.group.leaseTimeout', '2s');
  const ssc = new StreamingContext(conf, Milliseconds(batchMs));
  ssc.checkpoint(join(root, `cp-${batchMs}-${Math.random()}`));
  return ssc;
}

function stream(ssc: StreamingContext, topic: string, group: string) {
  return RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([topic], { 'redis.url': server.url, 'group.id': group, 'auto.offset.reset': 'earliest' }));
}

describe('start() in group mode', () => {
  it('fails when the batch interval differs from the group\'s, naming both', async () => {
    const admin = new RedisStreamsAdmin({ url: server.url });
    await admin.createTopic('grid', 4);
    await admin.close();
    // The group's first instance (a child process: one SparkContext per process) sets the grid.
    const args: GroupPipelineArgs = {
      url: server.url, topic: 'grid', group: 'grid-app', outDir: join(root, 'grid-out'), checkpointDir: join(root, 'grid-cp'),
      batchMs: 500, leaseMs: 3000, partitions: 4, slowMs: 0, stopFile: join(root, 'grid-stop'),
    };
    const first = startChild('packages/redis/test/support/lease-group-pipeline.ts', args, 180_000);
    const end = Date.now() + 120_000;
    while (!/started /.test(first.output())) {
      if (Date.now() > end) throw new Error(`the first instance did not start:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = groupContext(700);
    stream(second, 'grid', 'grid-app').map((r: ConsumerRecord) => r.value()).foreachRDD(() => undefined);
    await expect(second.start()).rejects.toThrow(/the group's batch interval is 500 ms but this instance's is 700 ms/);
    await second.stop(false).catch(() => undefined);
    await Promise.resolve(second.sparkContext.stop());
    writeFileSync(args.stopFile, '');
    const done = await first.done;
    expect(done.stdout, done.stderr).toContain('done');
  }, 180_000);

  it('fails when a stateful stream is not partitioned like the log, naming the stream', async () => {
    const admin = new RedisStreamsAdmin({ url: server.url });
    await admin.createTopic('copart', 4);
    await admin.close();
    const ssc = groupContext(500);
    const words = stream(ssc, 'copart', 'copart-app').map((r: ConsumerRecord) => [r.key()!, 1] as [string, number]);
    words.updateStateByKey((v: number[], s: number | undefined) => v.length + (s ?? 0), 2).setName('totals').foreachRDD(() => undefined);
    const e = await ssc.start().then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(NotCoPartitionedError);
    expect((e as Error).message).toMatch(/'totals' .* is partitioned by HashPartitioner\(2\) .* not by the log's HashPartitioner\(4\)/);
    await ssc.stop(false).catch(() => undefined);
    await Promise.resolve(ssc.sparkContext.stop());
  }, 120_000);

  it('fails a batch whose keys are not in the log partition the producer put them in', async () => {
    const admin = new RedisStreamsAdmin({ url: server.url });
    await admin.createTopic('rekey', 4);
    await admin.close();
    const producer = new RedisStreamsProducer({ url: server.url });
    // Keyed by k, but the state is keyed by the value: some values hash elsewhere.
    const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
    await producer.send('rekey', values.map((v, i) => ({ key: `k${i}`, value: v })));
    await producer.close();
    const hp = new HashPartitioner(4);
    expect(values.some((v, i) => hp.getPartition(v) !== hp.getPartition(`k${i}`)), 'the input does re-key').toBe(true);
    const ssc = groupContext(300);
    stream(ssc, 'rekey', 'rekey-app').map((r: ConsumerRecord) => [r.value(), 1] as [string, number])
      .reduceByKey((x: number, y: number) => x + y, 4).foreachRDD(async (rdd) => { await rdd.count(); });
    await ssc.start();
    const failure = await ssc.awaitTermination().then(() => undefined, (x: unknown) => x);
    expect(String((failure as Error)?.message ?? failure)).toMatch(/not co-partitioned with the log in group mode: at batch .* key "v\d+" came from log partition \d but HashPartitioner\(4\) puts it in partition \d/);
    await ssc.stop(false).catch(() => undefined);
  }, 120_000);
});
