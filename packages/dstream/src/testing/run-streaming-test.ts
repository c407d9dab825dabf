import { captureCallSite, getLogLevel, ManualClock, setLogLevel, SparkConf, withCallSite } from '@kindling/core';
import type { CallSite, Duration, LogLevel } from '@kindling/core';
import { Seconds } from '@kindling/core';
import type { DStream } from '../internal.ts';
import { StreamingContext } from '../internal.ts';
import { TestInputDStream } from './test-input-dstream.ts';
import type { TestGraphModule, TestGraphSpec } from './test-graph.ts';

/** Options shared by {@link runStreamingTest} and {@link runStreamingTest2}. */
export interface StreamingTestOptions {
  /** Default `Seconds(1)`. */
  batchDuration?: Duration;
  /** Partitions of each input batch; default 2 (as Spark's TestSuiteBase). */
  numPartitions?: number;
  /** Batches to run; default the number of input batches. */
  numBatches?: number;
  /** Spark master; default `local[2]`. */
  master?: string;
  /** A checkpoint directory, for stateful operations. */
  checkpointDir?: string;
  /**
   * The engine's log level while this test runs (`'WARN'` quiets the context's start/stop
   * lines); the previous level is restored afterwards. Default: left as it is (INFO unless
   * the program or a test setup file set another). The kit does not lower it on its own: the
   * level is process-wide, and a warning (a file set aside, a recovered state whose shape
   * changed) is often what a test is about. To quiet a whole suite, call `setLogLevel('WARN')`
   * in a test setup file.
   */
  logLevel?: LogLevel;
  /** More configuration, e.g. `{ 'spark.default.parallelism': 2 }`. */
  conf?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Called after the run with where it ran: with a `graph` under `local[N]`, the worker
   * threads and the tasks each ran (so a test can check that it did not fall back to one thread).
   */
  report?: (report: StreamingTestReport) => void;
}

/** Where a test run's tasks ran. */
export interface StreamingTestReport {
  /** Worker threads that built the graph (0: the main thread ran everything). */
  readonly workerThreads: number;
  /** Tasks run in each worker thread. */
  readonly tasksPerWorker: readonly number[];
}

/** A pipeline over one test input. */
export interface StreamingTest<T, U> extends StreamingTestOptions {
  /** One array per batch; `undefined` for a batch whose input has no RDD. */
  input: readonly (readonly T[] | undefined)[];
  /** The pipeline, built inline (runs on the main thread). Give this or `graph`. */
  operation?: (stream: DStream<T>) => DStream<U>;
  /**
   * The pipeline as a module export `(inputs, args) => DStream` (inputs: `[stream]`): with a
   * `local[N]` master it runs in N worker threads, as `ssc.buildGraph` does.
   */
  graph?: TestGraphModule;
}

/** A pipeline over two test inputs. */
export interface StreamingTest2<T1, T2, U> extends StreamingTestOptions {
  input1: readonly (readonly T1[] | undefined)[];
  input2: readonly (readonly T2[] | undefined)[];
  /** The pipeline, built inline. Give this or `graph`. */
  operation?: (s1: DStream<T1>, s2: DStream<T2>) => DStream<U>;
  /** The pipeline as a module export `(inputs, args) => DStream` (inputs: `[stream1, stream2]`). */
  graph?: TestGraphModule;
}

/**
 * Runs `input` batches through `operation` on a manual clock, one batch per batch duration,
 * and returns the collected output of every batch that produced an RDD (as Spark's
 * `TestSuiteBase.testOperation`: batches where the output stream has no RDD are absent).
 * The context is created, started and stopped here (together with its SparkContext).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { runStreamingTest } from '@kindling/dstream/testing';
 * const out = await runStreamingTest({
 *   input: [['a', 'b', 'a'], ['b'], []],
 *   operation: (s) => s.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b),
 *   numPartitions: 1,
 * });
 * // Order within a batch is partition order: with local[2], reduceByKey hashes into two
 * // partitions and 'b' (hash 98) lands in partition 0, 'a' (97) in partition 1.
 * assert.deepEqual(out, [[['b', 1], ['a', 2]], [['b', 1]], []]);
 * ```
 */
export function runStreamingTest<T, U>(test: StreamingTest<T, U>): Promise<U[][]> {
  return runWith(test, captureCallSite('runStreamingTest'), test.input.length, (ssc, n) => {
    if (test.graph !== undefined) return buildFromModule<U>(ssc, test.graph, [test.input], n);
    if (test.operation === undefined) throw new Error('runStreamingTest needs an operation or a graph module');
    return test.operation(new TestInputDStream<T>(ssc, test.input, n));
  });
}

/** {@link runStreamingTest} for an operation over two inputs (joins, cogroup, union...). */
export function runStreamingTest2<T1, T2, U>(test: StreamingTest2<T1, T2, U>): Promise<U[][]> {
  return runWith(test, captureCallSite('runStreamingTest2'), Math.max(test.input1.length, test.input2.length), (ssc, n) => {
    if (test.graph !== undefined) return buildFromModule<U>(ssc, test.graph, [test.input1, test.input2], n);
    if (test.operation === undefined) throw new Error('runStreamingTest2 needs an operation or a graph module');
    return test.operation(new TestInputDStream<T1>(ssc, test.input1, n), new TestInputDStream<T2>(ssc, test.input2, n));
  });
}

function buildFromModule<U>(ssc: StreamingContext, graph: TestGraphModule, inputs: TestGraphSpec['inputs'], numPartitions: number): Promise<DStream<U>> {
  const module = graph.module instanceof URL ? graph.module.href : graph.module;
  const spec: TestGraphSpec = { inputs, numPartitions, module, exportName: graph.exportName, args: graph.args };
  const ext = /\.ts$/.test(import.meta.url) ? '.ts' : '.js';
  return ssc.buildGraph<DStream<U>>(new URL(`./test-graph${ext}`, import.meta.url), 'buildTestGraph', spec);
}

/**
 * `site` is the user's call of the test kit, taken before any await (after one, the stack holds
 * no user frame): the collecting output operation is named after it.
 */
async function runWith<U>(options: StreamingTestOptions, site: CallSite, inputBatches: number, build: (ssc: StreamingContext, numPartitions: number) => DStream<U> | Promise<DStream<U>>): Promise<U[][]> {
  const batch = options.batchDuration ?? Seconds(1);
  const conf = new SparkConf().setMaster(options.master ?? 'local[2]').setAppName('kindling-streaming-test').set('spark.streaming.clock', 'manual');
  for (const [k, v] of Object.entries(options.conf ?? {})) conf.set(k, v);
  const previousLevel = getLogLevel();
  if (options.logLevel !== undefined) setLogLevel(options.logLevel);
  const ssc = new StreamingContext(conf, batch);
  const outputs: U[][] = [];
  try {
    if (options.checkpointDir !== undefined) ssc.checkpoint(options.checkpointDir);
    const stream = await build(ssc, options.numPartitions ?? 2);
    withCallSite(site, () => stream.foreachRDD(async (rdd) => { outputs.push(await rdd.collect()); }));
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    const numBatches = options.numBatches ?? inputBatches;
    for (let i = 0; i < numBatches; i++) await clock.advance(batch.milliseconds);
    if (options.report !== undefined) {
      const pool = ssc.graphWorkers;
      options.report({ workerThreads: pool?.workers.length ?? 0, tasksPerWorker: pool?.tasksPerWorker() ?? [] });
    }
  } finally {
    await ssc.stop(true, false);
    setLogLevel(previousLevel);
  }
  return outputs;
}
