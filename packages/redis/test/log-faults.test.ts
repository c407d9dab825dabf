// What a direct stream does when the log misbehaves, against a real Redis server: records
// trimmed away (OffsetOutOfRangeError naming topic, partition and offsets, or auto.offset.reset
// when told), and a server that goes away and comes back (batches run empty while it is away,
// a batch reading waits for it; nothing is lost or read twice; the log names the URL).
import type { ManualClock } from '@kindling/core';
import { ConsumerStrategies, hasOffsetRanges, LocationStrategies, OffsetOutOfRangeError, type StreamingContext } from '@kindling/dstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamsAdmin, RedisStreamsProducer, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { collectingLogs, manualContext, withRawClient } from './support/direct-stream-kit.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';

let server: RedisServer;
let admin: RedisStreamsAdmin;
let producer: RedisStreamsProducer;
let ssc: StreamingContext | undefined;

beforeAll(async () => {
  server = await startRedisServer({ persistent: true });
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
const values = (n: number, prefix: string): { value: string }[] => Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));

describe('trimmed streams', () => {
  it('a batch whose start was trimmed away fails with OffsetOutOfRangeError naming topic, partition and offsets', async () => {
    await admin.createTopic('trimmed', 1);
    await producer.send('trimmed', values(10, 't'));
    await withRawClient(server.url, (c) => c.sendCommand(['XTRIM', 'trimmed-0', 'MINID', '0-6']));
    ssc = manualContext();
    RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
      ConsumerStrategies.Assign([{ topic: 'trimmed', partition: 0 }], params(), [{ topic: 'trimmed', partition: 0, offset: 0 }])).count().print();
    await ssc.start();
    const failure = await advance().then(() => undefined, (e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    const cause = (failure as Error & { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(OffsetOutOfRangeError);
    expect((cause as Error).message).toMatch(/batch 1000 ms\): offsets 0 to 10 of topic trimmed partition 0 are out of range at unix:\/\/.*: the log holds offsets 5 to 10/);
  });

  it('records trimmed between a batch\'s generation and its read fail the batch the same way', async () => {
    await admin.createTopic('trimmed-late', 1);
    await producer.send('trimmed-late', values(8, 'l'));
    ssc = manualContext();
    const stream = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(['trimmed-late'], params()));
    // The first output trims the stream before the second one reads the batch.
    stream.foreachRDD(async () => { await withRawClient(server.url, (c) => c.sendCommand(['XTRIM', 'trimmed-late-0', 'MAXLEN', '3'])); });
    stream.count().print();
    await ssc.start();
    const failure = await advance().then(() => undefined, (e: unknown) => e as Error);
    const messages: string[] = [];
    for (let e: unknown = failure; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) messages.push(e.message);
    expect(messages.join('\n')).toMatch(/offsets 0 to 8 of topic trimmed-late partition 0 are out of range .* the log holds offsets 5 to 8/);
  });

  it("kindling.offsets.outOfRange=reset follows auto.offset.reset (earliest) with a warning, losing only what was trimmed", async () => {
    await admin.createTopic('trim-reset', 1);
    await producer.send('trim-reset', values(10, 'r'));
    await withRawClient(server.url, (c) => c.sendCommand(['XTRIM', 'trim-reset-0', 'MINID', '0-5']));
    await collectingLogs(async (lines) => {
      ssc = manualContext();
      const stream = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
        ConsumerStrategies.Assign([{ topic: 'trim-reset', partition: 0 }], params({ 'kindling.offsets.outOfRange': 'reset' }), [{ topic: 'trim-reset', partition: 0, offset: 1 }]));
      const got: string[] = [];
      stream.foreachRDD(async (rdd) => { got.push(...await rdd.map((r: ConsumerRecord) => r.value()).collect()); });
      await ssc.start();
      await advance();
      expect(got).toEqual(['r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
      expect(lines.join('\n')).toMatch(/offsets 1 to 10 of topic trim-reset partition 0 are out of range .* Continuing at offset 4/);
    });
  });
});

describe('a Redis server that goes away and comes back', () => {
  it('runs batches empty while it is away, then resumes with nothing lost or read twice; the warnings name the URL', async () => {
    await admin.createTopic('outage', 2);
    await collectingLogs(async (lines) => {
      ssc = manualContext();
      const stream = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(['outage'], params({ 'enable.auto.commit': 'true' })));
      const batches: string[][] = [];
      stream.foreachRDD(async (rdd) => { batches.push((await rdd.map((r: ConsumerRecord) => r.value()).collect()).sort()); });
      await ssc.start();
      await producer.send('outage', values(4, 'a'));
      await advance();
      await server.stop();
      await advance();
      await advance();
      await server.start();
      // Let the clients reconnect (they retry with a short back-off; slower on a loaded machine).
      for (let attempt = 1; ; attempt++) {
        try {
          await producer.send('outage', values(3, 'b'));
          break;
        } catch (e) {
          if (attempt >= 20) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      for (let i = 0; i < 300 && !(await sourceReady()); i++) await new Promise((r) => setTimeout(r, 100));
      await advance();
      expect(batches).toEqual([['a0', 'a1', 'a2', 'a3'], [], [], ['b0', 'b1', 'b2']]);
      expect(lines.some((l) => l.includes(`batch 2000 ms cannot reach ${server.url}`))).toBe(true);
      // Offsets are committed asynchronously after the batch's outputs (Spark's commitAsync):
      // wait for the commit to land, then the group has read everything.
      let lag = (await admin.describeTopic('outage')).groups[0]!.lag;
      for (let i = 0; i < 200 && lag !== 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        lag = (await admin.describeTopic('outage')).groups[0]!.lag;
      }
      expect(lag).toBe(0);
    });
  });

  it('a batch that cannot read waits for the server, then reads its whole range', async () => {
    await admin.createTopic('waits', 1);
    await producer.send('waits', values(5, 'w'));
    await collectingLogs(async (lines) => {
      ssc = manualContext();
      const stream = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(['waits'], params()));
      // The first output takes the server down after the batch's offsets were chosen, and
      // brings it back a little later; the second output reads the batch meanwhile.
      stream.foreachRDD(async () => {
        await server.stop();
        setTimeout(() => { void server.start(); }, 700);
      });
      const got: string[] = [];
      stream.foreachRDD(async (rdd) => {
        const ranges = hasOffsetRanges(rdd) ? rdd.offsetRanges.map(String) : [];
        got.push(...ranges, ...await rdd.map((r: ConsumerRecord) => r.value()).collect());
      });
      await ssc.start();
      await advance();
      expect(got).toEqual(["OffsetRange(topic: 'waits', partition: 0, range: [0 -> 5])", 'w0', 'w1', 'w2', 'w3', 'w4']);
      expect(lines.some((l) => l.includes(`batch 1000 ms waits for ${server.url} to read OffsetRange(topic: 'waits'`))).toBe(true);
    });
  });
});

async function sourceReady(): Promise<boolean> {
  try {
    await admin.partitionsFor('outage');
    return true;
  } catch {
    return false;
  }
}
