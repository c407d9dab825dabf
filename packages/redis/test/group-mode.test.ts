// Group mode on a real Redis (issue 15, items 1-3, 5, 6): several instances of one application
// (child processes, support/lease-group-pipeline.ts) share a 4-partition topic. Whatever happens to
// the instances (one SIGKILLed mid-batch, one started later, one paused with SIGSTOP until its
// leases expired), the union of their batch folders holds every record exactly once and the
// final state equals the sums worked out here from the input, as does a single instance's run.
// The single-instance and kill scenarios also run mapWithState and an inverse window: every
// record's running count once, every window file equal to the sums of its partition's events
// inside the window, and the committed states (restored from snapshot plus deltas) equal to those.
// Every wait is on a condition (the group's records in Redis, the children's output), with
// generous timeouts: no timing assertion.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HashPartitioner } from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { startChild, type RunningChild } from '../../dstream/test/support/child-process.ts';
import { groupKeys, RedisLogSource, RedisStreamsAdmin, RedisStreamsProducer } from '../src/index.ts';
import { redisSuite } from './support/group-test-kit.ts';
import type { GroupPipelineArgs } from './support/lease-group-pipeline.ts';

const SCRIPT = 'packages/redis/test/support/lease-group-pipeline.ts';
const PARTITIONS = 4;
const KEYS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi', 'lemon', 'mango', 'nut', 'olive'];
const LONG = 120_000;

const suite = redisSuite('kindling-group-');

interface Scenario {
  readonly args: Omit<GroupPipelineArgs, 'stopFile'> & { stopFile: string };
  produced: { key: string; id: number }[];
  readonly producer: RedisStreamsProducer;
  /** The sends, one after the other (the topic gets the records in `produced` order). */
  sending: Promise<void>;
}

/** A scenario; `stateful`: the instances also run mapWithState and an inverse window of 15 batches. */
function scenario(name: string, stateful = false): Scenario {
  const base = join(suite.root, name);
  return {
    args: {
      url: suite.server.url, topic: name, group: `${name}-app`, outDir: join(base, 'out'), checkpointDir: join(base, 'cp'),
      batchMs: 400, leaseMs: 2500, partitions: PARTITIONS, slowMs: 1500, stopFile: join(base, 'stop'),
      ...(stateful ? { windowMs: 6000 } : {}),
    },
    produced: [],
    producer: new RedisStreamsProducer({ url: suite.server.url }),
    sending: Promise.resolve(),
  };
}

function start(s: Scenario, label: string): RunningChild {
  const c = startChild(SCRIPT, { ...s.args, checkpointDir: `${s.args.checkpointDir}-${label}` }, 240_000);
  suite.children.push(c);
  return c;
}

/** Produces `n` more keyed records (record id = running number), keyed round the KEYS. */
async function produce(s: Scenario, n: number): Promise<void> {
  const batch: { key: string; value: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = s.produced.length;
    const key = KEYS[(id * 7 + Math.floor(id / 5)) % KEYS.length]!;
    s.produced.push({ key, id });
    batch.push({ key, value: String(id) });
  }
  s.sending = s.sending.then(async () => { await s.producer.send(s.args.topic, batch); });
  await s.sending;
}

/** Produces 3 records every 250 ms until the returned function is called (and awaited). */
function trickle(s: Scenario): () => Promise<void> {
  let on = true;
  const loop = (async () => {
    while (on) {
      await produce(s, 3);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return async () => {
    on = false;
    await loop;
  };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = LONG): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) {
      // What the instances said, to diagnose the failure.
      for (const c of suite.children) process.stderr.write(`instance output:\n${c.output()}\n${c.errors()}\n`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function partitionKey(s: Scenario, p: number): ReturnType<ReturnType<typeof groupKeys>['partition']> {
  return groupKeys(s.args.group).partition({ topic: s.args.topic, partition: p });
}

/** The committed next offset of every partition (-1: none). */
async function committedNext(s: Scenario): Promise<number[]> {
  const out: number[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const v = await suite.redis.hGet(partitionKey(s, p).commit, 'next');
    out.push(v === null || v === undefined ? -1 : Number(v));
  }
  return out;
}

/** Every produced record is committed (the sum of the committed offsets reached the topic's end). */
async function allCommitted(s: Scenario): Promise<boolean> {
  const next = await committedNext(s);
  return next.every((n) => n >= 0) && next.reduce((a, b) => a + b, 0) === s.produced.length;
}

async function leaseOwners(s: Scenario): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let p = 0; p < PARTITIONS; p++) out.push(await suite.redis.get(partitionKey(s, p).lease));
  return out;
}

function memberOf(c: RunningChild): string | undefined { return /started (\S+)/.exec(c.output())?.[1]; }

async function stopAll(s: Scenario, running: RunningChild[]): Promise<void> {
  writeFileSync(s.args.stopFile, '');
  for (const c of running) {
    const r = await c.done;
    expect(r.stdout, r.stderr).toContain('done');
  }
}

/** Each line of every `<name>-<t>` folder's part files (with the folder's time), and which folders have `_SUCCESS`. */
function readFolders(outDir: string, name: string): { lines: string[]; parts: Map<number, Map<number, string>>; complete: Set<number> } {
  const lines: string[] = [];
  const parts = new Map<number, Map<number, string>>();
  const complete = new Set<number>();
  if (!existsSync(outDir)) return { lines, parts, complete };
  for (const folder of readdirSync(outDir)) {
    const m = new RegExp(`^${name}-(\\d+)$`).exec(folder);
    if (m === null) continue;
    const t = Number(m[1]);
    const byPart = new Map<number, string>();
    for (const f of readdirSync(join(outDir, folder))) {
      if (f === '_SUCCESS') complete.add(t);
      const pm = /^part-(\d+)$/.exec(f);
      if (pm === null) continue;
      const text = readFileSync(join(outDir, folder, f), 'utf8');
      byPart.set(Number(pm[1]), text);
      for (const line of text.split('\n')) if (line !== '') lines.push(line);
    }
    parts.set(t, byPart);
  }
  return { lines, parts, complete };
}

/** The final totals: per partition, its part file in the latest folder that has one. */
function finalTotals(outDir: string): Map<string, number> {
  const { parts } = readFolders(outDir, 'totals');
  const times = [...parts.keys()].sort((a, b) => b - a);
  const out = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    const t = times.find((x) => parts.get(x)!.has(p));
    if (t === undefined) continue;
    for (const line of parts.get(t)!.get(p)!.split('\n')) {
      const m = /^\((.+),(\d+)\)$/.exec(line);
      if (m !== null) out.set(m[1]!, Number(m[2]));
    }
  }
  return out;
}

function expectedTotals(s: Scenario): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of s.produced) m.set(r.key, (m.get(r.key) ?? 0) + (r.id % 10) + 1);
  return m;
}

function sorted(m: Map<string, number>): [string, number][] { return [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)); }

/** Every record exactly once in the events folders; final totals (folders and Redis) equal the sums of the input. */
async function expectExactlyOnce(s: Scenario): Promise<void> {
  const events = readFolders(s.args.outDir, 'events');
  const want = s.produced.map((r) => `${r.key} ${r.id}`).sort();
  if (events.lines.length !== want.length) {
    // Where each duplicated record was written, to diagnose the failure.
    const where = new Map<string, string[]>();
    for (const [t, parts] of events.parts) for (const [p, text] of parts) for (const l of text.split('\n')) if (l !== '') where.set(l, [...(where.get(l) ?? []), `${t}/${p}`]);
    for (const [l, w] of where) if (w.length > 1) process.stderr.write(`DUP ${l} in ${w.join(' ')}\n`);
    for (const c of suite.children) process.stderr.write(`instance output:\n${c.output()}\n${c.errors()}\n`);
  }
  expect(events.lines.slice().sort()).toEqual(want);
  expect(sorted(finalTotals(s.args.outDir))).toEqual(sorted(expectedTotals(s)));
  // The state committed in Redis (snapshot plus deltas), per partition, is the same.
  const hp = new HashPartitioner(PARTITIONS);
  const fromRedis = new Map<string, number>();
  const committed = await committedState(s);
  for (const [p, streams] of committed) {
    // Each stateful stream at most once (a state that emptied, as a window does once the input stops, leaves no keys).
    const kinds = [...streams.keys()].map((n) => n.replace(/#.*$/, ''));
    const allowed = s.args.windowMs === undefined ? ['updateStateByKey'] : ['internalMapWithState', 'reduceByKeyAndWindow', 'updateStateByKey'];
    expect(kinds.filter((k) => allowed.includes(k)).sort(), 'the stateful streams').toEqual([...new Set(kinds)].sort());
    for (const [name, rows] of streams) {
      for (const [key] of rows) expect(hp.getPartition(key), `${key} of ${name} is kept with its log partition`).toBe(p);
      if (name.startsWith('updateStateByKey')) for (const [key, v] of rows) fromRedis.set(key, v as number);
    }
  }
  expect(sorted(fromRedis)).toEqual(sorted(expectedTotals(s)));
  // Folders every partition committed have _SUCCESS (written by whoever committed last).
  const progress = Object.values(await suite.redis.hGetAll(groupKeys(s.args.group).progress)).map(Number);
  expect(progress).toHaveLength(PARTITIONS);
  const completeUpTo = Math.min(...progress);
  for (const name of s.args.windowMs === undefined ? ['events', 'totals'] : ['events', 'totals', 'sessions', 'windows']) {
    const f = readFolders(s.args.outDir, name);
    for (const t of f.parts.keys()) if (t <= completeUpTo) expect(f.complete.has(t), `${name}-${t} has _SUCCESS`).toBe(true);
  }
}

/** Partition -> stateful stream name -> the committed state (snapshot plus deltas), keys and states parsed. */
async function committedState(s: Scenario): Promise<Map<number, Map<string, [string, unknown][]>>> {
  const out = new Map<number, Map<string, [string, unknown][]>>();
  const source = new RedisLogSource(suite.server.url);
  await source.open();
  try {
    const store = source.ownership(s.args.group);
    const all = await suite.redis.keys('kindling:group:*');
    for (let p = 0; p < PARTITIONS; p++) {
      const streams = new Map<string, [string, unknown][]>();
      const names = new Set<string>();
      for (const pre of [partitionKey(s, p).state(''), partitionKey(s, p).deltas('')]) for (const k of all) if (k.startsWith(pre)) names.add(k.slice(pre.length));
      for (const name of names) {
        const rows = await store.loadState({ topic: s.args.topic, partition: p }, name);
        streams.set(name, rows.map(([k, v]) => [JSON.parse(k) as string, JSON.parse(v) as unknown]));
      }
      out.set(p, streams);
    }
  } finally {
    await source.close();
  }
  return out;
}

/**
 * mapWithState and the inverse window (stateful scenarios), against answers worked out here:
 * every record's sessions line once, with the key's running count in the input's order; each
 * window file equal to the sums of the events folders of its partition inside the window; the
 * committed mapWithState state (count and last update time) and window state equal to those.
 */
async function expectStateKinds(s: Scenario): Promise<void> {
  const windowMs = s.args.windowMs!;
  const running = new Map<string, number>();
  const want = s.produced.map((r) => {
    const n = (running.get(r.key) ?? 0) + 1;
    running.set(r.key, n);
    return `${r.key} ${r.id} ${n}`;
  }).sort();
  const sessions = readFolders(s.args.outDir, 'sessions');
  expect(sessions.lines.slice().sort()).toEqual(want);
  // The batch time each record's sessions line was written at (its key's last update time, for the last one).
  const lastUpdate = new Map<string, number>();
  for (const [t, parts] of sessions.parts) {
    for (const text of parts.values()) {
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const [key, , n] = line.split(' ');
        if (Number(n) === running.get(key!)) lastUpdate.set(key!, t);
      }
    }
  }
  // Per partition and batch time, each key's sum of values in the events folder.
  const events = readFolders(s.args.outDir, 'events');
  const sums = (p: number, upTo: number): string[] => {
    const m = new Map<string, number>();
    for (const [t, parts] of events.parts) {
      if (t <= upTo - windowMs || t > upTo) continue;
      for (const line of (parts.get(p) ?? '').split('\n')) {
        if (line === '') continue;
        const [key, id] = line.split(' ');
        m.set(key!, (m.get(key!) ?? 0) + (Number(id) % 10) + 1);
      }
    }
    return [...m].filter((kv) => kv[1] !== 0).map(([k, v]) => `(${k},${v})`).sort();
  };
  const windows = readFolders(s.args.outDir, 'windows');
  let checked = 0;
  for (const [t, parts] of windows.parts) {
    for (const [p, text] of parts) {
      expect(text.split('\n').filter((l) => l !== '').sort(), `windows-${t}/part-${p}`).toEqual(sums(p, t));
      if (text !== '') checked++;
    }
  }
  expect(checked, 'non-empty windows checked').toBeGreaterThan(4);
  // The committed states.
  const committed = await committedState(s);
  const counts = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    const streams = committed.get(p)!;
    const lastBatch = Number(await suite.redis.hGet(partitionKey(s, p).commit, 'batch'));
    for (const [name, rows] of streams) {
      if (name.startsWith('internalMapWithState')) {
        for (const [key, v] of rows) {
          const [count, updated] = v as [number, number];
          counts.set(key, count);
          expect(updated, `${key}'s update time is the batch of its last record`).toBe(lastUpdate.get(key));
        }
      } else if (name.startsWith('reduceByKeyAndWindow')) {
        const present = rows.filter(([, e]) => (e as [boolean])[0]).map(([k, e]) => `(${k},${(e as [boolean, number])[1]})`).sort();
        expect(present, `the window state of partition ${p} at its last batch ${lastBatch}`).toEqual(sums(p, lastBatch));
      }
    }
  }
  expect(sorted(counts)).toEqual(sorted(running));
}

async function newTopic(s: Scenario): Promise<void> {
  const admin = new RedisStreamsAdmin({ url: suite.server.url });
  await admin.createTopic(s.args.topic, PARTITIONS);
  await admin.close();
}

describe('one instance in group mode (the reference)', () => {
  it('owns every partition and processes every record once, state equal to the sums', async () => {
    const s = scenario('single', true);
    await newTopic(s);
    await produce(s, 120);
    const a = start(s, 'a');
    await until('the single instance to commit everything', () => allCommitted(s));
    await produce(s, 80);
    await until('the single instance to commit the second round', () => allCommitted(s));
    expect(new Set(await leaseOwners(s))).toEqual(new Set([memberOf(a)]));
    await stopAll(s, [a]);
    await expectExactlyOnce(s);
    await expectStateKinds(s);
    await s.producer.close();
  }, 240_000);
});

describe('2 instances, one SIGKILLed mid-batch, a third started later', () => {
  it('share the partitions, take the killed one\'s over, and write every record exactly once', async () => {
    const s = scenario('kill', true);
    await newTopic(s);
    await produce(s, 60);
    const a = start(s, 'a');
    const b = start(s, 'b');
    await until('both instances to own partitions', async () => {
      const owners = await leaseOwners(s);
      const ma = memberOf(a);
      const mb = memberOf(b);
      return ma !== undefined && mb !== undefined && owners.filter((o) => o === ma).length === 2 && owners.filter((o) => o === mb).length === 2;
    });
    await until('the first round to be committed', () => allCommitted(s));
    const seen = (a.output().match(/output \d+/g) ?? []).length;
    // Records keep coming until B has taken A's partitions: their windows then hold batches A read.
    const stopTrickle = trickle(s);
    await produce(s, 60);
    // A is in the middle of a non-empty batch: its records are read, nothing of it committed.
    await until('A to start the slow output of a batch', () => (a.output().match(/output \d+/g) ?? []).length > seen);
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');
    await until('B to take every partition over', async () => (await leaseOwners(s)).every((o) => o === memberOf(b)));
    await stopTrickle();
    await produce(s, 60);
    await until('B to commit everything', async () => (await allCommitted(s)) && (await leaseOwners(s)).every((o) => o === memberOf(b)));
    const c = start(s, 'c');
    await until('C to get its share', async () => (await leaseOwners(s)).filter((o) => o !== null && o === memberOf(c)).length === 2);
    await produce(s, 60);
    await until('the last round to be committed', () => allCommitted(s));
    await stopAll(s, [b, c]);
    expect((await b.done).stderr + (await c.done).stderr).toMatch(/took partition kill-\d .*re-runs [1-9]\d* recorded uncommitted batch/);
    await expectExactlyOnce(s);
    await expectStateKinds(s);
    // The window's state moved with a partition while it still held batches A had read (B subtracted them when they left).
    expect((await b.done).stderr).toMatch(/took partition kill-\d .*state restored: .*reduceByKeyAndWindow#\d+ [1-9]\d* keys/);
    await s.producer.close();
  }, 300_000);
});

describe('3 instances, one paused with SIGSTOP until its leases expired', () => {
  it('fences the paused one when it resumes: its late commit is refused, it drops the partitions, nothing is duplicated', async () => {
    const s = scenario('pause');
    await newTopic(s);
    await produce(s, 60);
    const a = start(s, 'a');
    const b = start(s, 'b');
    const c = start(s, 'c');
    await until('the three instances to share the 4 partitions', async () => {
      const owners = await leaseOwners(s);
      const ms = [a, b, c].map(memberOf);
      return ms.every((m) => m !== undefined && owners.includes(m)) && owners.every((o) => o !== null);
    });
    await until('the first round to be committed', () => allCommitted(s));
    const seen = (a.output().match(/output \d+/g) ?? []).length;
    await produce(s, 90);
    await until('A to start the slow output of a batch', () => (a.output().match(/output \d+/g) ?? []).length > seen);
    a.child.kill('SIGSTOP');
    const ma = memberOf(a)!;
    await until('B and C to take A\'s partitions over and commit everything', async () => (await allCommitted(s)) && !(await leaseOwners(s)).includes(ma));
    a.child.kill('SIGCONT');
    await until('A to report its late commit refused', () => /late commit of batch \d+ ms .* was refused: FENCED/.test(a.errors()));
    await produce(s, 60);
    await until('the last round to be committed', () => allCommitted(s));
    await stopAll(s, [a, b, c]);
    await expectExactlyOnce(s);
    await s.producer.close();
  }, 300_000);
});
