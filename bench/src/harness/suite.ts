import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildRequest, ChildResult, LatencyResult } from './child-protocol.ts';
import { LiveChild } from './live-child.ts';
import type { CliOptions } from './options.ts';
import { speedRatio } from './paired-ratio.ts';
import { runSchedule } from './schedule.ts';
import type { Schedule } from './schedule.ts';
import type { YoungGeneration } from './young-generation.ts';
import { spawnChild } from './spawn-child.ts';
import type { BenchOptions, SystemName } from './workload.ts';
import { THROUGHPUT_WORKLOADS, loadWorkload } from '../workloads/registry.ts';
const LATENCY_CHILD = fileURLToPath(new URL('../workloads/latency/latency-child.ts', import.meta.url));

/** One row of the table: a system on a workload. */
export interface Row extends ChildResult {
  /**
   * Speed over the hand loop's (records/s over its records/s, same workload, same run), warm:
   * interleaved, the median of the rounds' ratios (run `i` against the hand loop's run `i`);
   * sequential, from each one's median run.
   */
  ratioToHand: number;
  /** The same by CPU time of the whole process (records per CPU ms over the hand loop's); absent before stop 20. */
  cpuRatioToHand?: number;
  /** The same from the first (verifying, cold) runs: records / `coldMs` over the hand loop's. */
  coldRatioToHand: number;
  /** Whether its output equals the hand loop's on the same input (undefined: not compared). */
  agrees: boolean | undefined;
  /** Where the outputs first differ, when they do. */
  disagreement?: string;
}

/** Everything one `pnpm bench` run measured. */
export interface SuiteResult {
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadAverage: number[] };
  startedAt: string;
  options: BenchOptions;
  /** How the timed runs were laid out (`--schedule`); absent (sequential) before stop 20. */
  schedule?: Schedule;
  /** How the children's young generation was sized (`--young-generation`); absent (`v8`) before stop 21. */
  youngGeneration?: YoungGeneration;
  rows: Row[];
  latency: LatencyResult[];
  /** Wall time of each workload, all its systems and processes included (ms). */
  wallMs: Record<string, number>;
}

function firstDifference(fileA: string, fileB: string): string {
  try {
    const a = JSON.parse(readFileSync(fileA, 'utf8')) as { outputs: unknown[]; extra: unknown };
    const b = JSON.parse(readFileSync(fileB, 'utf8')) as { outputs: unknown[]; extra: unknown };
    const n = Math.max(a.outputs.length, b.outputs.length);
    for (let i = 0; i < n; i++) {
      const x = JSON.stringify(a.outputs[i] ?? null);
      const y = JSON.stringify(b.outputs[i] ?? null);
      if (x !== y) return `batch ${i}: hand ${x.slice(0, 300)} vs ${y.slice(0, 300)}`;
    }
    const x = JSON.stringify(a.extra ?? null);
    const y = JSON.stringify(b.extra ?? null);
    if (x !== y) {
      let i = 0;
      while (i < x.length && x[i] === y[i]) i++;
      return `written output differs at char ${i}: hand ...${x.slice(Math.max(0, i - 80), i + 200)} vs ...${y.slice(Math.max(0, i - 80), i + 200)}`;
    }
    return `${a.outputs.length} vs ${b.outputs.length} batches`;
  } catch (e) {
    return `cannot compare: ${String(e)}`;
  }
}

/** Runs every selected workload on every selected system, each in its own process, timed under `cli.schedule`. */
export async function runSuite(cli: CliOptions, log: (line: string) => void): Promise<SuiteResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
  const options: BenchOptions = { ...cli.bench, workDir };
  if (cli.profileDir) mkdirSync(cli.profileDir, { recursive: true });
  const timeoutMs = options.smoke ? 120_000 : 600_000;
  const suite: SuiteResult = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, loadAverage: loadavg() },
    startedAt: new Date().toISOString(),
    options,
    schedule: cli.schedule,
    youngGeneration: cli.youngGeneration,
    rows: [],
    latency: [],
    wallMs: {},
  };
  const selected = (name: string): boolean => cli.only === undefined || cli.only.includes(name.split(':')[0]!);
  const names: string[] = [...THROUGHPUT_WORKLOADS];
  // The inverse window again at a third of the length: its cost should not depend on it.
  names.splice(names.indexOf('wordcount-inv') + 1, 0, `wordcount-inv:${Math.max(1, Math.round(options.window / 3))}`);

  let seq = 0;
  const childFor = (workload: string, system: SystemName, scope: 'full' | 'beam', mode: 'verify' | 'measure'): LiveChild => {
    const id = `${seq++}-${workload.replace(':', '_')}-${system}-${scope}`;
    const request: ChildRequest = {
      workload, system, scope, mode, options,
      resultFile: join(workDir, `${id}.result.json`),
      outputsFile: join(workDir, `${id}.outputs.json`),
    };
    // local[N] systems start N worker threads per run (each loading the graph module): more time on a loaded machine.
    const childTimeout = /^kindling-\d+$/.test(system) ? Math.max(timeoutMs, 300_000) : timeoutMs;
    return new LiveChild(request, childTimeout, cli.profileDir, id, cli.youngGeneration);
  };
  const paired = cli.schedule === 'interleaved';

  for (const name of names.filter(selected)) {
    const started = performance.now();
    const workload = await loadWorkload(name);
    await workload.setup?.(options);
    const systems = cli.systems.filter((s) => workload.systems[s] !== undefined && !(name.includes(':') && s === 'beam'));
    if (!systems.includes('hand')) systems.unshift('hand');
    else systems.unshift(...systems.splice(systems.indexOf('hand'), 1));
    log(`${name}: ${systems.join(', ')} (${cli.schedule})`);
    const children = systems.map((system) => childFor(name, system, system === 'beam' ? 'beam' : 'full', 'measure'));
    await runSchedule(children, options.runs, cli.schedule, (round, order) => {
      const ran = order.map((i) => `${systems[i]} ${children[i]!.lastRun?.wallMs.toFixed(0) ?? '-'} ms`);
      log(`  round ${round + 1}: ${ran.join(', ')}`);
    });
    const hand = children[0]!.result!;
    let handBeam: ChildResult | undefined;
    let handBeamOutputs = '';
    for (let i = 0; i < systems.length; i++) {
      const system = systems[i]!;
      const result = children[i]!.result!;
      let reference = hand;
      let referenceOutputs = children[0]!.request.outputsFile;
      if (system === 'beam' && !result.error) {
        if (handBeam === undefined) {
          const verifier = childFor(name, 'hand', 'beam', 'verify');
          handBeam = await verifier.verify();
          handBeamOutputs = verifier.request.outputsFile;
        }
        reference = handBeam;
        referenceOutputs = handBeamOutputs;
      }
      const compared = !result.error && !reference.error;
      const agrees = compared ? result.digest === reference.digest : undefined;
      const row: Row = {
        ...result,
        ratioToHand: speedRatio(result, hand, paired, 'wall'),
        cpuRatioToHand: speedRatio(result, hand, paired, 'cpu'),
        coldRatioToHand: result.records / (result.coldMs ?? Number.NaN) / (hand.records / (hand.coldMs ?? Number.NaN)),
        agrees,
        ...(agrees === false ? { disagreement: firstDifference(referenceOutputs, children[i]!.request.outputsFile) } : {}),
      };
      suite.rows.push(row);
      log(`  ${system.padEnd(15)} ${result.error ? `unavailable: ${result.error.split('\n')[0]}` : `${Math.round(result.recordsPerSec).toLocaleString('en-US')} records/s, ${agrees ? 'agrees' : agrees === false ? 'DISAGREES' : 'not compared'}`}`);
    }
    suite.wallMs[name] = performance.now() - started;
    log(`  (${(suite.wallMs[name] / 1000).toFixed(0)} s)`);
  }

  if (selected('latency')) {
    const started = performance.now();
    // Beam's direct runner is batch-only; kindling-cached differs from kindling on orders only;
    // the latency trial's input is the driver's own arrival buffer, which worker threads cannot read.
    const latencySystems = cli.systems.filter((s) => s !== 'beam' && s !== 'kindling-cached' && s !== 'kindling-2' && s !== 'kindling-4');
    log(`latency: ${latencySystems.join(', ')}`);
    for (const system of latencySystems) {
      const resultFile = join(workDir, `${seq++}-latency-${system}.result.json`);
      const run = await spawnChild<LatencyResult>(LATENCY_CHILD, JSON.stringify({ system, options, resultFile }), resultFile, timeoutMs, cli.profileDir, `${seq - 1}-latency-${system}`, cli.youngGeneration);
      const result = run.result ?? { system, error: run.failure, rate: options.latencyRate, trials: [], peakHeapBytes: 0 };
      suite.latency.push(result);
      log(`  ${system.padEnd(15)} ${result.error ? `unavailable: ${result.error.split('\n')[0]}` : result.bestIntervalMs !== undefined ? `${result.bestIntervalMs} ms batches, p99 ${result.p99Ms?.toFixed(1)} ms` : 'no interval sustained'}`);
    }
    suite.wallMs.latency = performance.now() - started;
    log(`  (${(suite.wallMs.latency / 1000).toFixed(0)} s)`);
  }
  rmSync(workDir, { recursive: true, force: true });
  return suite;
}
