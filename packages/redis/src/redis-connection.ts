import { getLogger } from '@kindling/core';
import { createClient, type RedisClientType } from 'redis';
import { redactedUrl, redisClientOptions } from './redis-url.ts';

const log = getLogger('RedisStreams');

/** A connected node-redis client (commands in raw form through `sendCommand`). */
export type RedisClient = RedisClientType;

/** How long `connect` waits for the server before giving up, ms. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Connects a node-redis client to `url`. While connected, commands run; when the server goes
 * away, commands fail at once (no offline queue: callers decide to wait or go on) and the
 * client reconnects in the background (back-off up to 2 s), logging once per outage with the
 * URL. Rejects, naming the URL, when the first connection fails (or takes over 5 s).
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  const where = redactedUrl(url);
  const client = createClient({
    ...redisClientOptions(url),
    disableOfflineQueue: true,
    socket: {
      ...(redisClientOptions(url).socket ?? {}),
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000),
    },
  } as Parameters<typeof createClient>[0]) as unknown as RedisClient;
  let down = false;
  let failFirst: ((e: Error) => void) | undefined;
  client.on('error', (e: Error) => {
    // The first connection fails fast (wrong path, nothing listening); later outages reconnect.
    if (failFirst !== undefined) return failFirst(e);
    if (down) return;
    down = true;
    log.warn(`Redis at ${where}: ${e.message}; reconnecting in the background.`);
  });
  client.on('ready', () => {
    if (down) log.info(`Redis at ${where}: connected again.`);
    down = false;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        failFirst = reject;
        timer = setTimeout(() => reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    client.destroy();
    throw new Error(`Cannot connect to Redis at ${where}: ${(e as Error)?.message ?? String(e)}. Start the server, or fix redis.url.`, { cause: e });
  } finally {
    clearTimeout(timer);
    failFirst = undefined;
  }
  return client;
}

/** Closes a client, whatever its state. */
export async function closeRedis(client: RedisClient | undefined): Promise<void> {
  if (client === undefined) return;
  try {
    if (client.isOpen) await client.close();
  } catch {
    client.destroy();
  }
}

/** An XINFO-style reply as a plain object (node-redis may give a flat array or a map). */
export function replyFields(reply: unknown): Record<string, unknown> {
  if (Array.isArray(reply)) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
    return out;
  }
  if (reply instanceof Map) return Object.fromEntries(reply) as Record<string, unknown>;
  return (reply ?? {}) as Record<string, unknown>;
}

/** Whether a Redis error says the key does not exist. */
export function isNoSuchKey(e: unknown): boolean { return /no such key/i.test((e as Error)?.message ?? ''); }
