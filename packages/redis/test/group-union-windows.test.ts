// Windows of a union or a transform under group leases (issue 15): their input is not one log's
// partitions, so they are routed through a repartition log of their own, the input seen as the
// log's partitions again (a union concatenates its members' partitions, a transform keeping
// them has the log's). In process, on manual clocks: one instance runs batches 1-3 and stops
// gracefully, a second one takes every partition over and runs batches 4-6, rebuilding the
// windows from their logs. Each window's output equals, batch for batch, the words of the batches
// inside it, worked out here; a transform that does not keep the partitions fails its batch,
// naming the window.
import type { ManualClock } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StreamingContext } from '@kindling/dstream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import type { RedisServer } from './support/redis-server.ts';
import { disposeGroupTopic, seedGroupTopic } from './support/seeded-group-topic.ts';
import { asLines, countBy, folderLines, leaseConf, runInstance, windowWords } from './support/word-windows.ts';

const BATCHES = 6;
const TOPIC = 'union-words';

let root: string;
let server: RedisServer;

beforeAll(async () => {
  ({ root, server } = await seedGroupTopic('kindling-group-union-', TOPIC, BATCHES));
}, 60_000);

afterAll(() => disposeGroupTopic(root, server));

describe('windows of a union and of a transform under group leases, through a take-over', () => {
  const out = (): string => join(root, 'out');
  const transformed = new Map<number, string[]>();

  const instance = (startMs: number, batches: number): Promise<void> => runInstance(leaseConf('union', 6), join(root, `checkpoint-${startMs}`), startMs, batches, (ssc) => {
    const words = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': 'union', 'auto.offset.reset': 'earliest' }))
      .flatMap((r: ConsumerRecord) => r.value().split(' ')).setName('words');
    // Each word and its upper-case copy, windowed over 3 batches, then counted by value (a re-keying after the window's own log).
    words.union(words.map((w) => w.toUpperCase())).setName('both').window(Seconds(3)).setName('unionWindow')
      .countByValue(2).saveAsTextFiles(join(out(), 'union'));
    // A transform that keeps each record in its partition (a filter inside it), windowed over 2 batches.
    words.transform((rdd) => rdd.filter((w) => w.length > 4)).setName('long').window(Seconds(2)).setName('transformWindow')
      .foreachRDD(async (rdd, time) => { transformed.set(time.milliseconds, [...(transformed.get(time.milliseconds) ?? []), ...await rdd.collect()]); });
  });

  beforeAll(async () => {
    await instance(0, 3);
    await instance(3000, 3);
  }, 120_000);

  it('counts the window of a union by value, batch for batch, across the take-over', () => {
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      const inWindow = windowWords(t, 3000, BATCHES);
      expect(folderLines(join(out(), 'union'), t), `union window at ${t}`).toEqual(asLines(countBy([...inWindow, ...inWindow.map((w) => w.toUpperCase())])));
    }
  });

  it('holds in the window of a transform the records of the last 2 batches it kept, batch for batch, across the take-over', () => {
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      expect((transformed.get(t) ?? []).slice().sort(), `transform window at ${t}`).toEqual(windowWords(t, 2000, BATCHES).filter((w) => w.length > 4).sort());
    }
  });
});

describe('a window of a transform that does not keep the log\'s partitions', () => {
  it('fails its batch, naming the window and the partition counts', async () => {
    const ssc = new StreamingContext(leaseConf('union-bad', 6), Seconds(1));
    ssc.checkpoint(join(root, 'checkpoint-bad'));
    RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': 'union-bad', 'auto.offset.reset': 'earliest' }))
      .map((r: ConsumerRecord) => r.value()).transform((rdd) => rdd.repartition(3)).window(Seconds(2)).setName('movedWindow')
      .foreachRDD(async (rdd) => { await rdd.count(); });
    await ssc.start();
    try {
      const failure = await (ssc.clock as ManualClock).advance(1000).then(() => undefined, (e: unknown) => e);
      expect(String((failure as Error)?.message ?? failure)).toMatch(/movedWindow.*batch 1000 ms has 3 partitions, not a multiple of the log's 4/);
    } finally {
      await ssc.stop(true, false).catch(() => undefined);
    }
  }, 60_000);
});
