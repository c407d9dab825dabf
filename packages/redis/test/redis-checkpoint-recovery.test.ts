// Exactly once on Redis Streams, end to end: the SIGKILL harness of packages/dstream/test run
// on a direct stream. A pipeline reading a 3-partition topic (updateStateByKey and an inverse
// window -> saveAsTextFiles) is killed with SIGKILL and restarted with getOrCreate; every
// unfinished batch must run again on exactly its recorded offset ranges, so its folders equal
// those of an uninterrupted run, which equal the answers worked out here from the input.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild, seededRandom, startChild } from '../../dstream/test/support/child-process.ts';
import { formatCounts, readOutputFolders } from '../../dstream/test/support/output-folders.ts';
import { RedisStreamsAdmin } from '../src/index.ts';
import { batchLines } from './support/recovery-feed.ts';
import type { KillPhase, RedisPipelineArgs } from './support/redis-recovery-pipeline.ts';
import { startRedisServer, type RedisServer } from './support/redis-server.ts';

const SCRIPT = 'packages/redis/test/support/redis-recovery-pipeline.ts';
const BATCHES = 16;

let root: string;
let server: RedisServer;
let reference: Map<string, string>;

function countWords(batches: number[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of batches) for (const line of batchLines(k)) for (const w of line.split(' ')) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

function argsFor(name: string): RedisPipelineArgs {
  const base = join(root, name);
  return { url: server.url, topic: name, checkpointDir: join(base, 'checkpoint'), outDir: join(base, 'out'), batches: BATCHES };
}

async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every record of the topic was produced exactly once (the feeder never duplicates). */
async function expectTopicComplete(topic: string): Promise<void> {
  const admin = new RedisStreamsAdmin({ url: server.url });
  try {
    const d = await admin.describeTopic(topic);
    expect(d.partitions.reduce((n, p) => n + p.endOffset, 0)).toBe(BATCHES * 12);
    // The group's committed offsets reached the end: every batch completed and committed.
    expect(d.groups).toEqual([{ groupId: 'recovery', offsets: d.partitions.map((p) => p.endOffset), lag: 0 }]);
  } finally {
    await admin.close();
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-redis-recovery-'));
  server = await startRedisServer();
  const run = await runChild(SCRIPT, argsFor('reference'));
  expect(run.stdout, run.stderr).toContain('done');
  reference = readOutputFolders(argsFor('reference').outDir);
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('an uninterrupted run on Redis Streams (the reference)', () => {
  it('writes the running totals of every batch and the 4 s window every 2 s', async () => {
    for (let k = 1; k <= BATCHES; k++) {
      expect(reference.get(`totals-${k * 1000}`), `totals at batch ${k}`).toBe(formatCounts(countWords(Array.from({ length: k }, (_, i) => i + 1))));
    }
    for (let t = 2; t <= BATCHES; t += 2) {
      expect(reference.get(`window-${t * 1000}`), `window at ${t} s`).toBe(formatCounts(countWords([t - 3, t - 2, t - 1, t].filter((k) => k >= 1))));
    }
    await expectTopicComplete('reference');
  });
});

describe('SIGKILL at five seeded batch phases, restarted with getOrCreate each time', () => {
  it('leaves the same output folders, line for line, as the uninterrupted run', async () => {
    const rnd = seededRandom(14);
    const phases: KillPhase[] = ['generated', 'mid-output', 'mid-output-checkpointed', 'completed'];
    const times: number[] = [];
    let t = 1;
    for (let i = 0; i < 5; i++) {
      t += 2 + Math.floor(rnd() * 1.5);
      times.push(t * 1000);
    }
    expect(times.at(-1)!).toBeLessThan(BATCHES * 1000);
    const args = argsFor('crashes');
    const starts: number[] = [];
    const killed: string[] = [];
    for (const time of times) {
      const phase = phases[Math.floor(rnd() * phases.length)]!;
      const run = await runChild(SCRIPT, { ...args, killAt: { time, phase } });
      expect(run.signal, `run killed at ${time} ms (${phase})\n${run.stderr}`).toBe('SIGKILL');
      killed.push(`${time}:${phase}`);
      starts.push(Number(/started at (\d+)/.exec(run.stdout)?.[1] ?? -1));
    }
    const last = await runChild(SCRIPT, args);
    expect(last.stdout, last.stderr).toContain('done');
    expect(starts.slice(1).every((s) => s > 0), `restarts resumed from checkpoints: ${starts.join(', ')}`).toBe(true);
    const outputs = readOutputFolders(args.outDir);
    expect([...outputs.keys()]).toEqual([...reference.keys()]);
    for (const [name, content] of reference) expect(outputs.get(name), `${name} (kills: ${killed.join(', ')})`).toBe(content);
    await expectTopicComplete('crashes');
  }, 180_000);
});

describe('SIGKILL from outside at five seeded random instants', () => {
  it('leaves the same output folders as the uninterrupted run, whatever was being read or written', async () => {
    const rnd = seededRandom(41);
    const args = { ...argsFor('random-instants'), slowMs: 25 };
    let kills = 0;
    for (let i = 0; i < 5; i++) {
      const child = startChild(SCRIPT, args);
      await until(() => /started at \d+/.test(child.output()));
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 150)));
      child.child.kill('SIGKILL');
      const run = await child.done;
      if (run.signal === 'SIGKILL') kills++;
      else expect(run.stdout, run.stderr).toContain('done');
    }
    const last = await runChild(SCRIPT, args);
    expect(last.stdout, last.stderr).toContain('done');
    expect(kills).toBeGreaterThanOrEqual(3);
    const outputs = readOutputFolders(args.outDir);
    expect([...outputs.keys()]).toEqual([...reference.keys()]);
    for (const [name, content] of reference) expect(outputs.get(name), name).toBe(content);
    await expectTopicComplete('random-instants');
  }, 180_000);
});
