// Fault tolerance with worker threads: the recovery pipeline's graph built by ssc.buildGraph
// runs under local[2] (two worker threads owning the partitions, the state, and its
// checkpoints) in a child process that is killed with SIGKILL at seeded points (as a batch is
// generated, between its two outputs, after it completed) or loses a worker thread, and is
// restarted with StreamingContext.getOrCreate each time. Its output folders must equal those
// of an uninterrupted local[1] run, which must equal the answers worked out here.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild, seededRandom } from './support/child-process.ts';
import { formatCounts, readOutputFolders } from './support/output-folders.ts';
import { countFileWords, writeWordFeed } from './support/word-feed.ts';
import type { ParallelKillPhase } from './support/graphs/recovery-graph.ts';
import type { ParallelPipelineArgs } from './support/parallel-recovery-pipeline.ts';

const SCRIPT = 'packages/dstream/test/support/parallel-recovery-pipeline.ts';
const BATCHES = 12;
// Generous: two worker threads start (and compile the graph module) in every child, and the
// machine may be loaded.
const CHILD_TIMEOUT = 180_000;

let root: string;
let feedDir: string;
let fileWords: string[][] = [];
let reference: Map<string, string>;



/** The folder content of the word counts of `files`. */
function countsOf(files: number[]): string {
  return formatCounts(countFileWords(fileWords, files));
}

function argsFor(name: string, master: ParallelPipelineArgs['master']): ParallelPipelineArgs {
  const base = join(root, name);
  return { feedDir, inputDir: join(base, 'in'), checkpointDir: join(base, 'checkpoint'), outDir: join(base, 'out'), batches: BATCHES, master };
}

function expectSameAsReference(outDir: string): void {
  const outputs = readOutputFolders(outDir);
  expect([...outputs.keys()]).toEqual([...reference.keys()]);
  for (const [name, content] of reference) expect(outputs.get(name), name).toBe(content);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-parallel-recovery-'));
  feedDir = join(root, 'feed');
  mkdirSync(feedDir);
  fileWords = writeWordFeed(feedDir, 1606, BATCHES, 10);
  const run = await runChild(SCRIPT, argsFor('reference', 'local[1]'), CHILD_TIMEOUT);
  expect(run.stdout, run.stderr).toContain('done');
  expect(run.stdout).toContain('with 0 worker threads');
  reference = readOutputFolders(argsFor('reference', 'local[1]').outDir);
}, CHILD_TIMEOUT);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the local[1] reference run', () => {
  it('writes the running totals of every batch and the 4 s window every 2 s', () => {
    for (let k = 1; k <= BATCHES; k++) expect(reference.get(`totals-${k * 1000}`), `totals at ${k}`).toBe(countsOf(Array.from({ length: k }, (_, i) => i + 1)));
    for (let t = 2; t <= BATCHES; t += 2) expect(reference.get(`window-${t * 1000}`), `window at ${t}`).toBe(countsOf([t - 3, t - 2, t - 1, t].filter((k) => k >= 1)));
  });
});

describe('local[2] with worker threads, killed with SIGKILL at seeded points', () => {
  it('leaves the same output folders, line for line, as the uninterrupted local[1] run', async () => {
    const rnd = seededRandom(16);
    // Each phase once, in a seeded order, at seeded batches at least two apart.
    const phases: ParallelKillPhase[] = ['mid-output', 'generated', 'completed'];
    for (let i = phases.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [phases[i], phases[j]] = [phases[j]!, phases[i]!];
    }
    const args = argsFor('kills', 'local[2]');
    const starts: number[] = [];
    let t = 1;
    for (const phase of phases) {
      t += 2 + Math.floor(rnd() * 2);
      const run = await runChild(SCRIPT, { ...args, killAt: { time: t * 1000, phase } } satisfies ParallelPipelineArgs, CHILD_TIMEOUT);
      expect(run.signal, `run killed at ${t * 1000} ms (${phase})\n${run.stdout}\n${run.stderr}`).toBe('SIGKILL');
      expect(run.stdout).toContain('with 2 worker threads');
      starts.push(Number(/started at (\d+)/.exec(run.stdout)?.[1]));
    }
    expect(t).toBeLessThan(BATCHES);
    const last = await runChild(SCRIPT, args, CHILD_TIMEOUT);
    expect(last.stdout, last.stderr).toContain('done');
    expect(last.stdout).toContain('with 2 worker threads');
    // Every restart resumed from a checkpoint, not from scratch.
    expect(starts.slice(1).every((s) => s > 0)).toBe(true);
    expectSameAsReference(args.outDir);
  }, 6 * CHILD_TIMEOUT);
});

describe('a worker thread that dies', () => {
  it('fails its batch naming the lost worker, stops the context as a crash does, and a restart recovers to the same folders', async () => {
    const args = argsFor('worker-dies', 'local[2]');
    const crash = await runChild(SCRIPT, { ...args, workerDiesAt: 6000 } satisfies ParallelPipelineArgs, CHILD_TIMEOUT);
    expect(crash.code, `${crash.stdout}\n${crash.stderr}`).toBe(2);
    expect(crash.stdout).toMatch(/failed: Batch 6000 ms failed.*Worker thread \d was lost \(exited with code 7\)/s);
    expect(crash.stdout).toContain('completed 5000');
    // Nothing of the failed batch was written.
    expect(existsSync(join(args.outDir, 'totals-6000'))).toBe(false);
    const last = await runChild(SCRIPT, args, CHILD_TIMEOUT);
    expect(last.stdout, last.stderr).toContain('done');
    expect(Number(/started at (\d+)/.exec(last.stdout)?.[1])).toBeGreaterThan(0);
    expectSameAsReference(args.outDir);
  }, 3 * CHILD_TIMEOUT);
});
