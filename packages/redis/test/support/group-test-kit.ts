// What the group-mode tests share: a real Redis server with a client and a temporary folder for
// the suite (and the child instances it started, killed at its end), waiting on a condition,
// reading a partition's commit, the keyed records they send (with the sums and counts the
// outputs must equal), and the state committed in Redis.
import { HashPartitioner, type Partitioner } from '@kindling/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { groupKeys, RedisStreamsAdmin, RedisStreamsProducer, type RedisLogSource } from '../../src/index.ts';
import { redisClientOptions } from '../../src/redis-url.ts';
import type { RunningChild } from '../../../dstream/test/support/child-process.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';
import { removeInBackground } from './remove-in-background.ts';

/** A connected client of the suite's server. */
export type RedisClient = ReturnType<typeof createClient>;

/** The suite's server, a client connected to it and a temporary folder; read them inside tests. */
export interface RedisSuite {
  readonly root: string;
  readonly server: RedisServer;
  readonly redis: RedisClient;
  /** The child instances the suite's tests start (push them here): any still running at the end is SIGKILLed. */
  readonly children: RunningChild[];
}

/**
 * Starts a Redis server (and connects a client, and makes a folder named after `prefix`) before
 * the suite's tests and disposes of them after, once every child instance in `children` ended
 * (the folder is removed in the background: a kill suite's children write tens of thousands of
 * files). The returned object's fields are set once `beforeAll` ran.
 */
export function redisSuite(prefix: string): RedisSuite {
  const suite = { children: [] } as unknown as { root: string; server: RedisServer; redis: RedisClient; children: RunningChild[] };
  beforeAll(async () => {
    suite.root = mkdtempSync(join(tmpdir(), prefix));
    suite.server = await startRedisServer();
    suite.redis = createClient(redisClientOptions(suite.server.url) as Parameters<typeof createClient>[0]);
    await suite.redis.connect();
  }, 60_000);
  afterAll(async () => {
    for (const c of suite.children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.allSettled(suite.children.map((c) => c.done));
    await suite.redis?.quit().catch(() => undefined);
    await suite.server?.dispose();
    if (suite.root !== undefined) removeInBackground(suite.root);
  }, 60_000);
  return suite;
}

/** Resolves once `cond` holds, polling every 20 ms; fails naming `what` after a minute. */
export async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 60_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A partition's commit as the group's commit hash holds it: the batch, the offset it read from and the next offset. */
export async function commitOf(redis: RedisClient, group: string, topic: string, partition: number): Promise<{ batch: number; from: number; next: number } | undefined> {
  const h = await redis.hGetAll(groupKeys(group).partition({ topic, partition }).commit);
  return h.batch === undefined ? undefined : { batch: Number(h.batch), from: Number(h.from), next: Number(h.next) };
}

/** Pairs sorted by key, as the tests compare outputs. */
export function byKey(pairs: Iterable<[string, number]>): [string, number][] {
  return [...pairs].sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * The keyed records a test sends, round by round: 16 a round over `keys`, each value unique to
 * its round and place. Remembers what was sent, so that the running totals (`sums`) and counts
 * (`tally`) an output must show are the test's own, and how many records each partition got.
 */
export class KeyedRounds {
  /**
   * Creates `topic` with `partitions` partitions on the server at `url`, and a producer that
   * sends its rounds, placing keys by a `HashPartitioner` of that many partitions (`placed`).
   * The caller closes `producer`.
   */
  static async onNewTopic(url: string, topic: string, keys: readonly string[], partitions: number): Promise<{ producer: RedisStreamsProducer; placed: HashPartitioner; sent: KeyedRounds }> {
    const admin = new RedisStreamsAdmin({ url });
    await admin.createTopic(topic, partitions);
    await admin.close();
    const producer = new RedisStreamsProducer({ url });
    const placed = new HashPartitioner(partitions);
    return { producer, placed, sent: new KeyedRounds(producer, topic, keys, placed) };
  }


  /** Per partition (by `placed`), how many records were sent to it: its next offset once read. */
  readonly offsets: number[];
  private readonly sent: [string, number][] = [];

  constructor(private readonly producer: RedisStreamsProducer, private readonly topic: string, private readonly keys: readonly string[], private readonly placed: Partitioner) {
    this.offsets = new Array<number>(placed.numPartitions).fill(0);
  }

  /** Sends round `r`'s 16 records. */
  async round(r: number): Promise<void> {
    const batch: { key: string; value: string }[] = [];
    for (let i = 0; i < 16; i++) {
      const key = this.keys[(i * 3 + r) % this.keys.length]!;
      const value = r * 100 + i;
      this.sent.push([key, value]);
      this.offsets[this.placed.getPartition(key)]!++;
      batch.push({ key, value: String(value) });
    }
    await this.producer.send(this.topic, batch);
  }

  /** Every key's sum of the values sent so far, sorted by key. */
  sums(): [string, number][] {
    const m = new Map<string, number>();
    for (const [k, v] of this.sent) m.set(k, (m.get(k) ?? 0) + v);
    return byKey(m);
  }

  /** How many records each key had so far, sorted by key. */
  tally(): [string, number][] {
    const m = new Map<string, number>();
    for (const [k] of this.sent) m.set(k, (m.get(k) ?? 0) + 1);
    return byKey(m);
  }
}

/** The state named `stateName` that the group committed in Redis for `partitions` of `topic`, as key/number pairs sorted by key. */
export async function committedState(source: RedisLogSource, group: string, topic: string, partitions: number, stateName: string): Promise<[string, number][]> {
  const committed = new Map<string, number>();
  for (let p = 0; p < partitions; p++) {
    for (const [k, v] of await source.ownership(group).loadState({ topic, partition: p }, stateName)) committed.set(JSON.parse(k) as string, JSON.parse(v) as number);
  }
  return byKey(committed);
}
