import { HashPartitioner } from '@kindling/core';
import { closeRedis, connectRedis, type RedisClient } from './redis-connection.ts';
import type { RedisStreamsConfig } from './redis-streams-admin.ts';
import { redactedUrl } from './redis-url.ts';
import { offsetOfId, streamKey, TOPICS_KEY } from './topic-layout.ts';

/** A record to send: its value, an optional key, optionally an explicit partition (Kafka's `ProducerRecord`). */
export interface ProducerRecord {
  readonly value: string;
  readonly key?: string;
  /** Overrides the key's partition. */
  readonly partition?: number;
  /** Epoch ms; default now. */
  readonly timestamp?: number;
}

/** Where a sent record went (Kafka's `RecordMetadata`). */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

/** Commands per pipeline flush. */
const PIPELINE = 2000;

/**
 * Sends records to a Kindling topic on Redis (Kafka's `KafkaProducer`). A record with a key
 * goes to `new HashPartitioner(numPartitions).getPartition(key)` (Java's `String.hashCode`,
 * as Kindling's shuffles), so state keyed the same way with the same partition count is
 * co-partitioned with the topic; records without a key go round-robin over the partitions.
 * Records of one `send` keep their order within each partition; they are pipelined.
 *
 * @example
 * ```ts fragment: needs a running Redis server and a topic
 * const producer = new RedisStreamsProducer({ url: 'redis://127.0.0.1:6379' });
 * await producer.send('orders', [{ key: '42', value: '2016-03-22 20:25:28,1,80,EPE,710,51.00,B' }]);
 * await producer.close();
 * ```
 */
export class RedisStreamsProducer {
  #client: Promise<RedisClient> | undefined;
  readonly #partitioners = new Map<string, HashPartitioner>();
  readonly #roundRobin = new Map<string, number>();

  constructor(readonly config: RedisStreamsConfig) {}

  private client(): Promise<RedisClient> {
    this.#client ??= connectRedis(this.config.url);
    this.#client.catch(() => { this.#client = undefined; });
    return this.#client;
  }

  private async partitioner(c: RedisClient, topic: string): Promise<HashPartitioner> {
    let p = this.#partitioners.get(topic);
    if (p === undefined) {
      const n = Number(await c.sendCommand(['HGET', TOPICS_KEY, topic]) ?? 0);
      if (!(n > 0)) throw new Error(`Topic '${topic}' does not exist at ${redactedUrl(this.config.url)}: create it with RedisStreamsAdmin.createTopic('${topic}', numPartitions).`);
      this.#partitioners.set(topic, (p = new HashPartitioner(n)));
    }
    return p;
  }

  /** Sends `records` to `topic`; resolves with where each went, in order. */
  async send(topic: string, records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const c = await this.client();
    const partitioner = await this.partitioner(c, topic);
    const n = partitioner.numPartitions;
    const out: RecordMetadata[] = [];
    let rr = this.#roundRobin.get(topic) ?? 0;
    for (let start = 0; start < records.length; start += PIPELINE) {
      const end = Math.min(records.length, start + PIPELINE);
      const multi = c.multi();
      const parts = new Array<number>(end - start);
      const times = new Array<number>(end - start);
      for (let i = start; i < end; i++) {
        const r = records[i]!;
        let p: number;
        if (r.partition !== undefined) {
          if (!(Number.isInteger(r.partition) && r.partition >= 0 && r.partition < n)) throw new RangeError(`send(${topic}): record ${i} names partition ${r.partition}, but the topic has partitions 0 to ${n - 1}.`);
          p = r.partition;
        } else if (r.key !== undefined) p = partitioner.getPartition(r.key);
        else p = rr++ % n;
        const ts = r.timestamp ?? Date.now();
        parts[i - start] = p;
        times[i - start] = ts;
        if (r.key === undefined) multi.addCommand(['XADD', streamKey(topic, p), '0-*', 'v', r.value, 't', String(ts)]);
        else multi.addCommand(['XADD', streamKey(topic, p), '0-*', 'k', r.key, 'v', r.value, 't', String(ts)]);
      }
      let ids: unknown[];
      try {
        ids = await multi.execAsPipeline() as unknown[];
      } catch (e) {
        throw new Error(`Sending ${end - start} record(s) to topic ${topic} at ${redactedUrl(this.config.url)} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      for (let i = 0; i < ids.length; i++) {
        const p = parts[i]!;
        out.push({ topic, partition: p, offset: offsetOfId(String(ids[i]), streamKey(topic, p)), timestamp: times[i]! });
      }
    }
    this.#roundRobin.set(topic, rr % n);
    return out;
  }

  /** Disconnects (after the sends in flight). */
  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    if (c !== undefined) await closeRedis(await c.catch(() => undefined));
  }
}
