// The Redis server itself SIGKILLed in the middle of a batch of two group-mode instances
// (child processes, support/lease-group-pipeline.ts: a co-partitioned graph with running totals)
// and started again on the same socket.
// - With its append-only file (fsync always), the instances wait through the outage (batches
//   run empty, reads retry, commits that failed give their partitions up) and go on from what
//   was committed: every record once in the events folders, and the committed totals (snapshot
//   plus deltas in Redis) equal to the sums worked out here from the input.
// - Without persistence, the server comes back empty: the group's positions, epochs and state
//   are gone, and an epoch counted again from 1 could match one an instance holds. Each instance
//   must stop with an error naming the stream and the batch (GroupStateLostError), instead of
//   starting the partitions again from nothing and committing totals that restart at zero.
// Every wait is on a condition, with generous timeouts: no timing assertion.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type RunningChild } from '../../dstream/test/support/child-process.ts';
import { groupKeys, RedisLogSource, RedisStreamsAdmin, RedisStreamsProducer } from '../src/index.ts';
import { withRawClient } from './support/direct-stream-kit.ts';
import type { GroupPipelineArgs } from './support/lease-group-pipeline.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';
import { removeInBackground } from './support/remove-in-background.ts';

const SCRIPT = 'packages/redis/test/support/lease-group-pipeline.ts';
const PARTITIONS = 4;
const KEYS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi', 'lemon', 'mango', 'nut', 'olive'];
const children: RunningChild[] = [];
const roots: string[] = [];
const servers: RedisServer[] = [];

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.allSettled(children.map((c) => c.done));
  for (const s of servers) await s.dispose();
  for (const r of roots) removeInBackground(r);
}, 60_000);

/** Resolves once `cond` holds (a failing check counts as not yet: the server may be down); fails naming `what` after two minutes. */
async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 120_000;
  while (!(await Promise.resolve().then(cond).catch(() => false))) {
    if (Date.now() > end) {
      for (const c of children) process.stderr.write(`instance output:\n${c.output()}\n${c.errors()}\n`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A topic, a producer that retries while the server is down, two instances, and what was sent. */
async function twoInstances(name: string, persistent: boolean): Promise<{
  server: RedisServer; args: GroupPipelineArgs; instances: RunningChild[]; produced: { key: string; id: number }[];
  produce(n: number): Promise<void>; committedSum(): Promise<number>; outputs(): number; close(): Promise<void>;
}> {
  const root = mkdtempSync(join(tmpdir(), `rkill-${name}-`));
  roots.push(root);
  const server = await startRedisServer({ persistent });
  servers.push(server);
  const args: GroupPipelineArgs = { url: server.url, topic: name, group: `${name}-app`, outDir: join(root, 'out'), checkpointDir: join(root, 'cp'), batchMs: 400, leaseMs: 2500, partitions: PARTITIONS, slowMs: 1500, stopFile: join(root, 'stop') };
  const admin = new RedisStreamsAdmin({ url: server.url });
  await admin.createTopic(name, PARTITIONS);
  await admin.close();
  const producer = new RedisStreamsProducer({ url: server.url });
  const produced: { key: string; id: number }[] = [];
  const produce = async (n: number): Promise<void> => {
    const batch: { key: string; value: string }[] = [];
    for (let i = 0; i < n; i++) {
      const id = produced.length;
      const key = KEYS[(id * 7 + Math.floor(id / 5)) % KEYS.length]!;
      produced.push({ key, id });
      batch.push({ key, value: String(id) });
    }
    await until(`${n} records sent`, async () => { await producer.send(name, batch); return true; });
  };
  const committedSum = (): Promise<number> => withRawClient(server.url, async (c) => {
    let sum = 0;
    for (let p = 0; p < PARTITIONS; p++) sum += Number(await c.sendCommand(['HGET', groupKeys(args.group).partition({ topic: name, partition: p }).commit, 'next']) ?? Number.NaN);
    return sum;
  });
  await produce(60);
  const instances = ['a', 'b'].map((label) => startChild(SCRIPT, { ...args, checkpointDir: `${args.checkpointDir}-${label}` }, 240_000));
  children.push(...instances);
  await until('the first round committed', async () => (await committedSum()) === produced.length);
  const outputs = (): number => instances.reduce((n, c) => n + (c.output().match(/output \d+/g) ?? []).length, 0);
  return { server, args, instances, produced, produce, committedSum, outputs, close: () => producer.close() };
}

/** The lines of every part file of the `events-<t>` folders. */
function eventLines(outDir: string): string[] {
  const lines: string[] = [];
  for (const f of readdirSync(outDir)) {
    if (!f.startsWith('events-')) continue;
    for (const part of readdirSync(join(outDir, f))) if (part.startsWith('part-')) lines.push(...readFileSync(join(outDir, f, part), 'utf8').split('\n').filter((l) => l !== ''));
  }
  return lines.sort();
}

/** The running totals the group committed in Redis (the updateStateByKey state of every partition: snapshot plus deltas). */
async function committedTotals(url: string, group: string, topic: string): Promise<[string, number][]> {
  const source = new RedisLogSource(url);
  await source.open();
  try {
    const keys = await withRawClient(url, (c) => c.sendCommand(['KEYS', `kindling:group:{${group}}:*`])) as string[];
    const names = new Set(keys.map((k) => /:(?:state|deltas):(updateStateByKey.*)$/.exec(k)?.[1]).filter((n): n is string => n !== undefined));
    expect(names.size, `one updateStateByKey state among ${keys.join(', ')}`).toBe(1);
    const got = new Map<string, number>();
    for (let p = 0; p < PARTITIONS; p++) for (const [k, v] of await source.ownership(group).loadState({ topic, partition: p }, [...names][0]!)) got.set(JSON.parse(k) as string, JSON.parse(v) as number);
    return [...got].sort((x, y) => x[0].localeCompare(y[0]));
  } finally {
    await source.close();
  }
}

function sums(produced: readonly { key: string; id: number }[]): [string, number][] {
  const want = new Map<string, number>();
  for (const r of produced) want.set(r.key, (want.get(r.key) ?? 0) + (r.id % 10) + 1);
  return [...want].sort((x, y) => x[0].localeCompare(y[0]));
}

describe('the Redis server SIGKILLed mid-batch under two group-mode instances', () => {
  it('with its append-only file: they go on from what was committed, every record once, committed totals equal to the sums', async () => {
    const run = await twoInstances('aof', true);
    const seen = run.outputs();
    await run.produce(60);
    await until('a slow output to start', () => run.outputs() > seen);
    await run.server.kill();
    await run.server.start();
    await run.produce(60);
    await until('everything committed after the restart', async () => (await run.committedSum()) === run.produced.length);
    await run.produce(60);
    await until('the last round committed', async () => (await run.committedSum()) === run.produced.length);
    writeFileSync(run.args.stopFile, '');
    for (const c of run.instances) {
      const r = await c.done;
      expect(r.stdout, r.stderr).toContain('done');
    }
    await run.close();
    expect(eventLines(run.args.outDir)).toEqual(run.produced.map((r) => `${r.key} ${r.id}`).sort());
    expect(await committedTotals(run.server.url, run.args.group, run.args.topic)).toEqual(sums(run.produced));
  }, 300_000);

  it('without persistence: each instance stops with an error naming the stream and the batch, and commits nothing after the loss', async () => {
    const run = await twoInstances('volatile', false);
    const seen = run.outputs();
    await run.produce(60);
    await until('a slow output to start', () => run.outputs() > seen);
    await run.server.kill();
    await run.server.start();
    // The store is empty: whatever comes now must not be taken for the group's state.
    const admin = new RedisStreamsAdmin({ url: run.server.url });
    await admin.createTopic(run.args.topic, PARTITIONS);
    await admin.close();
    await run.produce(20);
    // Each stops on its next batch: the group lost (or, for a batch already planned, its recorded
    // range no longer in the log), with an error naming the stream and the batch time.
    const stopped = /ERROR JobScheduler: Batch \d+ ms failed in output operation #\d+ .*: directStream#\d+(?:: | \()batch \d+ ms\)?: /;
    await until('both instances to stop with a failed batch', () => run.instances.every((c) => stopped.test(c.errors())));
    expect(run.instances.map((c) => c.errors()).join('\n')).toMatch(/directStream#\d+: batch \d+ ms: the store at unix:\/\/\S+ no longer holds group volatile-app as this instance joined it \(the group record is gone\)/);
    // Nothing was committed for the group after the loss: no commit, no progress, no state.
    expect(await withRawClient(run.server.url, (c) => c.sendCommand(['KEYS', 'kindling:group:{volatile-app}:*:commit']))).toEqual([]);
    expect(await withRawClient(run.server.url, (c) => c.sendCommand(['KEYS', 'kindling:group:{volatile-app}:*:state:*']))).toEqual([]);
    writeFileSync(run.args.stopFile, '');
    for (const c of run.instances) await c.done;
    await run.close();
  }, 300_000);
});
