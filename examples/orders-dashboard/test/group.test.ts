// `--source redis://... --group orders`: two dashboards share the book's job, each reading two
// of the topic's four partitions; the re-keying (buys/sells, client volumes, the stock window)
// goes through repartition logs in Redis, and the instance owning the one-partition stage
// writes the batch folders. They must equal, batch for batch and line for line, the single
// instance's folders on the same input (a slice of the book's data, a real Redis server).
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../packages/redis/test/support/redis-server.ts';
import { parseDashboardArgs } from '../src/cli-options.ts';
import { REPO_ROOT, batchLines, runCli, startCli } from './support/run-cli.ts';

const PIECE = 1500;
const PIECES = 4;

describe('--group: two instances of the dashboard on one topic', () => {
  let dir: string;
  let server: RedisServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orders-group-'));
    server = await startRedisServer();
    const BOOK = join(REPO_ROOT, '../shared/data/orders/orders.txt');
    const text = await readFile(BOOK, 'utf8').catch((e: unknown) => {
      throw new Error(`The book's orders are expected at ${BOOK} (../shared/data/orders/orders.txt from the repository root)`, { cause: e });
    });
    const slice = text.split('\n').filter((l) => l !== '').slice(0, PIECE * PIECES);
    await writeFile(join(dir, 'orders.txt'), `${slice.join('\n')}\n`);
  });
  afterAll(async () => {
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, from the instance owning the one-partition stage, the batch folders of a single instance', async () => {
    const common = ['--replay', '--no-ui', '--input', join(dir, 'orders.txt'), '--lines-per-file', String(PIECE), '--batch', '5000', '--source', server.url, '--partitions', '4'];
    const solo = await runCli([...common, '--topic', 'solo-orders', '--out', join(dir, 'out-solo'), '--work', join(dir, 'work-solo')]);
    expect(solo.stdout).toMatch(new RegExp(`Replayed ${PIECES} files`));
    const group = ['--topic', 'group-orders', '--group', 'orders'];
    const a = startCli([...common, ...group, '--instance', '0/2', '--out', join(dir, 'out-0'), '--work', join(dir, 'work-0')]);
    const b = startCli([...common, ...group, '--instance', '1/2', '--out', join(dir, 'out-1'), '--work', join(dir, 'work-1')]);
    const [ca, cb] = await Promise.all([a.exit, b.exit]);
    expect(ca, `${a.stdout()}\n${a.stderr()}`).toBe(0);
    expect(cb, `${b.stdout()}\n${b.stderr()}`).toBe(0);
    // Each instance says which partitions it owns: half of the topic, and of every repartition log.
    expect(a.stdout()).toContain('Group orders: instance 0/2 owns group-orders [0, 2] of 4');
    expect(b.stdout()).toContain('Group orders: instance 1/2 owns group-orders [1, 3] of 4');
    expect(b.stdout()).toMatch(/Orders dashboard-[^ ]+-repartition \[1\] of 2/);

    const folders = (await readdir(join(dir, 'out-solo'))).filter((n) => n.startsWith('output-')).sort();
    expect(folders).toHaveLength(PIECES);
    expect((await readdir(join(dir, 'out-0'))).filter((n) => n.startsWith('output-')).sort()).toEqual(folders);
    // Instance 1 owns no one-partition stage: it writes no folder.
    expect((await readdir(join(dir, 'out-1')).catch(() => [])).filter((n) => n.startsWith('output-'))).toEqual([]);
    for (let i = 1; i <= PIECES; i++) {
      const want = await batchLines(join(dir, 'out-solo'), i * 5000);
      expect(want).toHaveLength(4);
      expect(await batchLines(join(dir, 'out-0'), i * 5000), `batch ${i * 5000}`).toEqual(want);
    }
  }, 240_000);

  it('refuses --group without --source, a bad --instance, and lease flags with a fixed split', () => {
    expect(() => parseDashboardArgs(['--group', 'g'])).toThrow(/--group needs --source/);
    expect(parseDashboardArgs(['--source', 'redis://127.0.0.1:1', '--group', 'g'])).toMatchObject({ group: 'g', instance: undefined, lease: 10_000, members: 1 });
    expect(parseDashboardArgs(['--source', 'redis://127.0.0.1:1', '--group', 'g', '--lease', '3000', '--members', '2'])).toMatchObject({ lease: 3000, members: 2 });
    expect(() => parseDashboardArgs(['--source', 'redis://127.0.0.1:1', '--group', 'g', '--instance', '0/2', '--members', '2'])).toThrow(/--lease and --members need --group without --instance/);
    expect(() => parseDashboardArgs(['--source', 'redis://127.0.0.1:1', '--group', 'g', '--instance', '2/2'])).toThrow(/--instance must be I\/N/);
    expect(parseDashboardArgs(['--source', 'redis://127.0.0.1:1', '--group', 'g', '--instance', '1/3']).instance).toEqual({ index: 1, count: 3 });
  });
});
