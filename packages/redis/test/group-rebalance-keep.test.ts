// A partition an instance starts giving up and then keeps (issue 15's leases; the partial sums
// group-rekey-kill's SIGSTOP test ranked under heavy load). When another member joins, an
// instance over its fair share marks a partition to give up and stops planning it, but releases
// it only once the batches it planned for it are committed; if the member leaves before that
// (its heartbeat lapses: a loaded or paused instance), the share grows back and the instance
// keeps the partition. Its state must come through the batches it did not run: the batch after
// goes on from it. Here, in process on a manual clock against a real Redis, the joining member
// is a bare heartbeat, the batch before the join is held in its output (so that the partition
// cannot be released), and the running totals of every key, as output and as committed in
// Redis, are checked against the sums of the records sent.
import { ManualClock, SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StateSpec, StreamingContext, type State } from '@kindling/dstream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedisLogSource, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { byKey, commitOf as commitIn, committedState, KeyedRounds, redisSuite, until } from './support/group-test-kit.ts';

const TOPIC = 'keep';
const GROUP = 'keep-app';
const KEYS = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen'];

const suite = redisSuite('kindling-group-keep-');
const commitOf = (p: number) => commitIn(suite.redis, GROUP, TOPIC, p);

describe('a partition given up and kept again before its release', () => {
  it('keeps its state through the batch it did not run: the totals after it, output and committed, are the sums of every record', async () => {
    const { producer, placed, sent } = await KeyedRounds.onNewTopic(suite.server.url, TOPIC, KEYS, 2);
    const round = (r: number): Promise<void> => sent.round(r);
    /** Per partition, how many records were sent to it (its next offset once read). */
    const offsets = sent.offsets;

    const conf = new SparkConf().setMaster('local[2]').setAppName(GROUP).set('spark.streaming.clock', 'manual')
      .set('spark.kindling.group.enabled', 'true')
      // Long leases and heartbeats: the only membership changes are the test's.
      .set('spark.kindling.group.leaseTimeout', '60s');
    const ssc = new StreamingContext(conf, Seconds(1));
    ssc.checkpoint(join(suite.root, 'checkpoint'));
    const clock = ssc.clock as ManualClock;
    const records = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': suite.server.url, 'group.id': GROUP, 'auto.offset.reset': 'earliest' }));
    const totals = records.map((r: ConsumerRecord) => [r.key()!, Number(r.value())] as [string, number])
      .updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0), placed).setName('totals');
    const seen = new Map<number, [string, number][]>();
    totals.foreachRDD(async (rdd, time) => { seen.set(time.milliseconds, byKey(await rdd.collect())); });
    // The same class of state kept per key by mapWithState (its commit sends only the keys a batch changed): how many records each key had.
    const counts = records.map((r: ConsumerRecord) => [r.key()!, 1] as [string, number])
      .mapWithState(StateSpec.function((_key: string, one: number | undefined, state: State<number>): number => {
        state.update((state.getOption() ?? 0) + one!);
        return state.get();
      }).partitioner(placed)).setName('counts');
    const counted = new Map<number, [string, number][]>();
    counts.stateSnapshots().foreachRDD(async (rdd, time) => { counted.set(time.milliseconds, byKey(await rdd.collect())); });
    // Batch 2 s waits here (after the totals' output) until the test opens the gate: its partitions stay uncommitted meanwhile.
    let reached!: () => void;
    const atGate = new Promise<void>((r) => { reached = r; });
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    records.foreachRDD(async (_rdd, time) => {
      if (time.milliseconds !== 2000) return;
      reached();
      await gate;
    });
    const submitted = new Set<number>();
    ssc.addStreamingListener({ onBatchSubmitted: (e) => { submitted.add(e.batchInfo.batchTime.milliseconds); } });

    const other = new RedisLogSource(suite.server.url);
    await other.open();
    try {
      await ssc.start();
      // 1 s: the instance, alone, owns both partitions.
      await round(1);
      await clock.advance(1000);
      await until('batch 1 s committed on both partitions', async () => (await commitOf(0))?.batch === 1000 && (await commitOf(1))?.batch === 1000);

      // 2 s: planned on both partitions, held in its output.
      await round(2);
      const second = clock.advance(1000);
      await atGate;
      // Another member joins: the fair share is one partition; the instance gives one up, not released while batch 2 s is uncommitted.
      const member = other.ownership(GROUP);
      await member.join({ zeroTime: 0, batchMs: 1000, partitions: [`${TOPIC}-0`, `${TOPIC}-1`] }, 60_000);
      const afterRound2 = offsets.slice();
      await round(3);
      const afterRound3 = offsets.slice();
      const third = clock.advance(1000);
      await until('batch 3 s planned', () => submitted.has(3000));
      // ... and leaves before that: the share grows back, and the instance keeps the partition.
      await member.leave();
      await round(4);
      const fourth = clock.advance(1000);
      await until('batch 4 s planned', () => submitted.has(4000));
      open();
      await Promise.all([second, third, fourth]);
      await until('batch 4 s committed on both partitions', async () => (await commitOf(0))?.batch === 4000 && (await commitOf(1))?.batch === 4000);

      // One partition was given up at 3 s (not run): its batch at 4 s read from where batch 2 s ended; the other ran 3 s.
      expect(afterRound3.every((n, p) => n > afterRound2[p]!), 'round 3 sent records to both partitions').toBe(true);
      const from = [(await commitOf(0))!.from, (await commitOf(1))!.from];
      expect(from.map((f, p) => (f === afterRound2[p] ? 'skipped 3 s' : f === afterRound3[p] ? 'ran 3 s' : f)).sort()).toEqual(['ran 3 s', 'skipped 3 s']);
      expect(seen.get(4000), 'every key\'s total after batch 4 s').toEqual(sent.sums());
      expect(counted.get(4000), 'every key\'s count after batch 4 s (mapWithState)').toEqual(sent.tally());
      expect(await committedState(other, GROUP, TOPIC, 2, 'totals'), 'the totals committed in Redis').toEqual(sent.sums());
    } finally {
      open();
      await ssc.stop(true, true);
      await other.close();
      await producer.close();
    }
  }, 120_000);
});
