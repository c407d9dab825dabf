// Re-keying under group leases with kills and pauses (issue 15, item 6 for re-keyed graphs), on
// a real Redis: instances (child processes, support/lease-rekey-pipeline.ts) share a 4-partition
// topic and a graph that re-keys (groupByKey, updateStateByKey, mapWithState with a timeout and
// its state snapshots, and two sliding windows of 3 batches, one with an inverse function, one
// without, and the same two over 4 batches sliding every 2, all on id % 7, a key other than the log's) and has one-partition stages (count(),
// repartition(1), a top 3 after sortBy).
//
// Every folder is checked against answers worked out here from the source stage's own folders
// (ids-<t>/part-<s>: what source partition s read in its batch at t), batch for batch: the
// re-keyed events, the counts, the whole batch and its top 3 of time t hold exactly the records
// of the source batches at t, and the running totals of time t hold the sums up to t with the
// update function called once per batch time since the bucket's first record, the sessions and
// windows of time t as a single run's at t (timeouts and window edges included, right after a
// takeover too). A new owner
// catching up on batches nobody ran must run each at its own time for these to hold (merged into
// one batch, the folders of the missed times are missing and the call counts short). The union of
// the folders and the final state (in Redis and in the folder of its committed batch) equal a single instance's run
// on the same input and the sums worked out here. Every wait is on a condition, with generous
// timeouts: no timing assertion.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashPartitioner } from '@kindling/core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild, type RunningChild } from '../../dstream/test/support/child-process.ts';
import { groupKeys, RedisLogSource, RedisStreamsAdmin, RedisStreamsProducer } from '../src/index.ts';
import { redisClientOptions } from '../src/redis-url.ts';
import type { GroupPipelineArgs } from './support/lease-group-pipeline.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';
import { removeInBackground } from './support/remove-in-background.ts';

const SCRIPT = 'packages/redis/test/support/lease-rekey-pipeline.ts';
const PARTITIONS = 4;
const BATCH_MS = 400;
const KEYS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi', 'lemon', 'mango', 'nut', 'olive'];
const LONG = 150_000;

let root: string;
let server: RedisServer;
let redis: ReturnType<typeof createClient>;
let producer: RedisStreamsProducer;
const children: RunningChild[] = [];

/** One run of the application: its topic, group (= app name, prefixing its repartition logs), folders and input. */
interface Scenario {
  readonly args: GroupPipelineArgs;
  readonly produced: number[];
  /** The repartition logs' owner names and partition counts, as the first instance printed them (see the pipeline). */
  readonly stages: [string, number][];
  /** Its instances. */
  readonly running: RunningChild[];
}

function scenario(name: string): Scenario {
  const group = `${name}-app`;
  return {
    args: {
      url: server.url, topic: name, group, outDir: join(root, name, 'out'), checkpointDir: join(root, name, 'cp'),
      batchMs: BATCH_MS, leaseMs: 2500, partitions: PARTITIONS, slowMs: 1500, stopFile: join(root, name, 'stop'),
    },
    produced: [],
    stages: [],
    running: [],
  };
}

async function newTopic(s: Scenario): Promise<void> {
  const admin = new RedisStreamsAdmin({ url: server.url });
  await admin.createTopic(s.args.topic, PARTITIONS);
  await admin.close();
}

function start(s: Scenario, label: string): RunningChild {
  const c = startChild(SCRIPT, { ...s.args, checkpointDir: `${s.args.checkpointDir}-${label}` }, 300_000);
  children.push(c);
  s.running.push(c);
  return c;
}

async function produce(s: Scenario, n: number): Promise<void> {
  const batch: { key: string; value: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = s.produced.length;
    s.produced.push(id);
    batch.push({ key: KEYS[(id * 7 + Math.floor(id / 5)) % KEYS.length]!, value: String(id) });
  }
  await producer.send(s.args.topic, batch);
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = LONG): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) {
      for (const c of children) process.stderr.write(`instance output:\n${c.output()}\n${c.errors()}\n`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function memberOf(c: RunningChild): string | undefined { return /started (\S+)/.exec(c.output())?.[1]; }

function outputsOf(c: RunningChild): number { return (c.output().match(/output \d+/g) ?? []).length; }

async function commitOf(s: Scenario, log: string, p: number): Promise<{ next: number; batch: number } | undefined> {
  const h = await redis.hGetAll(groupKeys(s.args.group).partition({ topic: log, partition: p }).commit);
  return h.next === undefined ? undefined : { next: Number(h.next), batch: Number(h.batch) };
}

/**
 * Every record committed on the source partitions, and every repartition partition committed
 * up to the last source batch that read records (the sources' later, empty batches may be in
 * flight on other instances).
 */
async function allCommitted(s: Scenario): Promise<boolean> {
  if (!knowsStages(s)) return false;
  let sum = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const c = await commitOf(s, s.args.topic, p);
    if (c === undefined) return false;
    sum += c.next;
  }
  if (sum !== s.produced.length) return false;
  const ids = folders(s, 'ids');
  let last = 0;
  for (const [t, parts] of ids) for (const lines of parts.values()) if (lines.length > 0) last = Math.max(last, t);
  for (const [log, n] of s.stages) {
    for (let j = 0; j < n; j++) {
      const c = await commitOf(s, log, j);
      if (c === undefined || c.next < last) return false;
    }
  }
  return true;
}

/** Whether the scenario's stages are known (from the first instance that printed them). */
function knowsStages(s: Scenario): boolean {
  if (s.stages.length > 0) return true;
  for (const c of s.running) {
    const m = /^stages (.*)$/m.exec(c.output());
    if (m !== null) {
      s.stages.push(...JSON.parse(m[1]!) as [string, number][]);
      // The pipeline's repartition logs: buckets, totals, sessions, the windows' shuffles (iwin's and iwin2's own, winBase) and the one-partition stage.
      expect(s.stages.map(([, n]) => n).sort()).toEqual([1, 2, 2, 2, 2, 3, 3]);
      return true;
    }
  }
  return false;
}

async function owners(s: Scenario, log: string, n: number): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let p = 0; p < n; p++) out.push(await redis.get(groupKeys(s.args.group).partition({ topic: log, partition: p }).lease));
  return out;
}

/** Every lease of every log (source first), flattened. */
async function allOwners(s: Scenario): Promise<(string | null)[]> {
  const out = await owners(s, s.args.topic, PARTITIONS);
  for (const [log, n] of s.stages) out.push(...await owners(s, log, n));
  return out;
}

async function stopAll(s: Scenario, running: RunningChild[]): Promise<void> {
  writeFileSync(s.args.stopFile, '');
  for (const c of running) {
    const r = await c.done;
    expect(r.stdout, r.stderr).toContain('done');
  }
}

/** The lines of every part file of the `<name>-<t>` folders, by time and part file. */
function folders(s: Scenario, name: string): Map<number, Map<string, string[]>> {
  const out = new Map<number, Map<string, string[]>>();
  const dir = s.args.outDir;
  for (const folder of existsSync(dir) ? readdirSync(dir) : []) {
    const m = new RegExp(`^${name}-(\\d+)$`).exec(folder);
    if (m === null) continue;
    const parts = new Map<string, string[]>();
    for (const f of readdirSync(join(dir, folder))) {
      if (!f.startsWith('part-')) continue;
      parts.set(f, readFileSync(join(dir, folder, f), 'utf8').split('\n').filter((l) => l !== ''));
    }
    out.set(Number(m[1]), parts);
  }
  return out;
}

function partName(j: number): string { return `part-${String(j).padStart(5, '0')}`; }

const bucketOf = (id: number): number => id % 7;
const weight = (id: number): number => (id % 10) + 1;

/** The ids each source batch time read (every source partition's part file), checked to hold every record exactly once. */
function sourceBatches(s: Scenario): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const all: number[] = [];
  for (const [t, parts] of folders(s, 'ids')) {
    const ids: number[] = [];
    for (const lines of parts.values()) for (const l of lines) ids.push(Number(l));
    out.set(t, ids.sort((a, b) => a - b));
    all.push(...ids);
  }
  expect(all.sort((a, b) => a - b), 'every record read exactly once by the source stage').toEqual(s.produced);
  return out;
}

/** The final running totals worked out from the input: bucket -> sum. */
function expectedSums(s: Scenario): [number, number][] {
  const m = new Map<number, number>();
  for (const id of s.produced) m.set(bucketOf(id), (m.get(bucketOf(id)) ?? 0) + weight(id));
  return [...m].sort((a, b) => a[0] - b[0]);
}

/**
 * Checks every folder batch for batch against the source batches: events, count, whole and top
 * hold exactly the records of the source batches of their time; every repartition partition has
 * a folder at every batch time from its first to its last (each missed one run at its own time);
 * the totals of time t are the sums up to t, with one update call per batch time since the
 * bucket's first record. Returns the final [sum, calls] per bucket, as the last folders say.
 */
function expectBatchForBatch(s: Scenario, sessionCommits: readonly number[]): Map<number, [number, number]> {
  const batches = sourceBatches(s);
  const idsAt = (t: number): number[] => batches.get(t) ?? [];
  const events = folders(s, 'events');
  const buckets = new HashPartitioner(3);
  const sums = new HashPartitioner(2);
  // events-<t>: per bucket, the ids of the source batches at t, each bucket in its partition.
  for (const [t, parts] of events) {
    const want = new Map<number, number[]>();
    for (const id of idsAt(t)) want.set(bucketOf(id), [...(want.get(bucketOf(id)) ?? []), id]);
    const got = new Map<number, number[]>();
    for (const [part, lines] of parts) {
      for (const l of lines) {
        const [bucket, list] = l.split(':') as [string, string];
        expect(part, `bucket ${bucket} of events-${t} in its partition`).toBe(partName(buckets.getPartition(Number(bucket))));
        got.set(Number(bucket), list.split(',').map(Number).sort((a, b) => a - b));
      }
    }
    expect([...got].sort((a, b) => a[0] - b[0]), `events-${t}`).toEqual([...want].sort((a, b) => a[0] - b[0]));
  }
  for (const t of batches.keys()) if (idsAt(t).length > 0) expect(events.has(t), `events-${t} (source batches at ${t} read records)`).toBe(true);
  // The one-partition stages: count, the whole batch and its top 3, written once by the stage's owner.
  const count = folders(s, 'count');
  const whole = folders(s, 'whole');
  const top = folders(s, 'top');
  for (const [name, f] of [['count', count], ['whole', whole], ['top', top]] as const) {
    for (const [t, parts] of f) {
      expect([...parts.keys()], `${name}-${t}`).toEqual(['part-00000']);
      const ids = idsAt(t);
      const lines = parts.get('part-00000')!;
      if (name === 'count') expect(lines, `count-${t}`).toEqual([String(ids.length)]);
      else if (name === 'whole') expect(lines.map(Number).sort((a, b) => a - b), `whole-${t}`).toEqual(ids);
      else expect(lines.map(Number), `top-${t}`).toEqual(ids.slice().sort((a, b) => b - a).slice(0, 3));
    }
  }
  for (const t of batches.keys()) if (idsAt(t).length > 0) for (const f of [count, whole, top]) expect(f.has(t), `the one-partition stage's folders at ${t}`).toBe(true);
  // rank-<t>: the whole state at t ranked (every bucket seen up to t, by its sum up to t), empty batches
  // included: a partition of the state without a batch at t (no owner, or catching up) must not drop its buckets.
  const rank = folders(s, 'rank');
  const sumAt = (bucket: number, t: number): number => {
    let sum = 0;
    for (const [u, ids] of batches) if (u <= t) for (const id of ids) if (bucketOf(id) === bucket) sum += weight(id);
    return sum;
  };
  for (const [t, parts] of rank) {
    expect([...parts.keys()], `rank-${t}`).toEqual(['part-00000']);
    const want: [number, number][] = [];
    for (let bucket = 0; bucket < 7; bucket++) {
      const firstAt = Math.min(...[...batches].filter(([, ids]) => ids.some((id) => bucketOf(id) === bucket)).map(([u]) => u));
      if (firstAt <= t) want.push([bucket, sumAt(bucket, t)]);
    }
    want.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    expect(parts.get('part-00000'), `rank-${t}`).toEqual(want.map(([b, sum]) => `${b} ${sum}`));
  }
  for (const t of batches.keys()) if (idsAt(t).length > 0) expect(rank.has(t), `rank-${t} (source batches at ${t} read records)`).toBe(true);
  // totals-<t>/part-<j>: every batch time from the partition's first folder to its last, sums and calls as a single run's.
  const totals = folders(s, 'totals');
  const first = new Map<number, number>();
  for (const [t, ids] of [...batches].sort((a, b) => a[0] - b[0])) for (const id of ids) if (!first.has(bucketOf(id))) first.set(bucketOf(id), t);
  const final = new Map<number, [number, number]>();
  for (let j = 0; j < 2; j++) {
    const times = [...totals].filter(([, parts]) => parts.has(partName(j))).map(([t]) => t).sort((a, b) => a - b);
    expect(times.length, `totals folders of partition ${j}`).toBeGreaterThan(0);
    const grid = Array.from({ length: (times.at(-1)! - times[0]!) / BATCH_MS + 1 }, (_, i) => times[0]! + i * BATCH_MS);
    expect(times, `totals of partition ${j}: one folder per batch time, none merged`).toEqual(grid);
    for (const t of times) {
      const want: string[] = [];
      for (const [bucket, t0] of first) {
        if (t0 > t || sums.getPartition(bucket) !== j) continue;
        let sum = 0;
        for (const [u, ids] of batches) if (u <= t) for (const id of ids) if (bucketOf(id) === bucket) sum += weight(id);
        want.push(`${bucket} ${sum} ${(t - t0) / BATCH_MS + 1}`);
        if (t === times.at(-1)) final.set(bucket, [sum, (t - t0) / BATCH_MS + 1]);
      }
      expect(totals.get(t)!.get(partName(j))!.slice().sort(), `totals-${t}/${partName(j)}`).toEqual(want.sort());
    }
  }
  expectSessions(s, batches, sessionCommits);
  expectWindows(s, batches, 'iwin');
  expectWindows(s, batches, 'win');
  return final;
}

/**
 * <name>-<t>/part-<j> of a window of the last 4 batch times sliding every 2: partition j has a
 * part file exactly at the slide times (multiples of 2 batches from the group's zero time) from
 * its first to its last, each holding the buckets of partition j with records in (t - 4
 * batches, t] and their sums, right after a takeover too.
 */
async function expectSlowWindows(s: Scenario, name: string): Promise<void> {
  const zero = Number(await redis.hGet(groupKeys(s.args.group).record, 'zeroTime'));
  const batches = sourceBatches(s);
  const f = folders(s, name);
  const placed = new HashPartitioner(2);
  const slide = 2 * BATCH_MS;
  for (let j = 0; j < 2; j++) {
    const times = [...f].filter(([, parts]) => parts.has(partName(j))).map(([t]) => t).sort((a, b) => a - b);
    expect(times.length, `${name} folders of partition ${j}`).toBeGreaterThan(0);
    const slides = Array.from({ length: (times.at(-1)! - times[0]!) / slide + 1 }, (_, i) => times[0]! + i * slide);
    expect(times, `${name} of partition ${j}: a part file at every slide time from the first to the last, none between`).toEqual(slides);
    expect((times[0]! - zero) % slide, `${name}: slide times counted from the group's zero time ${zero}`).toBe(0);
    for (const t of times) {
      const sums = new Map<number, number>();
      for (const [u, ids] of batches) {
        if (u <= t - 4 * BATCH_MS || u > t) continue;
        for (const id of ids) if (placed.getPartition(bucketOf(id)) === j) sums.set(bucketOf(id), (sums.get(bucketOf(id)) ?? 0) + weight(id));
      }
      expect(f.get(t)!.get(partName(j))!.slice().sort(), `${name}-${t}/${partName(j)}`).toEqual([...sums].map(([b, n]) => `${b} ${n}`).sort());
    }
  }
}

/** The batch times of partition `j` in folders `f` (those with its part file), checked to be every batch time from the first to the last, none merged. */
function partitionTimes(f: Map<number, Map<string, string[]>>, j: number, what: string): number[] {
  const times = [...f].filter(([, parts]) => parts.has(partName(j))).map(([t]) => t).sort((a, b) => a - b);
  expect(times.length, `${what} folders of partition ${j}`).toBeGreaterThan(0);
  const grid = Array.from({ length: (times.at(-1)! - times[0]!) / BATCH_MS + 1 }, (_, i) => times[0]! + i * BATCH_MS);
  expect(times, `${what} of partition ${j}: one folder per batch time, none merged`).toEqual(grid);
  return times;
}

/**
 * sessions-<t>/part-<j> and snaps-<t>/part-<j> against a single run's mapWithState worked out
 * here, partition by partition over its batch times: "<bucket> <id>" per record of the source
 * batches at t; then "<bucket> end <sum>" for each bucket last written more than 2.5 batches
 * before t (it is removed); the snapshot holds every open session after the batch.
 */
function expectSessions(s: Scenario, batches: Map<number, number[]>, commits: readonly number[]): void {
  const sessions = folders(s, 'sessions');
  const snaps = folders(s, 'snaps');
  const placed = new HashPartitioner(3);
  const seen: number[] = [];
  let endings = 0;
  for (let j = 0; j < 3; j++) {
    // Up to the partition's last commit: a batch a graceful stop cut short (its reduce side waiting on
    // partitions another instance had just released) may have written one of the two outputs only,
    // uncommitted; its next owner writes both again.
    const times = partitionTimes(sessions, j, 'sessions').filter((t) => t <= commits[j]!);
    expect(times.at(-1), `sessions of partition ${j} up to its commit`).toBe(commits[j]);
    expect(partitionTimes(snaps, j, 'snaps').filter((t) => t <= commits[j]!), `snaps of partition ${j}`).toEqual(times);
    const open = new Map<number, { sum: number; last: number }>();
    for (const t of times) {
      const want: string[] = [];
      for (const id of batches.get(t) ?? []) {
        const b = bucketOf(id);
        if (placed.getPartition(b) !== j) continue;
        want.push(`${b} ${id}`);
        open.set(b, { sum: (open.get(b)?.sum ?? 0) + weight(id), last: t });
        seen.push(id);
      }
      for (const [b, e] of open) {
        if (e.last < t - BATCH_MS * 2.5) {
          want.push(`${b} end ${e.sum}`);
          open.delete(b);
          endings++;
        }
      }
      expect(sessions.get(t)!.get(partName(j))!.slice().sort(), `sessions-${t}/${partName(j)}`).toEqual(want.sort());
      expect(snaps.get(t)!.get(partName(j))!.slice().sort(), `snaps-${t}/${partName(j)}`).toEqual([...open].map(([b, e]) => `${b} ${e.sum}`).sort());
    }
  }
  expect(seen.sort((a, b) => a - b), 'every record in a session once').toEqual(s.produced);
  expect(endings, 'sessions that timed out (the rounds are several batches apart)').toBeGreaterThan(0);
}

/**
 * <name>-<t>/part-<j> against the window of the last 3 batch times, (t - 3 batches, t], worked
 * out from the source batches: each bucket of partition j with records in it, and their sum.
 */
function expectWindows(s: Scenario, batches: Map<number, number[]>, name: string): void {
  const f = folders(s, name);
  const placed = new HashPartitioner(2);
  for (let j = 0; j < 2; j++) {
    for (const t of partitionTimes(f, j, name)) {
      const sums = new Map<number, number>();
      for (const [u, ids] of batches) {
        if (u <= t - 3 * BATCH_MS || u > t) continue;
        for (const id of ids) if (placed.getPartition(bucketOf(id)) === j) sums.set(bucketOf(id), (sums.get(bucketOf(id)) ?? 0) + weight(id));
      }
      expect(f.get(t)!.get(partName(j))!.slice().sort(), `${name}-${t}/${partName(j)}`).toEqual([...sums].map(([b, n]) => `${b} ${n}`).sort());
    }
  }
}

/** The state committed in Redis with the totals' repartition partitions (snapshot plus deltas, as a new owner restores it). */
async function committedTotals(s: Scenario): Promise<Map<number, [number, number]>> {
  const state = new Map<number, [number, number]>();
  const source = new RedisLogSource(server.url);
  await source.open();
  try {
    for (let j = 0; j < 2; j++) {
      for (const [k, v] of await source.ownership(s.args.group).loadState({ topic: `${s.args.group}-totals-repartition`, partition: j }, 'totals')) {
        state.set(JSON.parse(k) as number, JSON.parse(v) as [number, number]);
      }
    }
  } finally {
    await source.close();
  }
  return state;
}

/** Batch for batch checks, the final state in Redis equal to its committed batch's folders, the sums equal to the input's. */
async function expectCorrect(s: Scenario): Promise<Map<number, [number, number]>> {
  // The sessions' repartition log (the mapWithState's own stream names it): each partition's last committed batch.
  const sessionsLog = s.stages.map(([log]) => log).filter((log) => /MapWithState/i.test(log));
  expect(sessionsLog, `the sessions' log among ${s.stages.map(([log]) => log).join(', ')}`).toHaveLength(1);
  const sessionCommits: number[] = [];
  for (let j = 0; j < 3; j++) {
    const c = await commitOf(s, sessionsLog[0]!, j);
    expect(c, `sessions partition ${j} committed`).toBeDefined();
    sessionCommits.push(c!.batch);
  }
  expectBatchForBatch(s, sessionCommits);
  await expectSlowWindows(s, 'iwin2');
  await expectSlowWindows(s, 'win2');
  const committed = await committedTotals(s);
  // The state in Redis is the one of each partition's committed batch, as its folder says. (A later
  // folder may exist: a batch whose outputs ran but which a graceful stop failed before its commit,
  // its reduce side waiting on a partition still catching up; its next owner runs it again, the same.)
  const totals = folders(s, 'totals');
  const atCommit = new Map<number, [number, number]>();
  for (let j = 0; j < 2; j++) {
    const c = await commitOf(s, `${s.args.group}-totals-repartition`, j);
    expect(c, `totals partition ${j} committed`).toBeDefined();
    for (const line of totals.get(c!.batch)?.get(partName(j)) ?? []) {
      const [bucket, sum, calls] = line.split(' ').map(Number) as [number, number, number];
      atCommit.set(bucket, [sum, calls]);
    }
  }
  expect([...committed].sort((a, b) => a[0] - b[0])).toEqual([...atCommit].sort((a, b) => a[0] - b[0]));
  expect([...committed].map(([k, [sum]]) => [k, sum]).sort((a, b) => a[0]! - b[0]!)).toEqual(expectedSums(s));
  return committed;
}

/** The union of a scenario's records per output (re-keyed events, the whole batches), for comparing runs. */
function unionOf(s: Scenario): { events: string[]; whole: number[]; count: number; sessions: string[] } {
  const events: string[] = [];
  for (const parts of folders(s, 'events').values()) for (const lines of parts.values()) for (const l of lines) for (const id of l.split(':')[1]!.split(',')) events.push(`${l.split(':')[0]} ${id}`);
  const whole: number[] = [];
  for (const parts of folders(s, 'whole').values()) for (const l of parts.get('part-00000') ?? []) whole.push(Number(l));
  let count = 0;
  for (const parts of folders(s, 'count').values()) for (const l of parts.get('part-00000') ?? []) count += Number(l);
  const sessions: string[] = [];
  for (const parts of folders(s, 'sessions').values()) for (const lines of parts.values()) for (const l of lines) if (!l.includes(' end ')) sessions.push(l);
  return { events: events.sort(), whole: whole.sort((a, b) => a - b), count, sessions: sessions.sort() };
}

let single: { union: ReturnType<typeof unionOf>; sums: [number, number][] } | undefined;

/** Runs the reference: one instance over `rounds` rounds of 60 records, on its own topic. */
async function singleRun(rounds: number): Promise<NonNullable<typeof single>> {
  if (single !== undefined) return single;
  const s = scenario('single');
  await newTopic(s);
  const a = start(s, 'a');
  for (let i = 0; i < rounds; i++) {
    await produce(s, 60);
    await until(`the single instance to commit round ${i + 1}`, () => allCommitted(s));
  }
  await stopAll(s, [a]);
  const committed = await expectCorrect(s);
  single = { union: unionOf(s), sums: [...committed].map(([k, [sum]]) => [k, sum] as [number, number]).sort((x, y) => x[0] - y[0]) };
  return single;
}

/** The union of outputs and the final sums equal the single instance's. */
async function expectLikeSingle(s: Scenario, committed: Map<number, [number, number]>): Promise<void> {
  const ref = await singleRun(s.produced.length / 60);
  expect(unionOf(s)).toEqual(ref.union);
  expect([...committed].map(([k, [sum]]) => [k, sum] as [number, number]).sort((x, y) => x[0] - y[0])).toEqual(ref.sums);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-group-rekey-kill-'));
  server = await startRedisServer();
  redis = createClient(redisClientOptions(server.url) as Parameters<typeof createClient>[0]);
  await redis.connect();
  producer = new RedisStreamsProducer({ url: server.url });
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.allSettled(children.map((c) => c.done));
  await producer?.close().catch(() => undefined);
  await redis?.quit().catch(() => undefined);
  await server?.dispose();
  if (root !== undefined) removeInBackground(root);
}, 60_000);

/**
 * Seeds the topic, starts a first instance alone (instances started together can put another's
 * earlier first batch into a partition's first one, see docs/log-sources.md), then two more, and
 * waits until one of them owns the one-partition stage and partitions of every other log: the
 * victim. The first member in id order gets a share of every log, the whole batch included.
 */
async function threeInstancesAndVictim(s: Scenario): Promise<{ all: RunningChild[]; victim: RunningChild }> {
  await newTopic(s);
  await produce(s, 60);
  const a = start(s, 'a');
  await until('the first instance to commit the first round', () => allCommitted(s));
  const b = start(s, 'b');
  const c = start(s, 'c');
  await until('the three instances to own source partitions', async () => {
    const o = await owners(s, s.args.topic, PARTITIONS);
    const ms = [a, b, c].map(memberOf);
    return ms.every((m) => m !== undefined && o.includes(m)) && o.every((x) => x !== null);
  });
  await until('the first round to be committed', () => allCommitted(s));
  let victim: RunningChild | undefined;
  await until('one instance to own the one-partition stage and partitions of every other log', async () => {
    const [whole] = await owners(s, `${s.args.group}-whole-batch`, 1);
    victim = [a, b, c].find((x) => memberOf(x) === whole);
    if (victim === undefined) return false;
    const m = memberOf(victim)!;
    for (const [log, n] of [[s.args.topic, PARTITIONS] as [string, number], ...s.stages]) if (!(await owners(s, log, n)).includes(m)) return false;
    return true;
  });
  return { all: [a, b, c], victim: victim! };
}

describe('a re-keyed graph on 3 instances under leases, one SIGKILLed mid-batch, another started later', () => {
  it('takes the killed one\'s source, repartition and one-partition-stage partitions over and equals a single run batch for batch', async () => {
    const s = scenario('rekill');
    const { all: [a, b, c], victim } = await threeInstancesAndVictim(s);
    const seen = outputsOf(victim);
    await produce(s, 60);
    await until('the victim to start the slow output of a batch', () => outputsOf(victim) > seen);
    victim.child.kill('SIGKILL');
    expect((await victim.done).signal).toBe('SIGKILL');
    const survivors = [a, b, c].filter((x) => x !== victim);
    const gone = memberOf(victim);
    await produce(s, 60);
    await until('the survivors to take every partition over and commit everything', async () => {
      if (!(await allCommitted(s))) return false;
      const o = await allOwners(s);
      return o.every((x) => x !== null && x !== gone);
    });
    const d = start(s, 'd');
    await until('the late instance to get its share of the source', async () => (await owners(s, s.args.topic, PARTITIONS)).some((o) => o !== null && o === memberOf(d)));
    await produce(s, 60);
    await until('the last round to be committed', () => allCommitted(s));
    await stopAll(s, [...survivors, d]);

    const committed = await expectCorrect(s);
    await expectLikeSingle(s, committed);
    const stderr = (await Promise.all([...survivors, d].map((x) => x.done))).map((r) => r.stderr).join('\n');
    // The killed instance's recorded batches were re-run by their new owners, on the source and on the stages.
    expect(stderr).toMatch(new RegExp(`took partition ${s.args.topic}-\\d .*re-runs \\d+ recorded uncommitted batch`));
    expect(stderr).toMatch(/took partition rekill-app-whole-batch-0 .*re-runs \d+ recorded uncommitted batch/);
    // ... in catch-up batches before a batch, with the batch times the partitions missed meanwhile (each at its own time, checked above).
    expect(stderr).toMatch(/catch-up batches before batch \d+/);
  }, 420_000);
});

describe('a re-keyed graph on 3 instances under leases, one paused with SIGSTOP until its leases expired', () => {
  it('fences the paused one on every log when it resumes: its late commits are refused, it writes nothing wrong, outputs equal a single run', async () => {
    const s = scenario('repause');
    const { all: [a, b, c], victim } = await threeInstancesAndVictim(s);
    const m = memberOf(victim)!;
    const seen = outputsOf(victim);
    await produce(s, 60);
    await until('the victim to start the slow output of a batch', () => outputsOf(victim) > seen);
    // Paused with two more batches planned behind the slow one: when it resumes they run after its leases are gone.
    const slow = Number(/output (\d+)/.exec(victim.output().split('\n').filter((l) => l.startsWith('output ')).at(-1)!)![1]);
    await until('the victim to plan two batches after the slow one', () => [...victim.output().matchAll(/submitted (\d+)/g)].filter((x) => Number(x[1]) > slow).length >= 2);
    victim.child.kill('SIGSTOP');
    await produce(s, 60);
    await until('the others to take every lease of the paused one over and commit everything', async () => (await allCommitted(s)) && !(await allOwners(s)).includes(m));
    victim.child.kill('SIGCONT');
    // Its late commits are refused on the source and on the one-partition stage (the batch it was in when paused).
    await until('the resumed one to report its late commits refused', () => {
      const err = victim.errors();
      return new RegExp(`${s.args.topic}-\\d: its late commit of batch \\d+ ms .* was refused: FENCED`).test(err) && /repause-app-whole-batch-0: its late commit of batch \d+ ms .* was refused: FENCED/.test(err);
    });
    await produce(s, 60);
    await until('the last round to be committed', () => allCommitted(s));
    await stopAll(s, [a, b, c]);

    const committed = await expectCorrect(s);
    await expectLikeSingle(s, committed);
  }, 420_000);
});

describe('a re-keyed graph on 2 instances started at the same moment under leases', () => {
  it('gives every repartition partition the single run\'s batches: no instance\'s first batch folded into another\'s', async () => {
    const s = scenario('together');
    await newTopic(s);
    await produce(s, 60);
    // Both at once: each one's first batch may come a batch before the other's, whose repartition
    // partitions must then start with it (recorded, its markers maybe not written yet), not fold it in.
    const a = start(s, 'a');
    const b = start(s, 'b');
    await until('the two instances to own source partitions and commit the first round', async () => {
      const o = await owners(s, s.args.topic, PARTITIONS);
      return [a, b].every((x) => memberOf(x) !== undefined && o.includes(memberOf(x)!)) && (await allCommitted(s));
    });
    // Four rounds in all, as the single run the union is compared with.
    for (let round = 2; round <= 4; round++) {
      await produce(s, 60);
      await until(`round ${round} to be committed`, () => allCommitted(s));
    }
    await stopAll(s, [a, b]);

    const committed = await expectCorrect(s);
    await expectLikeSingle(s, committed);
  }, 420_000);
});
