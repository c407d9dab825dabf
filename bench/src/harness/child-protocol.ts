import type { BenchOptions, InputScope, SystemName } from './workload.ts';

/** What the suite asks one child process to do. */
export interface ChildRequest {
  workload: string;
  system: SystemName;
  scope: InputScope;
  /**
   * `verify` runs once, reports the output's digest and exits; `measure` also warms up, then
   * sends {@link ChildReady} and times one run per {@link ParentCommand} `run` until `finish`.
   */
  mode: 'verify' | 'measure';
  options: BenchOptions;
  /** Where the child writes its {@link ChildResult} (JSON). */
  resultFile: string;
  /** Where the child writes its canonical outputs (JSON), for locating a disagreement. */
  outputsFile: string;
}

/** What the suite tells a warm `measure` child, over the IPC channel. */
export type ParentCommand = { kind: 'run' } | { kind: 'finish' };

/** A `measure` child is warm and waits for commands. */
export interface ChildReady {
  kind: 'ready';
}

/** One timed run is over: its wall and CPU time (ms); `error` when it threw (the child takes no further run). */
export interface ChildRan {
  kind: 'ran';
  wallMs: number;
  cpuMs: number;
  error?: string;
}

/** What a `measure` child sends over the IPC channel. */
export type ChildMessage = ChildReady | ChildRan;

/** What one child reports back (in its result file, when it ends). */
export interface ChildResult {
  workload: string;
  system: SystemName;
  scope: InputScope;
  /** Set when the system could not run here (it failed to load, or threw): the reason. */
  error?: string;
  records: number;
  batches: number;
  digest: string;
  /** Wall time of each timed run (warm: after the warm-up), ms; the table's figures are their median. */
  runsMs: number[];
  /** CPU time of the whole process (every thread: the JIT's and GC's too) in each timed run, ms. */
  runsCpuMs?: number[];
  /**
   * CPU time of the whole process between its timed runs, ms, summed: what it spent while
   * other systems' runs were timed (interleaved schedule; V8's idle-time work, the channel).
   */
  idleCpuMs?: number;
  /**
   * Scavenges (young-generation collections of the main thread's heap) that started in each
   * timed run: a process idle between its runs may have had its young generation shrunk by V8,
   * and then pays more of them than back-to-back runs do.
   */
  scavengesPerRun?: number[];
  /**
   * Scavenges in each warm-up run after the verifying one (oldest first): runs back to back in
   * the same process, so the last of them say what a timed run pays when nothing idles before it.
   */
  warmupScavengesPerRun?: number[];
  /** The young generation's size (V8's `new_space`, both semi-spaces) when each timed run started, bytes. */
  newSpaceBytesAtRun?: number[];
  medianMs: number;
  recordsPerSec: number;
  peakHeapBytes: number;
  /** Wall time of the first, verifying run (the cold one: a fresh process, nothing compiled yet), ms, less the time spent putting its output in canonical form. */
  coldMs?: number;
  /** CPU time of the whole process in the first run, ms (the canonical form's included). */
  coldCpuMs?: number;
  /** Wall time of each warm-up run after the verifying one, ms (oldest first). */
  warmupMs?: number[];
  /** CPU time of the whole process in each warm-up run, ms: what the warm-up rule looked at. */
  warmupCpuMs?: number[];
  /** Median time before `startTiming()` (worker threads starting and building the graph), not in `medianMs`; 0 when the system has none. */
  setupMs?: number;
  /** Medians of the figures the system recorded with `metric()` over the timed runs. */
  metrics?: Record<string, number>;
}

/** Result of the latency search for one system. */
export interface LatencyResult {
  system: SystemName;
  error?: string;
  rate: number;
  trials: LatencyTrial[];
  /** The smallest interval sustained (ms), or undefined when none was. */
  bestIntervalMs?: number;
  p99Ms?: number;
  peakHeapBytes: number;
}

/** One trial of the latency search: a batch interval held for a few seconds at the offered rate. */
export interface LatencyTrial {
  intervalMs: number;
  batches: number;
  records: number;
  /** Records processed per second of wall time over the trial. */
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  maxSchedulingDelayMs: number;
  /** Mean scheduling delay of the last quarter of the batches, in ms. */
  tailSchedulingDelayMs: number;
  sustained: boolean;
  reason?: string;
  /** Records the system counted as containing the pattern, over the batches it finished. */
  matches: number;
  /** The same count computed by the harness from the records those batches held. */
  expectedMatches: number;
}
