import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import type { ChildRequest, ChildResult } from './child-protocol.ts';
import { digest, touch } from './digest.ts';
import { errorText } from './error-text.ts';
import { GcCounter } from './gc-counter.ts';
import type { TimeSpan } from './gc-counter.ts';
import { HeapSampler } from './heap-sampler.ts';
import { median } from './median.ts';
import { warmedUp } from './warm-up.ts';
import { loadWorkload } from '../workloads/registry.ts';
import type { RunContext, SystemModule, Workload } from './workload.ts';

function freshDir(base: string, name: string): string {
  const dir = join(base, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** The young generation's size now (both semi-spaces), bytes: what V8 grew it to, or shrank it to while idle. */
function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

function cpuMsSince(cpu0: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000;
}

/**
 * One system on one workload inside its child process, phase by phase: {@link verify} (the
 * cold run), {@link warmUp}, {@link timedRun} as often as asked, {@link finish} (peak heap,
 * close). Each phase adds to {@link result}; a phase that throws sets its `error`, and the
 * phases after it do nothing.
 */
export class SystemRunner {
  readonly result: ChildResult;
  private workload: Workload<unknown> | undefined;
  private module: SystemModule<unknown> | undefined;
  private input: unknown;
  private runRoot = '';
  private sink = 0;
  /** Start of the current run, moved by `startTiming()` (what came before it is setup). */
  private t0 = 0;
  private setupMs = 0;
  private readonly setups: number[] = [];
  private readonly metrics = new Map<string, number[]>();
  /** CPU usage at the end of the last timed run, to count what the process spent between runs. */
  private afterLastRun: NodeJS.CpuUsage | undefined;
  /** The process's collections, from the first warm-up run on, and each warm-up and timed run's span. */
  private gcCounter: GcCounter | undefined;
  private readonly warmupSpans: TimeSpan[] = [];
  private readonly timedSpans: TimeSpan[] = [];

  constructor(private readonly request: ChildRequest) {
    this.result = {
      workload: request.workload, system: request.system, scope: request.scope,
      records: 0, batches: 0, digest: '', runsMs: [], medianMs: Number.NaN, recordsPerSec: Number.NaN, peakHeapBytes: 0,
    };
  }

  /**
   * Loads the system and its input and runs once, checking: the output's digest, and the cold
   * run's time (from its start or its call to `startTiming()`, less the time spent putting its
   * outputs in canonical form). Writes the canonical outputs to the request's `outputsFile`.
   */
  async verify(): Promise<void> {
    const { request, result } = this;
    const workload = await loadWorkload(request.workload);
    const load = workload.systems[request.system];
    if (!load) {
      result.error = `${request.system} does not implement ${request.workload}`;
      return;
    }
    try {
      this.module = await load();
    } catch (e) {
      result.error = `cannot load: ${errorText(e)}`;
      return;
    }
    this.workload = workload;
    this.input = await workload.prepare(request.options, request.scope);
    result.records = workload.records(this.input);
    this.runRoot = join(request.options.workDir, `run-${request.workload}-${request.system}-${request.scope}`);

    const outputs: unknown[] = [];
    let coldStart = 0;
    let canonicalMs = 0;
    const verifyCtx: RunContext = {
      emit: (batch, value) => {
        const c0 = performance.now();
        outputs[batch] = workload.canonical(value);
        canonicalMs += performance.now() - c0;
      },
      outDir: freshDir(this.runRoot, 'verify'),
      startTiming: () => { coldStart = performance.now(); canonicalMs = 0; },
      metric: () => {},
    };
    try {
      const cpu0 = process.cpuUsage();
      coldStart = performance.now();
      await this.module.run(this.input, verifyCtx);
      result.coldMs = performance.now() - coldStart - canonicalMs;
      result.coldCpuMs = cpuMsSince(cpu0);
    } catch (e) {
      result.error = `failed: ${errorText(e)}`;
      return;
    }
    const extra = workload.collect ? await workload.collect(verifyCtx) : undefined;
    const canonical = { outputs, extra };
    writeFileSync(request.outputsFile, JSON.stringify(canonical));
    result.batches = outputs.length;
    result.digest = digest(canonical);
  }

  /** Runs until warm: a fixed count (`--warmups N`, the verifying run counted), or until the default rule of `warm-up.ts` says warm. */
  async warmUp(): Promise<void> {
    if (this.result.error !== undefined) return;
    const { options } = this.request;
    const warmupMs: number[] = [];
    const warmupCpuMs: number[] = [];
    this.result.warmupMs = warmupMs;
    this.result.warmupCpuMs = warmupCpuMs;
    const warmStart = performance.now();
    this.gcCounter ??= new GcCounter();
    try {
      for (;;) {
        if (options.warmups !== 'auto' ? warmupMs.length + 1 >= options.warmups : warmedUp(warmupCpuMs, performance.now() - warmStart)) break;
        const outDir = freshDir(this.runRoot, 'warmup');
        const cpu0 = process.cpuUsage();
        this.t0 = performance.now();
        await this.module!.run(this.input, this.timedCtx(outDir, undefined, false));
        this.warmupSpans.push({ start: this.t0, end: performance.now() });
        warmupMs.push(performance.now() - this.t0);
        warmupCpuMs.push(cpuMsSince(cpu0));
      }
    } catch (e) {
      this.result.error = `failed while warming up: ${errorText(e)}`;
    }
  }

  /**
   * One timed run: wall time from its start (or its call to `startTiming()`), and CPU time of
   * the whole process (every thread, worker threads included: `process.cpuUsage` is the
   * process's). Returns them, or undefined when the run threw (then `result.error` says why).
   * No forced collection before it: a `gc()` before each run made the next one cost up to 1.7x
   * a warm-up run's CPU (orders-small, Kindling 904-1075 against 496-701 ms; the hand loop
   * 232-257 against 158-167): the memory measurement disturbed the time measurement.
   */
  async timedRun(): Promise<{ wallMs: number; cpuMs: number } | undefined> {
    const { result } = this;
    if (result.error !== undefined) return undefined;
    if (this.afterLastRun !== undefined) result.idleCpuMs = (result.idleCpuMs ?? 0) + cpuMsSince(this.afterLastRun);
    const outDir = freshDir(this.runRoot, `run-${result.runsMs.length}`);
    this.gcCounter ??= new GcCounter();
    (result.newSpaceBytesAtRun ??= []).push(newSpaceBytes());
    this.setupMs = 0;
    const cpu0 = process.cpuUsage();
    this.t0 = performance.now();
    try {
      await this.module!.run(this.input, this.timedCtx(outDir, undefined, true));
    } catch (e) {
      result.error = `failed while timing: ${errorText(e)}`;
      return undefined;
    }
    const end = performance.now();
    const wallMs = end - this.t0;
    const cpuMs = cpuMsSince(cpu0);
    this.timedSpans.push({ start: this.t0, end });
    result.runsMs.push(wallMs);
    (result.runsCpuMs ??= []).push(cpuMs);
    this.setups.push(this.setupMs);
    rmSync(outDir, { recursive: true, force: true });
    this.afterLastRun = process.cpuUsage();
    return { wallMs, cpuMs };
  }

  /** Peak heap (one more run, untimed, from a collected heap, sampled every 5 ms and at every output), then the module's close and the medians. */
  async finish(): Promise<void> {
    const { result } = this;
    if (result.error !== undefined) return;
    if (this.gcCounter !== undefined) {
      const tallies = await this.gcCounter.tally([...this.warmupSpans, ...this.timedSpans]);
      result.warmupScavengesPerRun = tallies.slice(0, this.warmupSpans.length).map((t) => t.scavenges);
      result.scavengesPerRun = tallies.slice(this.warmupSpans.length).map((t) => t.scavenges);
    }
    try {
      const outDir = freshDir(this.runRoot, 'heap');
      const sampler = new HeapSampler();
      gc?.();
      sampler.start();
      await this.module!.run(this.input, this.timedCtx(outDir, sampler, false));
      result.peakHeapBytes = sampler.stop();
      await this.module!.close?.();
    } catch (e) {
      result.error = `failed while timing: ${errorText(e)}`;
      return;
    }
    rmSync(this.runRoot, { recursive: true, force: true });
    result.medianMs = median(result.runsMs);
    result.setupMs = median(this.setups);
    if (this.metrics.size > 0) result.metrics = Object.fromEntries([...this.metrics].map(([k, v]) => [k, median(v)]));
    result.recordsPerSec = result.records / (result.medianMs / 1000);
    // Keeps the walked outputs observable, so no run's output can be optimised away.
    if (this.sink < 0) console.error('unreachable', this.sink);
  }

  private timedCtx(outDir: string, sampler: HeapSampler | undefined, recordMetrics: boolean): RunContext {
    return {
      emit: (_batch, value) => { this.sink += touch(value); sampler?.sample(); },
      outDir,
      startTiming: () => {
        const now = performance.now();
        this.setupMs = now - this.t0;
        this.t0 = now;
      },
      metric: (name, value) => {
        if (!recordMetrics) return;
        let list = this.metrics.get(name);
        if (list === undefined) this.metrics.set(name, (list = []));
        list.push(value);
      },
    };
  }
}
