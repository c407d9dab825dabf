/**
 * One system on one workload, in its own process (one core, a clean heap): builds the input,
 * runs once to verify (timed: the cold run), warms up (until the default rule of `warm-up.ts`
 * says warm, or `--warmups N`), then times `runs` runs and writes a {@link ChildResult}.
 * Usage (the suite does this): `node --conditions=kindling-source --import tsx bench/src/harness/child.ts '<request json>'`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildRequest, ChildResult } from './child-protocol.ts';
import { digest, touch } from './digest.ts';
import { HeapSampler } from './heap-sampler.ts';
import { median } from './median.ts';
import { warmedUp } from './warm-up.ts';
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

  // The verifying run is the cold run: timed like a timed run (from its start or its call to
  // startTiming()), less the time spent putting its outputs in canonical form for the comparison.
  const outputs: unknown[] = [];
  let coldStart = 0;
  let canonicalMs = 0;
  const verifyCtx: RunContext = {
    emit: (batch, value) => {
      const c0 = performance.now();
      outputs[batch] = workload.canonical(value);
      canonicalMs += performance.now() - c0;
    },
    outDir: freshDir(runRoot, 'verify'),
    startTiming: () => { coldStart = performance.now(); canonicalMs = 0; },
    metric: () => {},
  };
  let coldMs: number;
  let coldCpuMs: number;
  try {
    const cpu0 = process.cpuUsage();
    coldStart = performance.now();
    await module.run(input, verifyCtx);
    coldMs = performance.now() - coldStart - canonicalMs;
    const cpu = process.cpuUsage(cpu0);
    coldCpuMs = (cpu.user + cpu.system) / 1000;
  } catch (e) {
    return { ...base, records, error: `failed: ${errorText(e)}` };
  }
  const extra = workload.collect ? await workload.collect(verifyCtx) : undefined;
  const canonical = { outputs, extra };
  writeFileSync(request.outputsFile, JSON.stringify(canonical));
  const result: ChildResult = { ...base, records, batches: outputs.length, digest: digest(canonical), coldMs, coldCpuMs };
  outputs.length = 0;
  if (request.mode === 'verify') return result;

  let sink = 0;
  // A run is timed from its start, or from its call to startTiming() (setup before it is kept apart).
  let t0 = 0;
  let setupMs = 0;
  const setups: number[] = [];
  const metrics = new Map<string, number[]>();
  const timedCtx = (outDir: string, sampler?: HeapSampler, recordMetrics = sampler !== undefined): RunContext => ({
    emit: (_batch, value) => { sink += touch(value); sampler?.sample(); },
    outDir,
    startTiming: () => {
      const now = performance.now();
      setupMs = now - t0;
      t0 = now;
    },
    metric: (name, value) => {
      if (!recordMetrics) return;
      let list = metrics.get(name);
      if (list === undefined) metrics.set(name, (list = []));
      list.push(value);
    },
  });
  try {
    // Warm-up: a fixed count (--warmups N, the verifying run counted), or runs until the default rule says warm.
    const warmupMs: number[] = [];
    const warmupCpuMs: number[] = [];
    const warmStart = performance.now();
    for (;;) {
      if (options.warmups !== 'auto' ? warmupMs.length + 1 >= options.warmups : warmedUp(warmupCpuMs, performance.now() - warmStart)) break;
      const outDir = freshDir(runRoot, 'warmup');
      const cpu0 = process.cpuUsage();
      t0 = performance.now();
      await module.run(input, timedCtx(outDir));
      warmupMs.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      warmupCpuMs.push((cpu.user + cpu.system) / 1000);
    }
    result.warmupMs = warmupMs;
    result.warmupCpuMs = warmupCpuMs;
    // Timed runs follow the warm-up as it ran: no forced collection before them. A forced full
    // collection (gc()) before each run made the next run cost up to 1.7x a warm-up run's CPU
    // (orders-small, kindling 904-1075 against 496-701 ms; the hand loop 232-257 against 158-167):
    // the memory measurement disturbed the time measurement. Peak heap has a run of its own below.
    for (let i = 0; i < options.runs; i++) {
      const outDir = freshDir(runRoot, `run-${i}`);
      setupMs = 0;
      const cpu0 = process.cpuUsage();
      t0 = performance.now();
      await module.run(input, timedCtx(outDir, undefined, true));
      result.runsMs.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      (result.runsCpuMs ??= []).push((cpu.user + cpu.system) / 1000);
      setups.push(setupMs);
      rmSync(outDir, { recursive: true, force: true });
    }
    // Peak heap: one more run, untimed, from a collected heap, sampled every 5 ms and at every output.
    {
      const outDir = freshDir(runRoot, 'heap');
      const sampler = new HeapSampler();
      gc?.();
      sampler.start();
      await module.run(input, timedCtx(outDir, sampler, false));
      result.peakHeapBytes = sampler.stop();
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
