// Group mode's protocol against a real Redis, step by step (RedisPartitionLeases: the leases,
// epochs, descriptions and the fenced commit script), and what start() refuses: a batch
// interval other than the group's, a graph that is not co-partitioned with the log, and keys
// that are not where the producer put them.
import { HashPartitioner, Milliseconds, SparkConf, SparkContext } from '@kindling/core';
import { ConsumerStrategies, GroupStateLostError, LocationStrategies, NotCoPartitionedError, State, StateSpec, StreamingContext } from '@kindling/dstream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { groupKeys, RedisLogSource, RedisStreamsAdmin, RedisStreamsProducer, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { redisClientOptions } from '../src/redis-url.ts';
// The engine side of group mode (internal): driven batch by batch below, against a real Redis.
import { GroupCoordinator } from '../../dstream/src/group/group-coordinator.ts';
import { startChild } from '../../dstream/test/support/child-process.ts';
import type { GroupPipelineArgs } from './support/lease-group-pipeline.ts';
import { withRawClient } from './support/direct-stream-kit.ts';
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

type Ownership = ReturnType<RedisLogSource['ownership']>;
type BatchRange = { time: number; fromOffset: number; untilOffset: number };

/** Another instance (`source`) owns `tp`, commits one batch, records the next, and is gone. */
async function commitOneRecordOneAndLeave(
  source: RedisLogSource, group: string, tp: { topic: string; partition: number },
  grid: Parameters<Ownership['join']>[0], committed: BatchRange, recorded: BatchRange,
): Promise<void> {
  const ob = source.ownership(group);
  await ob.join(grid, 5000);
  const { epoch } = (await ob.acquire(tp))!;
  await ob.describe(tp, epoch, committed);
  expect((await ob.commit({ ...tp, epoch, ...committed, state: [] })).status).toBe('OK');
  await ob.describe(tp, epoch, recorded);
  await ob.release(tp, epoch);
  await ob.leave();
}

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
      expect(await oa.describe(tp, 1, { time: 1500, fromOffset: 0, untilOffset: 10 })).toEqual({ status: 'RECORDED', batch: { time: 1500, fromOffset: 0, untilOffset: 10 } });
      expect(await oa.describe(tp, 1, { time: 1500, fromOffset: 0, untilOffset: 12 })).toEqual({ status: 'RECORDED', batch: { time: 1500, fromOffset: 0, untilOffset: 10 } });
      const state = [{ stream: 's', set: [['"k"', '3'] as const], removed: [] }];
      expect(await oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 0, untilOffset: 10, state })).toEqual({ status: 'OK', completeUpTo: undefined });
      expect(await oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 0, untilOffset: 10, state })).toEqual({ status: 'ALREADY', completeUpTo: undefined });
      expect(await oa.commit({ ...tp, epoch: 1, time: 2000, fromOffset: 12, untilOffset: 15, state: [] })).toEqual({ status: 'OFFSET_MISMATCH', expected: 10 });
      expect(await oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 10, untilOffset: 15, state: [] }), 'a batch time that does not advance').toEqual({ status: 'OFFSET_MISMATCH', expected: 10 });
      // Batch 2000 recorded, then the owner goes silent: its lease expires, B takes over.
      expect(await oa.describe(tp, 1, { time: 2000, fromOffset: 10, untilOffset: 14 })).toEqual({ status: 'RECORDED', batch: { time: 2000, fromOffset: 10, untilOffset: 14 } });
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
      expect(await oa.describe(tp, 1, { time: 2500, fromOffset: 14, untilOffset: 20 })).toEqual({ status: 'FENCED' });
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

  // A store restarted without persistence (FLUSHALL here) loses every group key: epochs count
  // again from 1, so a stale instance's epoch can equal the new owner's, and its commit used to
  // pass the fence (OK) onto a partition that had lost its positions and state.
  it('refuses every step of an instance whose group the store lost (restart without persistence), even at an epoch counted again', async () => {
    const a = new RedisLogSource(server.url);
    const b = new RedisLogSource(server.url);
    await a.open();
    await b.open();
    try {
      const oa = a.ownership('lost');
      const ob = b.ownership('lost');
      const grid = { zeroTime: 1000, batchMs: 500, partitions: ['lt-0'] };
      await oa.join(grid, 5000);
      const tp = { topic: 'lt', partition: 0 };
      const held = (await oa.acquire(tp))!;
      expect(held.epoch).toBe(1);
      expect(await oa.describe(tp, 1, { time: 1500, fromOffset: 0, untilOffset: 10 })).toMatchObject({ status: 'RECORDED' });
      await withRawClient(server.url, (c) => c.sendCommand(['FLUSHALL']));
      // Every step of A now fails naming the group and the store, before changing anything.
      const lost = (f: () => Promise<unknown>): Promise<void> => expect(f()).rejects.toThrow(GroupStateLostError);
      await lost(() => oa.heartbeat());
      await lost(() => oa.renew(tp, 1));
      await lost(() => oa.describe(tp, 1, { time: 2000, fromOffset: 10, untilOffset: 12 }));
      await lost(() => oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 0, untilOffset: 10, state: [] }));
      await expect(oa.heartbeat()).rejects.toThrow(/store at unix:\/\/.* no longer holds group lost .*\(the group record is gone\)/);
      // A new instance makes the group again and gets epoch 1 again: A's epoch 1 still does not pass.
      await ob.join(grid, 5000);
      expect((await ob.acquire(tp))!.epoch).toBe(1);
      await lost(() => oa.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 0, untilOffset: 10, state: [{ stream: 's', set: [['"k"', '9']], removed: [] }] }));
      await lost(() => oa.acquire({ topic: 'lt', partition: 0 }));
      await expect(oa.renew(tp, 1)).rejects.toThrow(/created again since/);
      const kept = await withRawClient(server.url, (c) => c.sendCommand(['EXISTS', groupKeys('lost').partition(tp).commit, groupKeys('lost').partition(tp).deltas('s'), groupKeys('lost').partition(tp).desc]));
      expect(kept, 'nothing of A committed or recorded').toBe(0);
      expect(await ob.commit({ ...tp, epoch: 1, time: 1500, fromOffset: 0, untilOffset: 4, state: [] })).toEqual({ status: 'OK', completeUpTo: 1500 });
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  // The SIGSTOP race of group-mode.test.ts, step by step: a resumed instance generates the batch
  // times it missed while paused, and its batch clock lags the group's. Taking a partition
  // back then, it used to record a new batch at such a past time, write the records' part file
  // into that older folder, have its commit refused (the time does not advance) and leave the
  // copy behind, next to the one the next owner wrote in a current folder.
  it('refuses to record a batch time that is not after the partition\'s last committed or recorded batch (STALE)', async () => {
    const a = new RedisLogSource(server.url);
    await a.open();
    try {
      const oa = a.ownership('stale');
      await oa.join({ zeroTime: 400, batchMs: 400, partitions: ['t-0'] }, 5000);
      const tp = { topic: 't', partition: 0 };
      const { epoch } = (await oa.acquire(tp))!;
      expect(await oa.describe(tp, epoch, { time: 2000, fromOffset: 0, untilOffset: 10 })).toEqual({ status: 'RECORDED', batch: { time: 2000, fromOffset: 0, untilOffset: 10 } });
      expect(await oa.commit({ ...tp, epoch, time: 2000, fromOffset: 0, untilOffset: 10, state: [] })).toEqual({ status: 'OK', completeUpTo: 2000 });
      // Not after the last commit: nothing recorded.
      expect(await oa.describe(tp, epoch, { time: 2000, fromOffset: 10, untilOffset: 16 })).toEqual({ status: 'STALE', after: 2000 });
      expect(await oa.describe(tp, epoch, { time: 1600, fromOffset: 10, untilOffset: 16 })).toEqual({ status: 'STALE', after: 2000 });
      // Not after a recorded, uncommitted batch either (its range comes first in the log).
      expect(await oa.describe(tp, epoch, { time: 2800, fromOffset: 10, untilOffset: 14 })).toEqual({ status: 'RECORDED', batch: { time: 2800, fromOffset: 10, untilOffset: 14 } });
      expect(await oa.describe(tp, epoch, { time: 2400, fromOffset: 10, untilOffset: 16 })).toEqual({ status: 'STALE', after: 2800 });
      // The recorded batch itself is still answered as recorded (a replay), and goes on after it.
      expect(await oa.describe(tp, epoch, { time: 2800, fromOffset: 10, untilOffset: 20 })).toEqual({ status: 'RECORDED', batch: { time: 2800, fromOffset: 10, untilOffset: 14 } });
      expect(await oa.describe(tp, epoch, { time: 3200, fromOffset: 14, untilOffset: 20 })).toEqual({ status: 'RECORDED', batch: { time: 3200, fromOffset: 14, untilOffset: 20 } });
      // The epoch is checked first.
      expect(await oa.describe(tp, epoch + 1, { time: 1600, fromOffset: 10, untilOffset: 16 })).toEqual({ status: 'FENCED' });
      await oa.leave();
    } finally {
      await a.close();
    }
  }, 60_000);

  it('a new owner whose batch clock lags the partition\'s batches re-runs the recorded one at its time and plans nothing new until its batches pass it', async () => {
    const group = 'lagging';
    const tp = { topic: 't', partition: 0 };
    const grid = { zeroTime: 400, batchMs: 400, partitions: ['t-0'] };
    const bounds = [{ earliest: 0, latest: 20 }];
    const b = new RedisLogSource(server.url);
    const a = new RedisLogSource(server.url);
    const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('lagging-owner'));
    const redis = createClient(redisClientOptions(server.url) as Parameters<typeof createClient>[0]);
    await redis.connect();
    await b.open();
    await a.open();
    try {
      // B, in step with the clock: batch 2000 committed, batch 2400 recorded, then B is gone.
      await commitOneRecordOneAndLeave(b, group, tp, grid, { time: 2000, fromOffset: 0, untilOffset: 10 }, { time: 2400, fromOffset: 10, untilOffset: 14 });
      // A takes the partition over while its own batches are still at 1200 ms (catching up).
      const coordinator = new GroupCoordinator({
        ownership: a.ownership(group), sc, topic: 't', numPartitions: 1, leaseMs: 5000, streamName: 'lagging stream',
        stateStreams: [], initialOffset: () => 0, maxRecords: () => 1000, snapshotInterval: 10,
      });
      await coordinator.join(grid);
      const p1200 = await coordinator.prepare(1200, bounds);
      expect(coordinator.ownedPartitions).toEqual([0]);
      expect(p1200.owned.get(0)?.batch, 'the recorded batch re-runs at its own time').toEqual({ time: 2400, fromOffset: 10, untilOffset: 14 });
      coordinator.batchDone(1200, true);
      for (const t of [1600, 2000, 2400]) {
        const plan = await coordinator.prepare(t, bounds);
        expect(plan.owned.has(0), `batch ${t} ms is not after the partition's batch 2400 ms: nothing new for it`).toBe(false);
        expect([...plan.held], 'still owned: its state carries over unchanged').toEqual([0]);
        coordinator.batchDone(t, true);
      }
      // (2400 may still be there until the asynchronous commit of its re-run lands.)
      const recorded = Object.keys(await redis.hGetAll(groupKeys(group).partition(tp).desc)).filter((t) => t !== '2400');
      expect(recorded, 'no range recorded at a past batch time').toEqual([]);
      const p2800 = await coordinator.prepare(2800, bounds);
      expect(p2800.owned.get(0)?.batch).toEqual({ time: 2800, fromOffset: 14, untilOffset: 20 });
      expect(p2800.held.size).toBe(0);
      coordinator.batchDone(2800, true);
      await coordinator.stop();
      // Every record once, each range committed at a time after the one before.
      const commit = await redis.hGetAll(groupKeys(group).partition(tp).commit);
      expect({ next: commit.next, batch: commit.batch, from: commit.from }).toEqual({ next: '20', batch: '2800', from: '14' });
    } finally {
      await redis.quit().catch(() => undefined);
      await a.close();
      await b.close();
      sc.stop();
    }
  }, 60_000);
});

describe('a repartition partition taken over behind the batches (its offsets are batch times)', () => {
  const tp = { topic: 'app-words-repartition', partition: 0 };

  /** B commits (0, 2000] at 2000 and records (2000, 2400] at 2400, then is gone; `body` gets A's coordinator of the log, joined. */
  async function afterBLeft<T>(group: string, stepMs: number | undefined, body: (coordinator: GroupCoordinator) => Promise<T>): Promise<T> {
    const grid = { zeroTime: 400, batchMs: 400, partitions: ['app-words-repartition-0'] };
    const b = new RedisLogSource(server.url);
    const a = new RedisLogSource(server.url);
    const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName(group));
    await b.open();
    await a.open();
    try {
      await commitOneRecordOneAndLeave(b, group, tp, grid, { time: 2000, fromOffset: 0, untilOffset: 2000 }, { time: 2400, fromOffset: 2000, untilOffset: 2400 });
      const coordinator = new GroupCoordinator({
        ownership: a.ownership(group), sc, topic: tp.topic, numPartitions: 1, leaseMs: 5000, streamName: 'words via app-words-repartition',
        stateStreams: [], initialOffset: () => 0, maxRecords: () => Number.POSITIVE_INFINITY, snapshotInterval: 10, ...(stepMs === undefined ? {} : { stepMs }),
      });
      await coordinator.join(grid);
      return await body(coordinator);
    } finally {
      await a.close();
      await b.close();
      sc.stop();
    }
  }

  /** A's coordinator takes the partition over at engine batch 4000, then loses it to another instance at 6400. */
  function takeOver(group: string, stepMs: number | undefined, firstSourceBatch?: (after: number) => number | undefined): Promise<{ planned: (readonly [number, { time: number; fromOffset: number; untilOffset: number } | undefined])[]; holds: boolean[] }> {
    return afterBLeft(group, stepMs, async (coordinator) => {
      if (firstSourceBatch !== undefined) coordinator.addSourceBatchProbe(async (_j, after) => firstSourceBatch(after));
      const planned: (readonly [number, { time: number; fromOffset: number; untilOffset: number } | undefined])[] = [];
      const holds: boolean[] = [];
      for (const t of [4000, 4400, 4800, 5200, 5600, 6000]) {
        // A repartition partition's batch covers the source batches up to the engine batch's time.
        const plan = await coordinator.prepare(t, [{ earliest: 0, latest: t }]);
        planned.push([t, plan.owned.get(0)?.batch]);
        holds.push(coordinator.holds(t, 0));
        coordinator.batchDone(t, true);
      }
      // Another instance takes the partition over (the lease gone, a new epoch): A learns it at its next batch.
      const last = await coordinator.prepare(6400, [{ earliest: 0, latest: 6400 }]);
      expect(last.owned.get(0)?.batch).toBeDefined();
      const redis = createClient(redisClientOptions(server.url) as Parameters<typeof createClient>[0]);
      await redis.connect();
      // (What an acquisition after the lease expired writes: a new epoch and the new owner's lease.)
      await redis.incr(groupKeys(group).partition(tp).epoch);
      await redis.set(groupKeys(group).partition(tp).lease, 'another-member', { PX: 5000 });
      await redis.quit();
      await coordinator.prepare(6800, [{ earliest: 0, latest: 6800 }]);
      holds.push(coordinator.holds(6400, 0));
      coordinator.batchDone(6400, true);
      coordinator.batchDone(6800, true);
      await coordinator.stop();
      return { planned, holds };
    });
  }

  it('catches up one batch time per planned batch, each at its own time on its own range (catchUp = batches, no catch-up batches asked for)', async () => {
    const { planned, holds } = await takeOver('steps', 400);
    expect(planned).toEqual([
      [4000, { time: 2400, fromOffset: 2000, untilOffset: 2400 }], // the recorded one, at its time
      [4400, { time: 2800, fromOffset: 2400, untilOffset: 2800 }], // then every batch time nobody ran, one each
      [4800, { time: 3200, fromOffset: 2800, untilOffset: 3200 }],
      [5200, { time: 3600, fromOffset: 3200, untilOffset: 3600 }],
      [5600, { time: 4000, fromOffset: 3600, untilOffset: 4000 }],
      [6000, { time: 4400, fromOffset: 4000, untilOffset: 4400 }],
    ]);
    // Held while planned; not once another instance took the partition over.
    expect(holds).toEqual([true, true, true, true, true, true, false]);
  }, 60_000);

  it('skips the batch times at which no source partition had a batch (the markers say which come next)', async () => {
    // Source batches at 2400, then none until 3600 (every source without an owner), then every batch time.
    const sourceTimes = [2400, 3600, 4000, 4400, 4800, 5200, 5600, 6000];
    const { planned } = await takeOver('skips', 400, (after) => sourceTimes.find((t) => t > after));
    expect(planned.slice(0, 4)).toEqual([
      [4000, { time: 2400, fromOffset: 2000, untilOffset: 2400 }],
      [4400, { time: 3600, fromOffset: 2400, untilOffset: 3600 }], // 2800 and 3200 had no source batch
      [4800, { time: 4000, fromOffset: 3600, untilOffset: 4000 }],
      [5200, { time: 4400, fromOffset: 4000, untilOffset: 4400 }],
    ]);
  }, 60_000);

  it('runs the missed batch times in catch-up batches before the next batch, each at its own time (catchUp = batches)', async () => {
    await afterBLeft('lanes', 400, async (coordinator) => {
      // Source batches at every batch time but 3200 (no source partition had one then).
      const sourceTimes = [2400, 2800, 3600, 4000, 4400, 4800];
      coordinator.addSourceBatchProbe(async (_j, after) => sourceTimes.find((t) => t > after));
      // Taken over by engine batch 3600 (its recorded batch re-run there); before each later batch, as the
      // engine does, catch-up batches (at 3601, 3602, ...) while the coordinator asks for them.
      const planned: (readonly [number, { time: number; fromOffset: number; untilOffset: number } | undefined])[] = [];
      for (const t of [3600, 4000, 4400]) {
        for (let i = 1; await coordinator.needsCatchUp(t); i++) {
          expect(i, 'a bounded number of catch-up batches').toBeLessThan(10);
          const plan = await coordinator.prepare(t - 400 + i, [{ earliest: 0, latest: t - 400 + i }], false, t);
          planned.push([t - 400 + i, plan.owned.get(0)?.batch]);
          coordinator.batchDone(t - 400 + i, true);
        }
        const plan = await coordinator.prepare(t, [{ earliest: 0, latest: t }]);
        planned.push([t, plan.owned.get(0)?.batch]);
        coordinator.batchDone(t, true);
      }
      await coordinator.stop();
      expect(planned).toEqual([
        [3600, { time: 2400, fromOffset: 2000, untilOffset: 2400 }], // the recorded one, at its time
        [3601, { time: 2800, fromOffset: 2400, untilOffset: 2800 }], // the missed ones with a source batch, each on its own
        [3602, { time: 3600, fromOffset: 2800, untilOffset: 3600 }], // (3200: no source batch)
        [4000, { time: 4000, fromOffset: 3600, untilOffset: 4000 }], // caught up: the engine batch's own time
        [4400, { time: 4400, fromOffset: 4000, untilOffset: 4400 }], // and no catch-up batch any more
      ]);
    });
  }, 60_000);

  it('merges the batch times nobody ran into its next batch with catchUp = merge', async () => {
    const { planned } = await takeOver('merged', undefined);
    expect(planned.slice(0, 3)).toEqual([
      [4000, { time: 2400, fromOffset: 2000, untilOffset: 2400 }],
      [4400, { time: 4400, fromOffset: 2400, untilOffset: 4400 }],
      [4800, { time: 4800, fromOffset: 4400, untilOffset: 4800 }],
    ]);
  }, 60_000);
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

  it('routes a stateful stream not partitioned like the log through a repartition log owned by leases', async () => {
    const admin = new RedisStreamsAdmin({ url: server.url });
    await admin.createTopic('copart', 4);
    await admin.close();
    const ssc = groupContext(500);
    const words = stream(ssc, 'copart', 'copart-app').map((r: ConsumerRecord) => [r.key()!, 1] as [string, number]);
    words.updateStateByKey((v: number[], s: number | undefined) => v.length + (s ?? 0), 2).setName('totals').foreachRDD(() => undefined);
    try {
      await ssc.start();
      // The state's 2 partitions are a repartition log's, owned by this (only) instance's leases.
      const logs = ssc.groupAssignment()?.logs ?? [];
      const routed = logs.find((l) => l.log.endsWith('-totals-repartition'));
      expect(routed?.partitions).toBe(2);
    } finally {
      await ssc.stop(false).catch(() => undefined);
      await Promise.resolve(ssc.sparkContext.stop());
    }
  }, 120_000);

  it('refuses, naming the stream, what lease mode cannot keep with a partition: a state with an initial RDD', async () => {
    const admin = new RedisStreamsAdmin({ url: server.url });
    await admin.createTopic('refused', 4);
    await admin.close();
    const cases: [string, (ssc: StreamingContext) => void, RegExp][] = [
      ['mapWithState with an initial state', (ssc) => {
        const initial = ssc.sparkContext.parallelize([['a', 1]] as [string, number][]);
        stream(ssc, 'refused', 'refused-app').map((r: ConsumerRecord) => [r.key()!, 1] as [string, number])
          .mapWithState(StateSpec.function((_k: string, v: number | undefined, st: State<number>) => { st.update((st.getOption() ?? 0) + (v ?? 0)); }).initialState(initial).partitioner(new HashPartitioner(4)))
          .setName('sessions').foreachRDD(() => undefined);
      }, /initial state RDD would be loaded whole by every instance/],
    ];
    for (const [what, build, expected] of cases) {
      const ssc = groupContext(500);
      build(ssc);
      const e = await ssc.start().then(() => undefined, (x: unknown) => x);
      expect(e, what).toBeInstanceOf(NotCoPartitionedError);
      expect((e as Error).message, what).toMatch(expected);
      await ssc.stop(false).catch(() => undefined);
      await Promise.resolve(ssc.sparkContext.stop());
    }
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
