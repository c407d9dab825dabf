// How far an instance under leases records batches ahead of its last commit, and what that
// leaves a new owner (issue 15's several-instances engine under load: a paused instance had
// recorded 124-146 batches beyond its last commit, and its successor re-ran them 8 a batch).
// Batches are generated on the clock whether or not the earlier ones ran; when they queue up
// (here: one batch's output held open), each partition records at most
// spark.kindling.group.maxBatchesAhead new batches beyond its last commit and plans nothing new
// after that. In process, on manual clocks, against a real Redis: the first instance commits
// batch 1 s, is held in batch 2 s's output while the clock runs to 15 s, and stops without
// running the rest; its recorded, uncommitted batches must be bounded, and the next instance
// must re-run them and read everything after them by its second batch, with every key's running
// total, as output and as committed in Redis, equal to the sums of the records sent.
import { HashPartitioner, ManualClock, SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StreamingContext } from '@kindling/dstream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupKeys, RedisLogSource, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { byKey, commitOf as commitIn, committedState, KeyedRounds, redisSuite, until } from './support/group-test-kit.ts';

const TOPIC = 'ahead';
const GROUP = 'ahead-app';
const KEYS = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen'];
const AHEAD = 4;

const suite = redisSuite('kindling-group-ahead-');
const commitOf = (p: number) => commitIn(suite.redis, GROUP, TOPIC, p);

/** One instance: running totals per key (updateStateByKey by the log's partitioner), output per batch time. */
function instance(name: string, settings: Record<string, string>, startMs: number): { ssc: StreamingContext; clock: ManualClock; records: ReturnType<typeof RedisStreamsUtils.createDirectStream>; totals: Map<number, [string, number][]>; submitted: Set<number> } {
  const conf = new SparkConf().setMaster('local[2]').setAppName(GROUP).set('spark.streaming.clock', 'manual')
    .set('spark.kindling.group.enabled', 'true')
    // Long leases and heartbeats: the only membership changes are the test's.
    .set('spark.kindling.group.leaseTimeout', '600s');
  for (const [k, v] of Object.entries(settings)) conf.set(k, v);
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(join(suite.root, name));
  const clock = ssc.clock as ManualClock;
  clock.setTime(startMs);
  const records = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': suite.server.url, 'group.id': GROUP, 'auto.offset.reset': 'earliest' }));
  const totals = new Map<number, [string, number][]>();
  records.map((r: ConsumerRecord) => [r.key()!, Number(r.value())] as [string, number])
    .updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0), new HashPartitioner(2)).setName('totals')
    .foreachRDD(async (rdd, time) => { totals.set(time.milliseconds, byKey(await rdd.collect())); });
  const submitted = new Set<number>();
  ssc.addStreamingListener({ onBatchSubmitted: (e) => { submitted.add(e.batchInfo.batchTime.milliseconds); } });
  return { ssc, clock, records, totals, submitted };
}

describe('batches recorded ahead of the last commit under leases', () => {
  it('are bounded by maxBatchesAhead while batches queue up, and the next owner re-runs them and reads the rest by its second batch', async () => {
    const { producer, sent } = await KeyedRounds.onNewTopic(suite.server.url, TOPIC, KEYS, 2);
    const round = (r: number): Promise<void> => sent.round(r);

    const a = instance('a', { 'spark.kindling.group.maxBatchesAhead': String(AHEAD) }, 0);
    // The first instance's batch 2 s waits here until the end: its batches queue up behind it.
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    let reached!: () => void;
    const atGate = new Promise<void>((r) => { reached = r; });
    a.records.foreachRDD(async (_rdd, time) => {
      if (time.milliseconds !== 2000) return;
      reached();
      await gate;
    });
    let b: ReturnType<typeof instance> | undefined;
    try {
      await a.ssc.start();
      await round(1);
      await a.clock.advance(1000);
      await until('batch 1 s committed on both partitions', async () => (await commitOf(0))?.batch === 1000 && (await commitOf(1))?.batch === 1000);
      await round(2);
      void a.clock.advance(1000).catch(() => undefined);
      await atGate;
      for (let t = 3; t <= 15; t++) {
        await round(t);
        void a.clock.advance(1000).catch(() => undefined);
        await until(`batch ${t} s generated`, () => a.submitted.has(t * 1000));
      }
      // Every batch from 2 s to 15 s read records on both partitions; those recorded and not committed are bounded.
      const recorded: number[] = [];
      for (let p = 0; p < 2; p++) recorded.push(await suite.redis.hLen(groupKeys(GROUP).partition({ topic: TOPIC, partition: p }).desc));
      expect(recorded.every((n) => n >= 2 && n <= AHEAD), `batches recorded beyond the last commit, per partition: ${recorded.join(', ')} (at most ${AHEAD})`).toBe(true);
      // The instance goes away with its batches 2 s to 15 s not run (its leases released, as they expire after a kill).
      await a.ssc.stop(true, false);

      // The next instance, its clock at 15 s: it takes both partitions in its first batch (16 s), which re-runs the oldest
      // recorded batch; before its second batch (17 s), catch-up batches (at most 8) re-run the others, and 17 s reads the rest.
      b = instance('b', {}, 15_000);
      await b.ssc.start();
      await round(16);
      await b.clock.advance(1000);
      await round(17);
      await b.clock.advance(1000);
      // Its commits follow the batches: batch 17 s committed on both partitions means every recorded batch before it was re-run and committed.
      await until('the new owner\'s batch 17 s committed on both partitions', async () => (await commitOf(0))?.batch === 17_000 && (await commitOf(1))?.batch === 17_000);
      for (let p = 0; p < 2; p++) expect((await commitOf(p))?.next, `partition ${p}: every record committed after the new owner's second batch`).toBe(sent.offsets[p]);
      expect(b.totals.get(17_000), 'every key\'s total after batch 17 s').toEqual(sent.sums());
      const store = new RedisLogSource(suite.server.url);
      await store.open();
      const committed = await committedState(store, GROUP, TOPIC, 2, 'totals');
      await store.close();
      expect(committed, 'the totals committed in Redis').toEqual(sent.sums());
    } finally {
      open();
      await a.ssc.stop(true, false).catch(() => undefined);
      await b?.ssc.stop(true, true);
      await producer.close();
    }
  }, 120_000);
});
