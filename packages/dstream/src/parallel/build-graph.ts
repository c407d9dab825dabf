import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkerTaskScheduler, getLogger, parseMaster } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import { trackAccumulators } from './accumulator-tracker.ts';
import { GraphWorkerPool } from './graph-worker-pool.ts';
import { workerThreadState } from './worker-thread-flag.ts';

const log = getLogger('StreamingContext');
let warnedInline = false;

/** The worker threads of a context built with `buildGraph` under `local[N]`, if any (tests assert them). @internal */
export function graphWorkerPoolOf(ssc: StreamingContext): GraphWorkerPool | undefined { return ssc.graphWorkers; }

/** What `buildGraph` gives the context: the graph module's result and the worker threads it took (none under `local[1]`). @internal */
export interface BuiltGraph<R> {
  readonly result: R;
  readonly pool: GraphWorkerPool | undefined;
}

function toUrl(module: URL | string): URL {
  if (module instanceof URL) return module;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return new URL(module);
  return pathToFileURL(isAbsolute(module) ? module : resolve(module));
}

/**
 * `ssc.buildGraph(module, exportName, args)`: imports `module`, calls its export
 * `exportName(ssc, args)` to build the graph and returns what it returns. Under `local[N]`
 * (N >= 2) it also takes `min(N, spark.kindling.workers.maxThreads)` worker threads (one per
 * core by default; N still sets the partitions) from the process's pool (threads an earlier
 * context gave back, else new ones) that each import the module and build the same graph with a
 * structured-clone copy of `args`, and installs the scheduler that runs the graph's tasks in
 * them.
 * @internal
 */
export async function buildGraphOn<R>(ssc: StreamingContext, module: URL | string, exportName: string, args: unknown): Promise<BuiltGraph<R>> {
  const url = toUrl(module);
  const where = `buildGraph(${url.href}, '${exportName}')`;
  if (ssc.getState() !== 'INITIALIZED') throw new Error(`${where}: the graph must be built before ssc.start(), on a new StreamingContext.`);
  const threads = parseMaster(ssc.sparkContext.master);
  let copy: unknown;
  try {
    copy = structuredClone(args);
  } catch (e) {
    throw new Error(`${where}: args must be structured-cloneable data (every worker thread gets a copy): ${(e as Error).message}. Pass plain data (numbers, strings, arrays, plain objects, Map, Set, Date) and create functions and class instances inside the graph module.`, { cause: e });
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url.href)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: could not import the graph module: ${(e as Error).message}`, { cause: e });
  }
  const build = mod[exportName];
  if (typeof build !== 'function') {
    throw new Error(`${where}: the module has no exported function '${exportName}' (exports: ${Object.keys(mod).join(', ') || 'none'}). Export a function (ssc, args) => ... that builds the graph.`);
  }
  const tracker = trackAccumulators(ssc.sparkContext);
  let result: R;
  try {
    result = (await (build as (ssc: StreamingContext, args: unknown) => R | Promise<R>)(ssc, threads > 1 ? copy : args));
  } finally {
    tracker.stop();
  }
  if (threads <= 1 || workerThreadState.isGraphWorker) return { result, pool: undefined };
  // local[N] keeps its N partitions per stage; they run on at most maxThreads threads (one
  // per core by default), partition p on thread p mod size.
  const size = Math.min(threads, ssc.streamingConf.workersMaxThreads);
  const pool = await GraphWorkerPool.start({
    moduleUrl: url,
    exportName,
    args: copy,
    threads: size,
    conf: ssc.sparkContext.getConf().getAll(),
    batchMs: ssc.batchDuration.milliseconds,
    streams: ssc.graph.createdStreams.map((s) => s.name()),
    idleTimeoutMs: ssc.streamingConf.workersIdleTimeoutMs,
  });
  // The driver reads no file: each worker reads those of the partitions it owns.
  const ownership = { size, rank: undefined };
  for (const s of ssc.graph.inputStreams) s.readOwnedPartitions(ownership);
  const gen = ssc.scheduler.jobGenerator;
  gen.jobSetCreatedHooks.push((jobSet) => pool.onJobSetCreated(ssc, jobSet));
  gen.batchCompletionHooks.push((jobSet) => pool.onBatchCompleted(jobSet.time.milliseconds));
  pool.taskScheduler = new WorkerTaskScheduler(pool.rpc, pool.registry, tracker.list, () => pool.awaitChecks(), () => pool.terminate());
  // Right before a batch's first output operation runs: its output jobs go to the workers in one message.
  ssc.scheduler.listenerBus.addListener({ onBatchStarted: (e) => pool.onBatchStarted(ssc, e.batchInfo.batchTime.milliseconds) });
  ssc.sparkContext.setTaskScheduler(pool.taskScheduler);
  const warm = pool.threads.filter((t) => t.contexts > 1).length;
  const capped = size < threads ? ` (${ssc.sparkContext.master}: ${threads} partitions per stage on ${size} threads, spark.kindling.workers.maxThreads)` : '';
  log.info(`${where}: the graph runs on ${size} worker threads${capped}${warm > 0 ? ` (${warm} kept warm from an earlier context)` : ''}`);
  return { result, pool };
}

/**
 * At `start()`: a graph built inline under `local[N]` (N >= 2) runs on the main thread; say
 * once how to use the N threads.
 * @internal
 */
export function warnIfSingleThreaded(ssc: StreamingContext, builtFromModule: boolean): void {
  if (warnedInline || workerThreadState.isGraphWorker || builtFromModule) return;
  const threads = parseMaster(ssc.sparkContext.master);
  if (threads <= 1) return;
  warnedInline = true;
  log.warn(
    `Master ${ssc.sparkContext.master} asks for ${threads} threads, but this graph was built inline, so it runs on the main thread. ` +
      "To use worker threads, build the graph in a module: export function build(ssc, args) { ... } and call await ssc.buildGraph(new URL('./pipeline.ts', import.meta.url), 'build', args) before ssc.start().",
  );
}
