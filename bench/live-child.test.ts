import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildRequest } from './src/harness/child-protocol.ts';
import { LiveChild } from './src/harness/live-child.ts';
import { parseOptions } from './src/harness/options.ts';
import type { SystemName } from './src/harness/workload.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindling-live-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
function request(system: SystemName, mode: ChildRequest['mode'], workload = 'grep'): ChildRequest {
  const id = `${seq++}-${workload}-${system}`;
  return {
    workload, system, scope: 'full', mode, options: { ...parseOptions(['--smoke']).bench, workDir: dir },
    resultFile: join(dir, `${id}.result.json`), outputsFile: join(dir, `${id}.outputs.json`),
  };
}

// The suite's side of a system's process: real child processes on the smoke test's tiny grep input.
describe('a live child process of pnpm bench', () => {
  it('warms up, takes one timed run per command while it lives, then measures peak heap and ends', async () => {
    const child = new LiveChild(request('hand', 'measure'), 120_000);
    expect(await child.warm()).toBe(true);
    expect(child.result).toBeUndefined();
    expect(await child.timedRun()).toBe(true);
    expect(child.lastRun!.wallMs).toBeGreaterThan(0);
    expect(await child.timedRun()).toBe(true);
    expect(await child.timedRun()).toBe(true);
    await child.finish();
    const r = child.result!;
    expect(r.error).toBeUndefined();
    expect(r.runsMs).toHaveLength(3);
    expect(r.runsCpuMs).toHaveLength(3);
    expect(r.scavengesPerRun).toHaveLength(3);
    // Two gaps between three runs, each counted (the channel's messages at least).
    expect(r.idleCpuMs).toBeGreaterThanOrEqual(0);
    expect(r.peakHeapBytes).toBeGreaterThan(0);
    expect(r.records).toBeGreaterThan(0);
    expect(r.medianMs).toBe([...r.runsMs].sort((a, b) => a - b)[1]);
    // Ended: no further run.
    expect(await child.timedRun()).toBe(false);
  }, 120_000);

  it('a verifying child reports the same digest as a measuring one, and ends by itself', async () => {
    const verifier = new LiveChild(request('kindling', 'verify'), 120_000);
    const verified = await verifier.verify();
    expect(verified.error).toBeUndefined();
    const measured = new LiveChild(request('hand', 'measure'), 120_000);
    expect(await measured.warm()).toBe(true);
    await measured.finish();
    expect(verified.digest).toHaveLength(16);
    expect(verified.digest).toBe(measured.result!.digest);
    // Finished without a timed run: no runs, and still a peak heap.
    expect(measured.result!.runsMs).toEqual([]);
  }, 120_000);

  it('a system that cannot run is not warm, and its result says why', async () => {
    const child = new LiveChild(request('beam', 'measure'), 120_000);
    expect(await child.warm()).toBe(false);
    expect(await child.timedRun()).toBe(false);
    await child.finish();
    expect(child.result!.error).toBe('beam does not implement grep');
  }, 120_000);

  it('a child past its time is killed, and its result says so', async () => {
    const child = new LiveChild(request('hand', 'measure'), 1);
    expect(await child.warm()).toBe(false);
    await child.finish();
    expect(child.result!.error).toMatch(/^timed out after 0 s/);
  }, 120_000);
});
