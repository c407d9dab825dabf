/**
 * One system on one workload, in its own process (one core, a clean heap): builds the input,
 * runs once to verify (the warm-up), then times `runs` runs and writes a {@link ChildResult}.
 * Usage (the suite does this): `node --conditions=kindling-source --import tsx bench/src/harness/child.ts '<request json>'`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildRequest, ChildResult } from './child-protocol.ts';
import { digest, touch } from './digest.ts';
import { HeapSampler } from './heap-sampler.ts';
import { median } from './median.ts';
import { loadWorkload } from '../workloads/registry.ts';
import type { RunContext, SystemModule } from './workload.ts';

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  let text = e.stack ?? String(e);
  let cause = e.cause;
  while (cause !== undefined) {
    text += `\ncaused by: ${cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

function freshDir(base: string, name: string): string {
  const dir = join(base, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function main(request: ChildRequest): Promise<ChildResult> {
  const { options } = request;
  const base: ChildResult = {
    workload: request.workload, system: request.system, scope: request.scope,
    records: 0, batches: 0, digest: '', runsMs: [], medianMs: Number.NaN, recordsPerSec: Number.NaN, peakHeapBytes: 0,
  };
  const workload = await loadWorkload(request.workload);
  const load = workload.systems[request.system];
  if (!load) return { ...base, error: `${request.system} does not implement ${request.workload}` };
  let module: SystemModule<unknown>;
  try {
    module = await load();
  } catch (e) {
    return { ...base, error: `cannot load: ${errorText(e)}` };
  }
  const input = await workload.prepare(options, request.scope);
  const records = workload.records(input);
  const runRoot = join(options.workDir, `run-${request.workload}-${request.system}-${request.scope}`);

  // The verifying run doubles as the first warm-up.
  const outputs: unknown[] = [];
  const verifyCtx: RunContext = {
    emit: (batch, value) => { outputs[batch] = workload.canonical(value); },
    outDir: freshDir(runRoot, 'verify'),
    startTiming: () => {},
    metric: () => {},
  };
  try {
    await module.run(input, verifyCtx);
  } catch (e) {
    return { ...base, records, error: `failed: ${errorText(e)}` };
  }
  const extra = workload.collect ? await workload.collect(verifyCtx) : undefined;
  const canonical = { outputs, extra };
  writeFileSync(request.outputsFile, JSON.stringify(canonical));
  const result: ChildResult = { ...base, records, batches: outputs.length, digest: digest(canonical) };
  outputs.length = 0;
  if (request.mode === 'verify') return result;

  let sink = 0;
  // A run is timed from its start, or from its call to startTiming() (setup before it is kept apart).
  let t0 = 0;
  let setupMs = 0;
  const setups: number[] = [];
  const metrics = new Map<string, number[]>();
  const timedCtx = (outDir: string, sampler?: HeapSampler): RunContext => ({
    emit: (_batch, value) => { sink += touch(value); sampler?.sample(); },
    outDir,
    startTiming: () => {
      const now = performance.now();
      setupMs = now - t0;
      t0 = now;
    },
    metric: (name, value) => {
      if (sampler === undefined) return;
      let list = metrics.get(name);
      if (list === undefined) metrics.set(name, (list = []));
      list.push(value);
    },
  });
  try {
    for (let i = 1; i < options.warmups; i++) await module.run(input, timedCtx(freshDir(runRoot, 'warmup')));
    const sampler = new HeapSampler();
    for (let i = 0; i < options.runs; i++) {
      const outDir = freshDir(runRoot, `run-${i}`);
      gc?.();
      sampler.start();
      setupMs = 0;
      t0 = performance.now();
      await module.run(input, timedCtx(outDir, sampler));
      result.runsMs.push(performance.now() - t0);
      setups.push(setupMs);
      result.peakHeapBytes = Math.max(result.peakHeapBytes, sampler.stop());
      rmSync(outDir, { recursive: true, force: true });
    }
    await module.close?.();
  } catch (e) {
    return { ...result, error: `failed while timing: ${errorText(e)}` };
  }
  rmSync(runRoot, { recursive: true, force: true });
  result.medianMs = median(result.runsMs);
  result.setupMs = median(setups);
  if (metrics.size > 0) result.metrics = Object.fromEntries([...metrics].map(([k, v]) => [k, median(v)]));
  result.recordsPerSec = records / (result.medianMs / 1000);
  // Keeps the walked outputs observable, so no run's output can be optimised away.
  if (sink < 0) console.error('unreachable', sink);
  return result;
}

const request = JSON.parse(process.argv[2]!) as ChildRequest;
const result = await main(request).catch((e: unknown): ChildResult => ({
  workload: request.workload, system: request.system, scope: request.scope, error: `harness error: ${errorText(e)}`,
  records: 0, batches: 0, digest: '', runsMs: [], medianMs: Number.NaN, recordsPerSec: Number.NaN, peakHeapBytes: 0,
}));
writeFileSync(request.resultFile, JSON.stringify(result));
// Engines may leave timers or sockets behind; the result is written, so end here.
process.exit(0);
