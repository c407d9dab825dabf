import type { LogCommitRequest, LogOffsetBounds, LogSource, OffsetRangeDescription, PartitionLeases, RepartitionLog, TopicPartition } from '@kindling/dstream';
import { ConsumerRecord } from './consumer-record.ts';
import { closeRedis, connectRedis, isNoSuchKey, replyFields, type RedisClient } from './redis-connection.ts';
import { commitGroupOffsets } from './redis-group-offsets.ts';
import { RedisPartitionLeases } from './redis-partition-leases.ts';
import { RedisRepartitionLog } from './redis-repartition-log.ts';
import { redactedUrl } from './redis-url.ts';
import { entryId, offsetOfId, sequenceOfId, streamKey, TOPICS_KEY } from './topic-layout.ts';

/** Entries per XRANGE call when reading a range. */
const READ_CHUNK = 10_000;

/**
 * The {@link LogSource} of Redis Streams (see `topic-layout.ts` for the layout): offsets from
 * `XINFO STREAM` (first entry, last generated id), exact range reads with chunked `XRANGE`,
 * group offsets as the consumer group's last-delivered id (`XGROUP SETID ... ENTRIESREAD`, so
 * `XINFO GROUPS` shows position and lag), all partitions of one commit in one `MULTI`.
 */
export class RedisLogSource implements LogSource<ConsumerRecord> {
  readonly location: string;
  /** Shown in the Streaming UI and REST API: `Redis direct stream [n]`. */
  readonly systemName = 'Redis';
  #client: RedisClient | undefined;
  readonly #groups = new Set<string>();

  constructor(readonly url: string) {
    this.location = redactedUrl(url);
  }

  async open(): Promise<void> {
    this.#client ??= await connectRedis(this.url);
  }

  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    await closeRedis(c);
  }

  private get client(): RedisClient {
    if (this.#client === undefined) throw new Error(`The Redis log source for ${this.location} is not open.`);
    return this.#client;
  }

  private async call<X>(what: string, f: () => Promise<X>): Promise<X> {
    try {
      return await f();
    } catch (e) {
      throw new Error(`${what} at ${this.location} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }

  async partitionsFor(topic: string): Promise<number> {
    const n = await this.call(`Reading topic ${topic}`, () => this.client.sendCommand(['HGET', TOPICS_KEY, topic]));
    return n === null || n === undefined ? 0 : Number(n);
  }

  offsetBounds(partitions: readonly TopicPartition[]): Promise<LogOffsetBounds[]> {
    return this.call('Reading stream offsets', () => Promise.all(partitions.map(async (tp): Promise<LogOffsetBounds> => {
      let info: Record<string, unknown>;
      try {
        info = replyFields(await this.client.sendCommand(['XINFO', 'STREAM', streamKey(tp.topic, tp.partition)]));
      } catch (e) {
        if (isNoSuchKey(e)) return { earliest: 0, latest: 0 };
        throw e;
      }
      const latest = sequenceOfId(String(info['last-generated-id']));
      const first = info['first-entry'] as [string, unknown] | null | undefined;
      return { earliest: Array.isArray(first) ? sequenceOfId(String(first[0])) - 1 : latest, latest };
    })));
  }

  read(range: OffsetRangeDescription): Promise<ConsumerRecord[]> {
    const key = streamKey(range.topic, range.partition);
    return this.call(`Reading ${key} offsets ${range.fromOffset} to ${range.untilOffset}`, async () => {
      const out: ConsumerRecord[] = [];
      let from = range.fromOffset;
      const end = entryId(range.untilOffset - 1);
      while (from < range.untilOffset) {
        const count = Math.min(READ_CHUNK, range.untilOffset - from);
        const reply = await this.client.sendCommand(['XRANGE', key, entryId(from), end, 'COUNT', String(count)]) as [string, string[]][];
        for (let i = 0; i < reply.length; i++) out.push(toRecord(range.topic, range.partition, key, reply[i]!));
        if (reply.length < count) break;
        from = offsetOfId(reply[reply.length - 1]![0], key) + 1;
      }
      return out;
    });
  }

  committed(groupId: string, partitions: readonly TopicPartition[]): Promise<(number | undefined)[]> {
    return this.call(`Reading the offsets of group ${groupId}`, () => Promise.all(partitions.map(async (tp) => {
      let groups: unknown[];
      try {
        groups = await this.client.sendCommand(['XINFO', 'GROUPS', streamKey(tp.topic, tp.partition)]) as unknown[];
      } catch (e) {
        if (isNoSuchKey(e)) return undefined;
        throw e;
      }
      for (const g of groups) {
        const f = replyFields(g);
        if (String(f.name) === groupId) return sequenceOfId(String(f['last-delivered-id']));
      }
      return undefined;
    })));
  }

  commit(request: LogCommitRequest): Promise<void> {
    return this.call(`Committing offsets of group ${request.groupId}`, () => commitGroupOffsets(this.client, request.groupId, request.offsets, this.#groups));
  }

  /** A repartition log on this server (streams `<name>-<j>`), sharing this source's connection. */
  repartitionLog(name: string, partitions: number): RepartitionLog {
    return new RedisRepartitionLog(() => this.client, name, partitions, this.location);
  }

  /** Group mode's leases, epochs and fenced commits in this Redis (see `RedisPartitionLeases`). */
  ownership(groupId: string): PartitionLeases {
    return new RedisPartitionLeases(() => this.client, groupId, this.location);
  }
}

function toRecord(topic: string, partition: number, key: string, entry: [string, string[]]): ConsumerRecord {
  const fields = entry[1];
  let k: string | undefined;
  let v = '';
  let t = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const f = fields[i];
    if (f === 'v') v = fields[i + 1]!;
    else if (f === 'k') k = fields[i + 1];
    else if (f === 't') t = Number(fields[i + 1]);
  }
  return new ConsumerRecord(topic, partition, offsetOfId(entry[0], key), t, k, v);
}
