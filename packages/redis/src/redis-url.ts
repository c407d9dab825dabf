import type { RedisClientOptions } from 'redis';

/**
 * node-redis client options for a `redis.url`: `redis://[user:pass@]host:port[/db]`,
 * `rediss://...` (TLS) or `unix:///path/to/redis.sock`.
 * @throws Error naming the URL when it has another scheme.
 */
export function redisClientOptions(url: string): RedisClientOptions {
  if (url.startsWith('unix://')) {
    const path = url.slice('unix://'.length);
    if (!path.startsWith('/')) throw new Error(`redis.url '${url}': a Unix socket URL needs an absolute path, as unix:///run/redis/redis.sock.`);
    return { socket: { path, tls: false } };
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return { url };
  throw new Error(`redis.url '${url}' is not a Redis URL: use redis://host:port, rediss://host:port (TLS) or unix:///path/to/redis.sock.`);
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_m, scheme: string, cred: string) => `${scheme}${cred.includes(':') ? `${cred.split(':')[0]}:***` : cred}@`);
}
