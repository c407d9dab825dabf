// Re-keying under group leases with a kill (issue 15, item 6 for re-keyed graphs), on a real
// Redis: 2 instances (child processes, support/lease-rekey-pipeline.ts) share a 4-partition
// topic and a graph that re-keys (groupByKey and updateStateByKey on id % 7, a key other than
// the log's, and count(), a one-partition stage). One is SIGKILLed mid-batch, a third starts
// later. The union of the batch folders holds every record exactly once (events), the counts
// add up to the input, and the final state (in Redis and in the last folders) equals the sums
// worked out here. Every wait is on a condition, with generous timeouts: no timing assertion.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild, type RunningChild } from '../../dstream/test/support/child-process.ts';
import { groupKeys, RedisLogSource, RedisStreamsAdmin, RedisStreamsProducer } from '../src/index.ts';
import { redisClientOptions } from '../src/redis-url.ts';
import type { GroupPipelineArgs } from './support/lease-group-pipeline.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';

const SCRIPT = 'packages/redis/test/support/lease-rekey-pipeline.ts';
const PARTITIONS = 4;
const KEYS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi', 'lemon', 'mango', 'nut', 'olive'];
const LONG = 150_000;
const TOPIC = 'rekill';
const GROUP = 'rekill-app';
/** The repartition logs' owner names and partition counts (see the pipeline). */
const STAGES: readonly [string, number][] = [[`${GROUP}-buckets-repartition`, 3], [`${GROUP}-totals-repartition`, 2], [`${GROUP}-whole-batch`, 1]];

let root: string;
let server: RedisServer;
let redis: ReturnType<typeof createClient>;
let producer: RedisStreamsProducer;
const children: RunningChild[] = [];
const produced: number[] = [];
let args: GroupPipelineArgs;

function start(label: string): RunningChild {
  const c = startChild(SCRIPT, { ...args, checkpointDir: `${args.checkpointDir}-${label}` }, 300_000);
  children.push(c);
  return c;
}

async function produce(n: number): Promise<void> {
  const batch: { key: string; value: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = produced.length;
    produced.push(id);
    batch.push({ key: KEYS[(id * 7 + Math.floor(id / 5)) % KEYS.length]!, value: String(id) });
  }
  await producer.send(TOPIC, batch);
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = LONG): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) {
      for (const c of children) process.stderr.write(`instance output:\n${c.output()}\n`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function memberOf(c: RunningChild): string | undefined { return /started (\S+)/.exec(c.output())?.[1]; }

async function commitOf(log: string, p: number): Promise<{ next: number; batch: number } | undefined> {
  const h = await redis.hGetAll(groupKeys(GROUP).partition({ topic: log, partition: p }).commit);
  return h.next === undefined ? undefined : { next: Number(h.next), batch: Number(h.batch) };
}

/** Every record committed on the source partitions, and every repartition partition committed up to their last batch. */
async function allCommitted(): Promise<boolean> {
  let sum = 0;
  let last = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const c = await commitOf(TOPIC, p);
    if (c === undefined) return false;
    sum += c.next;
    last = Math.max(last, c.batch);
  }
  if (sum !== produced.length) return false;
  for (const [log, n] of STAGES) {
    for (let j = 0; j < n; j++) {
      const c = await commitOf(log, j);
      if (c === undefined || c.next < last) return false;
    }
  }
  return true;
}

async function owners(log: string, n: number): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let p = 0; p < n; p++) out.push(await redis.get(groupKeys(GROUP).partition({ topic: log, partition: p }).lease));
  return out;
}

/** The lines of every part file of the `<name>-<t>` folders, with each folder's parts. */
function folders(name: string): Map<number, Map<string, string[]>> {
  const out = new Map<number, Map<string, string[]>>();
  for (const folder of existsSync(args.outDir) ? readdirSync(args.outDir) : []) {
    const m = new RegExp(`^${name}-(\\d+)$`).exec(folder);
    if (m === null) continue;
    const parts = new Map<string, string[]>();
    for (const f of readdirSync(join(args.outDir, folder))) {
      if (!f.startsWith('part-')) continue;
      parts.set(f, readFileSync(join(args.outDir, folder, f), 'utf8').split('\n').filter((l) => l !== ''));
    }
    out.set(Number(m[1]), parts);
  }
  return out;
}

function expectedTotals(): [number, number][] {
  const m = new Map<number, number>();
  for (const id of produced) m.set(id % 7, (m.get(id % 7) ?? 0) + (id % 10) + 1);
  return [...m].sort((a, b) => a[0] - b[0]);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-group-rekey-kill-'));
  server = await startRedisServer();
  redis = createClient(redisClientOptions(server.url) as Parameters<typeof createClient>[0]);
  await redis.connect();
  producer = new RedisStreamsProducer({ url: server.url });
  const admin = new RedisStreamsAdmin({ url: server.url });
  await admin.createTopic(TOPIC, PARTITIONS);
  await admin.close();
  args = {
    url: server.url, topic: TOPIC, group: GROUP, outDir: join(root, 'out'), checkpointDir: join(root, 'cp'),
    batchMs: 400, leaseMs: 2500, partitions: PARTITIONS, slowMs: 1500, stopFile: join(root, 'stop'),
  };
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.allSettled(children.map((c) => c.done));
  await producer?.close().catch(() => undefined);
  await redis?.quit().catch(() => undefined);
  await server?.dispose();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('a re-keyed graph on 2 instances under leases, one SIGKILLed mid-batch, a third started later', () => {
  it('takes the killed one\'s source and repartition partitions over and counts every record exactly once', async () => {
    await produce(60);
    const a = start('a');
    const b = start('b');
    await until('both instances to own source partitions', async () => {
      const o = await owners(TOPIC, PARTITIONS);
      const ma = memberOf(a);
      const mb = memberOf(b);
      return ma !== undefined && mb !== undefined && o.filter((x) => x === ma).length === 2 && o.filter((x) => x === mb).length === 2;
    });
    await until('the first round to be committed', allCommitted);
    // Both own repartition partitions too (the first to start gives up its extras once the other is a member).
    await until('both instances to own repartition partitions', async () => {
      const stageOwners = (await Promise.all(STAGES.map(([log, n]) => owners(log, n)))).flat();
      return stageOwners.includes(memberOf(a)!) && stageOwners.includes(memberOf(b)!);
    });
    const seen = (a.output().match(/output \d+/g) ?? []).length;
    await produce(60);
    await until('A to start the slow output of a batch', () => (a.output().match(/output \d+/g) ?? []).length > seen);
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');
    await produce(60);
    await until('B to take every partition over and commit everything', async () => {
      if (!(await allCommitted())) return false;
      for (const [log, n] of [[TOPIC, PARTITIONS] as [string, number], ...STAGES]) if (!(await owners(log, n)).every((o) => o === memberOf(b))) return false;
      return true;
    });
    const c = start('c');
    await until('C to get its share of the source', async () => (await owners(TOPIC, PARTITIONS)).filter((o) => o !== null && o === memberOf(c)).length === 2);
    await produce(60);
    await until('the last round to be committed', allCommitted);
    writeFileSync(args.stopFile, '');
    for (const x of [b, c]) {
      const r = await x.done;
      expect(r.stdout, r.stderr).toContain('done');
    }

    // Every record exactly once in the re-keyed events, each in its bucket.
    const ids: number[] = [];
    for (const parts of folders('events').values()) {
      for (const lines of parts.values()) {
        for (const l of lines) {
          const [bucket, list] = l.split(':') as [string, string];
          for (const id of list.split(',').map(Number)) {
            expect(id % 7, `record ${id} in bucket ${bucket}`).toBe(Number(bucket));
            ids.push(id);
          }
        }
      }
    }
    expect(ids.sort((x, y) => x - y)).toEqual(produced);
    // The one-partition stage's counts add up to the input (each batch folder written by its owner, once).
    let total = 0;
    for (const parts of folders('count').values()) {
      expect([...parts.keys()]).toEqual(['part-00000']);
      for (const l of parts.get('part-00000')!) total += Number(l);
    }
    expect(total).toBe(produced.length);
    // The final state, as committed in Redis with the repartition partitions, equals the sums.
    const state: [number, number][] = [];
    const source = new RedisLogSource(server.url);
    await source.open();
    try {
      for (let j = 0; j < 2; j++) {
        // Snapshot plus deltas, as a new owner restores them.
        for (const [k, v] of await source.ownership(GROUP).loadState({ topic: `${GROUP}-totals-repartition`, partition: j }, 'totals')) state.push([JSON.parse(k) as number, JSON.parse(v) as number]);
      }
    } finally {
      await source.close();
    }
    expect(state.sort((x, y) => x[0] - y[0])).toEqual(expectedTotals());
    // And so do the last totals folders (per partition, the latest folder that has it).
    const totals = folders('totals');
    const times = [...totals.keys()].sort((x, y) => y - x);
    const last: [number, number][] = [];
    for (const part of ['part-00000', 'part-00001']) {
      const t = times.find((x) => totals.get(x)!.has(part))!;
      for (const l of totals.get(t)!.get(part)!) {
        const m = /^\((\d+),(\d+)\)$/.exec(l)!;
        last.push([Number(m[1]), Number(m[2])]);
      }
    }
    expect(last.sort((x, y) => x[0] - y[0])).toEqual(expectedTotals());
    // The killed instance's recorded batches were re-run by their new owner.
    expect((await b.done).stderr + (await c.done).stderr).toMatch(/took partition \S+ .*re-runs \d+ recorded uncommitted batch/);
  }, 360_000);
});
