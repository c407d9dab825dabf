// Windows sliding slower than the batches under group leases (issue 15): each partition of a
// window's stage has a window at its own slide times (multiples of the slide from the group's
// zero time), computed whenever that partition runs them, and its state is committed with every
// batch in between. In process, on manual clocks: one instance runs batches 1-3 and stops
// gracefully, a second one (its own clock, and so its own zero time, one batch later than the
// group's slide phase) takes every partition over and runs batches 4-6, restoring the inverse
// windows' state (with the batch that was pending at the stop) and reading the plain windows'
// history back from their repartition logs. Every window's output is checked, batch for batch,
// against the words of the batches inside it, worked out here; between slide times there is no
// folder and no call of an output.
import type { SparkConf } from '@kindling/core';
import { ConsumerStrategies, GroupPlanError, LocationStrategies, NotCoPartitionedError, Seconds, StreamingContext } from '@kindling/dstream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import type { RedisServer } from './support/redis-server.ts';
import { disposeGroupTopic, seedGroupTopic } from './support/seeded-group-topic.ts';
import { startError } from './support/start-error.ts';
import { asLines, countBy, folderLines, leaseConf as baseConf, runInstance, windowWords } from './support/word-windows.ts';

const BATCHES = 6;
const TOPIC = 'slow-words';
const GROUP = 'slow';

let root: string;
let server: RedisServer;

beforeAll(async () => {
  ({ root, server } = await seedGroupTopic('kindling-group-slow-', TOPIC, BATCHES));
}, 60_000);

afterAll(() => disposeGroupTopic(root, server));

function leaseConf(app: string): SparkConf {
  // Every commit folds its delta into the snapshot: the second instance restores pending reductions from it.
  return baseConf(app, 6).set('spark.kindling.group.stateSnapshotInterval', '1');
}

describe('windows sliding slower than the batches under group leases, through a take-over', () => {
  const out = (): string => join(root, 'out');
  /** Per batch time: the words of the 3 s window sliding every 3 s over the topic's own partitions (collected), and the 4 s window's count (one partition). */
  const ownWindow = new Map<number, string[]>();
  const counts = new Map<number, number[]>();

  /** One instance of the graph, started with its clock at `startMs`, run for `batches` batches, stopped gracefully. */
  const instance = (startMs: number, batches: number): Promise<void> => runInstance(leaseConf(GROUP), join(root, `checkpoint-${startMs}`), startMs, batches, (ssc) => {
    const words = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': GROUP, 'auto.offset.reset': 'earliest' }))
      .flatMap((r: ConsumerRecord) => r.value().split(' ')).setName('words');
    const pairs = words.map((w) => [w, 1] as [string, number]).setName('pairs');
    // With an inverse function: state per key (value, per-batch reductions, pending ones) committed with every batch.
    pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(4), Seconds(2), 2, (kv) => kv[1] !== 0).setName('inverse')
      .saveAsTextFiles(join(out(), 'inverse'));
    // Without: reduceByKey, a window read back from its repartition log by a new owner, reduceByKey in place; then a map on its partitions.
    pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(4), Seconds(2), 3).setName('plain')
      .map(([w, n]) => [w, n * 10] as [string, number]).setName('plainTimesTen')
      .saveAsTextFiles(join(out(), 'plain'));
    // Over the topic's own partitions (through a log of the window's own), sliding every 3 batches.
    words.window(Seconds(3), Seconds(3)).setName('ownWindow')
      .foreachRDD(async (rdd, time) => { ownWindow.set(time.milliseconds, [...(ownWindow.get(time.milliseconds) ?? []), ...await rdd.collect()]); });
    // In the one-partition stage.
    words.countByWindow(Seconds(4), Seconds(2)).setName('count')
      .foreachRDD(async (rdd, time) => { counts.set(time.milliseconds, await rdd.collect()); });
  });

  beforeAll(async () => {
    // The group's zero time is 0 (the first instance's): slide times 2, 4, 6 s (2 s slide) and 3, 6 s (3 s slide).
    await instance(0, 3);
    // The second instance's own zero time is 3 s, so a slide counted from it would fall at 5 s: the group's grid decides.
    await instance(3000, 3);
  }, 120_000);

  it('slides every 2 s with an inverse function: each window holds the last 4 batches at 2, 4 and 6 s, nothing in between, across the take-over', () => {
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      const lines = folderLines(join(out(), 'inverse'), t);
      if (k % 2 === 1) {
        expect(lines, `no folder at ${t}`).toBeUndefined();
        continue;
      }
      expect(lines, `inverse window at ${t}`).toEqual(asLines(countBy(windowWords(t, 4000, BATCHES))));
    }
  });

  it('slides every 2 s without an inverse function (the history of a window read back by the new owner), a map after it', () => {
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      const lines = folderLines(join(out(), 'plain'), t);
      if (k % 2 === 1) {
        expect(lines, `no folder at ${t}`).toBeUndefined();
        continue;
      }
      const tens = new Map([...countBy(windowWords(t, 4000, BATCHES))].map(([w, n]) => [w, n * 10] as [string, number]));
      expect(lines, `plain window at ${t}`).toEqual(asLines(tens));
    }
  });

  it('a window over the topic\'s own partitions sliding every 3 s, and a count of the 4 s window in one partition every 2 s', () => {
    expect([...ownWindow.keys()].sort((a, b) => a - b), 'outputs called at the slide times only').toEqual([3000, 6000]);
    for (const t of [3000, 6000]) expect(ownWindow.get(t)!.slice().sort(), `own window at ${t}`).toEqual(windowWords(t, 3000, BATCHES).sort());
    expect([...counts.keys()].sort((a, b) => a - b), 'counts at the slide times only').toEqual([2000, 4000, 6000]);
    for (const t of [2000, 4000, 6000]) expect(counts.get(t), `count at ${t}`).toEqual([windowWords(t, 4000, BATCHES).length]);
  });
});

describe('what may not follow a window sliding slower than the batches under group leases fails at start, naming it', () => {
  async function startFails(build: (ssc: StreamingContext) => void): Promise<Error> {
    const ssc = new StreamingContext(leaseConf(`bad-${Math.random().toString(36).slice(2)}`), Seconds(1));
    ssc.checkpoint(join(root, 'bad-checkpoint'));
    return startError(ssc, build);
  }
  const direct = (ssc: StreamingContext) => RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': `bad-${Math.random()}`, 'auto.offset.reset': 'earliest' }));

  it('a re-keying after it', async () => {
    const e = await startFails((ssc) => {
      direct(ssc).map((r: ConsumerRecord) => [r.value().length, 1] as [number, number])
        .reduceByKeyAndWindow((a, b) => a + b, Seconds(4), Seconds(2), 2).setName('lengthWindow')
        .map(([n, c]) => [c, n] as [number, number]).reduceByKey((a, b) => a + b, 3).setName('rekeyed').print();
    });
    expect(e).toBeInstanceOf(NotCoPartitionedError);
    expect(e.cause).toBeInstanceOf(GroupPlanError);
    expect((e.cause as Error).message).toMatch(/rekeyed.*reads reduceByKeyAndWindow at group-slow-windows\.test\.ts:\d+, a window sliding every 2000 ms/);
  });

  it('a count (a one-partition stage) and state after it', async () => {
    const count = await startFails((ssc) => {
      direct(ssc).map((r: ConsumerRecord) => r.value()).window(Seconds(4), Seconds(2)).setName('lineWindow').count().print();
    });
    expect((count.cause as Error).message).toMatch(/reads 'lineWindow' \(window at group-slow-windows\.test\.ts:\d+\), a window sliding every 2000 ms/);
    const state = await startFails((ssc) => {
      direct(ssc).map((r: ConsumerRecord) => [r.value(), 1] as [string, number]).reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(4), Seconds(2), 2)
        .setName('lineCounts').updateStateByKey((vs: number[], s: number | undefined) => (s ?? 0) + vs.length, 2).setName('afterWindow').print();
    });
    expect((state.cause as Error).message).toMatch(/afterWindow.*reads 'lineCounts' \(reduceByKeyAndWindow at group-slow-windows\.test\.ts:\d+\), a window sliding every 2000 ms.*updateStateByKey after it is not built/);
  });
});
