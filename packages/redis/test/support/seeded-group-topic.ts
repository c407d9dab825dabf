// The set-up the repartition suites share: a Redis server of their own, a temporary folder, and
// the topic written with repartition-feed's lines before any instance starts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisStreamsAdmin, RedisStreamsProducer } from '../../src/index.ts';
import { GROUP_PARTITIONS, partitionLines } from './repartition-feed.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

/** A started server and the folder a suite writes in. */
export interface SeededGroupTopic {
  readonly root: string;
  readonly server: RedisServer;
}

/** Starts a server, makes a folder named after `prefix`, and writes `batches` batches into every partition of `topic`. */
export async function seedGroupTopic(prefix: string, topic: string, batches: number): Promise<SeededGroupTopic> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const server = await startRedisServer();
  const admin = new RedisStreamsAdmin({ url: server.url });
  const producer = new RedisStreamsProducer({ url: server.url });
  try {
    await admin.createTopic(topic, GROUP_PARTITIONS);
    for (let p = 0; p < GROUP_PARTITIONS; p++) await producer.send(topic, partitionLines(p, batches).map((value) => ({ value, partition: p })));
  } finally {
    await producer.close();
    await admin.close();
  }
  return { root, server };
}

/** Stops the server and removes the folder (either may be missing when the set-up failed). */
export async function disposeGroupTopic(root: string | undefined, server: RedisServer | undefined): Promise<void> {
  await server?.dispose();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
}
