import { captureCallSite, countPartitionRecords, Duration, enterCallSite, Interval, restoreCallSite, Seconds, StorageLevel, Time, formatElement } from '@kindling/core';
import type { CallSite, Partitioner, RDD, RecordCountingRDD } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import { dstreamClasses } from './registry.ts';
import { DStreamCheckpointData } from '../checkpoint/dstream-checkpoint-data.ts';
import { toPartitionStateUpdate } from '../state/update-state-partition.ts';
import type { StateSpec } from '../state/state-spec.ts';
import type { State } from '../state/state.ts';
import type { MapWithStateDStream } from '../state/map-with-state-dstream.ts';
import { saveBatch, shouldSkipEmptyBatches, type SaveBatchOptions } from '../output/batch-output.ts';
import type { GroupSession } from '../group/group-session.ts';
import type { GroupRuntime } from '../group/group-runtime.ts';
import { markGroupFoldersComplete, saveGroupBatch } from '../group/group-batch-output.ts';

/** A function that runs once per batch on the batch's RDD; the batch waits for a returned Promise. */
export type ForeachRDDFunction<T> = (rdd: RDD<T>, time: Time) => void | Promise<void>;

/**
 * A discretized stream: a sequence of RDDs, one per batch interval, as Spark's `DStream`.
 *
 * A DStream is three things: its {@link DStream.dependencies} (parent streams), its
 * {@link DStream.slideDuration} (how often it generates an RDD) and
 * {@link DStream.compute} (the RDD for one batch time). Everything else lives here, once:
 * generating at most one RDD per valid batch time (memoised in `generatedRDDs`), persisting
 * and checkpoint-marking it as configured, and forgetting RDDs older than the remember
 * duration so that retained RDDs stay bounded.
 *
 * Subclasses implement `dependencies` and `slideDuration` as getters (they are read only
 * after construction) and `compute`. Operators are one-line factories below.
 *
 * @example
 * ```ts
 * const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('WordCount'), Seconds(1));
 * const lines = ssc.queueStream([['to be or not to be']]);
 * const counts = lines
 *   .flatMap((l) => l.split(' '))
 *   .map((w) => [w, 1] as [string, number])
 *   .reduceByKey((a, b) => a + b);
 * counts.print();
 * await ssc.start();
 * await ssc.processAllAvailable(); // until the queue is drained
 * await ssc.stop();
 * ```
 */
export abstract class DStream<T> {
  /**
   * The operator's kind, declared as data by every DStream class (`static override kind =
   * 'map'`: the operator that builds it, `updateStateByKey`, `window`, `fileStream`, ...): it
   * names the stream (`map#3`), keys it structurally across program versions and is the
   * checkpoint's `kind` field. Never the class's run-time name, which a minifier or a rename
   * changes. A custom DStream class should declare its own.
   */
  static kind = 'dstream';
  /** The stream's RDD per batch time (ms), kept for `rememberDuration`. @internal */
  readonly generatedRDDs = new Map<number, RDD<T>>();
  /** The time before the first batch; set when the context starts. */
  zeroTime: Time | undefined;
  /** How long generated RDDs are kept; set at start (see `initialize`). */
  rememberDuration: Duration | undefined;
  /** The level applied to every generated RDD (`NONE`: not persisted). */
  storageLevel: StorageLevel = StorageLevel.NONE;
  /** Generated RDDs at `zeroTime + k * checkpointDuration` are checkpointed. */
  checkpointDuration: Duration | undefined;
  /**
   * Set by stateful subclasses: the stream must be checkpointed (its lineage would otherwise
   * grow without bound); it gets Spark's default interval at start.
   */
  protected mustCheckpoint = false;
  /** Position of this stream in its graph, in creation order. */
  readonly position: number;
  /**
   * Where the user's code created this stream (Spark's `DStream.creationSite`): the public
   * operator called and the user's file and line, `countByValueAndWindow at pipeline.ts:42`
   * as `shortForm`, the user's stack as `longForm`. A stream an operator builds inside (the
   * `map` and `reduceByKeyAndWindow` of `countByValueAndWindow`) reports the operator the user
   * called. Errors, listeners and the UI name streams by it; the RDDs a stream generates carry
   * it too (`RDD.creationSite`).
   */
  readonly creationSite: CallSite;
  private customName: string | undefined;
  /** The latest batch time generated so far, and whether an earlier one was generated after it. */
  private latestGeneratedTime = Number.NEGATIVE_INFINITY;
  private generatedOutOfOrder = false;
  /** What this stream checkpoints, restores and (through retention) deletes. @internal */
  readonly checkpointData: DStreamCheckpointData = new DStreamCheckpointData(this);

  constructor(readonly ssc: StreamingContext) {
    ssc.assertCanAddStreams();
    this.position = ssc.graph.nextStreamPosition(this as DStream<unknown>);
    // Captured once per stream and formatted only when read.
    this.creationSite = captureCallSite(this.constructor.name);
  }

  /** The parent streams. */
  abstract get dependencies(): readonly DStream<unknown>[];
  /** The interval at which this stream generates an RDD. */
  abstract get slideDuration(): Duration;
  /**
   * The RDD for `validTime`, or `undefined` for "no RDD this batch" (which is not an empty
   * RDD). Called at most once per time, by `getOrCompute`.
   */
  abstract compute(validTime: Time): RDD<T> | undefined;

  /** The kind its class declares (see {@link DStream.kind}). */
  get kind(): string { return (this.constructor as typeof DStream).kind; }

  /** The streaming context this stream belongs to. */
  get context(): StreamingContext { return this.ssc; }

  /** How long the parents must remember their RDDs for this stream; windows extend it. */
  get parentRememberDuration(): Duration | undefined { return this.rememberDuration; }

  /** True once the context has started (the zero time is set). */
  get isInitialized(): boolean { return this.zeroTime !== undefined; }

  /**
   * The stream's stable id: its kind and position in the graph (`map#3`)
   * unless set with `name(newName)`/`setName`. Used in errors, listeners and checkpoints.
   * With an argument, sets the name and returns the stream.
   */
  name(): string;
  name(newName: string): this;
  name(newName?: string): string | this {
    if (newName === undefined) return this.customName ?? `${this.kind}#${this.position}`;
    return this.setName(newName);
  }

  /** Sets the stable id returned by `name()`; names must be unique within a context. */
  setName(newName: string): this {
    if (newName.length === 0) throw new Error(`${this.name()}: a DStream name must not be empty`);
    this.customName = newName;
    return this;
  }

  toString(): string { return this.name(); }

  /**
   * How messages name this stream for its user: its creation site, with its name when set
   * (`countByValueAndWindow at pipeline.ts:42`, `'totals' (updateStateByKey at app.ts:30)`).
   */
  describe(): string {
    return this.customName === undefined ? this.creationSite.shortForm : `'${this.customName}' (${this.creationSite.shortForm})`;
  }

  // --- generation ---

  /**
   * Group leases: this stream slides slower than the batches but is generated every batch (set
   * by the group plan), since each partition of its stage has its own batch times and decides
   * from them whether it is at a slide time (see docs/log-sources.md, "Windows under leases").
   */
  #everyBatch: Duration | undefined;

  /**
   * The slide, read once at `initialize` (a stream's slide follows from its construction): each
   * batch's validity check reads it here instead of through the getters of every stream down to
   * the input.
   */
  #slide: Duration | undefined;

  /** Group leases: generates this stream's RDD at every batch time `batch` apart (see {@link isTimeValid}). @internal */
  generateEveryBatch(batch: Duration): void { this.#everyBatch = batch; }

  /** Group mode: the context's group session, handed by the context at `start()`. */
  #groupSession: GroupSession | undefined;

  /** Group mode: this stream takes part in the context's group session (runtime, catch-up batches). @internal */
  followGroupSession(session: GroupSession): void { this.#groupSession = session; }

  /** Group mode: the context's group session (undefined outside group mode). @internal */
  protected get groupSession(): GroupSession | undefined { return this.#groupSession; }

  /** Group mode: the runtime of the partitions this instance runs, once the log stream joined the group. @internal */
  protected get groupRuntime(): GroupRuntime | undefined { return this.#groupSession?.runtime; }

  /**
   * The engine batch before `time`: `time - batch`, or, in group mode after a catch-up batch,
   * that batch (a stateful stream takes its previous state there).
   */
  protected previousBatchTime(time: Time, batch: Duration = this.slideDuration): Time {
    const c = this.#groupSession?.catchUp;
    return c === undefined ? time.minus(batch) : new Time(c.previousTime(time.milliseconds, batch.milliseconds));
  }

  /**
   * True when `time` is a batch time of this stream: after `zeroTime`, on the slide (under
   * group leases, a stream sliding slower than the batches is generated every batch: each
   * partition's own batch time says whether it is on the slide; and a catch-up batch between two
   * batch times is a batch time of every stream there, see `GroupCatchUp`).
   */
  isTimeValid(time: Time): boolean {
    if (this.zeroTime === undefined) {
      throw new Error(`${this.name()} has not been initialized: RDDs exist only after StreamingContext.start().`);
    }
    if (time.lessEq(this.zeroTime)) return false;
    // Group leases: a catch-up batch between two batch times is a batch time of every stream there.
    return msMultipleOf(time.milliseconds - this.zeroTime.milliseconds, this.#everyBatch ?? this.#slide ?? this.slideDuration) || this.#groupSession?.catchUp.isCatchUp(time.milliseconds) === true;
  }

  /**
   * The RDD for `time`: the remembered one, or a new one from `compute` (persisted and
   * checkpoint-marked as configured). `undefined` when `time` is not a batch time of this
   * stream or `compute` gave no RDD.
   */
  getOrCompute(time: Time): RDD<T> | undefined {
    const known = this.generatedRDDs.get(time.milliseconds);
    if (known !== undefined) return known;
    if (!this.isTimeValid(time)) return undefined;
    // As Spark's setCallSite around compute: the RDDs made here are named by this stream's site
    // (entered and restored here rather than through `withCallSite`: no closure per stream per batch).
    const previousSite = enterCallSite(this.creationSite);
    let rdd: RDD<T> | undefined;
    try {
      rdd = this.compute(time);
    } finally {
      restoreCallSite(previousSite);
    }
    if (rdd === undefined) return undefined;
    if (this.storageLevel !== StorageLevel.NONE) rdd.persist(this.storageLevel);
    if (this.checkpointDuration !== undefined && msMultipleOf(time.milliseconds - this.zeroTime!.milliseconds, this.checkpointDuration)) rdd.checkpoint();
    if (time.milliseconds < this.latestGeneratedTime) this.generatedOutOfOrder = true;
    else this.latestGeneratedTime = time.milliseconds;
    this.generatedRDDs.set(time.milliseconds, rdd);
    return rdd;
  }

  /**
   * The RDDs of every batch time in `[fromTime, toTime]` (bounds inclusive, aligned down to the
   * slide), generated on demand. Only after the context started. `slice(interval)` takes
   * `interval.beginTime` and `interval.endTime`, as Spark's.
   */
  slice(interval: Interval): RDD<T>[];
  slice(fromTime: Time, toTime: Time): RDD<T>[];
  slice(fromOrInterval: Time | Interval, until?: Time): RDD<T>[] {
    const fromTime = fromOrInterval instanceof Interval ? fromOrInterval.beginTime : fromOrInterval;
    const toTime = fromOrInterval instanceof Interval ? fromOrInterval.endTime : until!;
    if (this.zeroTime === undefined) {
      throw new Error(`${this.name()} has not been initialized: slice(${fromTime}, ${toTime}) was called before the context started; call it after StreamingContext.start().`);
    }
    const zero = this.zeroTime;
    const align = (t: Time): Time => (t.minus(zero).isMultipleOf(this.slideDuration) ? t : t.floor(this.slideDuration, zero));
    const out: RDD<T>[] = [];
    const to = align(toTime).milliseconds;
    // Times before the zero time have no RDD: a long window early in a stream (the book's
    // 60 minutes in 1 s batches) starts at the zero time rather than stepping over 3,600 times.
    const from = Math.max(align(fromTime).milliseconds, zero.milliseconds);
    const step = this.slideDuration.milliseconds;
    for (let t = from; t <= to; t += step) {
      const rdd = this.getOrCompute(new Time(t));
      if (rdd !== undefined) out.push(rdd);
    }
    return out;
  }

  // --- lifecycle, called by the graph ---

  /**
   * Sets the zero time, the default checkpoint interval (streams that must checkpoint:
   * the smallest multiple of the slide >= 10 s) and the minimum remember duration, then
   * initialises the parents. @internal
   */
  initialize(time: Time): void {
    if (this.zeroTime !== undefined && !this.zeroTime.equals(time)) {
      throw new Error(`${this.name()} was already initialized with zero time ${this.zeroTime}, cannot initialize it again with ${time}.`);
    }
    this.zeroTime = time;
    this.#slide = this.slideDuration;
    if (this.mustCheckpoint && this.checkpointDuration === undefined) {
      this.checkpointDuration = this.slideDuration.times(Math.ceil(Seconds(10).div(this.slideDuration)));
    }
    let minRemember = this.slideDuration;
    // Twice the checkpoint interval, so that the latest checkpointed RDD is never forgotten.
    if (this.checkpointDuration !== undefined && minRemember.lessEq(this.checkpointDuration)) minRemember = this.checkpointDuration.times(2);
    if (this.rememberDuration === undefined || this.rememberDuration.lessThan(minRemember)) this.rememberDuration = minRemember;
    for (const parent of this.dependencies) parent.initialize(time);
  }

  /** Makes this stream (and, through `parentRememberDuration`, its parents) remember at least `duration`. @internal */
  remember(duration: Duration | undefined): void {
    if (duration !== undefined && (this.rememberDuration === undefined || duration.greaterThan(this.rememberDuration))) {
      this.rememberDuration = duration;
    }
    for (const parent of this.dependencies) parent.remember(this.parentRememberDuration);
  }

  /** Checks the configuration once the graph is initialised; messages say how to fix it. @internal */
  validateAtStart(): void {
    // Parents first, so that an error names the stream that introduced the problem.
    for (const parent of this.dependencies) parent.validateAtStart();
    const batch = this.ssc.graph.batchDuration;
    const slide = this.slideDuration;
    if (!slide.isMultipleOf(batch)) {
      throw new Error(`The slide duration of ${this.describe()} (${slide}) is not a multiple of the batch duration (${batch}): use window and slide durations that are multiples of ${batch}.`);
    }
    if (this.rememberDuration === undefined) throw new Error(`The remember duration of ${this.name()} is not set: this is a bug in its initialize().`);
    if (this.mustCheckpoint && this.checkpointDuration === undefined) {
      throw new Error(`The checkpoint interval for ${this.describe()} has not been set: use DStream.checkpoint(interval) to set it.`);
    }
    const cp = this.checkpointDuration;
    if (cp !== undefined) {
      if (this.ssc.checkpointDir === undefined) {
        throw new Error(`${this.describe()} must be checkpointed (${this.mustCheckpoint ? 'it keeps state across batches' : `checkpoint(${cp}) was called`}) but the checkpoint directory has not been set: call ssc.checkpoint(directory) before start().`);
      }
      if (cp.lessThan(slide) || !cp.isMultipleOf(slide)) {
        throw new Error(`The checkpoint interval of ${this.describe()} (${cp}) must be a multiple of its slide duration (${slide}), at least ${slide}: pass such a duration to checkpoint().`);
      }
      if (!this.rememberDuration.greaterThan(cp)) {
        throw new Error(`The remember duration of ${this.describe()} (${this.rememberDuration}) must be greater than its checkpoint interval (${cp}): call ssc.remember() with a longer duration.`);
      }
    }
  }

  /**
   * Forgets (and unpersists) generated RDDs at or before `time - rememberDuration`, records
   * newly written checkpoint folders (deleting them is retention's job), then does the same in
   * the parents.
   * @internal
   */
  clearMetadata(time: Time): void {
    const remember = this.rememberDuration ?? this.slideDuration;
    const threshold = time.milliseconds - remember.milliseconds;
    if (this.generatedOutOfOrder) this.sortGeneratedRDDs();
    // In time order, so the scan stops at the first RDD to keep: a window that remembers
    // thousands of batches costs no more per batch than one that remembers two.
    // Keys, not entries: no [time, rdd] pair allocated per RDD looked at.
    for (const t of this.generatedRDDs.keys()) {
      if (t > threshold) break;
      const rdd = this.generatedRDDs.get(t)!;
      this.generatedRDDs.delete(t);
      if (this.storageLevel !== StorageLevel.NONE && this.ssc.unpersistForgottenRDDs) rdd.unpersist();
    }
    this.checkpointData.update();
    const parents = this.dependencies;
    for (let i = 0; i < parents.length; i++) parents[i]!.clearMetadata(time);
  }

  /** Restores time order after an older batch was generated late (`slice`, a previous window). */
  private sortGeneratedRDDs(): void {
    const entries = [...this.generatedRDDs].sort((a, b) => a[0] - b[0]);
    this.generatedRDDs.clear();
    for (const [t, rdd] of entries) this.generatedRDDs.set(t, rdd);
    this.generatedOutOfOrder = false;
  }

  /** Puts a recovered RDD back as this stream's RDD of batch `time` (before start). @internal */
  restoreGeneratedRDD(time: number, rdd: RDD<T>): void {
    if (this.isInitialized) throw new Error(`${this.name()}: a checkpointed RDD can only be restored before the context starts.`);
    this.generatedRDDs.set(time, rdd);
  }

  // --- persistence and checkpointing ---

  /** Persists every generated RDD at `level` (default `MEMORY_ONLY_SER`, as Spark). Before start only. */
  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY_SER): this {
    if (this.isInitialized) throw new Error(`Cannot change the storage level of ${this.name()} after the StreamingContext has started: call persist() before start().`);
    this.storageLevel = level;
    return this;
  }

  /** `persist()` at the default level. */
  cache(): this { return this.persist(); }

  /**
   * Checkpoints the generated RDDs every `interval` (a multiple of the slide), which cuts their
   * lineage. Needs `ssc.checkpoint(dir)`. Before start only.
   */
  checkpoint(interval: Duration): this {
    if (this.isInitialized) throw new Error(`Cannot change the checkpoint interval of ${this.name()} after the StreamingContext has started: call checkpoint() before start().`);
    this.persist();
    this.checkpointDuration = interval;
    return this;
  }

  // --- transformations ---

  // The `[unknown, unknown]` in the constraint makes TypeScript infer array literals as tuples
  // (and widen their literals); `{} | null | undefined` admits every other result.
  /**
   * Applies `f` to every element. A function returning an array literal gives a tuple type,
   * so `map((w) => [w, 1])` is a `DStream<[string, number]>` ready for the pair operators
   * (no `as [string, number]` needed). An array built elsewhere and returned through a
   * variable stays an array (`(string | number)[]`): annotate it (`const kv: [string, number]`).
   */
  map<U extends [unknown, unknown] | {} | null | undefined>(f: (t: T) => U): DStream<U> { return new dstreamClasses.MappedDStream(this, f); }

  /** Applies `f` to every element and flattens the returned iterables. */
  flatMap<U>(f: (t: T) => Iterable<U>): DStream<U> { return new dstreamClasses.FlatMappedDStream(this, f); }

  /** Keeps the elements for which `f` is true. */
  filter(f: (t: T) => boolean): DStream<T> { return new dstreamClasses.FilteredDStream(this, f); }

  /** Each RDD's partitions as arrays: one element per partition. */
  glom(): DStream<T[]> { return new dstreamClasses.GlommedDStream(this); }

  /** Applies `f` to each partition (an array) of each RDD. */
  mapPartitions<U>(f: (part: Iterable<T>) => Iterable<U>, preservePartitioning = false): DStream<U> {
    return new dstreamClasses.MapPartitionedDStream(this, f, preservePartitioning);
  }

  /** Each RDD reshuffled into `numPartitions` partitions. */
  repartition(numPartitions: number): DStream<T> {
    return new dstreamClasses.TransformedDStream<T>([this], (rdds) => (rdds[0] as RDD<T>).repartition(numPartitions), false,
      { what: `repartition(${numPartitions})`, partitions: numPartitions, afterRouting: identityRDD });
  }

  /** Both streams' elements, batch by batch (same slide duration). */
  union(that: DStream<T>): DStream<T> { return new dstreamClasses.UnionDStream<T>([this, that]); }

  /** One element per batch: the number of elements of the batch (0 for an empty batch). */
  count(): DStream<number> {
    // The same streams as `transform(union [0]).reduce(add)` (checkpoints keep their shape); with
    // several instances the partial counts go through a one-partition repartition log first.
    return new dstreamClasses.TransformedDStream<number>(
      [this.mapPartitions<number>(countPartitionRecords)],
      (rdds) => {
        const rdd = rdds[0] as RDD<number>;
        // Every partition of the per-partition counts holds one count, so with at least one
        // partition the sum is already the batch's count: the `[0]` only answers for a batch
        // without partitions (or a routed RDD whose partitions may be empty).
        if ((rdd as RecordCountingRDD).countsParentRecords === true && rdd.getNumPartitions() > 0) return rdd;
        return rdd.union(rdd.context.parallelize([0], 1));
      },
      false,
      { what: 'count', partitions: 1 },
    ).reduce(add);
  }

  /** `[value, count]` pairs for each distinct value of each batch. */
  countByValue(numPartitions?: number): DStream<[T, number]> {
    return this.map((x) => [x, 1] as [T, number]).reduceByKey(add, numPartitions);
  }

  /** One element per non-empty batch: its elements reduced with `f`. */
  reduce(f: (a: T, b: T) => T): DStream<T> {
    // Spark maps every element to a pair and reduces by key into one partition; reducing each
    // partition locally first, then the (few) partial results in one, gives the same result
    // without a tuple per element.
    const local = (part: Iterable<T>): T[] => reducePartition(part, f);
    // A batch without an RDD has no result (Spark's reduceByKey passes it on), not a failure.
    // One partition already (a count over one partition): its partial result as it is.
    const one = new dstreamClasses.TransformedDStream<T>([this.mapPartitions(local)], (rdds) => onePartition(rdds[0] as RDD<T>), true, { what: 'reduce', partitions: 1 });
    return one.mapPartitions(local);
  }

  /** Applies an RDD-to-RDD function to every batch; returning `null`/`undefined` fails the batch. */
  transform<U>(f: (rdd: RDD<T>, time: Time) => RDD<U>): DStream<U> {
    return new dstreamClasses.TransformedDStream<U>([this], (rdds, time) => f(rdds[0] as RDD<T>, time));
  }

  /** Applies a function to this stream's and `other`'s RDDs of each batch. */
  transformWith<U, V>(other: DStream<U>, f: (rdd1: RDD<T>, rdd2: RDD<U>, time: Time) => RDD<V>): DStream<V> {
    return new dstreamClasses.TransformedDStream<V>([this, other], (rdds, time) => f(rdds[0] as RDD<T>, rdds[1] as RDD<U>, time));
  }

  // --- window operations ---

  /**
   * At every multiple of `slideDuration` (default: this stream's slide), the elements of this
   * stream's batches in `(t - windowDuration, t]`. Both durations must be multiples of this
   * stream's slide. Early windows are partial.
   */
  window(windowDuration: Duration, slideDuration: Duration = this.slideDuration): DStream<T> {
    return new dstreamClasses.WindowedDStream(this, windowDuration, slideDuration);
  }

  /**
   * The number of elements in each window, computed incrementally (count in, count out), so
   * it needs `ssc.checkpoint(dir)`. Emits nothing until the first element arrives, then a
   * count for every window, `0` included (as Spark).
   */
  countByWindow(windowDuration: Duration, slideDuration: Duration = this.slideDuration): DStream<number> {
    return this.map(one).reduceByWindow(add, subtract, windowDuration, slideDuration);
  }

  /**
   * Each window's elements reduced with `f`; with `invF` (which undoes `f`: `invF(f(a, b), b)
   * = a`) the reduction is incremental and needs `ssc.checkpoint(dir)`. Without `invF`,
   * empty windows emit nothing.
   */
  reduceByWindow(f: (a: T, b: T) => T, windowDuration: Duration, slideDuration?: Duration): DStream<T>;
  reduceByWindow(f: (a: T, b: T) => T, invF: (a: T, b: T) => T, windowDuration: Duration, slideDuration?: Duration): DStream<T>;
  reduceByWindow(f: (a: T, b: T) => T, a2: Duration | ((a: T, b: T) => T), a3?: Duration, a4?: Duration): DStream<T> {
    if (typeof a2 === 'function') {
      return this.map((x) => [1, x] as [number, T])
        .reduceByKeyAndWindow(f, a2, a3!, a4 ?? this.slideDuration, 1)
        .map(second);
    }
    return this.reduce(f).window(a2, a3 ?? this.slideDuration).reduce(f);
  }

  /**
   * `[value, count]` for each distinct value of each window, computed incrementally (needs
   * `ssc.checkpoint(dir)`); values whose count drops to 0 are dropped.
   */
  countByValueAndWindow(windowDuration: Duration, slideDuration: Duration = this.slideDuration, numPartitions?: number): DStream<[T, number]> {
    return this.map((x) => [x, 1] as [T, number]).reduceByKeyAndWindow(add, subtract, windowDuration, slideDuration, numPartitions, nonZeroCount);
  }

  /** The values of each key over each window, as an array (oldest batch first). */
  groupByKeyAndWindow<K, V>(this: DStream<[K, V]>, windowDuration: Duration, slideDuration?: Duration, partitions?: number | Partitioner): DStream<[K, V[]]> {
    const p = this.partitionerFor(partitions);
    return this.groupByKey(p)
      .window(windowDuration, slideDuration ?? this.slideDuration)
      .combineByKey(copyValues<V>, appendValues<V>, appendValues<V>, p);
  }

  /**
   * Each key's values over each window merged with `f`. With an inverse `invF`, incremental:
   * the previous window's value, minus (`invF`) what left, plus what entered, at a cost that
   * does not depend on the window length; keys stay at their "zero" value unless `filterFunc`
   * drops them; needs `ssc.checkpoint(dir)`.
   */
  reduceByKeyAndWindow<K, V>(this: DStream<[K, V]>, f: (a: V, b: V) => V, windowDuration: Duration, slideDuration?: Duration, partitions?: number | Partitioner): DStream<[K, V]>;
  reduceByKeyAndWindow<K, V>(
    this: DStream<[K, V]>,
    f: (a: V, b: V) => V,
    invF: (a: V, b: V) => V,
    windowDuration: Duration,
    slideDuration?: Duration,
    partitions?: number | Partitioner,
    filterFunc?: (kv: [K, V]) => boolean,
  ): DStream<[K, V]>;
  reduceByKeyAndWindow<K, V>(
    this: DStream<[K, V]>,
    f: (a: V, b: V) => V,
    a2: Duration | ((a: V, b: V) => V),
    a3?: Duration | number | Partitioner,
    a4?: Duration | number | Partitioner,
    a5?: number | Partitioner,
    filterFunc?: (kv: [K, V]) => boolean,
  ): DStream<[K, V]> {
    if (typeof a2 === 'function') {
      const slide = (a4 as Duration | undefined) ?? this.slideDuration;
      return new dstreamClasses.ReducedWindowedDStream<K, V>(this, f, a2, filterFunc, a3 as Duration, slide, this.partitionerFor(a5));
    }
    const p = this.partitionerFor(a4 as number | Partitioner | undefined);
    return this.reduceByKey(f, p).window(a2, (a3 as Duration | undefined) ?? this.slideDuration).reduceByKey(f, p);
  }

  // --- pair operations (Spark's PairDStreamFunctions) ---

  /** Merges the values of each key with `f` in each batch. */
  reduceByKey<K, V>(this: DStream<[K, V]>, f: (a: V, b: V) => V, partitions?: number | Partitioner): DStream<[K, V]> {
    return this.combineByKey((v: V) => v, f, f, partitions);
  }

  /** The values of each key of each batch, as an array. */
  groupByKey<K, V>(this: DStream<[K, V]>, partitions?: number | Partitioner): DStream<[K, V[]]> {
    // Spark's groupByKey is a combineByKey: a batch without an RDD has none here either.
    const p = this.partitionerFor(partitions);
    return new dstreamClasses.TransformedDStream<[K, V[]]>([this], (rdds) => (rdds[0] as RDD<[K, V]>).groupByKey(p), true, { what: 'groupByKey', partitioner: p, partitions: p.numPartitions });
  }

  /**
   * Spark's `combineByKey` on every batch; with `mapSideCombine` false (Spark's argument),
   * values cross the shuffle as they are and are combined only after it.
   */
  combineByKey<K, V, C>(
    this: DStream<[K, V]>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitions?: number | Partitioner,
    mapSideCombine = true,
  ): DStream<[K, C]> {
    return new dstreamClasses.ShuffledDStream<K, V, C>(this, createCombiner, mergeValue, mergeCombiners, this.partitionerFor(partitions), mapSideCombine);
  }

  /** Applies `f` to every value, keeping keys (and the partitioning). */
  mapValues<K, V, U>(this: DStream<[K, V]>, f: (v: V) => U): DStream<[K, U]> { return new dstreamClasses.MappedValuesDStream(this, f); }

  /** Applies `f` to every value and flattens, keeping keys. */
  flatMapValues<K, V, U>(this: DStream<[K, V]>, f: (v: V) => Iterable<U>): DStream<[K, U]> {
    return new dstreamClasses.FlatMappedValuesDStream(this, f);
  }

  /** Inner join of each batch's RDDs on the key. */
  join<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>, partitions?: number | Partitioner): DStream<[K, [V, W]]> {
    const p = this.partitionerFor(partitions);
    return keyedTransformWith(this, other, 'join', p, (a, b) => a.join(b, p));
  }

  /** Left outer join of each batch's RDDs: `[k, [v, w | undefined]]`. */
  leftOuterJoin<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>, partitions?: number | Partitioner): DStream<[K, [V, W | undefined]]> {
    const p = this.partitionerFor(partitions);
    return keyedTransformWith(this, other, 'leftOuterJoin', p, (a, b) => a.leftOuterJoin(b, p));
  }

  /** Right outer join of each batch's RDDs: `[k, [v | undefined, w]]`. */
  rightOuterJoin<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>, partitions?: number | Partitioner): DStream<[K, [V | undefined, W]]> {
    const p = this.partitionerFor(partitions);
    return keyedTransformWith(this, other, 'rightOuterJoin', p, (a, b) => a.rightOuterJoin(b, p));
  }

  /** Full outer join of each batch's RDDs: `[k, [v | undefined, w | undefined]]`. */
  fullOuterJoin<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>, partitions?: number | Partitioner): DStream<[K, [V | undefined, W | undefined]]> {
    const p = this.partitionerFor(partitions);
    return keyedTransformWith(this, other, 'fullOuterJoin', p, (a, b) => a.fullOuterJoin(b, p));
  }

  /** For each key of either batch, its values in this and in `other`. */
  cogroup<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>, partitions?: number | Partitioner): DStream<[K, [V[], W[]]]> {
    const p = this.partitionerFor(partitions);
    return keyedTransformWith(this, other, 'cogroup', p, (a, b) => a.cogroup(b, p));
  }

  // --- state operations ---

  /**
   * Keeps a state per key across batches. Every batch, the function is called for every key
   * that has state or new values (keys without new values get `[]`), even when this stream has
   * no RDD for the batch. The form is told by the function's arity (don't give parameters
   * default values): `(values, state)`, `(time, key, values, state)` (both: return
   * `undefined` or `null` to remove the key) or `(rows)` over `[key, values, state]` rows,
   * returning the `[key, state]` pairs to keep. Needs `ssc.checkpoint(dir)`.
   *
   * @example
   * ```ts
   * import assert from 'node:assert/strict';
   * import { runStreamingTest } from '@kindling/dstream/testing';
   * const out = await runStreamingTest({
   *   input: [[['a', 1], ['b', 2]], [['a', 3]], []] as [string, number][][],
   *   operation: (pairs) => pairs.updateStateByKey((values: number[], total: number | undefined) =>
   *     values.reduce((a, b) => a + b, total ?? 0)),
   *   checkpointDir: 'checkpoint',
   * });
   * assert.deepEqual(out.map((batch) => batch.sort()), [[['a', 1], ['b', 2]], [['a', 4], ['b', 2]], [['a', 4], ['b', 2]]]);
   * ```
   */
  updateStateByKey<K, V, S>(
    this: DStream<[K, V]>,
    fn: (rows: Iterable<[K, V[], S | undefined]>) => Iterable<[K, S]>,
    partitions?: number | Partitioner,
    initialRDD?: RDD<[K, S]>,
  ): DStream<[K, S]>;
  updateStateByKey<K, V, S>(
    this: DStream<[K, V]>,
    fn: (values: V[], state: S | undefined) => S | undefined | null,
    partitions?: number | Partitioner,
    initialRDD?: RDD<[K, S]>,
  ): DStream<[K, S]>;
  updateStateByKey<K, V, S>(
    this: DStream<[K, V]>,
    fn: (time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null,
    partitions?: number | Partitioner,
    initialRDD?: RDD<[K, S]>,
  ): DStream<[K, S]>;
  /**
   * Scala's forms with `rememberPartitioner` (rows or `(time, key, values, state)` function):
   * whether the state RDDs keep `partitions`' partitioner (true by default for the
   * `(time, key, values, state)` form, false for the rows form, whose function may move keys).
   */
  updateStateByKey<K, V, S>(
    this: DStream<[K, V]>,
    fn: (rows: Iterable<[K, V[], S | undefined]>) => Iterable<[K, S]>,
    partitions: number | Partitioner | undefined,
    rememberPartitioner: boolean,
    initialRDD?: RDD<[K, S]>,
  ): DStream<[K, S]>;
  updateStateByKey<K, V, S>(
    this: DStream<[K, V]>,
    fn: (time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null,
    partitions: number | Partitioner | undefined,
    rememberPartitioner: boolean,
    initialRDD?: RDD<[K, S]>,
  ): DStream<[K, S]>;
  updateStateByKey<K, V, S>(
    this: DStream<[K, V]>,
    fn: (...args: never[]) => unknown,
    partitions?: number | Partitioner,
    initialOrRemember?: RDD<[K, S]> | boolean,
    initialRDD?: RDD<[K, S]>,
  ): DStream<[K, S]> {
    const update = toPartitionStateUpdate<K, V, S>(fn, `updateStateByKey on ${this.name()}`);
    const remember = typeof initialOrRemember === 'boolean' ? initialOrRemember : fn.length !== 1;
    const initial = typeof initialOrRemember === 'boolean' ? initialRDD : initialOrRemember;
    return new dstreamClasses.StateDStream<K, V, S>(this, update, this.partitionerFor(partitions), initial, remember);
  }

  /**
   * Calls the spec's function once per record, in data order, with the key's {@link State},
   * and emits what it returns; `stateSnapshots()` on the result gives the whole state after
   * each batch. Needs `ssc.checkpoint(dir)`.
   */
  mapWithState<K, V, S, M>(this: DStream<[K, V]>, spec: StateSpec<K, V, S, M>): MapWithStateDStream<K, V, S, M> {
    return new dstreamClasses.MapWithStateDStream<K, V, S, M>(this, spec);
  }

  // --- output operations ---

  /**
   * Runs `f` on every batch's RDD (an output operation). The batch waits for a returned
   * Promise; a throw or rejection fails the batch and stops the context.
   *
   * Exactly-once with checkpoint recovery: after a crash, a batch whose outputs may have run
   * is run again (with the same input when its metadata checkpoint was written). Make the sink
   * idempotent with `time`: write one file or folder named after `time.milliseconds` and
   * replace it atomically (as `saveAsTextFiles` does), or upsert rows keyed by
   * `(time, partition, key)`, or record `time` in the same transaction as the data and skip
   * batches already recorded. See docs/checkpoint-format.md.
   *
   * In group mode (`spark.kindling.group.enabled`, several instances sharing a log's
   * partitions, docs/log-sources.md) `f` runs in every instance and sees only what that
   * instance owns: the RDD keeps one partition per log partition (partition i of a
   * co-partitioned stream is log partition i) and the partitions owned by other instances are
   * empty. A whole-RDD result (a count, a top-5) is therefore per instance; write per
   * partition (`foreachPartition`, keyed by `(time, partition)`) to stay idempotent.
   *
   * @example
   * ```ts
   * const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('Sink'), Seconds(1));
   * const counts = ssc.queueStream([['a', 'b', 'a']]).countByValue();
   * counts.foreachRDD(async (rdd, time) => {
   *   const rows = await rdd.collect();
   *   await atomicWriteFile(`out/counts-${time.milliseconds}.json`, JSON.stringify(rows));
   * });
   * await ssc.start();
   * await ssc.processAllAvailable();
   * await ssc.stop();
   * ```
   */
  foreachRDD(f: ForeachRDDFunction<T>): void {
    new dstreamClasses.ForEachDStream(this, f, 'foreachRDD').register();
  }

  /**
   * Prints the first `num` elements of every batch under Spark's header, through the
   * context's console writer (`ssc.setConsoleWriter`).
   */
  print(num = 10, format: (x: T) => string = formatElement): void {
    const write = (line: string): void => this.ssc.consoleWriter(line);
    new dstreamClasses.ForEachDStream(
      this,
      async (rdd, time) => {
        const first = await rdd.take(num + 1);
        write('-------------------------------------------');
        write(`Time: ${time}`);
        write('-------------------------------------------');
        for (let i = 0; i < first.length && i < num; i++) write(format(first[i] as T));
        if (first.length > num) write('...');
        write('');
      },
      'print',
    ).register();
  }

  /**
   * Writes every batch as a text folder `prefix-<time ms>[.suffix]` (one line per element),
   * atomically: `part-NNNNN` files and `_SUCCESS` appear together, and a re-run batch replaces
   * its folder. `options.skipEmptyBatches` (or `spark.kindling.output.skipEmptyBatches`)
   * writes no folder for an empty batch.
   *
   * In group mode each instance writes the file `part-<p>` of every log partition p it owns
   * into the batch's folder (atomically, so a re-run batch rewrites the same file), and
   * `_SUCCESS` appears once every partition of the group committed the batch, written by the
   * instance whose commit completed it (killed before writing it: by the next instance of the
   * group to commit, join or stop); `skipEmptyBatches` does not apply.
   */
  saveAsTextFiles(prefix: string, suffix?: string, options?: SaveBatchOptions): void {
    const inGroup = groupBatchWriter(() => this.groupRuntime, prefix, suffix, 'text');
    new dstreamClasses.ForEachDStream(this, async (rdd, time) => {
      if (await inGroup(rdd as RDD<unknown>, time)) return;
      await saveBatch(rdd as RDD<unknown>, batchFileName(prefix, suffix, time), 'text', shouldSkipEmptyBatches(this.ssc.streamingConf, options));
    }, 'saveAsTextFiles').register();
  }

  /** Writes every batch as an object-file folder `prefix-<time ms>[.suffix]`, as {@link saveAsTextFiles}. */
  saveAsObjectFiles(prefix: string, suffix?: string, options?: SaveBatchOptions): void {
    const inGroup = groupBatchWriter(() => this.groupRuntime, prefix, suffix, 'object');
    new dstreamClasses.ForEachDStream(this, async (rdd, time) => {
      if (await inGroup(rdd as RDD<unknown>, time)) return;
      await saveBatch(rdd as RDD<unknown>, batchFileName(prefix, suffix, time), 'object', shouldSkipEmptyBatches(this.ssc.streamingConf, options));
    }, 'saveAsObjectFiles').register();
  }

  /** The partitioner for a pair operation's optional argument (Spark: hash, default parallelism). @internal */
  partitionerFor(partitions: number | Partitioner | undefined): Partitioner {
    return this.ssc.partitionerFor(partitions);
  }
}

/**
 * Group mode's writer of an output's batch folders (a no-op returning false outside group
 * mode): one `part-<p>` file per owned partition, `_SUCCESS` once the group committed the batch.
 */
function groupBatchWriter(runtime: () => GroupRuntime | undefined, prefix: string, suffix: string | undefined, format: 'text' | 'object'): (rdd: RDD<unknown>, time: Time) => Promise<boolean> {
  const folderOf = (t: number): string => batchFileName(prefix, suffix, new Time(t));
  let registered = false;
  const marks = { doneUpTo: Number.NEGATIVE_INFINITY };
  return async (rdd, time) => {
    const group = runtime();
    if (group === undefined) return false;
    if (!registered) {
      registered = true;
      // Folders the group completed before this output first ran (possibly without their _SUCCESS) are marked first.
      await group.onBatchComplete((upTo) => markGroupFoldersComplete(upTo, prefix, suffix, marks));
    }
    await saveGroupBatch(group, rdd, time.milliseconds, folderOf, format);
    return true;
  };
}

/**
 * Spark's `rddToFileName`: `prefix-<ms>`, with `.suffix` when the suffix is not empty; an
 * empty prefix gives just `<ms>` (no leading dash), as Spark's.
 */
export function batchFileName(prefix: string, suffix: string | undefined, time: Time): string {
  const base = prefix === '' ? String(time.milliseconds) : `${prefix}-${time.milliseconds}`;
  return suffix === undefined || suffix === '' ? base : `${base}.${suffix}`;
}

function identityRDD(rdd: RDD<unknown>): RDD<unknown> { return rdd; }
/** `transformWith` for the keyed two-stream operators (their grouping names them in group mode). */
function keyedTransformWith<A, B, V>(a: DStream<A>, b: DStream<B>, what: string, p: Partitioner, f: (a: RDD<A>, b: RDD<B>) => RDD<V>): DStream<V> {
  return new dstreamClasses.TransformedDStream<V>([a, b], (rdds) => f(rdds[0] as RDD<A>, rdds[1] as RDD<B>), false, { what, partitioner: p, partitions: p.numPartitions });
}
/** `Duration.isMultipleOf` of the `ms` between two times, without a `Duration` per stream and batch. */
function msMultipleOf(ms: number, d: Duration): boolean {
  return d.milliseconds !== 0 && ms % d.milliseconds === 0;
}

/** `rdd` in one partition: itself when it has one, else `coalesce(1)`. */
function onePartition<T>(rdd: RDD<T>): RDD<T> {
  return rdd.getNumPartitions() === 1 ? rdd : rdd.coalesce(1);
}

function reducePartition<T>(part: Iterable<T>, f: (a: T, b: T) => T): T[] {
  let acc: T | undefined;
  let any = false;
  for (const x of part) {
    acc = any ? f(acc as T, x) : x;
    any = true;
  }
  return any ? [acc as T] : [];
}
function add(a: number, b: number): number { return a + b; }
function subtract(a: number, b: number): number { return a - b; }
function one(): number { return 1; }
function nonZeroCount<T>(kv: [T, number]): boolean { return kv[1] !== 0; }
function copyValues<V>(vs: V[]): V[] { return vs.slice(); }
function appendValues<V>(buf: V[], vs: V[]): V[] {
  for (let i = 0; i < vs.length; i++) buf.push(vs[i]!);
  return buf;
}
function second<K, V>(kv: [K, V]): V { return kv[1]; }
