// RedisStreamsUtils.createDirectStream against a real Redis server, on a manual clock: each
// batch reads the records produced before it, one RDD partition per topic partition, with
// Spark's offset ranges, input info, rate limits, commits and starting positions.
import { HashPartitioner, type ManualClock } from '@kindling/core';
import { ConsumerStrategies, hasOffsetRanges, LocationStrategies, type OffsetRange, type StreamingContext } from '@kindling/dstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamsAdmin, RedisStreamsProducer, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { manualContext, withRawClient } from './support/direct-stream-kit.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';

let server: RedisServer;
let admin: RedisStreamsAdmin;
let producer: RedisStreamsProducer;
let ssc: StreamingContext | undefined;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new RedisStreamsAdmin({ url: server.url });
  producer = new RedisStreamsProducer({ url: server.url });
});
afterEach(async () => {
  await ssc?.stop(true).catch(() => undefined);
  ssc = undefined;
});
afterAll(async () => {
  await producer?.close();
  await admin?.close();
  await server?.dispose();
});

const params = (extra: Record<string, string> = {}): Record<string, string> => ({ 'redis.url': server.url, 'group.id': 'g', 'auto.offset.reset': 'earliest', ...extra });
const advance = (ms = 1000): Promise<void> => (ssc!.clock as ManualClock).advance(ms);

interface Seen { time: number; ranges: string[]; parts: [number, number, string | undefined, string][][] }

/** A direct stream whose batches are recorded: ranges, and per RDD partition (partition, offset, key, value). */
function recordBatches(topic: string, p: Record<string, string>, settings: Record<string, string> = {}): { seen: Seen[]; infos: Map<number, { n: number; text: unknown }>; stream: ReturnType<typeof RedisStreamsUtils.createDirectStream> } {
  ssc = manualContext(settings);
  const stream = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], p));
  const seen: Seen[] = [];
  const infos = new Map<number, { n: number; text: unknown }>();
  stream.foreachRDD(async (rdd, time) => {
    const ranges = hasOffsetRanges(rdd) ? rdd.offsetRanges.map((r: OffsetRange) => `${r.partition}:${r.fromOffset}-${r.untilOffset}`) : [];
    const parts = await rdd.map((r: ConsumerRecord) => [r.partition(), r.offset(), r.key(), r.value()] as [number, number, string | undefined, string]).glom().collect();
    seen.push({ time: time.milliseconds, ranges, parts });
  });
  ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo }) => {
      const info = batchInfo.streamIdToInputInfo.get(stream.id);
      infos.set(batchInfo.batchTime.milliseconds, { n: info?.numRecords ?? -1, text: info?.metadata.description });
    },
  });
  return { seen, infos, stream };
}

describe('createDirectStream', () => {
  it('reads each batch the records sent before it: one RDD partition per topic partition, Kafka accessors, Spark input info', async () => {
    await admin.createTopic('words', 2);
    const hp = new HashPartitioner(2);
    const first = ['a', 'b', 'c', 'd', 'e'].map((k) => ({ key: k, value: `${k}!` }));
    await producer.send('words', first);
    const { seen, infos } = recordBatches('words', params());
    await ssc!.start();
    await advance();
    await producer.send('words', [{ key: 'a', value: 'a2' }, { key: 'b', value: 'b2' }, { key: 'c', value: 'c2' }]);
    await advance();
    await advance();
    // Expected: per partition, records in send order with dense offsets.
    const expectedParts = (records: { key: string; value: string }[], start: number[]): [number, number, string, string][][] => {
      const out: [number, number, string, string][][] = [[], []];
      const next = [...start];
      for (const r of records) {
        const p = hp.getPartition(r.key);
        out[p]!.push([p, next[p]!++, r.key, r.value]);
      }
      return out;
    };
    const b1 = expectedParts(first, [0, 0]);
    const n1 = [b1[0]!.length, b1[1]!.length];
    const b2 = expectedParts([{ key: 'a', value: 'a2' }, { key: 'b', value: 'b2' }, { key: 'c', value: 'c2' }], n1);
    expect(seen.map((s) => s.time)).toEqual([1000, 2000, 3000]);
    expect(seen[0]!.parts).toEqual(b1);
    expect(seen[0]!.ranges).toEqual([`0:0-${n1[0]}`, `1:0-${n1[1]}`]);
    expect(seen[1]!.parts).toEqual(b2);
    expect(seen[2]!.parts).toEqual([[], []]);
    expect(seen[2]!.ranges).toEqual([`0:${n1[0]! + b2[0]!.length}-${n1[0]! + b2[0]!.length}`, `1:${n1[1]! + b2[1]!.length}-${n1[1]! + b2[1]!.length}`]);
    expect(infos.get(1000)!.n).toBe(5);
    const lines = [0, 1].filter((p) => n1[p]! > 0).sort((x, y) => n1[y]! - n1[x]!).map((p) => `topic: words\tpartition: ${p}\toffsets: 0 to ${n1[p]}\tcount: ${n1[p]}`);
    expect(infos.get(1000)!.text).toBe(lines.join('\n'));
    expect(infos.get(2000)!.n).toBe(3);
    expect(infos.get(3000)).toEqual({ n: 0, text: '' });
  });

  it("shows in the Streaming UI's REST API and batch page as Spark names a direct stream: Redis direct stream [id]", async () => {
    await admin.createTopic('named', 1);
    await producer.send('named', [{ value: 'x' }, { value: 'y' }]);
    const { seen } = recordBatches('named', params(), { 'spark.ui.enabled': 'true', 'spark.ui.port': '0' });
    const queue = ssc!.queueStream([['q']]);
    queue.foreachRDD(async () => undefined);
    await ssc!.start();
    await advance();
    expect(seen.map((b) => b.parts)).toEqual([[[[0, 0, undefined, 'x'], [0, 1, undefined, 'y']]]]);
    const ui = ssc!.sparkContext.uiWebUrl!;
    const base = `${ui}/api/v1/applications/${ssc!.sparkContext.applicationId}/streaming`;
    // Spark's DirectKafkaInputDStream is `Kafka 0.10 direct stream [0]`; the queue stream keeps InputDStream's rule.
    const receivers = await (await fetch(`${base}/receivers`)).json() as { streamId: number; streamName: string }[];
    expect(receivers.map((r) => [r.streamId, r.streamName])).toEqual([[0, 'Redis direct stream [0]'], [1, 'Queue stream [1]']]);
    const page = await (await fetch(`${ui}/streaming/batch/data?id=1000`)).json() as { inputs: { id: number; name: string; records: number }[] };
    // The queue stream reports no input info (as Spark's), so the batch page has no row for it.
    expect(page.inputs.map((i) => [i.id, i.name, i.records])).toEqual([[0, 'Redis direct stream [0]', 2]]);
  });

  it('starts at the end with auto.offset.reset=latest, at the committed offsets of its group, and fails with none', async () => {
    await admin.createTopic('starts', 1);
    await producer.send('starts', [{ value: 'old1' }, { value: 'old2' }]);
    let run = recordBatches('starts', params({ 'auto.offset.reset': 'latest', 'group.id': 'fresh' }));
    await ssc!.start();
    await producer.send('starts', [{ value: 'new1' }]);
    await advance();
    expect(run.seen[0]!.parts).toEqual([[[0, 2, undefined, 'new1']]]);
    await ssc!.stop(true);

    await withRawClient(server.url, (c) => c.sendCommand(['XGROUP', 'CREATE', 'starts-0', 'committed', '0-1']));
    run = recordBatches('starts', params({ 'group.id': 'committed' }));
    await ssc!.start();
    await advance();
    expect(run.seen[0]!.parts[0]!.map((r) => r[3])).toEqual(['old2', 'new1']);
    await ssc!.stop(true);

    run = recordBatches('starts', params({ 'auto.offset.reset': 'none', 'group.id': 'nobody' }));
    await expect(ssc!.start()).rejects.toThrow(/no offset for starts-0 \(none committed for group nobody\) and auto\.offset\.reset is 'none'/);
  });

  it('honours spark.streaming.kafka.maxRatePerPartition: a backlog drains a fixed number per partition per batch, in order', async () => {
    await admin.createTopic('rated', 2);
    await producer.send('rated', Array.from({ length: 10 }, (_, i) => ({ value: `r${i}`, partition: i % 2 })));
    const run = recordBatches('rated', params(), { 'spark.streaming.kafka.maxRatePerPartition': '2' });
    await ssc!.start();
    await advance();
    await advance();
    await advance();
    await advance();
    expect(run.seen.map((s) => s.ranges)).toEqual([['0:0-2', '1:0-2'], ['0:2-4', '1:2-4'], ['0:4-5', '1:4-5'], ['0:5-5', '1:5-5']]);
    const values = run.seen.flatMap((s) => s.parts.flat().map((r) => r[3]));
    expect([...values].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`).sort());
    expect(ssc!.graph.inputStreams[0]!.hasPendingInput?.()).toBe(false);
  });

  it('with backpressure, the first batch takes backpressure.initialRate split over the partitions by lag', async () => {
    await admin.createTopic('pressured', 2);
    await producer.send('pressured', [...Array.from({ length: 6 }, (_, i) => ({ value: `p0-${i}`, partition: 0 })), ...Array.from({ length: 2 }, (_, i) => ({ value: `p1-${i}`, partition: 1 }))]);
    // 4 records/s over lags 6 and 2: 3 and 1 per 1 s batch (Spark's maxMessagesPerPartition).
    const run = recordBatches('pressured', params(), { 'spark.streaming.backpressure.enabled': 'true', 'spark.streaming.backpressure.initialRate': '4' });
    await ssc!.start();
    await advance();
    expect(run.seen[0]!.ranges).toEqual(['0:0-3', '1:0-1']);
    expect(run.infos.get(1000)!.n).toBe(4);
  });

  it('commitAsync commits after the batch, visible with XINFO GROUPS; a new stream of the group starts there', async () => {
    await admin.createTopic('commits', 2);
    await producer.send('commits', Array.from({ length: 6 }, (_, i) => ({ value: `c${i}`, partition: i % 2 })));
    ssc = manualContext();
    const stream = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(['commits'], params({ 'group.id': 'dash' })));
    const callbacks: string[] = [];
    stream.foreachRDD(async (rdd) => {
      await rdd.count();
      stream.commitAsync(hasOffsetRanges(rdd) ? rdd.offsetRanges : [], (offsets, error) => {
        callbacks.push(`${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(',')} ${error === undefined ? 'ok' : error.message}`);
      });
    });
    await ssc.start();
    await advance();
    await ssc.stop(true);
    expect(callbacks).toEqual(['commits-0@3,commits-1@3 ok']);
    const groups = await withRawClient(server.url, (c) => c.sendCommand(['XINFO', 'GROUPS', 'commits-0'])) as unknown[];
    const group = groups.map((g) => (Array.isArray(g) ? Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [g[2 * i], g[2 * i + 1]])) : g))[0];
    expect(group).toMatchObject({ name: 'dash', 'last-delivered-id': '0-3', 'entries-read': 3, lag: 0 });
    const d = await admin.describeTopic('commits');
    expect(d.groups).toEqual([{ groupId: 'dash', offsets: [3, 3], lag: 0 }]);

    await producer.send('commits', [{ value: 'later', partition: 1 }]);
    const run = recordBatches('commits', params({ 'group.id': 'dash' }));
    await ssc!.start();
    await advance();
    expect(run.seen[0]!.parts).toEqual([[], [[1, 3, undefined, 'later']]]);
  });

  it('enable.auto.commit=true commits every batch once its outputs succeeded', async () => {
    await admin.createTopic('autocommit', 1);
    const run = recordBatches('autocommit', params({ 'group.id': 'auto', 'enable.auto.commit': 'true' }));
    await ssc!.start();
    await producer.send('autocommit', [{ value: 'x' }, { value: 'y' }]);
    await advance();
    await producer.send('autocommit', [{ value: 'z' }]);
    await advance();
    await ssc!.stop(true);
    expect(run.seen.map((s) => s.ranges)).toEqual([['0:0-2'], ['0:2-3']]);
    expect((await admin.describeTopic('autocommit')).groups).toEqual([{ groupId: 'auto', offsets: [3], lag: 0 }]);
  });

  it('a topic that does not exist fails start(), naming it and the server', async () => {
    ssc = manualContext();
    RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(['missing'], params())).count().print();
    await expect(ssc.start()).rejects.toThrow(/topic 'missing' does not exist at unix:\/\/.*redis\.sock/);
  });
});
