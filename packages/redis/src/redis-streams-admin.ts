import { closeRedis, connectRedis, isNoSuchKey, replyFields, type RedisClient } from './redis-connection.ts';
import { redactedUrl } from './redis-url.ts';
import { checkTopicName, sequenceOfId, streamKey, TOPICS_KEY } from './topic-layout.ts';

/** Where to connect: `redis://`, `rediss://` or `unix:///path` (see `redis.url`). */
export interface RedisStreamsConfig {
  readonly url: string;
}

/** One partition of a topic, as `describeTopic` tells it. */
export interface PartitionDescription {
  readonly partition: number;
  /** First offset still in the stream (equal to `endOffset` when it is empty). */
  readonly earliestOffset: number;
  /** Next offset the stream will write. */
  readonly endOffset: number;
}

/** A consumer group's position on a topic. */
export interface GroupDescription {
  readonly groupId: string;
  /** Per partition (index = partition), the committed offset, or `undefined` where the group has none. */
  readonly offsets: readonly (number | undefined)[];
  /** Records written and not yet committed, over all partitions. */
  readonly lag: number;
}

/** What `describeTopic` returns. */
export interface TopicDescription {
  readonly topic: string;
  readonly partitions: readonly PartitionDescription[];
  readonly groups: readonly GroupDescription[];
}

/**
 * Creates, describes and deletes Kindling topics on Redis (Kafka's `AdminClient`, as kafkajs
 * shapes it): a topic of N partitions is N streams `<topic>-0..N-1` plus its entry in the
 * hash `kindling:topics`.
 *
 * @example
 * ```ts fragment: needs a running Redis server
 * const admin = new RedisStreamsAdmin({ url: 'redis://127.0.0.1:6379' });
 * await admin.createTopic('orders', 4);
 * const d = await admin.describeTopic('orders');   // end offsets, group offsets
 * await admin.close();
 * ```
 */
export class RedisStreamsAdmin {
  #client: Promise<RedisClient> | undefined;

  constructor(readonly config: RedisStreamsConfig) {}

  private client(): Promise<RedisClient> {
    this.#client ??= connectRedis(this.config.url);
    this.#client.catch(() => { this.#client = undefined; });
    return this.#client;
  }

  /**
   * Creates `topic` with `numPartitions` partitions. Resolves `true` when created, `false`
   * when it already exists with that many partitions (kafkajs's `createTopics`).
   * @throws Error when it exists with another partition count, or the name is invalid.
   */
  async createTopic(topic: string, numPartitions: number): Promise<boolean> {
    checkTopicName(topic);
    if (!(Number.isInteger(numPartitions) && numPartitions >= 1)) throw new RangeError(`createTopic(${topic}): numPartitions must be an integer >= 1, got ${numPartitions}.`);
    const c = await this.client();
    const created = await c.sendCommand(['HSETNX', TOPICS_KEY, topic, String(numPartitions)]);
    if (Number(created) === 1) return true;
    const existing = Number(await c.sendCommand(['HGET', TOPICS_KEY, topic]));
    if (existing !== numPartitions) {
      throw new Error(`Topic '${topic}' already exists at ${redactedUrl(this.config.url)} with ${existing} partitions, not ${numPartitions}. Delete it first (deleteTopic) to change its partition count.`);
    }
    return false;
  }

  /** The partition count of `topic`, or 0 when it does not exist. */
  async partitionsFor(topic: string): Promise<number> {
    const c = await this.client();
    const n = await c.sendCommand(['HGET', TOPICS_KEY, topic]);
    return n === null || n === undefined ? 0 : Number(n);
  }

  /**
   * Partitions with their offsets, and every consumer group with its committed offsets and lag.
   * @throws Error naming the topic when it does not exist.
   */
  async describeTopic(topic: string): Promise<TopicDescription> {
    const n = await this.partitionsFor(topic);
    if (n === 0) throw new Error(`Topic '${topic}' does not exist at ${redactedUrl(this.config.url)}.`);
    const c = await this.client();
    const partitions: PartitionDescription[] = [];
    const groups = new Map<string, { offsets: (number | undefined)[]; lag: number }>();
    for (let p = 0; p < n; p++) {
      const key = streamKey(topic, p);
      let info: Record<string, unknown> | undefined;
      let groupReplies: unknown[] = [];
      try {
        info = replyFields(await c.sendCommand(['XINFO', 'STREAM', key]));
        groupReplies = await c.sendCommand(['XINFO', 'GROUPS', key]) as unknown[];
      } catch (e) {
        if (!isNoSuchKey(e)) throw e;
      }
      const end = info === undefined ? 0 : sequenceOfId(String(info['last-generated-id']));
      const first = info?.['first-entry'] as [string, unknown] | null | undefined;
      partitions.push({ partition: p, earliestOffset: Array.isArray(first) ? sequenceOfId(String(first[0])) - 1 : end, endOffset: end });
      for (const g of groupReplies) {
        const f = replyFields(g);
        const name = String(f.name);
        let entry = groups.get(name);
        if (entry === undefined) groups.set(name, (entry = { offsets: new Array<number | undefined>(n).fill(undefined), lag: 0 }));
        const offset = sequenceOfId(String(f['last-delivered-id']));
        entry.offsets[p] = offset;
        entry.lag += Math.max(0, end - offset);
      }
    }
    return { topic, partitions, groups: [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([groupId, g]) => ({ groupId, offsets: g.offsets, lag: g.lag })) };
  }

  /** Deletes the topic's streams (records and groups) and its entry. Resolves `false` when there was no such topic. */
  async deleteTopic(topic: string): Promise<boolean> {
    const n = await this.partitionsFor(topic);
    if (n === 0) return false;
    const c = await this.client();
    const keys: string[] = [];
    for (let p = 0; p < n; p++) keys.push(streamKey(topic, p));
    await c.sendCommand(['DEL', ...keys]);
    await c.sendCommand(['HDEL', TOPICS_KEY, topic]);
    return true;
  }

  /** Disconnects. */
  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    if (c !== undefined) await closeRedis(await c.catch(() => undefined));
  }
}
