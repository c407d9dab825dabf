import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { SparkConf } from './spark-conf.ts';
import { setLogLevel } from './util/logger.ts';
import { BlockManager } from './storage/block-manager.ts';
import { CheckpointFolderSyncs } from './checkpoint/checkpoint-folder-syncs.ts';
import { DAGScheduler } from './scheduler/dag-scheduler.ts';
import { LocalTaskScheduler } from './scheduler/local-task-scheduler.ts';
import { ParallelCollectionRDD, sliceCollection } from './rdd/parallel-collection-rdd.ts';
import { EmptyRDD } from './rdd/empty-rdd.ts';
import { UnionRDD } from './rdd/union-rdd.ts';
import { PartitionerAwareUnionRDD } from './rdd/partitioner-aware-union-rdd.ts';
import { ObjectFileRDD, TextFileRDD } from './rdd/text-file-rdd.ts';
import { WholeTextFilesRDD } from './rdd/whole-text-files-rdd.ts';
import { BinaryFilesRDD, type PortableDataStream } from './rdd/binary-files-rdd.ts';
import { readBinaryRecordsSync } from '@kindling/io';
import { Broadcast } from './broadcast/broadcast.ts';
import { LongAccumulator } from './util/long-accumulator.ts';
import { DoubleAccumulator } from './util/double-accumulator.ts';
import { CollectionAccumulator } from './util/collection-accumulator.ts';
import { KINDLING_VERSION } from './version.ts';
import type { RDD } from './rdd/rdd.ts';
import type { ShuffleDependency } from './rdd/dependency.ts';
import type { TaskContext } from './scheduler/task-context.ts';
import type { TaskScheduler } from './scheduler/task-scheduler.ts';
import type { JobListener } from './scheduler/job-listener.ts';
import type { FutureAction } from './scheduler/future-action.ts';
import type { JobCancelledError } from './scheduler/job-cancelled-error.ts';
import { SPARK_JOB_DESCRIPTION, SPARK_JOB_GROUP_ID, SPARK_JOB_INTERRUPT_ON_CANCEL } from './scheduler/active-jobs.ts';

/** Parses `local`, `local[N]`, `local[*]` (and `local[N, maxFailures]`) into a thread count. */
export function parseMaster(master: string): number {
  if (master === 'local') return 1;
  const m = /^local\[\s*(\*|\d+)\s*(?:,\s*\d+\s*)?\]$/.exec(master);
  if (m) {
    const n = m[1] === '*' ? availableParallelism() : Number(m[1]);
    if (n < 1) throw new Error(`Asked to run locally with ${n} threads in master URL '${master}': use local[N] with N >= 1`);
    return n;
  }
  throw new Error(`Could not parse Master URL: '${master}'. Kindling runs in one process: use 'local', 'local[N]' or 'local[*]'`);
}

let activeContext: SparkContext | undefined;

/**
 * The entry point of a Kindling application, as Spark's `SparkContext`: creates RDDs
 * (`parallelize`, `textFile`, ...), runs jobs, holds the persisted partitions and the
 * checkpoint directory. One context may be active per process, as in Spark; `stop()` it
 * before creating another.
 *
 * @example
 * ```ts
 * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('WordCount'));
 * const n = await sc.parallelize([1, 2, 3]).map((x) => x * 2).count();
 * sc.stop();
 * ```
 */
export class SparkContext {
  /** The master URL (`local`, `local[N]`, `local[*]`); its thread count sets `defaultParallelism`. */
  readonly master: string;
  /** `spark.app.name`. */
  readonly appName: string;
  /** When this context was created, in epoch milliseconds. */
  readonly startTime = Date.now();
  /** @internal */
  readonly blockManager = new BlockManager();
  /** RDD checkpoint folders whose fsyncs a metadata checkpoint writer makes (see {@link CheckpointFolderSyncs}). @internal */
  readonly checkpointFolderSyncs = new CheckpointFolderSyncs();
  private readonly conf: SparkConf;
  private readonly localThreads: number;
  private taskScheduler: TaskScheduler;
  private readonly dagScheduler: DAGScheduler;
  // Weak, as Spark's: a persisted RDD nobody references any more is collected, and then its
  // blocks are dropped (Spark's ContextCleaner), so a long-running stream that forgets to
  // unpersist does not leak its batches.
  private readonly persistentRdds = new Map<number, WeakRef<RDD<unknown>>>();
  private readonly cleaner = new FinalizationRegistry<number>((rddId) => {
    this.persistentRdds.delete(rddId);
    this.blockManager.removeRdd(rddId);
  });
  private checkpointDir: string | undefined;
  // Replaced, never changed in place: a job keeps the map it was submitted with.
  private localProperties: ReadonlyMap<string, string> = new Map();
  private isStopped = false;
  private webUrl: string | undefined;

  constructor(conf: SparkConf);
  constructor(master: string, appName: string, conf?: SparkConf);
  constructor(confOrMaster: SparkConf | string, appName?: string, conf?: SparkConf) {
    const c = typeof confOrMaster === 'string' ? (conf ?? new SparkConf()).clone().setMaster(confOrMaster).setAppName(appName ?? '') : confOrMaster.clone();
    if (!c.contains('spark.master')) {
      throw new Error("A master URL must be set in your configuration: in code with conf.setMaster('local[2]'), or at launch with kindling-submit --master local[2] app.js");
    }
    if (!c.contains('spark.app.name') || c.get('spark.app.name') === '') {
      throw new Error('An application name must be set in your configuration: conf.setAppName(\'MyApp\')');
    }
    if (activeContext !== undefined && !activeContext.isStopped) {
      throw new Error(
        `Only one SparkContext should be running in this process (the running one is '${activeContext.appName}'): ` +
          'call stop() on it first, or use SparkContext.getOrCreate()',
      );
    }
    // As Spark 3.5's spark.log.level: the level in force from the context's creation on.
    const logLevel = c.getOption('spark.log.level');
    if (logLevel !== undefined) setLogLevel(logLevel);
    this.conf = c;
    this.master = c.get('spark.master');
    this.appName = c.get('spark.app.name');
    this.localThreads = parseMaster(this.master);
    this.taskScheduler = new LocalTaskScheduler();
    this.dagScheduler = new DAGScheduler(this.taskScheduler, this.blockManager);
    activeContext = this;
  }

  /** The running context, or a new one from `conf`. */
  static getOrCreate(conf?: SparkConf): SparkContext {
    if (activeContext !== undefined && !activeContext.isStopped) return activeContext;
    return new SparkContext(conf ?? new SparkConf());
  }

  /** The running context, if any. */
  static getActive(): SparkContext | undefined {
    return activeContext !== undefined && !activeContext.isStopped ? activeContext : undefined;
  }

  /** A copy of the configuration. */
  getConf(): SparkConf { return this.conf.clone(); }

  /** `spark.default.parallelism` when set, else the master's thread count. */
  get defaultParallelism(): number { return this.conf.getInt('spark.default.parallelism', this.localThreads); }

  /** `min(defaultParallelism, 2)`, the default `minPartitions` of `textFile`. */
  get defaultMinPartitions(): number { return Math.min(this.defaultParallelism, 2); }

  /** True once `stop()` was called. */
  get stopped(): boolean { return this.isStopped; }

  /** Spark's application id: here `local-<startTime>`. */
  get applicationId(): string { return `local-${this.startTime}`; }

  /**
   * The web UI's URL (e.g. `http://127.0.0.1:4040`) while a `StreamingContext` on this context
   * serves it (`spark.ui.enabled`); `undefined` otherwise, as Spark's `Option`.
   */
  get uiWebUrl(): string | undefined { return this.webUrl; }

  /** Records (or clears, with `undefined`) the URL of the UI serving this context. @internal */
  recordUiWebUrl(url: string | undefined): void { this.webUrl = url; }

  // ------------------------------------------------------------------ creating RDDs

  /** Distributes a local array: `numSlices` partitions (default `defaultParallelism`), sliced like Spark. */
  parallelize<T>(data: readonly T[], numSlices: number = this.defaultParallelism): RDD<T> {
    this.assertRunning();
    return new ParallelCollectionRDD<T>(this, sliceCollection(data, numSlices));
  }

  /** Same as `parallelize` (Spark's `makeRDD`). */
  makeRDD<T>(data: readonly T[], numSlices: number = this.defaultParallelism): RDD<T> { return this.parallelize(data, numSlices); }

  /**
   * An RDD with exactly these partitions (copied), e.g. receiver blocks becoming the
   * partitions of a streaming batch.
   */
  parallelizePartitions<T>(parts: readonly (readonly T[])[]): RDD<T> {
    this.assertRunning();
    return new ParallelCollectionRDD<T>(this, parts.map((p) => p.slice()), 'parallelizePartitions');
  }

  /** The integers `start, start+step, ...` below `end` (Spark's `sc.range`). */
  range(start: number, end: number, step = 1, numSlices: number = this.defaultParallelism): RDD<number> {
    if (step === 0) throw new RangeError('range step cannot be 0');
    const xs: number[] = [];
    for (let x = start; step > 0 ? x < end : x > end; x += step) xs.push(x);
    return this.parallelize(xs, numSlices).withScope('range');
  }

  /** An RDD with no partitions. */
  emptyRDD<T>(): RDD<T> {
    this.assertRunning();
    return new EmptyRDD<T>(this);
  }

  /**
   * The union of several RDDs. When they all share one partitioner the result keeps it
   * (partition i is the union of every partition i), otherwise partitions are concatenated.
   */
  union<T>(rdds: readonly RDD<T>[]): RDD<T> {
    this.assertRunning();
    const nonEmpty = rdds.filter((r) => r.getNumPartitions() > 0);
    const p = nonEmpty[0]?.partitioner;
    if (nonEmpty.length > 0 && p !== undefined && nonEmpty.every((r) => p.equals(r.partitioner))) {
      return new PartitionerAwareUnionRDD<T>(this, nonEmpty);
    }
    return new UnionRDD<T>(this, rdds);
  }

  /**
   * The lines of a file, of a directory's files (every file whose name does not start with `.`
   * or `_`, as on Spark: a `saveAsTextFile` folder gives its `part-*` files), or of the files
   * a glob matches (`'out/output*'` reads every folder `saveAsTextFiles` wrote).
   * At least one partition per file, more when `minPartitions` asks. Listing happens at the
   * first job: a missing plain path then fails naming it; a glob matching nothing is an
   * empty RDD and a warning.
   */
  textFile(pathOrGlob: string, minPartitions: number = this.defaultMinPartitions): RDD<string> {
    this.assertRunning();
    return new TextFileRDD(this, pathOrGlob, minPartitions);
  }

  /**
   * Each file of a directory (every visible one, as `textFile` lists it), glob or path as one
   * `[path, content]` pair, the path as Spark writes it (`file:/absolute/path`), over about
   * `minPartitions` partitions. For many small files; each file is read whole.
   */
  wholeTextFiles(pathOrGlob: string, minPartitions: number = this.defaultMinPartitions): RDD<[string, string]> {
    this.assertRunning();
    return new WholeTextFilesRDD(this, pathOrGlob, minPartitions);
  }

  /**
   * Each file of a directory (every visible one), glob or path as one `[path, stream]` pair,
   * as Spark's `binaryFiles`: the path as Spark writes it (`file:/absolute/path`), the
   * {@link PortableDataStream} reading the bytes when asked (`toArray()`, `open()`), over about
   * `minPartitions` partitions. For many small binary files.
   *
   * @example
   * ```ts
   * import assert from 'node:assert/strict';
   * import { mkdirSync, writeFileSync } from 'node:fs';
   * mkdirSync('blobs');
   * writeFileSync('blobs/a.bin', Uint8Array.of(1, 2, 3));
   * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('blobs'));
   * const sizes = await sc.binaryFiles('blobs').mapValues((s) => s.toArray().length).collect();
   * assert.deepEqual(sizes.map(([path, n]) => [path.endsWith('/blobs/a.bin'), n]), [[true, 3]]);
   * sc.stop();
   * ```
   */
  binaryFiles(pathOrGlob: string, minPartitions: number = this.defaultMinPartitions): RDD<[string, PortableDataStream]> {
    this.assertRunning();
    return new BinaryFilesRDD(this, pathOrGlob, minPartitions);
  }

  /**
   * The fixed-length records of binary files, as Spark's `binaryRecords`: each file (listed as
   * {@link SparkContext.binaryFiles} lists them) cut into records of `recordLength` bytes, each
   * a `Uint8Array`, file after file. A file whose length is not a multiple of `recordLength`
   * fails the task, naming the file (Spark: "Byte array does not have correct length").
   */
  binaryRecords(path: string, recordLength: number): RDD<Uint8Array> {
    if (!Number.isInteger(recordLength) || recordLength <= 0) throw new RangeError(`binaryRecords(${path}): recordLength must be a positive integer, got ${recordLength}`);
    return this.binaryFiles(path)
      .flatMap(([file]) => readBinaryRecordsSync(file.slice('file:'.length), recordLength))
      .withScope('binaryRecords');
  }

  /** The values written by `saveAsObjectFile` (a folder, or a glob of folders). */
  objectFile<T>(pathOrGlob: string, _minPartitions?: number): RDD<T> {
    this.assertRunning();
    return new ObjectFileRDD<T>(this, pathOrGlob);
  }

  // ------------------------------------------------------------------ shared variables

  /** A read-only value for tasks (see {@link Broadcast}). */
  broadcast<T>(value: T): Broadcast<T> {
    this.assertRunning();
    return new Broadcast(value);
  }

  /** A sum/count accumulator (see {@link LongAccumulator}). */
  longAccumulator(name?: string): LongAccumulator { return new LongAccumulator(name); }

  /**
   * A sum/count accumulator of floating-point values (see {@link DoubleAccumulator}). Under
   * the parallel streaming runtime it is tracked as `longAccumulator`'s are.
   */
  doubleAccumulator(name?: string): DoubleAccumulator { return new DoubleAccumulator(name); }

  /**
   * An accumulator that collects the elements tasks add into a list, as Spark's
   * `sc.collectionAccumulator[T](name)` (see {@link CollectionAccumulator}). Under the parallel
   * streaming runtime it is tracked as `longAccumulator`'s are; its elements must be
   * structured-cloneable.
   */
  collectionAccumulator<T>(name?: string): CollectionAccumulator<T> { return new CollectionAccumulator<T>(name); }

  /** The version of Kindling running this application (Spark's `sc.version` gives Spark's). */
  get version(): string { return KINDLING_VERSION; }

  // ------------------------------------------------------------------ checkpoints & persistence

  /**
   * Where `rdd.checkpoint()` writes: a fresh `<dir>/<uuid>` folder for this application,
   * created now.
   */
  setCheckpointDir(directory: string): void {
    const dir = join(resolve(directory), randomUUID());
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new Error(`Could not create checkpoint directory ${dir}: ${(e as Error).message}. Pass a writable directory to setCheckpointDir`, { cause: e });
    }
    this.checkpointDir = dir;
  }

  /** The checkpoint folder of this application (`<dir>/<uuid>`), if set. */
  getCheckpointDir(): string | undefined { return this.checkpointDir; }

  /** The persisted RDDs by id. */
  getPersistentRDDs(): Map<number, RDD<unknown>> {
    const out = new Map<number, RDD<unknown>>();
    for (const [id, ref] of this.persistentRdds) {
      const r = ref.deref();
      if (r !== undefined) out.set(id, r);
    }
    return out;
  }

  /** @internal */
  registerPersistentRDD(rdd: RDD<unknown>): void {
    if (this.persistentRdds.has(rdd.id)) return;
    this.persistentRdds.set(rdd.id, new WeakRef(rdd));
    this.cleaner.register(rdd, rdd.id, rdd);
  }

  /**
   * Told each partition of a persisted RDD this thread stores (a worker thread of `local[N]`
   * reports them to the driver). @internal
   */
  onPartitionStored: ((rdd: RDD<unknown>, split: number) => void) | undefined = undefined;

  /** A partition of a persisted RDD was stored (the scheduler then releases the shuffles below it). @internal */
  partitionStored(rdd: RDD<unknown>, split: number): void {
    this.dagScheduler.partitionStored(rdd);
    this.onPartitionStored?.(rdd, split);
  }

  /**
   * Which jobs checkpoint every RDD of their lineage marked with `checkpoint()`, rather than
   * only the nearest marked ones: Spark's `spark.checkpoint.checkpointAllMarkedAncestors` job
   * property, which Spark Streaming sets for its jobs (SPARK-6847). `test` is asked after each
   * job, inside the job's asynchronous context. Default: no job.
   * @internal
   */
  setCheckpointAllMarkedAncestors(test: () => boolean): void { this.dagScheduler.checkpointAllMarkedAncestors = test; }

  /** @internal */
  unregisterPersistentRDD(rdd: RDD<unknown>): void {
    this.persistentRdds.delete(rdd.id);
    this.cleaner.unregister(rdd);
    this.blockManager.removeRdd(rdd.id);
  }

  // ------------------------------------------------------------------ jobs

  /**
   * Runs `func` on the given partitions of `rdd` (all by default) and returns one result per
   * partition, in order. Every action is built on this.
   */
  runJob<T, U>(
    rdd: RDD<T>,
    func: (data: readonly T[], ctx: TaskContext) => U,
    partitions?: readonly number[],
    callSite = 'runJob',
  ): Promise<U[]> {
    return this.runJobWith(rdd, func, partitions, callSite, undefined);
  }

  private runJobWith<T, U>(
    rdd: RDD<T>,
    func: (data: readonly T[], ctx: TaskContext) => U,
    partitions: readonly number[] | undefined,
    callSite: string,
    submitted: ((jobId: number) => void) | undefined,
  ): Promise<U[]> {
    // Not an async function: the scheduler's promise is returned as it is (an async wrapper
    // would add a promise and its resolution steps to every job); bad arguments still reject.
    let parts: readonly number[];
    try {
      this.assertRunning();
      if (rdd.context !== this) throw new Error(`${rdd.toString()} belongs to another SparkContext; create RDDs from the context that runs them`);
      const n = rdd.getNumPartitions();
      parts = partitions ?? Array.from({ length: n }, (_, i) => i);
      for (const p of parts) {
        if (!(Number.isInteger(p) && p >= 0 && p < n)) throw new RangeError(`Attempting to access a non-existent partition: ${p}. ${rdd.toString()} has ${n} partitions`);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.dagScheduler.runJob(rdd, func, parts, callSite, this.localProperties, submitted);
  }

  /**
   * {@link SparkContext.runJob} as Spark's `submitJob`: the job's id goes to `submitted` at once
   * and its stages start on the event loop's next turn, so it can be cancelled before any
   * task runs (the asynchronous actions' {@link FutureAction}). @internal
   */
  submitJob<T, U>(
    rdd: RDD<T>,
    func: (data: readonly T[], ctx: TaskContext) => U,
    partitions: readonly number[] | undefined,
    callSite: string,
    submitted: (jobId: number) => void,
  ): Promise<U[]> {
    return this.runJobWith(rdd, func, partitions, callSite, submitted);
  }

  // ------------------------------------------------------------------ job groups and properties

  /**
   * Sets a local property that every job submitted after it carries (until changed), as
   * Spark's `setLocalProperty`; `undefined` (or `null`) removes it. Spark's properties are per
   * thread; a Node driver is one thread, so here they are the context's. A job keeps the
   * properties it was submitted with.
   */
  setLocalProperty(key: string, value: string | undefined | null): void {
    const next = new Map(this.localProperties);
    if (value === undefined || value === null) next.delete(key);
    else next.set(key, value);
    this.localProperties = next;
  }

  /** A local property set with {@link SparkContext.setLocalProperty}, or `undefined`. */
  getLocalProperty(key: string): string | undefined { return this.localProperties.get(key); }

  /**
   * Puts the jobs submitted from now on into group `groupId` with `description` (shown by the
   * UI), as Spark's `setJobGroup`, so that {@link SparkContext.cancelJobGroup} can cancel them
   * together. `interruptOnCancel` is recorded as Spark's property; tasks here run
   * synchronously and are never interrupted: a cancelled job stops before its next task.
   *
   * @example
   * ```ts
   * import assert from 'node:assert/strict';
   * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('groups'));
   * sc.setJobGroup('nightly', 'recount the orders');
   * const job = sc.parallelize([1, 2, 3, 4], 2).countAsync();
   * sc.cancelJobGroup('nightly');
   * await assert.rejects(job, /Job \d+ cancelled part of cancelled job group nightly/);
   * sc.clearJobGroup();
   * assert.equal(await sc.parallelize([1, 2, 3, 4], 2).count(), 4);
   * sc.stop();
   * ```
   */
  setJobGroup(groupId: string, description: string, interruptOnCancel = false): void {
    this.setLocalProperty(SPARK_JOB_DESCRIPTION, description);
    this.setLocalProperty(SPARK_JOB_GROUP_ID, groupId);
    this.setLocalProperty(SPARK_JOB_INTERRUPT_ON_CANCEL, String(interruptOnCancel));
  }

  /** Clears the job group (and its description) set by {@link SparkContext.setJobGroup}. */
  clearJobGroup(): void {
    this.setLocalProperty(SPARK_JOB_DESCRIPTION, undefined);
    this.setLocalProperty(SPARK_JOB_GROUP_ID, undefined);
    this.setLocalProperty(SPARK_JOB_INTERRUPT_ON_CANCEL, undefined);
  }

  /** Sets the description of the jobs submitted from now on (`spark.job.description`), as Spark's. */
  setJobDescription(value: string): void { this.setLocalProperty(SPARK_JOB_DESCRIPTION, value); }

  /**
   * Cancels the running jobs of group `groupId`, as Spark's `cancelJobGroup`: each fails with
   * {@link JobCancelledError} (`Job 3 cancelled part of cancelled job group <groupId>`) before
   * its next task. Jobs submitted to the group later run, as in Spark 3.
   */
  cancelJobGroup(groupId: string): void { this.dagScheduler.jobs.cancelGroup(groupId); }

  /** Cancels every running job (`Job 0 cancelled as part of cancellation of all jobs`), as Spark's `cancelAllJobs`. */
  cancelAllJobs(): void { this.dagScheduler.jobs.cancelAll(); }

  /** Cancels one running job by id, with an optional reason, as Spark's `cancelJob`. */
  cancelJob(jobId: number, reason?: string): void { this.dagScheduler.jobs.cancel(jobId, reason ?? ''); }

  /**
   * What a job over `rdd` would run (its preparations and missing shuffles), without running
   * it, counting the shuffles in `planned` as available. @internal
   */
  planJob(rdd: RDD<unknown>, planned: ReadonlySet<ShuffleDependency>): ReturnType<DAGScheduler['planJob']> {
    return this.dagScheduler.planJob(rdd, planned);
  }

  /**
   * Replaces the task scheduler (the previous one is stopped): the streaming layer installs
   * the worker-thread scheduler for `local[N]` with a replicated graph. @internal
   */
  setTaskScheduler(taskScheduler: TaskScheduler): void {
    this.taskScheduler.stop();
    this.taskScheduler = taskScheduler;
    this.dagScheduler.setTaskScheduler(taskScheduler);
  }

  /** Registers hooks called when jobs start and end. */
  addJobListener(listener: JobListener): void { this.dagScheduler.listeners.push(listener); }

  /** Removes hooks added with {@link addJobListener}. */
  removeJobListener(listener: JobListener): void {
    const i = this.dagScheduler.listeners.indexOf(listener);
    if (i >= 0) this.dagScheduler.listeners.splice(i, 1);
  }

  /**
   * Sets the engine's log level, as Spark's: `ERROR`, `WARN`, `INFO` or `DEBUG` (log4j's
   * `FATAL`, `TRACE`, `ALL`, `OFF` are accepted too). The level is process-wide. Setting
   * `spark.log.level` in the conf does the same when the context is created, as in Spark.
   */
  setLogLevel(level: string): void { setLogLevel(level); }

  /** Stops the context: frees persisted partitions; every later use throws. Idempotent. */
  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.blockManager.clear();
    this.persistentRdds.clear();
    this.taskScheduler.stop();
    if (activeContext === this) activeContext = undefined;
  }

  private assertRunning(): void {
    if (this.isStopped) {
      throw new Error(`Cannot call methods on a stopped SparkContext ('${this.appName}'): create a new SparkContext`);
    }
  }
}
