// Topics on a real Redis server: create/describe/delete, the producer's partitioning (Java
// hashCode through HashPartitioner, round-robin without a key), dense offsets, URL forms.
import { HashPartitioner } from '@kindling/core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamsAdmin, RedisStreamsProducer } from '../src/index.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';

let server: RedisServer;
let admin: RedisStreamsAdmin;
let producer: RedisStreamsProducer;

beforeAll(async () => {
  server = await startRedisServer({ tcp: true });
  admin = new RedisStreamsAdmin({ url: server.url });
  producer = new RedisStreamsProducer({ url: server.url });
});

afterAll(async () => {
  await producer?.close();
  await admin?.close();
  await server?.dispose();
});

describe('RedisStreamsAdmin', () => {
  it('creates a topic once, refuses another partition count, describes and deletes it', async () => {
    expect(await admin.createTopic('orders', 4)).toBe(true);
    expect(await admin.createTopic('orders', 4)).toBe(false);
    await expect(admin.createTopic('orders', 3)).rejects.toThrow(/'orders' already exists .* with 4 partitions, not 3/);
    const d = await admin.describeTopic('orders');
    expect(d.partitions.map((p) => [p.partition, p.earliestOffset, p.endOffset])).toEqual([[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0]]);
    expect(d.groups).toEqual([]);
    expect(await admin.deleteTopic('orders')).toBe(true);
    expect(await admin.deleteTopic('orders')).toBe(false);
    await expect(admin.describeTopic('orders')).rejects.toThrow(/Topic 'orders' does not exist at redis:\/\/127\.0\.0\.1:\d+/);
  });

  it('refuses topic names Kafka refuses', async () => {
    await expect(admin.createTopic('a b', 1)).rejects.toThrow(/Invalid topic name 'a b'/);
    await expect(admin.createTopic('t', 0)).rejects.toThrow(/numPartitions must be an integer >= 1/);
  });
});

describe('RedisStreamsProducer', () => {
  it("sends keyed records to HashPartitioner(N)'s partition for the key, with dense offsets from 0", async () => {
    await admin.createTopic('keyed', 3);
    const keys = Array.from({ length: 30 }, (_, i) => `client-${i}`);
    const sent = await producer.send('keyed', keys.map((k, i) => ({ key: k, value: `v${i}` })));
    const hp = new HashPartitioner(3);
    const expectedCount = [0, 0, 0];
    for (let i = 0; i < keys.length; i++) {
      const p = hp.getPartition(keys[i]!);
      expect(sent[i]!.partition, keys[i]).toBe(p);
      expect(sent[i]!.offset, keys[i]).toBe(expectedCount[p]!++);
    }
    const d = await admin.describeTopic('keyed');
    expect(d.partitions.map((p) => p.endOffset)).toEqual(expectedCount);
  });

  it('sends records without a key round-robin, continuing across sends', async () => {
    await admin.createTopic('rr', 3);
    const a = await producer.send('rr', [{ value: 'a' }, { value: 'b' }]);
    const b = await producer.send('rr', [{ value: 'c' }, { value: 'd' }]);
    expect([...a, ...b].map((m) => [m.partition, m.offset])).toEqual([[0, 0], [1, 0], [2, 0], [0, 1]]);
  });

  it('writes entries operators can read with XRANGE: ids 0-<offset+1>, fields k, v, t', async () => {
    await admin.createTopic('plain', 1);
    await producer.send('plain', [{ key: 'k1', value: 'hello', timestamp: 1234 }, { value: 'world', timestamp: 5678 }]);
    const c = createClient({ url: server.url });
    await c.connect();
    try {
      expect(await c.sendCommand(['XRANGE', 'plain-0', '-', '+'])).toEqual([
        ['0-1', ['k', 'k1', 'v', 'hello', 't', '1234']],
        ['0-2', ['v', 'world', 't', '5678']],
      ]);
    } finally {
      await c.close();
    }
  });

  it('refuses a topic that does not exist, naming it and how to create it', async () => {
    await expect(producer.send('nope', [{ value: 'x' }])).rejects.toThrow(/Topic 'nope' does not exist at .*createTopic\('nope', numPartitions\)/);
  });
});

describe('redis.url forms', () => {
  it('connects over a Unix socket (unix:///path)', async () => {
    const a = new RedisStreamsAdmin({ url: `unix://${server.socketPath}` });
    try {
      expect(await a.partitionsFor('keyed')).toBe(3);
    } finally {
      await a.close();
    }
  });

  it('refuses other schemes and names an unreachable server', async () => {
    const bad = new RedisStreamsAdmin({ url: 'http://127.0.0.1:1' });
    await expect(bad.partitionsFor('x')).rejects.toThrow(/'http:\/\/127\.0\.0\.1:1' is not a Redis URL/);
    const gone = new RedisStreamsAdmin({ url: 'unix:///nonexistent/kindling.sock' });
    await expect(gone.partitionsFor('x')).rejects.toThrow(/Cannot connect to Redis at unix:\/\/\/nonexistent\/kindling\.sock/);
    await gone.close();
  });
});
