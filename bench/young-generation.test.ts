import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildRequest } from './src/harness/child-protocol.ts';
import { LiveChild } from './src/harness/live-child.ts';
import { parseOptions } from './src/harness/options.ts';
import { childFlags } from './src/harness/spawn-child.ts';
import { PINNED_SEMI_SPACE_MB, youngGenerationFlags } from './src/harness/young-generation.ts';
import type { YoungGeneration } from './src/harness/young-generation.ts';

const MiB = 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'kindling-young-generation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The new space's committed size (bytes) of a fresh Node process under `flags`: its main thread's and a worker thread's, at their start. */
function newSpaceAtStart(flags: string[]): Promise<{ main: number; worker: number }> {
  const script = `
    const { Worker } = require('node:worker_threads');
    const size = "require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size";
    const main = eval(size);
    const w = new Worker('require("node:worker_threads").parentPort.postMessage(' + size + ')', { eval: true });
    w.on('message', (worker) => { console.log(JSON.stringify({ main, worker })); w.terminate(); });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, '-e', script], (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as { main: number; worker: number })));
  });
}

let seq = 0;
function request(): ChildRequest {
  const id = `${seq++}-grep-hand`;
  return {
    workload: 'grep', system: 'hand', scope: 'full', mode: 'measure', options: { ...parseOptions(['--smoke', '--warmups', '3']).bench, workDir: dir },
    resultFile: join(dir, `${id}.result.json`), outputsFile: join(dir, `${id}.outputs.json`),
  };
}

async function measuredChild(youngGeneration: YoungGeneration) {
  const child = new LiveChild(request(), 120_000, undefined, undefined, youngGeneration);
  expect(await child.warm()).toBe(true);
  expect(await child.timedRun()).toBe(true);
  expect(await child.timedRun()).toBe(true);
  await child.finish();
  return child.result!;
}

// The fairness rule of the interleaved schedule: no child's young generation may shrink while it
// waits for its turn, so every child's semi-spaces are held at the size back-to-back runs grow them to.
describe("the bench children's young generation", () => {
  it('is pinned by default, in every child the suite starts, and left to V8 on request', () => {
    expect(parseOptions([]).youngGeneration).toBe('pinned');
    expect(parseOptions(['--young-generation', 'v8']).youngGeneration).toBe('v8');
    expect(() => parseOptions(['--young-generation', 'large'])).toThrow(/--young-generation: one of pinned, v8/);
    const pinned = [`--min-semi-space-size=${PINNED_SEMI_SPACE_MB}`, `--max-semi-space-size=${PINNED_SEMI_SPACE_MB}`];
    expect(youngGenerationFlags('pinned')).toEqual(pinned);
    expect(childFlags(undefined)).toEqual(expect.arrayContaining(pinned));
    expect(childFlags('/tmp/profiles', 'pinned')).toEqual(expect.arrayContaining(pinned));
    expect(childFlags(undefined, 'v8').some((f) => f.includes('semi-space'))).toBe(false);
  });

  it('under the pinned flags, starts at its floor in the main thread and in worker threads (kindling-N), where V8 alone starts it small', async () => {
    const pinned = await newSpaceAtStart(youngGenerationFlags('pinned'));
    expect(pinned.main).toBeGreaterThanOrEqual(PINNED_SEMI_SPACE_MB * MiB);
    expect(pinned.worker).toBeGreaterThanOrEqual(PINNED_SEMI_SPACE_MB * MiB);
    const v8 = await newSpaceAtStart(youngGenerationFlags('v8'));
    expect(v8.main).toBeLessThan(PINNED_SEMI_SPACE_MB * MiB);
    expect(v8.worker).toBeLessThan(PINNED_SEMI_SPACE_MB * MiB);
  }, 60_000);

  it("is reported at each timed run's start, with the warm-up runs' scavenges beside the timed runs'", async () => {
    const pinned = await measuredChild('pinned');
    expect(pinned.error).toBeUndefined();
    expect(pinned.newSpaceBytesAtRun).toHaveLength(2);
    for (const bytes of pinned.newSpaceBytesAtRun!) expect(bytes).toBeGreaterThanOrEqual(PINNED_SEMI_SPACE_MB * MiB);
    // --warmups 3: the verifying run and two warm-up runs, each counted apart from the timed ones.
    expect(pinned.warmupScavengesPerRun).toHaveLength(2);
    expect(pinned.scavengesPerRun).toHaveLength(2);
    // The smoke test's grep allocates little: left to V8, its young generation never grows to the floor.
    const v8 = await measuredChild('v8');
    for (const bytes of v8.newSpaceBytesAtRun!) expect(bytes).toBeLessThan(PINNED_SEMI_SPACE_MB * MiB);
  }, 120_000);
});
