// An instance of a group restarted with a changed graph. Group mode stores each stateful stream's
// state under the stream's name; unnamed streams are named by kind and position
// (`updateStateByKey#7`), so a stream added or removed before a stateful one shifts that name.
// Before the group kept a state catalog, the restarted instance looked its state up under the
// new name, found nothing, and went on from the group's committed offsets with empty state: the
// totals of every record before the restart silently lost. Now, as a metadata checkpoint's
// recovery does, the group's stored streams are matched to the graph's by the name the user gave,
// else by structural key: a branch added or removed elsewhere restores the state, and a state the
// graph cannot restore (its ancestry changed) fails start() naming it, before anything is read
// or committed. Three instances one after the other against a real Redis, on manual clocks.
import { ConsumerStrategies, GroupStateMismatchError, LocationStrategies, Seconds, StateSpec, StreamingContext, type DStream, type State } from '@kindling/dstream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupKeys, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { byKey, commitOf, KeyedRounds, redisSuite } from './support/group-test-kit.ts';
import { startError } from './support/start-error.ts';
import { leaseConf, runInstance } from './support/word-windows.ts';

const TOPIC = 'changed';
const GROUP = 'changed-app';
const KEYS = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox'];

const suite = redisSuite('kindling-group-changed-');

interface Shape {
  /** A stateless branch with its own output, built before the stateful streams (shifts their positional names). */
  readonly extraBranch: boolean;
  /** A filter between the pairs and the states (changes their ancestry: their structural keys). */
  readonly filterBeforeState: boolean;
}

describe('an instance restarted with a changed graph', () => {
  it('restores the state stored under a shifted positional name, and refuses a graph whose state it cannot match', async () => {
    const { producer, placed, sent } = await KeyedRounds.onNewTopic(suite.server.url, TOPIC, KEYS, 2);
    /** Per batch time: the running totals (updateStateByKey) and counts (mapWithState) the instance output. */
    const totals = new Map<number, [string, number][]>();
    const counts = new Map<number, [string, number][]>();
    const stateNames: string[][] = [];

    const build = (shape: Shape) => (ssc: StreamingContext): void => {
      const records = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': suite.server.url, 'group.id': GROUP, 'auto.offset.reset': 'earliest' }));
      // (A filter: a second map of the records would take the pairs' structural key, siblings of one kind being told apart by creation order.)
      if (shape.extraBranch) records.filter((r: ConsumerRecord) => r.value() === '').foreachRDD(() => undefined);
      let pairs = records.map((r: ConsumerRecord) => [r.key()!, Number(r.value())] as [string, number]);
      if (shape.filterBeforeState) pairs = pairs.filter(() => true);
      const state = pairs.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0), placed);
      state.foreachRDD(async (rdd, time) => { totals.set(time.milliseconds, byKey(await rdd.collect())); });
      const counted = pairs.mapWithState(StateSpec.function((_key: string, v: number | undefined, s: State<number>): number => {
        s.update((s.getOption() ?? 0) + (v === undefined ? 0 : 1));
        return s.get();
      }).partitioner(placed));
      counted.stateSnapshots().foreachRDD(async (rdd, time) => { counts.set(time.milliseconds, byKey(await rdd.collect())); });
      stateNames.push([state.name(), (counted.dependencies[0] as DStream<unknown>).name()]);
    };
    const conf = (): ReturnType<typeof leaseConf> => leaseConf(GROUP, 1000).set('spark.kindling.group.leaseTimeout', '60s');
    const run = (startMs: number, shape: Shape): Promise<void> => runInstance(conf(), join(suite.root, `checkpoint-${startMs}`), startMs, 1, build(shape));

    try {
      // The first program: its batch 1 s reads rounds 1 and 2, committed with their totals.
      await sent.round(1);
      await sent.round(2);
      await run(0, { extraBranch: false, filterBeforeState: false });
      expect(totals.get(1000), 'totals after the first program').toEqual(sent.sums());
      expect((await commitOf(suite.redis, GROUP, TOPIC, 0))?.batch).toBe(1000);

      // A branch added before the states: their positional names shift, their structure does not.
      await sent.round(3);
      await run(1000, { extraBranch: true, filterBeforeState: false });
      expect(stateNames[1], 'the added branch shifted the states\' positional names').not.toEqual(stateNames[0]);
      expect(totals.get(2000), 'totals after batch 2 s: every round, not round 3 alone').toEqual(sent.sums());
      expect(counts.get(2000), 'mapWithState\'s counts after batch 2 s').toEqual(sent.tally());

      // The branch removed again: the names shift back, the state stored by the first program still found.
      await sent.round(4);
      await run(2000, { extraBranch: false, filterBeforeState: false });
      expect(totals.get(3000), 'totals after batch 3 s').toEqual(sent.sums());
      expect(counts.get(3000), 'counts after batch 3 s').toEqual(sent.tally());
      // Stored under the first program's names throughout (a catalog entry per state, nothing under the shifted names).
      const catalog = await suite.redis.hGetAll(groupKeys(GROUP).states);
      expect(Object.keys(catalog).sort()).toEqual([...stateNames[0]!].sort());

      // A filter inserted above the states: nothing in the group matches them. start() fails naming
      // each state and the stream; nothing is read or committed, and the state stays as it was.
      await sent.round(5);
      const before = [await commitOf(suite.redis, GROUP, TOPIC, 0), await commitOf(suite.redis, GROUP, TOPIC, 1)];
      const ssc = new StreamingContext(conf(), Seconds(1));
      ssc.checkpoint(join(suite.root, 'checkpoint-refused'));
      const e = await startError(ssc, build({ extraBranch: false, filterBeforeState: true }));
      expect(e).toBeInstanceOf(GroupStateMismatchError);
      expect(e.message).toContain(`the group keeps the state of '${stateNames[0]![0]}' (updateStateByKey(map(`);
      expect(e.message).toContain(`'${stateNames[0]![1]}' (internalMapWithState(map(`);
      expect(e.message).toMatch(/^directStream#0: .*group changed-app/);
      expect([await commitOf(suite.redis, GROUP, TOPIC, 0), await commitOf(suite.redis, GROUP, TOPIC, 1)]).toEqual(before);
      expect(totals.has(4000), 'no batch ran').toBe(false);

      // The original program goes on from the state the group kept.
      await run(3000, { extraBranch: false, filterBeforeState: false });
      expect(totals.get(4000), 'totals after batch 4 s').toEqual(sent.sums());
    } finally {
      await producer.close();
    }
  }, 120_000);
});
