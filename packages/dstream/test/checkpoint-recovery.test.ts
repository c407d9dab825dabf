// Fault tolerance, end to end: a real pipeline (text files fed one per batch ->
// updateStateByKey -> reduceByKeyAndWindow with inverse -> saveAsTextFiles) runs in a child
// process that is killed with SIGKILL and restarted with StreamingContext.getOrCreate. Its
// output folders must equal those of an uninterrupted run, which must equal the answers
// worked out here from the input files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild, seededRandom, startChild } from './support/child-process.ts';
import { formatCounts, readOutputFolders } from './support/output-folders.ts';
import { countFileWords, writeWordFeed } from './support/word-feed.ts';
import type { KillPhase, PipelineArgs } from './support/recovery-pipeline.ts';

const SCRIPT = 'packages/dstream/test/support/recovery-pipeline.ts';
const BATCHES = 16;

let root: string;
let feedDir: string;
/** The words of input file k (1-based). */
let fileWords: string[][] = [];
/** Output folders of the uninterrupted run: folder name -> content of its part files. */
let reference: Map<string, string>;



async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function dirsFor(name: string): Pick<PipelineArgs, 'feedDir' | 'inputDir' | 'checkpointDir' | 'outDir' | 'batches'> {
  const base = join(root, name);
  return { feedDir, inputDir: join(base, 'in'), checkpointDir: join(base, 'checkpoint'), outDir: join(base, 'out'), batches: BATCHES };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-recovery-'));
  feedDir = join(root, 'feed');
  mkdirSync(feedDir);
  fileWords = writeWordFeed(feedDir, 2026, BATCHES, 12);
  const run = await runChild(SCRIPT, { ...dirsFor('reference'), variant: 'v1' } satisfies PipelineArgs);
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.stdout).toContain('done');
  reference = readOutputFolders(dirsFor('reference').outDir);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an uninterrupted run (the reference)', () => {
  it('writes the running totals of every batch', () => {
    for (let k = 1; k <= BATCHES; k++) {
      const files = Array.from({ length: k }, (_, i) => i + 1);
      expect(reference.get(`totals-${k * 1000}`), `totals at batch ${k}`).toBe(formatCounts(countFileWords(fileWords, files)));
    }
  });

  it('writes the 4 s window every 2 s, keys whose count fell to 0 filtered out', () => {
    for (let t = 2; t <= BATCHES; t += 2) {
      const files = [t - 3, t - 2, t - 1, t].filter((k) => k >= 1);
      expect(reference.get(`window-${t * 1000}`), `window at ${t} s`).toBe(formatCounts(countFileWords(fileWords, files)));
    }
    expect([...reference.keys()].filter((n) => n.startsWith('window-'))).toHaveLength(BATCHES / 2);
  });
});

describe('SIGKILL at five seeded random points, restarted with getOrCreate each time', () => {
  it('leaves the same output folders, line for line, as the uninterrupted run', async () => {
    const rnd = seededRandom(5);
    const phases: KillPhase[] = ['generated', 'mid-output', 'mid-output-checkpointed', 'completed'];
    // Five distinct batches, in order, at least two apart so that each run reaches its point.
    const times: number[] = [];
    let t = 1;
    for (let i = 0; i < 5; i++) {
      t += 2 + Math.floor(rnd() * 1.5);
      times.push(t * 1000);
    }
    expect(times.at(-1)!).toBeLessThan(BATCHES * 1000);
    const dirs = dirsFor('crashes');
    const starts: string[] = [];
    for (const time of times) {
      const phase = phases[Math.floor(rnd() * phases.length)]!;
      const run = await runChild(SCRIPT, { ...dirs, variant: 'v1', killAt: { time, phase } } satisfies PipelineArgs);
      expect(run.signal, `run killed at ${time} ms (${phase})\n${run.stderr}`).toBe('SIGKILL');
      starts.push(/started at (\d+)/.exec(run.stdout)?.[1] ?? '?');
    }
    const last = await runChild(SCRIPT, { ...dirs, variant: 'v1' } satisfies PipelineArgs);
    expect(last.stdout, last.stderr).toContain('done');
    // Every restart resumed from a checkpoint, not from scratch.
    expect(starts.slice(1).every((s) => Number(s) > 0)).toBe(true);
    const outputs = readOutputFolders(dirs.outDir);
    expect([...outputs.keys()]).toEqual([...reference.keys()]);
    for (const [name, content] of reference) expect(outputs.get(name), name).toBe(content);
  }, 120_000);
});

describe('SIGKILL from outside at five seeded random instants', () => {
  it('leaves the same output folders as the uninterrupted run, whatever was being written', async () => {
    const rnd = seededRandom(11);
    const dirs = dirsFor('random-instants');
    const args = { ...dirs, variant: 'v1', slowMs: 25 } satisfies PipelineArgs;
    let kills = 0;
    for (let i = 0; i < 5; i++) {
      const child = startChild(SCRIPT, args);
      await until(() => /started at \d+/.test(child.output()));
      const delay = Math.floor(rnd() * 150);
      await new Promise((r) => setTimeout(r, delay));
      child.child.kill('SIGKILL');
      const run = await child.done;
      if (run.signal === 'SIGKILL') kills++;
      else expect(run.stdout, run.stderr).toContain('done');
    }
    const last = await runChild(SCRIPT, args);
    expect(last.stdout, last.stderr).toContain('done');
    expect(kills).toBeGreaterThanOrEqual(3);
    const outputs = readOutputFolders(dirs.outDir);
    expect([...outputs.keys()]).toEqual([...reference.keys()]);
    for (const [name, content] of reference) expect(outputs.get(name), name).toBe(content);
  }, 120_000);
});

/** Where fs-kill-hook.mjs kills the child: the n-th call of `op` on a path matching `match` ('write': writeFileSync or writeSync, whichever the writer uses). */
interface FsKill { op: 'writeSync' | 'writeFileSync' | 'write' | 'renameSync'; match: string; nth: number; half?: boolean; after?: boolean }

describe('SIGKILL inside a file write (a torn or unrenamed file), restarted with getOrCreate', () => {
  const hook = join(import.meta.dirname, 'support', 'fs-kill-hook.mjs');
  const cases: [string, FsKill][] = [
    // The metadata checkpoint writes a file by path at first and then rewrites superseded files through descriptors it keeps.
    ['half of a metadata checkpoint written', { op: 'write', match: '/metadata/', nth: 6, half: true }],
    ['a metadata checkpoint written, not renamed', { op: 'renameSync', match: '/metadata/checkpoint-', nth: 7 }],
    ['a metadata checkpoint renamed, nothing after', { op: 'renameSync', match: '/metadata/checkpoint-', nth: 8, after: true }],
    ['half of a state checkpoint part written', { op: 'writeSync', match: 'rdd-\\d+[^/]*/part-', nth: 3, half: true }],
    ['a state checkpoint folder written, not renamed', { op: 'renameSync', match: '/rdd-\\d+$', nth: 2 }],
    ['half of a saveAsTextFiles part written', { op: 'writeSync', match: '/out/[^/]*totals-[^/]*/part-', nth: 7, half: true }],
    ['a saveAsTextFiles folder written, not renamed', { op: 'renameSync', match: '/out/window-', nth: 3 }],
  ];
  for (const [probe, kill] of cases) {
    it(`probe "${probe}": the restart leaves the uninterrupted run's output folders`, async () => {
      const dirs = dirsFor(`fs-kill-${probe.replaceAll(' ', '-')}`);
      const killed = await runChild(SCRIPT, { ...dirs, variant: 'v1' } satisfies PipelineArgs, 60_000, { NODE_OPTIONS: `--import ${hook}`, KINDLING_FS_KILL: JSON.stringify(kill) });
      expect(killed.signal, `${probe}\n${killed.stdout}\n${killed.stderr}`).toBe('SIGKILL');
      const last = await runChild(SCRIPT, { ...dirs, variant: 'v1' } satisfies PipelineArgs);
      expect(last.stdout, last.stderr).toContain('done');
      expect(Number(/started at (\d+)/.exec(last.stdout)?.[1])).toBeGreaterThan(0);
      const outputs = readOutputFolders(dirs.outDir);
      expect([...outputs.keys()]).toEqual([...reference.keys()]);
      for (const [name, content] of reference) expect(outputs.get(name), name).toBe(content);
    }, 120_000);
  }
});

describe('a corrupt newest checkpoint', () => {
  for (const damage of ['truncated', 'garbage'] as const) {
    it(`recovers from the previous one when the newest is ${damage}, with a warning naming the file`, async () => {
      const dirs = dirsFor(`corrupt-${damage}`);
      const crash = await runChild(SCRIPT, { ...dirs, variant: 'v1', killAt: { time: 9000, phase: 'completed' } } satisfies PipelineArgs);
      expect(crash.signal).toBe('SIGKILL');
      const metadata = join(dirs.checkpointDir, 'metadata');
      const newest = readdirSync(metadata).filter((n) => n.startsWith('checkpoint-')).sort().at(-1)!;
      const file = join(metadata, newest);
      if (damage === 'truncated') truncateSync(file, Math.floor(readFileSync(file).length / 2));
      else writeFileSync(file, Buffer.from('\u0000\u00ff garbage \u0013'.repeat(40), 'latin1'));
      const run = await runChild(SCRIPT, { ...dirs, variant: 'v1' } satisfies PipelineArgs);
      expect(run.stdout, run.stderr).toContain('done');
      expect(run.stderr).toContain(`Metadata checkpoint ${file} is unusable`);
      expect(run.stderr).toContain('Falling back to the previous checkpoint');
      expect(Number(/started at (\d+)/.exec(run.stdout)?.[1])).toBeGreaterThan(0);
      const outputs = readOutputFolders(dirs.outDir);
      expect([...outputs.keys()]).toEqual([...reference.keys()]);
      for (const [name, content] of reference) expect(outputs.get(name), name).toBe(content);
    }, 60_000);
  }
});

describe('upgrading the program between runs', () => {
  it('recovers a program with a changed map function and a new output from the old checkpoint', async () => {
    const dirs = dirsFor('upgrade');
    const crash = await runChild(SCRIPT, { ...dirs, variant: 'v1', killAt: { time: 7000, phase: 'mid-output-checkpointed' } } satisfies PipelineArgs);
    expect(crash.signal).toBe('SIGKILL');
    const run = await runChild(SCRIPT, { ...dirs, variant: 'v2' } satisfies PipelineArgs);
    expect(run.stdout, run.stderr).toContain('done');
    const resumedAt = Number(/started at (\d+)/.exec(run.stdout)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    const outputs = readOutputFolders(dirs.outDir);
    // The v2 map (lower-casing) is the identity on this input: state and windows continue exactly.
    for (const [name, content] of reference) expect(outputs.get(name), name).toBe(content);
    // The new output runs from the first batch the new program ran (replayed ones included).
    const counts = [...outputs.keys()].filter((n) => n.startsWith('counts-')).map((n) => Number(n.slice('counts-'.length))).sort((a, b) => a - b);
    expect(counts.at(-1)).toBe(BATCHES * 1000);
    expect(counts[0]).toBeLessThanOrEqual(resumedAt + 1000);
    for (const time of counts) expect(outputs.get(`counts-${time}`)).toBe(`${fileWords[time / 1000]!.length}\n`);
  }, 60_000);

  it('refuses an incompatible program (window length changed), listing the difference and how to proceed', async () => {
    const dirs = dirsFor('incompatible');
    const crash = await runChild(SCRIPT, { ...dirs, variant: 'v1', killAt: { time: 5000, phase: 'completed' } } satisfies PipelineArgs);
    expect(crash.signal).toBe('SIGKILL');
    const run = await runChild(SCRIPT, { ...dirs, variant: 'incompatible' } satisfies PipelineArgs);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/the window duration of 'reduceByKeyAndWindow#\d+' changed from 4000 ms to 6000 ms/);
    expect(run.stdout).toContain('start fresh by deleting the checkpoint directory');
    expect(run.stdout).toContain(".name('<old id>')");
    // Nothing was written by the refused program.
    const outputs = readOutputFolders(dirs.outDir);
    expect(outputs.has('totals-6000')).toBe(false);
  }, 60_000);
});
