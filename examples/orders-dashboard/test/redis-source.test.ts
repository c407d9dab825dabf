// `--source redis://...`: the feeder produces each piece of the book's orders into a Redis
// Streams topic keyed by client id, the book's pipeline reads it with createDirectStream, and
// every batch folder equals the file-fed replay's, line for line (a slice of the book's data,
// against a real Redis server on a loopback port).
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamsAdmin } from '@kindling/redis';
import { HashPartitioner } from '@kindling/core';
import { startRedisServer, type RedisServer } from '../../../packages/redis/test/support/redis-server.ts';
import { parseDashboardArgs } from '../src/cli-options.ts';
import { clientIdOf } from '../src/topic-feeder.ts';
import { REPO_ROOT, batchLines, runCli } from './support/run-cli.ts';

const PIECE = 2000;
const PIECES = 4;

describe('--source redis://... (a Redis Streams topic instead of a folder)', () => {
  let dir: string;
  let server: RedisServer;
  let slice: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orders-redis-'));
    server = await startRedisServer({ tcp: true });
    const BOOK = join(REPO_ROOT, '../shared/data/orders/orders.txt');
    const text = await readFile(BOOK, 'utf8').catch((e: unknown) => {
      throw new Error(`The book's orders are expected at ${BOOK} (../shared/data/orders/orders.txt from the repository root)`, { cause: e });
    });
    slice = text.split('\n').filter((l) => l !== '').slice(0, PIECE * PIECES);
    await writeFile(join(dir, 'orders.txt'), `${slice.join('\n')}\n`);
  });
  afterAll(async () => {
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the same batch folders as the file-fed replay, the topic holding every order keyed by client id', async () => {
    const common = ['--replay', '--no-ui', '--input', join(dir, 'orders.txt'), '--lines-per-file', String(PIECE), '--batch', '5000'];
    const files = await runCli([...common, '--out', join(dir, 'out-files'), '--work', join(dir, 'work-files')]);
    const redis = await runCli([...common, '--out', join(dir, 'out-redis'), '--work', join(dir, 'work-redis'), '--source', server.url, '--topic', 'book-orders', '--partitions', '3']);
    expect(redis.stdout).toContain(`Created topic book-orders (3 partitions) at ${server.url}`);
    expect(redis.stdout).toMatch(new RegExp(`Replayed ${PIECES} files \\(8,000 orders\\) in ${PIECES} batches`));
    const folders = (await readdir(join(dir, 'out-files'))).filter((n) => n.startsWith('output-')).sort();
    expect(folders).toHaveLength(PIECES);
    expect((await readdir(join(dir, 'out-redis'))).filter((n) => n.startsWith('output-')).sort()).toEqual(folders);
    for (let i = 1; i <= PIECES; i++) {
      const fileLines = await batchLines(join(dir, 'out-files'), i * 5000);
      expect(fileLines).toHaveLength(4);
      expect(await batchLines(join(dir, 'out-redis'), i * 5000), `batch ${i * 5000}`).toEqual(fileLines);
    }
    // Every order went to its client's partition, once; the dashboard's group committed them all.
    const hp = new HashPartitioner(3);
    const perPartition = [0, 0, 0];
    for (const line of slice) perPartition[hp.getPartition(clientIdOf(line)!)]!++;
    const admin = new RedisStreamsAdmin({ url: server.url });
    try {
      const d = await admin.describeTopic('book-orders');
      expect(d.partitions.map((p) => p.endOffset)).toEqual(perPartition);
      expect(d.groups).toEqual([{ groupId: 'orders-dashboard', offsets: perPartition, lag: 0 }]);
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('refuses a --source that is not a Redis URL', () => {
    expect(() => parseDashboardArgs(['--source', 'http://x'])).toThrow(/--source must be a Redis URL/);
    expect(parseDashboardArgs(['--source', 'unix:///run/redis.sock']).source).toBe('unix:///run/redis.sock');
    expect(parseDashboardArgs([]).source).toBeUndefined();
  });
});
