/**
 * The systems measured side by side; `hand` is the baseline every ratio is taken against.
 * `kindling-cached` is Kindling with one `cache()` a user would add (orders only: the book's
 * pipeline feeds its parsed orders to three shuffles, which recompute them without it).
 * `kindling-2` and `kindling-4` are Kindling under `local[2]` and `local[4]`: the same
 * pipeline built by `ssc.buildGraph` from a graph module, its tasks run on 2 or 4 worker threads.
 */
export const SYSTEMS = ['hand', 'rxjs', 'kindling', 'kindling-cached', 'kindling-2', 'kindling-4', 'beam'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** The full input, or the prefix Beam runs on. */
export type InputScope = 'full' | 'beam';

/** Sizes and knobs of one suite run (flags of `pnpm bench`; see `options.ts`). */
export interface BenchOptions {
  smoke: boolean;
  runs: number;
  /** Runs before the timed ones, the verifying run included; `auto`: until warm by the rule of `warm-up.ts`. */
  warmups: number | 'auto';
  seed: number;
  /** Orders dashboard: files (= batches) and lines per file. */
  ordersFiles: number;
  ordersLines: number;
  /** The book's program on the book's data: batches (files) and lines per batch, for `orders-book` and `orders-small`. */
  bookFiles: number;
  bookLines: number;
  smallFiles: number;
  smallLines: number;
  /** Text workloads: batches, records per batch, window length in batches. */
  textBatches: number;
  textRecords: number;
  window: number;
  vocabulary: number;
  /** Grep: the substring counted. */
  pattern: string;
  /** TopKCount: how many words. */
  topK: number;
  /** Beam runs on the first text batches holding at most this many records (it is far slower). */
  beamMaxRecords: number;
  /** Beam runs on the first order files holding at most this many lines. */
  beamMaxOrders: number;
  /** Latency: offered load, seconds per trial, and the batch intervals tried (ms), longest first. */
  latencyRate: number;
  latencySeconds: number;
  latencyIntervals: number[];
  /** Folder shared by the suite's processes (generated order files, outputs). */
  workDir: string;
}

/** What a system receives for one run. */
export interface RunContext {
  /** Hands one batch's output to the harness (collected when verifying, only touched when timing). */
  emit(batch: number, value: unknown): void;
  /** A fresh, empty folder this run may write its output to. */
  outDir: string;
  /**
   * Marks the start of the timed part of the run: what came before it (starting worker
   * threads that each import the graph module and build the graph: a once-per-program cost, as
   * starting a Spark cluster is) is reported apart as setup time. Runs that never call it are
   * timed from their start.
   */
  startTiming(): void;
  /** Records a figure of this run (e.g. the driver's ms per batch); the result keeps each one's median over the timed runs. */
  metric(name: string, value: number): void;
}

/** One system's implementation of a throughput workload over input `I`. */
export type SystemRun<I> = (input: I, ctx: RunContext) => Promise<void>;

/** A module implementing a workload for one system. */
export interface SystemModule<I> {
  run: SystemRun<I>;
  /** Optional clean-up after the last run (e.g. close a context). */
  close?: () => Promise<void>;
}

/** A throughput workload: its data, the systems that run it, and how to compare their outputs. */
export interface Workload<I> {
  readonly name: string;
  /**
   * Builds the input (deterministic from the options; not timed). Scope `beam` is the prefix of
   * the full input that Beam runs on (at most `beamMaxRecords` records, whole batches).
   */
  prepare(options: BenchOptions, scope: InputScope): Promise<I>;
  /** Records in `input` (the numerator of records/s). */
  records(input: I): number;
  /** Loads each system's implementation lazily, so one that cannot load fails alone. */
  readonly systems: Partial<Record<SystemName, () => Promise<SystemModule<I>>>>;
  /** One batch's output in a form that compares equal across systems. */
  canonical(value: unknown): unknown;
  /** Once per suite, in the parent process, before any system runs (e.g. write input files). */
  setup?(options: BenchOptions): Promise<void>;
  /** After a verifying run: outputs not handed to `emit` (e.g. folders under `outDir`). */
  collect?(ctx: RunContext): Promise<unknown>;
}
