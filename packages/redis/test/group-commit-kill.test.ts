// An instance SIGKILLed at each step of a batch's commit (child processes,
// support/commit-step-pipeline.ts: a co-partitioned graph with an events output and running
// totals, on a 2-partition topic of a real Redis): after every output was written and before the
// commit, after one partition's state and offsets were committed and not the other's, after the
// commit that completed the batch and before its folders' `_SUCCESS`, and after `_SUCCESS`.
// Then the next start: an instance killed at its own first commit (so that nothing of it reaches
// the store), which must have marked every batch the group completed, and one that runs on, takes
// a second round and stops gracefully. Checked against the records sent: every record's event
// exactly once in the folders, every folder of a batch the group completed with `_SUCCESS` (after
// the next start's first batch, and every folder at the end), the totals in the last folder and in
// Redis equal to the sums sent. Before, a kill between the completing commit and `_SUCCESS` left
// the folder unmarked until a later commit, which never comes when the whole group stopped.
// Every wait is on a condition: no timing assertion.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type RunningChild } from '../../dstream/test/support/child-process.ts';
import { groupKeys, RedisLogSource, type RedisStreamsProducer } from '../src/index.ts';
import type { CommitStepArgs } from './support/commit-step-pipeline.ts';
import { byKey, committedState, KeyedRounds, redisSuite } from './support/group-test-kit.ts';

const SCRIPT = 'packages/redis/test/support/commit-step-pipeline.ts';
const PARTITIONS = 2;
const KEYS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi', 'lemon', 'mango', 'nut', 'olive'];

const suite = redisSuite('kindling-group-commit-kill-');
const producers: RedisStreamsProducer[] = [];

afterAll(async () => {
  for (const p of producers) await p.close().catch(() => undefined);
});

async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 90_000;
  while (!(await cond())) {
    if (Date.now() > end) {
      for (const c of suite.children) process.stderr.write(`instance output:\n${c.output()}\n${c.errors()}\n`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The `<name>-<t>` folders: per time, each part file's lines and whether `_SUCCESS` is there. */
function folders(outDir: string, name: string): Map<number, { parts: Map<string, string[]>; success: boolean }> {
  const out = new Map<number, { parts: Map<string, string[]>; success: boolean }>();
  for (const f of existsSync(outDir) ? readdirSync(outDir) : []) {
    const m = new RegExp(`^${name}-(\\d+)$`).exec(f);
    if (m === null) continue;
    const parts = new Map<string, string[]>();
    let success = false;
    for (const file of readdirSync(join(outDir, f))) {
      if (file === '_SUCCESS') success = true;
      else if (file.startsWith('part-')) parts.set(file, readFileSync(join(outDir, f, file), 'utf8').split('\n').filter((l) => l !== ''));
    }
    out.set(Number(m[1]), { parts, success });
  }
  return out;
}

/** How far the group completed batches, read from the store here: the smallest last committed batch over the partitions (undefined while one has none). */
async function completeUpTo(group: string): Promise<number | undefined> {
  const progress = await suite.redis.hVals(groupKeys(group).progress);
  return progress.length < PARTITIONS ? undefined : Math.min(...progress.map(Number));
}

/** Every folder of both outputs at a time up to `upTo` has `_SUCCESS` (a reader sees it complete). */
function expectMarkedUpTo(outDir: string, upTo: number, when: string): void {
  for (const name of ['events', 'totals']) {
    for (const [t, f] of folders(outDir, name)) if (t <= upTo) expect(f.success, `${name}-${t}/_SUCCESS ${when} (the group completed batches up to ${upTo} ms)`).toBe(true);
  }
}


/** A topic of 2 partitions with its producer, the arguments of its group's instances, and a starter of them. */
async function newGroup(topic: string): Promise<{ base: CommitStepArgs; sent: KeyedRounds; start: (label: string, extra: Partial<CommitStepArgs>) => RunningChild }> {
  const { producer, sent } = await KeyedRounds.onNewTopic(suite.server.url, topic, KEYS, PARTITIONS);
  producers.push(producer);
  const base: CommitStepArgs = { url: suite.server.url, topic, group: `${topic}-app`, outDir: join(suite.root, topic, 'out'), checkpointDir: join(suite.root, topic, 'cp'), batchMs: 400, leaseMs: 1500, partitions: PARTITIONS, stopFile: join(suite.root, topic, 'stop') };
  const start = (label: string, extra: Partial<CommitStepArgs>): RunningChild => {
    const c = startChild(SCRIPT, { ...base, ...extra, checkpointDir: `${base.checkpointDir}-${label}` }, 120_000);
    suite.children.push(c);
    return c;
  };
  return { base, sent, start };
}

/** Whether every record sent is committed: each partition's committed next offset is the count sent to it. */
async function committedAll(base: CommitStepArgs, sent: KeyedRounds): Promise<boolean> {
  for (let p = 0; p < PARTITIONS; p++) if (Number(await suite.redis.hGet(groupKeys(base.group).partition({ topic: base.topic, partition: p }).commit, 'next') ?? -1) !== sent.offsets[p]) return false;
  return true;
}

/** Starts an instance that runs on: round `round` sent, everything committed, a graceful stop of it (the whole group). */
async function runOnAndStop(base: CommitStepArgs, sent: KeyedRounds, start: (label: string, extra: Partial<CommitStepArgs>) => RunningChild, round: number): Promise<void> {
  const c = start('last', {});
  await sent.round(round);
  await until('every record to be committed', () => committedAll(base, sent));
  writeFileSync(base.stopFile, '');
  const rc = await c.done;
  expect(rc.stdout, rc.stderr).toContain('done');
}

/**
 * After the whole group stopped with everything committed: every record's event once (no line
 * twice, per key as many records with the same sum as were sent), every folder with `_SUCCESS`,
 * the totals of the last batch and those committed in Redis equal to the sums sent.
 */
async function expectExactlyOnce(base: CommitStepArgs, sent: KeyedRounds): Promise<void> {
  // Every record's event once: no line twice, and per key as many records with the same sum as were sent.
  const lines: string[] = [];
  for (const f of folders(base.outDir, 'events').values()) for (const l of f.parts.values()) lines.push(...l);
  expect(new Set(lines).size, 'no event twice').toBe(lines.length);
  const counts = new Map<string, number>();
  const sums = new Map<string, number>();
  for (const l of lines) {
    const [key, value] = l.split(' ') as [string, string];
    counts.set(key, (counts.get(key) ?? 0) + 1);
    sums.set(key, (sums.get(key) ?? 0) + Number(value));
  }
  expect(byKey(counts), 'records per key').toEqual(sent.tally());
  expect(byKey(sums), 'sum of the events per key').toEqual(sent.sums());
  // The whole group stopped with everything committed: every folder complete.
  expectMarkedUpTo(base.outDir, Number.POSITIVE_INFINITY, 'after the graceful stop');
  // The totals of the last batch, and the state committed in Redis, equal the sums sent.
  const totals = folders(base.outDir, 'totals');
  const last = totals.get(Math.max(...totals.keys()))!;
  const final = new Map<string, number>();
  for (const l of last.parts.values()) for (const line of l) final.set(line.split(' ')[0]!, Number(line.split(' ')[1]));
  expect(byKey(final), 'the last totals folder').toEqual(sent.sums());
  const source = new RedisLogSource(suite.server.url);
  await source.open();
  try {
    expect(await committedState(source, base.group, base.topic, PARTITIONS, 'totals'), 'the totals committed in Redis').toEqual(sent.sums());
  } finally {
    await source.close();
  }
}

type Step = 'output' | 'partial' | 'complete' | 'success';

const steps: [Step, string][] = [
  ['output', 'after every output of a batch was written, before its commit'],
  ['partial', 'after one partition\'s state and offsets were committed, before the other\'s'],
  ['complete', 'after the commit that completed the batch, before its folders\' _SUCCESS'],
  ['success', 'after the batch\'s folders got _SUCCESS'],
];

describe('a group-mode instance SIGKILLed at a step of a batch\'s commit, then the group started again', () => {
  for (const [step, what] of steps) {
    it(`killed ${what}: every record once, every completed folder with _SUCCESS, totals equal to the sums`, async () => {
      const { base, sent, start } = await newGroup(`step-${step}`);
      const group = base.group;
      // Round 1 is in the log before the first instance starts: its first batch with partitions reads both partitions' records.
      await sent.round(1);
      const a = start('a', step === 'success' ? {} : { killAt: step });
      if (step === 'success') {
        await until('a batch with records to have _SUCCESS in both outputs', () => {
          const events = folders(base.outDir, 'events');
          const totals = folders(base.outDir, 'totals');
          return [...events].some(([t, f]) => f.success && [...f.parts.values()].some((l) => l.length > 0) && totals.get(t)?.success === true);
        });
        a.child.kill('SIGKILL');
      }
      const ra = await a.done;
      expect(ra.signal, ra.stderr).toBe('SIGKILL');
      if (step === 'complete') {
        // The case the repair is for: the store counts the batch done, its folders lack _SUCCESS.
        const t = Number(/killed complete \d+ (\d+)/.exec(ra.stdout)![1]);
        expect(await completeUpTo(group)).toBeGreaterThanOrEqual(t);
        expect(folders(base.outDir, 'events').get(t)?.success, `events-${t}/_SUCCESS right after the kill`).toBe(false);
      } else if (step !== 'success') {
        expect(ra.stdout).toMatch(new RegExp(`killed ${step} \\d+ \\d+`));
      }

      // The next start, killed at its first commit (nothing of it reaches the store): its outputs' first batch marked what the group completed.
      const b = start('b', { killAt: 'output', killOnEmpty: true });
      const rb = await b.done;
      expect(rb.signal, rb.stderr).toBe('SIGKILL');
      const done = await completeUpTo(group);
      if (done !== undefined) expectMarkedUpTo(base.outDir, done, 'after the next start\'s first batch');

      await runOnAndStop(base, sent, start, 2);
      await expectExactlyOnce(base, sent);
    }, 240_000);
  }
});

describe('two group-mode instances SIGKILLed at once, then the group started again', () => {
  it('the next instance takes every partition over: every record once, every folder with _SUCCESS, totals equal to the sums', async () => {
    const { base, sent, start } = await newGroup('both');
    await sent.round(1);
    const a = start('a', {});
    const b = start('b', {});
    const memberOf = (c: RunningChild): string | undefined => /started (\S+)/.exec(c.output())?.[1];
    await until('both instances to own a partition and the first round to be committed', async () => {
      const owners: (string | null)[] = [];
      for (let p = 0; p < PARTITIONS; p++) owners.push(await suite.redis.get(groupKeys(base.group).partition({ topic: base.topic, partition: p }).lease));
      return [a, b].every((c) => memberOf(c) !== undefined && owners.includes(memberOf(c)!)) && (await committedAll(base, sent));
    });
    // Killed together, the second round sent just before (read, committed or neither yet).
    await sent.round(2);
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    for (const c of [a, b]) expect((await c.done).signal).toBe('SIGKILL');
    await runOnAndStop(base, sent, start, 3);
    await expectExactlyOnce(base, sent);
  }, 240_000);
});
