import { getLogger, HashPartitioner, ManualClock, Partitioner, SparkConf, SparkContext, SystemClock } from '@kindling/core';
import type { Clock, Duration, RDD, StorageLevel, Time } from '@kindling/core';
import { RawBlockDecoder, readBinaryRecordsSync, type ChunkDecoder, type ChunkDecoderContext } from '@kindling/io';
import type { Observable } from 'rxjs';
import type { DStream } from './dstream/dstream.ts';
import { DStreamGraph } from './dstream/dstream-graph.ts';
import { dstreamClasses } from './dstream/registry.ts';
import type { BatchInfo } from './scheduler/batch-info.ts';
import { InputInfoTracker } from './scheduler/input-info-tracker.ts';
import { JobGenerator } from './scheduler/job-generator.ts';
import { JobScheduler } from './scheduler/job-scheduler.ts';
import type { StreamingListener } from './scheduler/streaming-listener.ts';
import { StreamingListenerBus } from './scheduler/streaming-listener-bus.ts';
import type { FileInputDStream, FileStreamOptions } from './input/file-input-dstream.ts';
import type { ReceiverInputDStream, ReceiverStreamOptions } from './input/receiver-input-dstream.ts';
import { ObservableReceiver } from './receiver/observable-receiver.ts';
import type { Receiver } from './receiver/receiver.ts';
import type { SocketReceiverOptions } from './receiver/socket-receiver.ts';
import { recoverOrCreate } from './checkpoint/checkpoint-recovery.ts';
import { socketTextDecoder } from './receiver/socket-text-decoder.ts';
import type { CheckpointRecoveryInfo } from './checkpoint/checkpoint-recovery.ts';
import { CheckpointSession } from './checkpoint/checkpoint-session.ts';
import type { CheckpointWriter } from './checkpoint/checkpoint-writer.ts';
import type { RecoveryPlan } from './checkpoint/recovery-plan.ts';
import { installShutdownHook } from './checkpoint/shutdown-hook.ts';
import { stopReceiversAndDrain } from './scheduler/graceful-stop.ts';
import { runUntilDrained } from './scheduler/run-until-drained.ts';
import { StreamingConf } from './streaming-conf.ts';
import { StreamingUI } from './ui/streaming-ui.ts';
import { buildGraphOn, warnIfSingleThreaded } from './parallel/build-graph.ts';
import type { GraphWorkerPool } from './parallel/graph-worker-pool.ts';
import { GroupSession } from './group/group-session.ts';
import type { GroupRuntime } from './group/group-runtime.ts';
import { planGroupStages, staticAssignment, type GroupAssignment, type GroupPlan } from './exchange/group-plan.ts';

const log = getLogger('StreamingContext');

/** The RDD types of a tuple of streams: `[DStream<A>, DStream<B>]` -> `[RDD<A>, RDD<B>]`. */
export type RDDsOf<S extends readonly DStream<unknown>[]> = { -readonly [I in keyof S]: S[I] extends DStream<infer E> ? RDD<E> : never };

/** Spark's `StreamingContextState`. */
export type StreamingContextState = 'INITIALIZED' | 'ACTIVE' | 'STOPPED';

/** The engine's moving parts, for input streams, receivers and checkpointing. @internal */
export interface StreamingScheduler {
  readonly inputInfoTracker: InputInfoTracker;
  readonly listenerBus: StreamingListenerBus;
  readonly jobScheduler: JobScheduler;
  readonly jobGenerator: JobGenerator;
}

const MANUAL_CLOCKS = new Set(['manual', 'org.apache.spark.util.ManualClock']);
const SYSTEM_CLOCKS = new Set(['system', 'org.apache.spark.util.SystemClock']);

/**
 * The entry point of a streaming application, as Spark's `StreamingContext`: it turns time
 * into a sequence of batches of `batchDuration` and runs the graph of DStreams built on it.
 *
 * Lifecycle (as Spark): streams and output operations are created while `INITIALIZED`;
 * `start()` validates the whole graph and makes the context `ACTIVE`; `stop()` makes it
 * `STOPPED` for good. One context may be active per process.
 *
 * @example
 * ```ts
 * const conf = new SparkConf().setMaster('local[2]').setAppName('WordCount');
 * const ssc = new StreamingContext(conf, Seconds(1));
 * ssc.queueStream([['a b', 'b']]).flatMap((l) => l.split(' '))
 *   .map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).print();
 * await ssc.start();
 * await ssc.awaitTerminationOrTimeout(2000); // a batch or two
 * await ssc.stop();
 * ```
 */
export class StreamingContext {
  private static active: StreamingContext | undefined;

  /** The SparkContext this streaming context runs its batches' jobs on. */
  readonly sparkContext: SparkContext;
  /** The streams and output operations of this context. */
  readonly graph: DStreamGraph;
  /** Every `spark.streaming.*` and `spark.kindling.*` setting, read once at construction. */
  readonly streamingConf: StreamingConf;
  /** The clock batches follow (`spark.streaming.clock`: `system` by default, or `manual`). */
  readonly clock: Clock;
  /** @internal */
  readonly scheduler: StreamingScheduler;
  /** Set by `checkpoint(dir)`. */
  checkpointDir: string | undefined;
  /** `spark.streaming.unpersist` (default true): unpersist persisted RDDs when streams forget them. */
  readonly unpersistForgottenRDDs: boolean;
  /** Where `print()` writes, one line per call. */
  consoleWriter: (line: string) => void = (line) => console.log(line);

  private state: StreamingContextState = 'INITIALIZED';
  /** Set by `getOrCreate` when it recovered this context: where and how it resumes. */
  private recoveryPlan: RecoveryPlan | undefined;
  /** Checkpointing from start() to stop(), with a checkpoint directory. */
  private checkpointSession: CheckpointSession | undefined;
  private groupPlan: GroupPlan | undefined;
  /** Group mode: the session handed to every stream at `start()` (runtime, stage planner, catch-up batches). */
  #groupSession: GroupSession | undefined;
  /** Group mode: the repartition log trims queued by completed batches. */
  private trimming: Promise<void> = Promise.resolve();
  private ui: StreamingUI | undefined;
  private stoppingOnError = false;
  private removeShutdownHook: (() => void) | undefined;
  private terminationError: Error | undefined;
  private stopping: Promise<void> | undefined;
  private resolveTerminated!: () => void;
  private readonly terminated = new Promise<void>((resolve) => { this.resolveTerminated = resolve; });

  /**
   * @param confOrContext a `SparkConf` (a `SparkContext` is created from it) or an existing
   *   `SparkContext`.
   * @param batchDuration the batch interval.
   */
  constructor(confOrContext: SparkConf | SparkContext, batchDuration: Duration);
  /**
   * Spark's `new StreamingContext(master, appName, batchDuration)`: a new `SparkContext` for
   * `master` and `appName`, over the settings `new SparkConf()` starts from.
   *
   * @param master the master URL, e.g. `'local[2]'`.
   * @param appName the application name.
   * @param batchDuration the batch interval.
   */
  constructor(master: string, appName: string, batchDuration: Duration);
  constructor(confOrMaster: SparkConf | SparkContext | string, durationOrAppName: Duration | string, masterFormDuration?: Duration) {
    const confOrContext = typeof confOrMaster === 'string' ? new SparkConf().setMaster(confOrMaster).setAppName(String(durationOrAppName)) : confOrMaster;
    const batchDuration = (typeof confOrMaster === 'string' ? masterFormDuration : durationOrAppName) as Duration | undefined;
    if (batchDuration === undefined || !(batchDuration.milliseconds > 0)) {
      throw new Error(`The batch duration must be a positive Duration, got ${String(batchDuration)}: pass e.g. Seconds(1).`);
    }
    const conf = confOrContext instanceof SparkContext ? confOrContext.getConf() : confOrContext;
    // Read the settings before creating a SparkContext, so that a bad one leaks none.
    this.streamingConf = new StreamingConf(conf, batchDuration.milliseconds);
    this.clock = clockFromConf(this.streamingConf.clock);
    this.sparkContext = confOrContext instanceof SparkContext ? confOrContext : new SparkContext(confOrContext);
    // As Spark's JobGenerator (SPARK-6847): a streaming job checkpoints every marked RDD of its
    // lineage, so that a checkpointed stream over another checkpointed one cuts both lineages.
    this.sparkContext.setCheckpointAllMarkedAncestors(() => JobScheduler.isInsideOutputOperation());
    this.unpersistForgottenRDDs = this.streamingConf.unpersist;
    this.graph = new DStreamGraph(batchDuration);
    const inputInfoTracker = new InputInfoTracker();
    const listenerBus = new StreamingListenerBus();
    const jobGenerator: JobGenerator = new JobGenerator(this.graph, this.clock, () => jobScheduler, inputInfoTracker);
    const jobScheduler: JobScheduler = new JobScheduler(listenerBus, (js) => jobGenerator.onBatchCompletion(js), (e) => this.stopOnError(e));
    this.scheduler = { inputInfoTracker, listenerBus, jobScheduler, jobGenerator };
  }

  /** The context started in this process and not yet stopped, if any. */
  static getActive(): StreamingContext | undefined { return StreamingContext.active; }

  /** The active context, or a new one from `create()` (not started). */
  static getActiveOrCreate(create: () => StreamingContext): StreamingContext;
  /**
   * Spark's checkpoint form: the active context if there is one (neither `create` nor the
   * checkpoint is touched then), else {@link StreamingContext.getOrCreate} on `checkpointDir`:
   * recovered from its checkpoint, or new from `create()`. A Promise, as `getOrCreate`.
   */
  static getActiveOrCreate(checkpointDir: string, create: (recovery?: CheckpointRecoveryInfo) => StreamingContext | Promise<StreamingContext>): Promise<StreamingContext>;
  static getActiveOrCreate(
    createOrDir: (() => StreamingContext) | string,
    createFromCheckpoint?: (recovery?: CheckpointRecoveryInfo) => StreamingContext | Promise<StreamingContext>,
  ): StreamingContext | Promise<StreamingContext> {
    const active = StreamingContext.active;
    if (typeof createOrDir !== 'string') return active ?? createOrDir();
    if (active !== undefined) return Promise.resolve(active);
    if (createFromCheckpoint === undefined) throw new Error('StreamingContext.getActiveOrCreate(checkpointDir, create) needs the function that creates the context');
    return StreamingContext.getOrCreate(createOrDir, createFromCheckpoint);
  }

  /**
   * Recovers a context from the metadata checkpoints in `checkpointDir`, or creates one.
   *
   * Without a checkpoint there, returns `create()` (with `checkpointDir` as its checkpoint
   * directory if `create` set none). With one, `create()` is still called: the graph is
   * always built by the current code (checkpoints hold data only, never functions), so a
   * redeployed program with changed functions, new stateless branches or new outputs recovers.
   * Then every stream's data is restored by stable id (checkpointed state, each input's
   * position and per-batch input), and `start()` first re-runs the batches that were generated
   * but not completed, with the same inputs, then continues. A graph that cannot continue (a
   * stateful stream vanished, durations changed) fails with an `IncompatibleCheckpointError`
   * listing the differences.
   *
   * Unlike Spark's, this returns a Promise (`create` may be async too): recovery reads files.
   * `create` receives a {@link CheckpointRecoveryInfo} when recovering and nothing on a fresh
   * start (where Spark would not call it at all).
   *
   * When `create` throws, or returns no StreamingContext (a TypeError says what it returned),
   * the SparkContext it created is stopped and the checkpoint left as it was: the error
   * reaches the caller unchanged, and the process may call `getOrCreate` again.
   *
   * @example
   * ```ts
   * import { mkdirSync, writeFileSync } from 'node:fs';
   * const conf = new SparkConf().setMaster('local[2]').setAppName('RecoverableWordCount');
   * mkdirSync('in');
   * const ssc = await StreamingContext.getOrCreate('checkpoint', (recovery) => {
   *   if (recovery === undefined) console.log('Creating new context');
   *   const ssc = new StreamingContext(conf, Seconds(1));
   *   ssc.checkpoint('checkpoint');
   *   ssc.textFileStream('in')
   *     .flatMap((line) => line.split(' '))
   *     .map((w) => [w, 1] as [string, number])
   *     .updateStateByKey((values: number[], total: number | undefined) => values.reduce((a, b) => a + b, total ?? 0))
   *     .saveAsTextFiles('out/counts');
   *   return ssc;
   * });
   * await ssc.start();
   * writeFileSync('in/hamlet.txt', 'to be or not to be\n'); // files moved in after start are new
   * await ssc.awaitTerminationOrTimeout(2500);
   * await ssc.stop();
   * ```
   */
  static async getOrCreate(checkpointDir: string, create: (recovery?: CheckpointRecoveryInfo) => StreamingContext | Promise<StreamingContext>): Promise<StreamingContext> {
    const { ssc, plan } = await recoverOrCreate(checkpointDir, create);
    ssc.recoveryPlan = plan;
    return ssc;
  }

  /** The metadata checkpoint writer of a started context with a checkpoint directory. @internal */
  get checkpointWriter(): CheckpointWriter | undefined { return this.checkpointSession?.writer; }

  /**
   * Builds the graph by calling `exportName(ssc, args)` from `module` (a URL, e.g.
   * `new URL('./pipeline.ts', import.meta.url)`, or a path) and returns its result. Under
   * `local[N]`/`local[*]` with N >= 2, N worker threads each import the same module and build
   * the same graph (with a structured-clone copy of `args`), and the graph's tasks run in
   * them: partitions are spread over the threads and shuffles exchanged between them, while
   * the main thread keeps the clock, the inputs, the listeners and the output operations.
   * With `local`/`local[1]` it simply calls the function. Call it before `start()`; see
   * `docs/architecture.md` ("Worker threads") for what a graph module may and may not do.
   *
   * @example
   * ```ts fragment: needs a graph module file next to the program
   * const ssc = new StreamingContext(new SparkConf().setMaster('local[*]').setAppName('Orders'), Seconds(5));
   * const pipeline = await ssc.buildGraph(new URL('./pipeline.ts', import.meta.url), 'ordersPipeline', { input: 'in' });
   * await ssc.start();
   * ```
   */
  async buildGraph<R = unknown>(module: URL | string, exportName: string, args?: unknown): Promise<R> {
    const built = await buildGraphOn<R>(this, module, exportName, args);
    this.#builtFromModule = true;
    this.#graphWorkers = built.pool;
    return built.result;
  }

  /** Whether the graph was built by {@link buildGraph} (not inline). */
  #builtFromModule = false;
  /** The worker threads {@link buildGraph} took under `local[N]` (none otherwise). */
  #graphWorkers: GraphWorkerPool | undefined;

  /** The worker threads the graph runs on (`local[N]` with {@link buildGraph}); undefined on one thread. @internal */
  get graphWorkers(): GraphWorkerPool | undefined { return this.#graphWorkers; }

  /** `INITIALIZED`, `ACTIVE` or `STOPPED`. */
  getState(): StreamingContextState { return this.state; }

  /** The batch interval. */
  get batchDuration(): Duration { return this.graph.batchDuration; }

  /** Throws unless streams and output operations may still be added. @internal */
  assertCanAddStreams(): void {
    if (this.state === 'ACTIVE') throw new Error('Adding new inputs, transformations, and output operations after starting a context is not supported: build the whole graph before ssc.start().');
    if (this.state === 'STOPPED') throw new Error('Adding new inputs, transformations, and output operations after stopping a context is not supported: create a new StreamingContext.');
  }

  /** Makes every stream remember its RDDs for at least `duration` (e.g. to query them). */
  remember(duration: Duration): void { this.graph.remember(duration); }

  /** Sets the checkpoint directory (required by stateful streams). Synchronous. */
  checkpoint(directory: string): void {
    this.sparkContext.setCheckpointDir(directory);
    this.checkpointDir = directory;
  }

  /** Routes `print()` output, e.g. to capture it in tests. */
  setConsoleWriter(writer: (line: string) => void): void { this.consoleWriter = writer; }

  /** Registers callbacks on the context's progress (any subset of {@link StreamingListener}'s). */
  addStreamingListener(listener: StreamingListener): void { this.scheduler.listenerBus.addListener(listener); }
  /** Removes a listener added with {@link addStreamingListener}. */
  removeStreamingListener(listener: StreamingListener): void { this.scheduler.listenerBus.removeListener(listener); }

  /** Completed batches (including failed ones), for dashboards. Completes on stop. */
  get batches$(): Observable<BatchInfo> { return this.scheduler.listenerBus.batches$; }

  // --- inputs and graph-level operations ---

  /**
   * A stream over a queue of RDDs or arrays, consumed from the front: one item per batch
   * (or everything queued, with `oneAtATime = false`); `defaultRDD` (or an empty RDD) when the
   * queue is empty. Items pushed while running are picked up. An array is copied when its
   * batch is generated (when the stream takes it off the queue): changing the array after that
   * changes no batch, even one a window computes again (Spark's `ParallelCollectionRDD` copies
   * its collection a little later, when its partitions are first listed by the batch's job).
   */
  queueStream<T>(queue: (RDD<T> | readonly T[])[], oneAtATime = true, defaultRDD?: RDD<T>): DStream<T> {
    return new dstreamClasses.QueueInputDStream<T>(this, queue, oneAtATime, defaultRDD);
  }

  /**
   * The lines of the text files that appear in `directory` (Spark's `textFileStream`): see
   * {@link StreamingContext.fileStream}, with the default options.
   */
  textFileStream(directory: string): FileInputDStream<string> {
    return new dstreamClasses.FileInputDStream<string>(this, directory, {}, undefined, undefined, 'textFileStream');
  }

  /**
   * The lines of the files that appear in `directory` (or match a fast-glob pattern): each
   * batch reads the files new since the previous batch, oldest modification time first, one
   * partition per file. Files present at start are ignored unless `newFilesOnly: false`; a
   * file moved in later is read exactly once whatever its modification time. Names starting
   * with `.` or `_` are ignored. See {@link FileStreamOptions} (`filter`, `maxFilesPerBatch`,
   * `minFileAgeMs`, ...). Unlike Spark's `fileStream[K, V, F]`, records are the lines.
   */
  fileStream(directory: string, options: FileStreamOptions = {}): FileInputDStream<string> {
    return new dstreamClasses.FileInputDStream<string>(this, directory, options);
  }

  /**
   * Fixed-length records (`Uint8Array`s of `recordLength` bytes) of the files that appear in
   * `directory`. A file whose length is not a multiple of `recordLength` fails the batch (as
   * in Spark) with an error naming the file and both numbers.
   */
  binaryRecordsStream(directory: string, recordLength: number, options: FileStreamOptions = {}): FileInputDStream<Uint8Array> {
    if (!Number.isInteger(recordLength) || recordLength <= 0) {
      throw new RangeError(`binaryRecordsStream(${directory}): recordLength must be a positive integer, got ${recordLength}`);
    }
    return new dstreamClasses.FileInputDStream<Uint8Array>(this, directory, options, (path) => readBinaryRecordsSync(path, recordLength), false, 'binaryRecordsStream');
  }

  /**
   * A stream fed by a user {@link Receiver} (run in-process from `start()`). `options.log`
   * receives the supervisor's log lines (default: the engine's logger, component `ReceiverSupervisor`).
   */
  receiverStream<T>(receiver: Receiver<T>, options?: ReceiverStreamOptions): ReceiverInputDStream<T> {
    return new dstreamClasses.ReceiverInputDStream<T>(this, receiver, 'receiverStream', options);
  }

  /** A stream of the values of an RxJS Observable, received as by a receiver (blocks, rate limits). */
  observableStream<T>(source: Observable<T>, storageLevel?: StorageLevel, options?: ReceiverStreamOptions): ReceiverInputDStream<T> {
    return new dstreamClasses.ReceiverInputDStream<T>(this, new ObservableReceiver<T>(source, storageLevel), 'observableStream', options);
  }

  /**
   * UTF-8 lines read from a TCP server at `hostname:port` (Spark's `socketTextStream`; e.g.
   * `nc -lk 9999`): connects as a client, reconnects with back-off (logging each attempt), never
   * stops the context for a connection error. A line longer than
   * `spark.kindling.receiver.maxLineLength` (default `8m`, UTF-8 bytes) is dropped as it
   * arrives and reported as a receiver error naming the server and the limit; the stream goes
   * on. `storageLevel` is accepted for Spark compatibility.
   */
  socketTextStream(hostname: string, port: number, storageLevel?: StorageLevel, options?: SocketReceiverOptions): ReceiverInputDStream<string> {
    return new dstreamClasses.SocketInputDStream<string>(this, hostname, port, socketTextDecoder(this.streamingConf.maxLineLength), storageLevel, options);
  }

  /**
   * Records converted from the bytes of a TCP connection (Spark's `socketStream`). `converter`
   * is either a function of each received chunk (stateless: chunk boundaries are where TCP put
   * them) or `{ newDecoder }`, a stateful {@link ChunkDecoder} per connection.
   */
  socketStream<T>(
    hostname: string,
    port: number,
    converter: ((chunk: Buffer) => Iterable<T>) | { newDecoder: (context: ChunkDecoderContext) => ChunkDecoder<T> },
    storageLevel?: StorageLevel,
    options?: SocketReceiverOptions,
  ): ReceiverInputDStream<T> {
    const newDecoder = typeof converter === 'function' ? (): ChunkDecoder<T> => ({ push: converter, end: () => [] }) : converter.newDecoder;
    return new dstreamClasses.SocketInputDStream<T>(this, hostname, port, newDecoder, storageLevel, options);
  }

  /**
   * Records sent to a TCP server's clients as length-prefixed blocks (Spark's
   * `rawSocketStream`, whose sender writes blocks of serialized records): connects to
   * `hostname:port` as a client, as `socketTextStream` does (reconnecting with back-off), and
   * reads blocks framed as `encodeRawBlock` of `@kindling/io` writes them: a 4-byte big-endian
   * length, then that many bytes of records in Kindling's value codec. A block's records enter
   * the stream in order once the whole block arrived; a block cut off by the end of a
   * connection is dropped and reported as a receiver error. `storageLevel` is accepted for
   * Spark compatibility.
   */
  rawSocketStream<T>(hostname: string, port: number, storageLevel?: StorageLevel, options?: SocketReceiverOptions): ReceiverInputDStream<T> {
    return new dstreamClasses.SocketInputDStream<T>(this, hostname, port, (context) => new RawBlockDecoder<T>(context), storageLevel, options);
  }

  /** The elements of all `streams`, batch by batch (same slide duration). */
  union<T>(streams: readonly DStream<T>[]): DStream<T> { return new dstreamClasses.UnionDStream<T>(streams); }

  /**
   * A function of the RDDs of all `streams` of each batch; `rdds` is typed element-wise after
   * `streams` (`[DStream<A>, DStream<B>]` gives `[RDD<A>, RDD<B>]`).
   */
  transform<S extends readonly DStream<unknown>[], T>(streams: readonly [...S], f: (rdds: RDDsOf<S>, time: Time) => RDD<T>): DStream<T> {
    return new dstreamClasses.TransformedDStream<T>(streams, f as unknown as (rdds: RDD<unknown>[], time: Time) => RDD<T>);
  }

  /** A pair operation's partitioner: the given one, or hash over `n` (default parallelism). @internal */
  partitionerFor(partitions: number | Partitioner | undefined): Partitioner {
    if (partitions instanceof Partitioner) return partitions;
    return new HashPartitioner(partitions ?? this.sparkContext.defaultParallelism);
  }

  // --- lifecycle ---

  /**
   * Validates the graph, starts the web UI (when `spark.ui.enabled`: Spark's Streaming tab
   * and REST API, its URL in `sparkContext.uiWebUrl`), the input streams and the batch timer.
   * Throws (and leaves the context `STOPPED`) when the graph is invalid; throws if another
   * context is active or this one was stopped. Starting an active context does nothing.
   */
  async start(): Promise<void> {
    if (this.state === 'ACTIVE') {
      log.warn('StreamingContext has already been started');
      return;
    }
    if (this.state === 'STOPPED') throw new Error('StreamingContext has already been stopped and cannot be restarted: create a new StreamingContext.');
    const other = StreamingContext.active;
    if (other !== undefined && other !== this) {
      throw new Error('Only one StreamingContext may be active in this process: stop the running one (ssc.stop()) before starting another.');
    }
    StreamingContext.active = this;
    warnIfSingleThreaded(this, this.#builtFromModule);
    try {
      this.graph.validate();
      this.#graphWorkers?.checkInputsBuiltByModule(this.graph);
      const group = this.streamingConf.group;
      // A fixed split runs the repartition-log planner; lease group mode (no fixed split) is the log stream's own (co-partitioned graphs).
      const split = staticAssignment(group);
      if (group.enabled) {
        // One session for the whole graph: the log stream installs the runtime and records catch-up batches, every stream reads them.
        this.#groupSession = new GroupSession();
        for (const s of this.graph.allStreams()) s.followGroupSession(this.#groupSession);
      }
      if (group.enabled && split === undefined) {
        // Lease mode: the log stream plans a re-keyed graph when it starts (it knows the partitions then).
        this.#groupSession?.planStagesWith((stages) => {
          const plan = planGroupStages(this.graph.outputStreams, this.sparkContext.appName, stages);
          this.groupPlan = plan;
          if (group.trimRepartitionLogs) {
            // A window over a routed stream reads its entries again after a takeover: kept for the window's length.
            for (const e of plan.exchanges) stages.onCommitted(e.ownerLog, (j, upTo) => e.log.trim(j, upTo - plan.leaseKeepMs(e)).then(() => undefined));
          }
        });
      }
      if (group.enabled && split !== undefined) {
        const plan = planGroupStages(this.graph.outputStreams, this.sparkContext.appName, split);
        this.groupPlan = plan;
        if (group.trimRepartitionLogs && plan.exchanges.length > 0) {
          // One after the other; stop() waits for the last before closing the logs.
          this.scheduler.listenerBus.addListener({ onBatchCompleted: (e) => { this.trimming = this.trimming.then(() => plan.batchCompleted(e.batchInfo.batchTime)); } });
        }
      }
      await this.startUI();
      this.checkpointSession = await CheckpointSession.start(this, this.recoveryPlan);
      await this.scheduler.jobGenerator.start(this.recoveryPlan?.generator, this.checkpointSession?.writer);
    } catch (e) {
      this.scheduler.jobGenerator.stop();
      await this.checkpointSession?.finish(false).catch(() => {});
      // Inputs that did start (the failure may come from another one) are stopped again.
      await this.graph.stopInputs().catch(() => {});
      await this.groupPlan?.close().catch(() => {});
      this.state = 'STOPPED';
      StreamingContext.active = undefined;
      this.scheduler.listenerBus.stop();
      await this.stopUI();
      this.resolveTerminated();
      throw e;
    }
    this.state = 'ACTIVE';
    if (this.streamingConf.stopGracefullyOnShutdown) this.removeShutdownHook = installShutdownHook(this);
    this.scheduler.listenerBus.post('onStreamingStarted', { time: Date.now() });
    log.info('StreamingContext started');
  }

  /**
   * With several instances sharing the job (`spark.kindling.group.enabled`), which partitions of
   * which logs (source topics, then repartition logs) this instance runs in batch `time`
   * (default: the next batch); undefined otherwise or before `start()`.
   */
  groupAssignment(time: Time = this.scheduler.jobGenerator.nextBatchTime): GroupAssignment | undefined {
    return this.groupPlan?.assignment(time);
  }

  /**
   * With several instances sharing the job under leases, the runtime of the partitions this
   * instance runs (which it holds, their batches, commits), once the log stream joined the group
   * and until it stops; undefined otherwise.
   */
  get groupRuntime(): GroupRuntime | undefined {
    return this.#groupSession?.runtime;
  }

  /**
   * Stops the context (for good): no new batches; with `stopGracefully` the queued batches
   * finish first, otherwise they are dropped and the running one stops after its current output
   * operation. Stops the input streams and, with `stopSparkContext`, the SparkContext.
   */
  async stop(stopSparkContext = this.streamingConf.stopSparkContextByDefault, stopGracefully = false): Promise<void> {
    if (this.stopping || this.state === 'STOPPED') {
      await this.stopping;
      // A UI kept up after a failed batch closes when the application stops the context.
      await this.stopUI();
      // As Spark: stop(false) then stop(true) still stops the SparkContext.
      if (stopSparkContext) this.sparkContext.stop();
      return;
    }
    this.stopping = this.doStop(stopSparkContext, stopGracefully);
    return this.stopping;
  }

  private async doStop(stopSparkContext: boolean, stopGracefully: boolean): Promise<void> {
    const wasActive = this.state === 'ACTIVE';
    try {
      if (wasActive) {
        if (stopGracefully) await stopReceiversAndDrain(this, this.streamingConf.gracefulStopTimeoutMs);
        this.scheduler.jobGenerator.stop();
        // A batch waiting for another instance's markers would hold a non-graceful stop.
        if (!stopGracefully) this.groupPlan?.abort();
        await this.scheduler.jobScheduler.stop(stopGracefully, stopGracefully ? this.streamingConf.gracefulStopTimeoutMs : 2000);
        await this.graph.stopInputs();
        await this.trimming;
        await this.groupPlan?.close();
        // A graceful stop leaves nothing pending: its last checkpoint says so.
        await this.checkpointSession?.finish(stopGracefully);
      }
    } finally {
      this.removeShutdownHook?.();
      this.state = 'STOPPED';
      if (StreamingContext.active === this) StreamingContext.active = undefined;
      this.scheduler.listenerBus.stop();
      // After a failed batch the UI stays up (read-only, never keeping the process alive) so
      // that the failure can be inspected, until the application calls stop() itself.
      if (!this.stoppingOnError) await this.stopUI();
      if (stopSparkContext) this.sparkContext.stop();
      this.resolveTerminated();
      if (wasActive) log.info(`StreamingContext stopped${stopGracefully ? ' gracefully' : ''}`);
    }
  }

  /**
   * Starts the web UI (Spark's Streaming tab and REST API) when `spark.ui.enabled`. As Spark's
   * context, a UI that cannot bind any port of its range fails the start (`UIBindError`, naming
   * the address, the ports and the settings to change).
   */
  private async startUI(): Promise<void> {
    const settings = StreamingUI.settingsFor(this);
    if (!settings.enabled) return;
    const ui = new StreamingUI(this, settings);
    try {
      await ui.start();
    } catch (e) {
      await ui.stop();
      throw e;
    }
    this.ui = ui;
  }

  private async stopUI(): Promise<void> {
    const ui = this.ui;
    this.ui = undefined;
    await ui?.stop();
  }

  private stopOnError(error: Error): void {
    if (this.state === 'STOPPED') {
      // A batch the stop stopped waiting for failed afterwards: the context already terminated.
      log.warn(`After the StreamingContext stopped: ${error.message}`);
      return;
    }
    this.terminationError ??= error;
    this.stoppingOnError = true;
    void this.stop().catch((e: unknown) => {
      log.warn(`Stopping the StreamingContext after a failed batch also failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** Resolves when the context stops; rejects with the error that stopped it, if one did. */
  async awaitTermination(): Promise<void> {
    await this.terminated;
    if (this.terminationError) throw this.terminationError;
  }

  /**
   * Waits at most `timeoutMs`: true if the context stopped by then, false otherwise; rejects
   * with the error that stopped it, if one did.
   */
  async awaitTerminationOrTimeout(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs)); });
    try {
      const stopped = await Promise.race([this.terminated.then(() => true), timedOut]);
      if (stopped && this.terminationError) throw this.terminationError;
      return stopped;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs batches until no input stream reports pending input (`InputDStream.hasPendingInput`)
   * and every batch that read it has completed: a backfill / run-once trigger. With a manual
   * clock it advances the clock one batch at a time; with the system clock it waits for the
   * timer. Rejects if a batch fails.
   */
  async processAllAvailable(): Promise<void> {
    if (this.state !== 'ACTIVE') throw new Error(`processAllAvailable() needs an active context (state: ${this.state}): call it after ssc.start().`);
    const jobs = this.scheduler.jobScheduler;
    await runUntilDrained(this, this.graph.inputStreams, { keepGoing: () => this.state === 'ACTIVE' });
    if (jobs.failure) throw jobs.failure;
    await jobs.whenIdle();
    if (this.terminationError) throw this.terminationError;
  }
}

function clockFromConf(name: string): Clock {
  if (MANUAL_CLOCKS.has(name)) return new ManualClock();
  if (SYSTEM_CLOCKS.has(name)) return new SystemClock();
  throw new Error(`Unknown spark.streaming.clock '${name}': use 'system' (default) or 'manual' (also 'org.apache.spark.util.ManualClock').`);
}
