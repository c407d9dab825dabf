import type { SparkContext } from '../spark-context.ts';
import type { TaskContext } from '../scheduler/task-context.ts';
import type { RDDCheckpointData } from '../checkpoint/rdd-checkpoint-data.ts';
import { StorageLevel } from '../storage/storage-level.ts';
import { Dependency, OneToOneDependency, ShuffleDependency } from './dependency.ts';
import type { Partitioner, NumPartitionsOrPartitioner } from './partitioner.ts';
import { HashPartitioner } from './partitioner.ts';
import { rddClasses } from './registry.ts';
import { naturalOrdering, reverseOrdering, type Ordering } from '../util/ordering.ts';
import { smallestK } from '../util/smallest-k.ts';
import { cloneZero } from '../util/clone-zero.ts';
import { randomSeed } from '../util/xor-shift-random.ts';
import * as sampling from './sampling.ts';
import * as numeric from './numeric-functions.ts';
import { commandOf, pipePartition } from './pipe.ts';
import { toArray } from './kernels.ts';
import { takeFrom } from './take.ts';
import { rejectAsync } from './reject-async.ts';
import { countPartitionRecords } from './record-pipeline.ts';
import { invariant } from '../util/invariant.ts';
import { byteswap32 } from '../util/hash-code.ts';
import { currentCallSite, type CallSite } from '../util/call-site.ts';
import { recordsOf, type PartitionData } from './pair-columns.ts';
import type { StatCounter } from '../util/stat-counter.ts';

let nextRddId = 0;

// The record functions the pair operators wrap around the user's: one wrapper per user
// function (not per RDD), so that every batch's RDD of a stream reuses the same compiled
// record loop (see record-pipeline.ts).
const keyByWrappers = new WeakMap<object, (x: unknown) => unknown>();
const mapValuesWrappers = new WeakMap<object, (x: unknown) => unknown>();
const identity = (v: unknown): unknown => v;
const keyOf = (kv: unknown): unknown => (kv as [unknown, unknown])[0];
const valueOf = (kv: unknown): unknown => (kv as [unknown, unknown])[1];

function memoWrap<G>(wrappers: WeakMap<object, (x: unknown) => unknown>, f: object, make: G): (x: unknown) => unknown {
  let g = wrappers.get(f);
  if (g === undefined) wrappers.set(f, g = make as unknown as (x: unknown) => unknown);
  return g;
}

/** How many levels up {@link RDD.getNumPartitions} memoises unknown counts without a walk. */
const SHALLOW_LEVELS = 8;

/**
 * A Resilient Distributed Dataset: an immutable, lazily evaluated, partitioned collection
 * that remembers how it was derived (its lineage), as Spark's `RDD`.
 *
 * Transformations (`map`, `filter`, `reduceByKey`, ...) return new RDDs and run nothing;
 * actions (`collect`, `count`, `saveAsTextFile`, ...) are async and run a job: the scheduler
 * splits the lineage into stages at shuffles and runs one synchronous task per partition.
 * Pair operations exist on every RDD but only type-check on RDDs of `[K, V]` tuples.
 *
 * ## Writing a subclass
 * Pass `(sc, dependencies)` to `super`, implement `getPartitions()` and a synchronous
 * `compute(split, ctx)` that returns the partition as an array (fresh, or shared and never
 * mutated). Read parents only through `ctx.parent(depIndex, parentSplit)` (narrow
 * dependencies) and `ctx.shuffleRead(depIndex, split)` (shuffle dependencies): the engine
 * evaluates them beforehand without recursion. Override `partitioner` when the output is
 * partitioned by key. Persistence, checkpointing and `toDebugString` come from this class.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdirSync, writeFileSync } from 'node:fs';
 * mkdirSync('in');
 * writeFileSync('in/hamlet.txt', 'to be or\nnot to be\n');
 * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('WordCount'));
 * const counts = sc.textFile('in/*.txt')
 *   .flatMap((line) => line.split(' '))
 *   .map((w) => [w, 1] as [string, number])
 *   .reduceByKey((a, b) => a + b);
 * const pairs = await counts.collect(); // in partition order
 * assert.deepEqual(pairs.sort(), [['be', 2], ['not', 1], ['or', 1], ['to', 2]]);
 * sc.stop();
 * ```
 */
export abstract class RDD<T> {
  /** The SparkContext this RDD belongs to. */
  declare readonly context: SparkContext;
  /** A unique id within the process. */
  declare readonly id: number;
  /** The operation that created this RDD (`map`, `reduceByKey`, ...), for `toDebugString`. */
  declare scope: string;
  /**
   * Where user code asked for this RDD, when a DStream generated it: the stream's creation
   * site (`countByValueAndWindow at app.ts:42`), as Spark names a stream's RDDs. Errors
   * computing the RDD name it.
   */
  declare readonly creationSite: CallSite | undefined;
  declare private deps: Dependency[] | undefined;
  declare private numPartitionsMemo: number | undefined;
  declare private storageLevel: StorageLevel;
  declare private rddName: string | undefined;
  /** @internal */
  declare checkpointData: RDDCheckpointData<T> | undefined;

  constructor(context: SparkContext, dependencies: Dependency[], scope?: string) {
    // Plain assignments rather than field initializers (`declare` above emits nothing): a
    // base class's field initializers define each field on objects of every subclass's shape,
    // and V8 (Node 20) does not cache such defines once they see many shapes, so each runs
    // through the runtime: 3.4-3.9 µs of CPU an RDD made by map, filter, reduceByKey, union,
    // sortBy and zipWithIndex, against 0.8-1.0 µs with these stores (alternated in one
    // process). Every batch of a streaming job makes its RDDs anew.
    this.context = context;
    this.id = nextRddId++;
    this.scope = scope ?? this.constructor.name;
    this.creationSite = currentCallSite();
    this.deps = dependencies;
    this.numPartitionsMemo = undefined;
    this.storageLevel = StorageLevel.NONE;
    this.rddName = undefined;
    this.checkpointData = undefined;
  }

  // ---------------------------------------------------------------- subclass contract

  /** The number of partitions (indices `0..n-1`). Called once; the base memoises it. */
  protected abstract getPartitions(): number;

  /**
   * Computes partition `split`, synchronously, from the parent data in `ctx`.
   * Returns a fresh array or a shared one that nobody mutates.
   */
  abstract compute(split: number, ctx: TaskContext): readonly T[];

  /** How this RDD's keys are partitioned, when it is a pair RDD partitioned by key. */
  get partitioner(): Partitioner | undefined { return undefined; }

  /**
   * Async preparation before a job that evaluates this RDD (`zipWithIndex` counts its
   * parent's partitions here). Called by the scheduler; may run jobs of its own.
   * @internal
   */
  prepareForJob?(): Promise<void>;

  /** Drops references to parents after a checkpoint; subclasses holding parents override it. */
  protected clearDependencies(): void { this.deps = []; }

  // ---------------------------------------------------------------- lineage

  /** The SparkContext this RDD belongs to (same as `context`). */
  get sparkContext(): SparkContext { return this.context; }

  /**
   * The lineage edges to the parents. After a checkpoint, a single one-to-one dependency on
   * the checkpoint files.
   */
  get dependencies(): readonly Dependency[] {
    const cp = this.checkpointData?.checkpointRDD;
    if (cp !== undefined) return cp.asDependencies;
    return this.deps ?? [];
  }

  /** The number of partitions. */
  getNumPartitions(): number {
    const cp = this.checkpointData?.checkpointRDD;
    if (cp !== undefined) return cp.getNumPartitions();
    if (this.numPartitionsMemo === undefined) {
      // Most RDDs are made over parents that know their count already (every batch's RDDs
      // over the previous ones): no walk then.
      if (!this.parentCountsKnown()) this.memoizeAncestorPartitionCounts();
      this.numPartitionsMemo = this.getPartitions();
    }
    return this.numPartitionsMemo;
  }

  private parentCountsKnown(): boolean {
    for (const d of this.dependencies) {
      const p = d.rdd as RDD<unknown>;
      if (p.numPartitionsMemo === undefined && p.checkpointData?.checkpointRDD === undefined) return false;
    }
    return true;
  }

  /**
   * Subclasses compute their partition count from their parents'; memoising the ancestors
   * deepest-first keeps that from recursing through a 10,000-deep lineage.
   */
  private memoizeAncestorPartitionCounts(): void {
    // Usually the unknown counts are a few levels up (a batch's RDDs made one over another and
    // first asked for a count at the top): memoised directly, without the walk's stack and set.
    if (!this.memoizeParentCountsWithin(SHALLOW_LEVELS)) this.memoizeAncestorsDeepestFirst();
  }

  /**
   * Memoises the parents' counts, deepest first, when every unknown one is at most `levels`
   * levels above; false (some memoised, the rest not) when one is further up.
   */
  private memoizeParentCountsWithin(levels: number): boolean {
    const deps = this.dependencies;
    for (let i = 0; i < deps.length; i++) {
      const p = deps[i]!.rdd as RDD<unknown>;
      if (p.numPartitionsMemo !== undefined || p.checkpointData?.checkpointRDD !== undefined) continue;
      if (levels === 0 || !p.memoizeParentCountsWithin(levels - 1)) return false;
      p.numPartitionsMemo = p.getPartitions();
    }
    return true;
  }

  private memoizeAncestorsDeepestFirst(): void {
    const needs = (r: RDD<unknown>): boolean => r.numPartitionsMemo === undefined && r.checkpointData?.checkpointRDD === undefined;
    const stack: { rdd: RDD<unknown>; next: number }[] = [{ rdd: this as RDD<unknown>, next: 0 }];
    const seen = new Set<RDD<unknown>>([this as RDD<unknown>]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = top.rdd.dependencies;
      if (top.next < deps.length) {
        const p = deps[top.next++]!.rdd;
        if (!seen.has(p) && needs(p)) {
          seen.add(p);
          stack.push({ rdd: p, next: 0 });
        }
        continue;
      }
      stack.pop();
      if (top.rdd !== (this as RDD<unknown>) && needs(top.rdd)) top.rdd.numPartitionsMemo = top.rdd.getPartitions();
    }
  }

  /** The partition indices `[0, 1, .., n-1]`. */
  get partitions(): number[] { return Array.from({ length: this.getNumPartitions() }, (_, i) => i); }

  /** The user-given name, if any. */
  get name(): string | undefined { return this.rddName; }

  /** Names this RDD (shown in `toDebugString` and in errors). */
  setName(name: string): this {
    this.rddName = name;
    return this;
  }

  /**
   * Computes a partition, from the checkpoint files when the RDD has been checkpointed.
   * @internal
   */
  computeOrReadCheckpoint(split: number, ctx: TaskContext): PartitionData<T> {
    if (this.checkpointData?.checkpointRDD !== undefined) return ctx.parent<T>(0, split);
    return this.computeData(split, ctx);
  }

  /**
   * {@link RDD.compute} in the engine's own form: an RDD of combined pairs may return them as
   * columns (`PairColumns`), which `compute` turns into pairs. @internal
   */
  computeData(split: number, ctx: TaskContext): PartitionData<T> {
    return this.compute(split, ctx);
  }

  /** The persisted partition, if this RDD is persisted and the block is stored. @internal */
  getStoredPartition(split: number): readonly T[] | undefined {
    const data = this.getStoredData(split);
    return data === undefined ? undefined : recordsOf(data as PartitionData<T>);
  }

  /** {@link RDD.getStoredPartition} in the engine's own form (see `computeData`). @internal */
  getStoredData(split: number): PartitionData<T> | undefined {
    if (this.storageLevel === StorageLevel.NONE) return undefined;
    return this.context.blockManager.get(this.id, split) as PartitionData<T> | undefined;
  }

  /** Stores a freshly computed partition (persistence, pending checkpoint). @internal */
  onPartitionComputed(split: number, data: PartitionData<T>): void {
    if (this.storageLevel !== StorageLevel.NONE) {
      this.context.blockManager.put(this.id, split, data);
      this.context.partitionStored(this as RDD<unknown>, split);
    }
    this.checkpointData?.capture(split, recordsOf(data));
  }

  /** Detaches the parents once the checkpoint RDD replaced them. @internal */
  markCheckpointed(): void {
    this.clearDependencies();
    this.deps = [];
  }

  /**
   * `toString()` and, when known, the user's call that led to this RDD:
   * `MapPartitionsRDD[27] at map (from countByValueAndWindow at app.ts:42)`. @internal
   */
  describeForError(): string {
    return this.creationSite === undefined ? this.toString() : `${this.toString()} (from ${this.creationSite.shortForm})`;
  }

  /** `ClassName[id]`, with the name in front if set, and the creating operation. */
  toString(): string {
    return `${this.rddName !== undefined ? this.rddName + ' ' : ''}${this.constructor.name}[${this.id}] at ${this.scope}`;
  }

  /**
   * The lineage, one RDD a line, as Spark prints it: `(n)` partition counts, `+-` where a
   * shuffle starts a new stage, `|` for narrow parents, and the storage level in brackets.
   * Walks iteratively, so a 10,000-deep lineage prints without overflowing the stack.
   */
  toDebugString(): string {
    const lines: string[] = [];
    type Item = { rdd: RDD<unknown>; prefix: string; shuffle: boolean; last: boolean; first: boolean };
    const stack: Item[] = [{ rdd: this as RDD<unknown>, prefix: '', shuffle: false, last: false, first: true }];
    while (stack.length > 0) {
      const it = stack.pop()!;
      const self = `${it.rdd.toString()} [${it.rdd.storageLevel.description()}]`;
      let childPrefix: string;
      if (it.first || it.shuffle) {
        const countStr = `(${it.rdd.getNumPartitions()})`;
        const offset = Math.floor((countStr.length - 1) / 2);
        const bar = ' '.repeat(offset) + '|' + ' '.repeat(countStr.length - offset);
        if (it.first) {
          lines.push(`${countStr} ${self}`);
          childPrefix = bar;
        } else {
          const thisPrefix = it.prefix.replace(/\|\s+$/, '');
          lines.push(`${thisPrefix}+-${countStr} ${self}`);
          childPrefix = thisPrefix + (it.last ? '  ' : '| ') + bar;
        }
      } else {
        lines.push(it.prefix + self);
        childPrefix = it.prefix;
      }
      const deps = it.rdd.dependencies;
      for (let i = deps.length - 1; i >= 0; i--) {
        const d = deps[i]!;
        stack.push({ rdd: d.rdd, prefix: childPrefix, shuffle: d instanceof ShuffleDependency, last: i === deps.length - 1, first: false });
      }
    }
    return lines.join('\n');
  }

  // ---------------------------------------------------------------- persistence & checkpoint

  /**
   * Keeps computed partitions in memory for later jobs (every level is served from memory
   * in a local context). The level cannot be changed once set, as in Spark, except on a
   * locally checkpointed RDD, whose level always keeps disk use (as Spark's).
   */
  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.checkpointData?.local === true) {
      if (level !== StorageLevel.NONE) this.storageLevel = level.withDisk();
      return this;
    }
    if (this.storageLevel !== StorageLevel.NONE && level !== this.storageLevel) {
      throw new Error(
        `Cannot change the storage level of ${this.toString()} from ${this.storageLevel} to ${level}: call unpersist() first`,
      );
    }
    if (level === StorageLevel.NONE) return this;
    this.storageLevel = level;
    this.context.registerPersistentRDD(this as RDD<unknown>);
    return this;
  }

  /** `persist(StorageLevel.MEMORY_ONLY)`. */
  cache(): this { return this.persist(); }

  /** Forgets the persisted partitions and the storage level. */
  unpersist(_blocking = false): this {
    this.context.unregisterPersistentRDD(this as RDD<unknown>);
    this.storageLevel = StorageLevel.NONE;
    return this;
  }

  /** The storage level set by `persist`, `StorageLevel.NONE` if none. */
  getStorageLevel(): StorageLevel { return this.storageLevel; }

  /**
   * Marks this RDD for checkpointing: after the next action that computes it, its partitions
   * are written under the context's checkpoint directory and its lineage is cut (its
   * dependencies become the checkpoint files, its ancestors become unreachable). Needs
   * `sc.setCheckpointDir(dir)` first.
   */
  checkpoint(): void {
    invariant(
      this.context.getCheckpointDir() !== undefined,
      `Checkpoint directory has not been set in the SparkContext: call sc.setCheckpointDir(dir) before checkpointing ${this.toString()}`,
    );
    if (this.checkpointData === undefined) this.checkpointData = new rddClasses.RDDCheckpointData<T>(this);
  }

  /** True once the checkpoint has been written and the lineage cut. */
  get isCheckpointed(): boolean { return this.checkpointData?.checkpointRDD !== undefined; }

  /** The directory holding this RDD's checkpoint files, once written. */
  getCheckpointFile(): string | undefined { return this.checkpointData?.checkpointRDD?.checkpointPath; }

  // ---------------------------------------------------------------- transformations

  // The `[unknown, unknown]` in the constraint makes TypeScript infer array literals as tuples
  // (and widen their literals); `{} | null | undefined` admits every other result.
  /**
   * Applies `f` to every element. A function returning an array literal gives a tuple type,
   * so `map((w) => [w, 1])` is an `RDD<[string, number]>` ready for the pair operators
   * (no `as [string, number]` needed). An array built elsewhere and returned through a
   * variable stays an array (`(string | number)[]`): annotate it (`const kv: [string, number]`).
   */
  map<U extends [unknown, unknown] | {} | null | undefined>(f: (t: T) => U): RDD<U> {
    return new rddClasses.MapPartitionsRDD<U, T>(this, undefined, false, 'map', { kind: 'map', f: f as (x: unknown) => unknown });
  }

  /** Applies `f` to every element and flattens the iterables it returns. */
  flatMap<U>(f: (t: T) => Iterable<U>): RDD<U> {
    return new rddClasses.MapPartitionsRDD<U, T>(this, undefined, false, 'flatMap', { kind: 'flatMap', f: f as (x: unknown) => Iterable<unknown> });
  }

  /** Keeps the elements for which `f` is true (keeps the partitioner). */
  filter(f: (t: T) => boolean): RDD<T> {
    return new rddClasses.MapPartitionsRDD<T, T>(this, undefined, true, 'filter', { kind: 'filter', f: f as (x: unknown) => boolean });
  }

  /**
   * Applies `f` to each whole partition (an array; do not mutate it). Set
   * `preservesPartitioning` when `f` keeps keys where they are, to keep the partitioner.
   */
  mapPartitions<U>(f: (it: Iterable<T>) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    // A count per partition (DStream.count): counted through the records' fused chain.
    const counts = (f as unknown) === countPartitionRecords;
    return new rddClasses.MapPartitionsRDD<U, T>(this, (_, data) => toArray(f(data)), preservesPartitioning, 'mapPartitions', undefined, undefined, counts);
  }

  /** Like `mapPartitions`, also passing the partition index. */
  mapPartitionsWithIndex<U>(f: (index: number, it: Iterable<T>) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    return new rddClasses.MapPartitionsRDD<U, T>(this, (split, data) => toArray(f(split, data)), preservesPartitioning, 'mapPartitionsWithIndex');
  }

  /** Each partition as one array element. */
  glom(): RDD<T[]> {
    return new rddClasses.MapPartitionsRDD<T[], T>(this, (_, data) => [data.slice()], false, 'glom');
  }

  /** Pairs each element with `f(element)` as its key: `[f(t), t]`. */
  keyBy<K>(f: (t: T) => K): RDD<[K, T]> {
    const g = memoWrap(keyByWrappers, f, (t: T) => [f(t), t] as [K, T]);
    return new rddClasses.MapPartitionsRDD<[K, T], T>(this, undefined, false, 'keyBy', { kind: 'map', f: g });
  }

  /** The elements of both RDDs (duplicates kept), as `sc.union([this, other])`. */
  union(other: RDD<T>): RDD<T> { return this.context.union([this, other]); }

  /** The distinct elements (compared by value). */
  distinct(numPartitions?: number): RDD<T> {
    const n = numPartitions ?? this.getNumPartitions();
    const p = this.partitioner;
    if (p !== undefined && n === this.getNumPartitions()) {
      // Already partitioned: equal elements (keys included) are co-located; dedupe in place.
      return this.mapPartitions((it) => rddClasses.pair.distinctKernel(it), true);
    }
    return this.map((x) => [x, undefined] as [T, undefined])
      .reduceByKey((a) => a, n)
      .map((kv) => kv[0])
      .withScope('distinct');
  }

  /** The elements present in both RDDs, without duplicates. */
  intersection(other: RDD<T>, numPartitions?: NumPartitionsOrPartitioner): RDD<T> {
    return this.map((v) => [v, undefined] as [T, undefined])
      .cogroup(other.map((v) => [v, undefined] as [T, undefined]), numPartitions)
      .filter((kv) => kv[1][0].length > 0 && kv[1][1].length > 0)
      .keys()
      .withScope('intersection');
  }

  /** The elements of this RDD not in `other` (duplicates of kept elements stay). */
  subtract(other: RDD<T>, numPartitions?: NumPartitionsOrPartitioner): RDD<T> {
    const p = numPartitions ?? this.partitioner ?? new HashPartitioner(this.getNumPartitions());
    return this.map((v) => [v, undefined] as [T, undefined])
      .cogroup(other.map((v) => [v, undefined] as [T, undefined]), p)
      .flatMap((kv) => (kv[1][1].length === 0 ? kv[1][0].map(() => kv[0]) : []))
      .withScope('subtract');
  }

  /**
   * Groups the elements by `f(element)`: `[key, elements]` pairs, as Spark's `groupBy` (a
   * `keyBy(f)` followed by `groupByKey`).
   */
  groupBy<K>(f: (t: T) => K, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, T[]]> {
    return this.keyBy(f).groupByKey(numPartitions).withScope('groupBy');
  }

  /** All pairs `[a, b]` of an element of this RDD and one of `other`. */
  cartesian<U>(other: RDD<U>): RDD<[T, U]> {
    return new rddClasses.CartesianRDD<T, U>(this.context, this, other);
  }

  /**
   * Sorts by `f(element)`, range-partitioning by key (bounds sampled from the data when the
   * job runs) so that `collect()` is globally sorted and partition i holds smaller keys than
   * partition i+1.
   */
  sortBy<K>(f: (t: T) => K, ascending = true, numPartitions?: number, ordering: Ordering<K> = naturalOrdering): RDD<T> {
    return this.keyBy(f).sortByKey(ascending, numPartitions ?? this.getNumPartitions(), ordering).values().withScope('sortBy');
  }

  /**
   * Pairs each element with its index in the RDD's order (partition by partition). The
   * partition sizes are counted when the first job runs, not at construction.
   */
  zipWithIndex(): RDD<[T, number]> {
    return new rddClasses.ZippedWithIndexRDD<T>(this);
  }

  /**
   * Applies `f` to partition i of this RDD and partition i of `other` (which must have as many
   * partitions). Set `preservesPartitioning` to keep this RDD's partitioner.
   */
  zipPartitions<U, V>(other: RDD<U>, f: (a: Iterable<T>, b: Iterable<U>) => Iterable<V>, preservesPartitioning = false): RDD<V> {
    return new rddClasses.ZippedPartitionsRDD<V>(
      this.context,
      [this as RDD<unknown>, other as RDD<unknown>],
      (parts) => f(parts[0] as readonly T[], parts[1] as readonly U[]),
      preservesPartitioning,
    );
  }

  /**
   * Pairs the i-th element of this RDD with the i-th of `other`; both need the same number of
   * partitions and the same number of elements in each partition.
   */
  zip<U>(other: RDD<U>): RDD<[T, U]> {
    return new rddClasses.ZippedPartitionsRDD<[T, U]>(this.context, [this as RDD<unknown>, other as RDD<unknown>], (parts) => {
      const a = parts[0] as readonly T[];
      const b = parts[1] as readonly U[];
      if (a.length !== b.length) {
        throw Object.assign(new Error(`Can only zip RDDs with the same number of elements in each partition (got ${a.length} and ${b.length})`), {
          blame: 'The cause is the two RDDs zipped, not a function passed to them: zip them only when each partition of one has as many elements as the same partition of the other (zipWithIndex and a join by index do not need that).',
        });
      }
      const out = new Array<[T, U]>(a.length);
      for (let i = 0; i < a.length; i++) out[i] = [a[i]!, b[i]!];
      return out;
    }, false, 'zip');
  }

  /** Exactly `numPartitions` partitions, by a shuffle that spreads elements evenly. */
  repartition(numPartitions: number): RDD<T> { return this.coalesce(numPartitions, true).withScope('repartition'); }

  /**
   * Fewer partitions without a shuffle (neighbouring partitions merged; asking for more
   * keeps the current number), or exactly `numPartitions` with `shuffle = true`.
   */
  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    invariant(Number.isInteger(numPartitions) && numPartitions > 0, `Number of partitions (${numPartitions}) must be positive for coalesce/repartition`);
    if (!shuffle) return new rddClasses.CoalescedRDD<T>(this, numPartitions);
    // Round-robin from a per-partition start so elements spread evenly, as Spark does.
    const withPos = this.mapPartitionsWithIndex((index, it) => {
      let position = byteswap32(index) % numPartitions;
      if (position < 0) position += numPartitions;
      const data = it as readonly T[];
      const out = new Array<[number, T]>(data.length);
      for (let i = 0; i < data.length; i++) {
        position++;
        out[i] = [position, data[i]!];
      }
      return out;
    });
    const shuffled = new rddClasses.ShuffledRDD<number, T, T>(withPos, new HashPartitioner(numPartitions));
    return shuffled.values().withScope('coalesce');
  }

  /**
   * A random sample: each element kept with probability `fraction` (without replacement), or
   * kept a Poisson(`fraction`) number of times (with replacement). Deterministic per `seed`.
   */
  sample(withReplacement: boolean, fraction: number, seed: number = randomSeed()): RDD<T> {
    return sampling.sample(this, withReplacement, fraction, seed);
  }

  /**
   * Splits the RDD into disjoint random parts of about `weights` (normalized) of its
   * elements; together they hold every element once. Deterministic per `seed`: each
   * partition draws one number per element and every split keeps those in its own range.
   */
  randomSplit(weights: readonly number[], seed: number = randomSeed()): RDD<T>[] {
    return sampling.randomSplit(this, weights, seed);
  }

  /**
   * Pairs each element with a unique id without running a job: the i-th element of
   * partition k gets `i * n + k` (n partitions), as Spark's; ids are not consecutive.
   */
  zipWithUniqueId(): RDD<[T, number]> {
    const n = this.getNumPartitions();
    return this.mapPartitionsWithIndex((k, it) => {
      const data = it as readonly T[];
      const out = new Array<[T, number]>(data.length);
      for (let i = 0; i < data.length; i++) out[i] = [data[i]!, i * n + k];
      return out;
    }).withScope('zipWithUniqueId');
  }

  /**
   * Each partition piped through an external program, as Spark's `pipe`: the program (a
   * string split on whitespace, or the program and its arguments) runs once per partition
   * with the partition's elements as lines on its standard input (as `toString` prints them);
   * its output lines are the new RDD's elements. `env` adds environment variables. A
   * non-zero exit status fails the task ("Subprocess exited with status N").
   */
  pipe(command: string | readonly string[], env?: Readonly<Record<string, string>>): RDD<string> {
    const cmd = commandOf(command);
    return this.mapPartitions((it) => pipePartition(toArray(it), cmd, env)).withScope('pipe');
  }

  // ---------------------------------------------------------------- pair transformations

  /** Merges the values of each key with an associative, commutative `f` (combining map-side). */
  reduceByKey<K, V>(this: RDD<[K, V]>, f: (a: V, b: V) => V, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, V]> {
    return rddClasses.pair.combineByKey(this, identity as (v: V) => V, f, f, numPartitions, true, 'reduceByKey');
  }

  /** Groups the values of each key into an array. */
  groupByKey<K, V>(this: RDD<[K, V]>, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, V[]]> {
    return rddClasses.pair.groupByKey(this, numPartitions);
  }

  /**
   * The pairs whose key is not in `other` (every value of a kept key stays), as Spark's
   * `subtractByKey`. Partitioned by `numPartitions`, else this RDD's partitioner, else by hash
   * into as many partitions as this RDD has.
   */
  subtractByKey<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, V]> {
    const p = numPartitions ?? this.partitioner ?? new HashPartitioner(this.getNumPartitions());
    // Keys stay where the partitioner put them: the result keeps it, as Spark's SubtractedRDD.
    return this.cogroup(other, p)
      .mapPartitions((groups) => {
        const out: [K, V][] = [];
        for (const [k, [vs, ws]] of groups) if (ws.length === 0) for (const v of vs) out.push([k, v]);
        return out;
      }, true)
      .withScope('subtractByKey');
  }

  /**
   * Spark's generic per-key aggregation. Keeps the partitioner if already partitioned alike.
   * With `mapSideCombine` false (Spark's argument), values cross the shuffle as they are and
   * are combined only after it (`mergeCombiners` is then never called when a shuffle runs).
   */
  combineByKey<K, V, C>(
    this: RDD<[K, V]>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (c1: C, c2: C) => C,
    numPartitions?: NumPartitionsOrPartitioner,
    mapSideCombine = true,
  ): RDD<[K, C]> {
    return rddClasses.pair.combineByKey(this, createCombiner, mergeValue, mergeCombiners, numPartitions, mapSideCombine, 'combineByKey');
  }

  /** Aggregates each key's values from a (copied) `zeroValue` with `seqOp`, merging with `combOp`. */
  aggregateByKey<K, V, U>(
    this: RDD<[K, V]>,
    zeroValue: U,
    seqOp: (u: U, v: V) => U,
    combOp: (a: U, b: U) => U,
    numPartitions?: NumPartitionsOrPartitioner,
  ): RDD<[K, U]> {
    return rddClasses.pair.combineByKey(this, (v: V) => seqOp(cloneZero(zeroValue), v), seqOp, combOp, numPartitions, true, 'aggregateByKey');
  }

  /** Folds each key's values from a (copied) `zeroValue` with `f`. */
  foldByKey<K, V>(this: RDD<[K, V]>, zeroValue: V, f: (a: V, b: V) => V, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, V]> {
    return rddClasses.pair.combineByKey(this, (v: V) => f(cloneZero(zeroValue), v), f, f, numPartitions, true, 'foldByKey');
  }

  /** Applies `f` to each value, keeping keys and the partitioner. */
  mapValues<K, V, U>(this: RDD<[K, V]>, f: (v: V) => U): RDD<[K, U]> {
    const g = memoWrap(mapValuesWrappers, f, (kv: [K, V]) => [kv[0], f(kv[1])] as [K, U]);
    return new rddClasses.MapPartitionsRDD<[K, U], [K, V]>(this, undefined, true, 'mapValues', { kind: 'map', f: g });
  }

  /** Applies `f` to each value and pairs the key with every element it returns; keeps the partitioner. */
  flatMapValues<K, V, U>(this: RDD<[K, V]>, f: (v: V) => Iterable<U>): RDD<[K, U]> {
    return new rddClasses.MapPartitionsRDD<[K, U], [K, V]>(this, rddClasses.pair.flatMapValuesKernel(f), true, 'flatMapValues');
  }

  /** The keys. */
  keys<K, V>(this: RDD<[K, V]>): RDD<K> {
    return new rddClasses.MapPartitionsRDD<K, [K, V]>(this, undefined, false, 'keys', { kind: 'map', f: keyOf });
  }

  /** The values. */
  values<K, V>(this: RDD<[K, V]>): RDD<V> {
    return new rddClasses.MapPartitionsRDD<V, [K, V]>(this, undefined, false, 'values', { kind: 'map', f: valueOf });
  }

  /** For each key, the values of this RDD and of `other`: `[k, [vs, ws]]`. Up to three others. */
  cogroup<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, [V[], W[]]]>;
  cogroup<K, V, W1, W2>(
    this: RDD<[K, V]>,
    other1: RDD<[K, W1]>,
    other2: RDD<[K, W2]>,
    numPartitions?: NumPartitionsOrPartitioner,
  ): RDD<[K, [V[], W1[], W2[]]]>;
  cogroup<K, V, W1, W2, W3>(
    this: RDD<[K, V]>,
    other1: RDD<[K, W1]>,
    other2: RDD<[K, W2]>,
    other3: RDD<[K, W3]>,
    numPartitions?: NumPartitionsOrPartitioner,
  ): RDD<[K, [V[], W1[], W2[], W3[]]]>;
  cogroup<K>(this: RDD<[K, unknown]>, ...args: (RDD<[K, unknown]> | NumPartitionsOrPartitioner)[]): RDD<[K, unknown[][]]> {
    const others = args.filter((a): a is RDD<[K, unknown]> => a instanceof RDD);
    const last = args.length > others.length ? (args[args.length - 1] as NumPartitionsOrPartitioner) : undefined;
    return rddClasses.pair.cogroup(this, others, last);
  }

  /** Same as `cogroup` (Spark's alias). */
  groupWith<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>): RDD<[K, [V[], W[]]]>;
  groupWith<K, V, W1, W2>(this: RDD<[K, V]>, other1: RDD<[K, W1]>, other2: RDD<[K, W2]>): RDD<[K, [V[], W1[], W2[]]]>;
  groupWith<K, V, W1, W2, W3>(this: RDD<[K, V]>, other1: RDD<[K, W1]>, other2: RDD<[K, W2]>, other3: RDD<[K, W3]>): RDD<[K, [V[], W1[], W2[], W3[]]]>;
  groupWith<K>(this: RDD<[K, unknown]>, ...others: RDD<[K, unknown]>[]): RDD<[K, unknown[][]]> {
    return (this.cogroup as (...a: unknown[]) => RDD<[K, unknown[][]]>).apply(this, others).withScope('groupWith');
  }

  /**
   * The pairs whose key lies in `[lower, upper]` (both inclusive, by `ordering`), keeping
   * the partitioner, as Spark's `OrderedRDDFunctions.filterByRange`.
   */
  filterByRange<K, V>(this: RDD<[K, V]>, lower: K, upper: K, ordering: Ordering<K> = naturalOrdering): RDD<[K, V]> {
    return this.filter(([k]) => ordering(k, lower) >= 0 && ordering(k, upper) <= 0).withScope('filterByRange');
  }

  /** Inner join by key: `[k, [v, w]]` for every pair of matching values. */
  join<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, [V, W]]> {
    return rddClasses.pair.join(this, other, numPartitions, 'inner') as RDD<[K, [V, W]]>;
  }

  /** Every value of this RDD with each matching value of `other`, or `undefined` when none. */
  leftOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, [V, W | undefined]]> {
    return rddClasses.pair.join(this, other, numPartitions, 'left') as RDD<[K, [V, W | undefined]]>;
  }

  /** Every value of `other` with each matching value of this RDD, or `undefined` when none. */
  rightOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, [V | undefined, W]]> {
    return rddClasses.pair.join(this, other, numPartitions, 'right') as RDD<[K, [V | undefined, W]]>;
  }

  /** Both outer joins: a missing side is `undefined`. */
  fullOuterJoin<K, V, W>(
    this: RDD<[K, V]>,
    other: RDD<[K, W]>,
    numPartitions?: NumPartitionsOrPartitioner,
  ): RDD<[K, [V | undefined, W | undefined]]> {
    return rddClasses.pair.join(this, other, numPartitions, 'full') as RDD<[K, [V | undefined, W | undefined]]>;
  }

  /** Repartitions by `partitioner` (no shuffle when already partitioned by an equal one). */
  partitionBy<K, V>(this: RDD<[K, V]>, partitioner: Partitioner): RDD<[K, V]> {
    if (partitioner.equals(this.partitioner)) return this;
    return new rddClasses.ShuffledRDD<K, V, V>(this, partitioner, undefined, false, undefined, 'partitionBy');
  }

  /**
   * Shuffles by `partitioner` and sorts each resulting partition by key (`ordering`), in the
   * shuffle, as Spark's `repartitionAndSortWithinPartitions`: always a shuffle, even when
   * already partitioned alike; pairs with equal keys keep their arrival order.
   */
  repartitionAndSortWithinPartitions<K, V>(this: RDD<[K, V]>, partitioner: Partitioner, ordering: Ordering<K> = naturalOrdering): RDD<[K, V]> {
    return new rddClasses.ShuffledRDD<K, V, V>(this, partitioner, undefined, false, ordering, 'repartitionAndSortWithinPartitions');
  }

  /**
   * Samples each key's pairs at its own rate, as Spark's `sampleByKey`: `fractions` gives every
   * key's probability of keeping a pair (without replacement) or its expected number of copies
   * (with replacement); a key missing from it fails the task. One pass, partitioning kept,
   * deterministic per `seed`; sizes are about `fraction` times each key's count, not exact.
   */
  sampleByKey<K, V>(this: RDD<[K, V]>, withReplacement: boolean, fractions: ReadonlyMap<K, number>, seed: number = randomSeed()): RDD<[K, V]> {
    return sampling.sampleByKey(this, withReplacement, fractions, seed);
  }

  /** Sorts by key with range partitioning (see `sortBy`). */
  sortByKey<K, V>(this: RDD<[K, V]>, ascending = true, numPartitions?: number, ordering: Ordering<K> = naturalOrdering): RDD<[K, V]> {
    const n = numPartitions ?? this.getNumPartitions();
    const part = new rddClasses.RangePartitioner<K>(n, this, ascending, ordering);
    return new rddClasses.ShuffledRDD<K, V, V>(this, part, undefined, false, ascending ? ordering : reverseOrdering(ordering), 'sortByKey');
  }

  // ---------------------------------------------------------------- actions

  /** All elements, partition by partition. */
  async collect(): Promise<T[]> {
    const parts = await this.context.runJob(this, (data: readonly T[]) => data, undefined, 'collect');
    return ([] as T[]).concat(...(parts as T[][]));
  }

  /** The number of elements. */
  async count(): Promise<number> {
    const counts = await this.context.runJob(this, (data) => data.length, undefined, 'count');
    let n = 0;
    for (const c of counts) n += c;
    return n;
  }

  /**
   * The first `num` elements, scanning one partition first and then more at a time, as
   * Spark's `take`.
   */
  take(num: number): Promise<T[]> {
    return takeFrom(this, num, (rdd, f, parts, site) => this.context.runJob(rdd, f, parts, site), 'take');
  }

  /** The first element; throws on an empty RDD. */
  async first(): Promise<T> {
    const xs = await this.take(1);
    if (xs.length === 0) throw new Error(`first() on an empty collection: ${this.toString()} has no elements; check isEmpty() first`);
    return xs[0]!;
  }

  /** The `num` largest elements, largest first (by `ordering`, natural by default). */
  top(num: number, ordering: Ordering<T> = naturalOrdering): Promise<T[]> {
    return this.takeOrdered(num, reverseOrdering(ordering));
  }

  /** The `num` smallest elements, smallest first (by `ordering`, natural by default). */
  async takeOrdered(num: number, ordering: Ordering<T> = naturalOrdering): Promise<T[]> {
    if (num <= 0) return [];
    const parts = await this.context.runJob(this, (data: readonly T[]) => smallestK(data, num, ordering), undefined, 'takeOrdered');
    return smallestK(([] as T[]).concat(...parts), num, ordering);
  }

  /** The largest element (by `ordering`, natural by default); throws on an empty RDD. */
  max(ordering: Ordering<T> = naturalOrdering): Promise<T> {
    return this.reduce((a, b) => (ordering(a, b) >= 0 ? a : b));
  }

  /** The smallest element (by `ordering`, natural by default); throws on an empty RDD. */
  min(ordering: Ordering<T> = naturalOrdering): Promise<T> {
    return this.reduce((a, b) => (ordering(a, b) <= 0 ? a : b));
  }

  /** The sum of a numeric RDD (0 when empty), as Spark's `DoubleRDDFunctions.sum`. */
  sum(this: RDD<number>): Promise<number> {
    return this.fold(0, (a, b) => a + b);
  }

  /**
   * The mean of a numeric RDD, as Spark's `DoubleRDDFunctions.mean` (`stats().mean`): each
   * partition's running mean, merged, so the digits are Spark's; 0 when empty, as Spark's.
   */
  async mean(this: RDD<number>): Promise<number> { return (await this.stats()).mean; }

  /** Count, mean, variance, max and min of a numeric RDD in one pass, as Spark's `stats()`. */
  stats(this: RDD<number>): Promise<StatCounter> {
    return numeric.stats(this);
  }

  /** The population variance of a numeric RDD (divides by n; NaN when empty). */
  async variance(this: RDD<number>): Promise<number> { return (await this.stats()).variance; }

  /** The population standard deviation of a numeric RDD (NaN when empty). */
  async stdev(this: RDD<number>): Promise<number> { return (await this.stats()).stdev; }

  /** Same as `variance` (Spark 3.x's name for the population variance). */
  async popVariance(this: RDD<number>): Promise<number> { return (await this.stats()).popVariance; }

  /** Same as `stdev` (Spark 3.x's name for the population standard deviation). */
  async popStdev(this: RDD<number>): Promise<number> { return (await this.stats()).popStdev; }

  /** The sample variance of a numeric RDD (divides by n - 1; NaN for fewer than two elements). */
  async sampleVariance(this: RDD<number>): Promise<number> { return (await this.stats()).sampleVariance; }

  /** The sample standard deviation of a numeric RDD (divides by n - 1). */
  async sampleStdev(this: RDD<number>): Promise<number> { return (await this.stats()).sampleStdev; }

  /**
   * With a bucket count: `bucketCount` equal buckets from the RDD's min to its max, returned
   * as `[edges, counts]` (edges `[min, min]` and one bucket when all elements are equal);
   * throws on an empty RDD or one holding NaN or an infinity, as Spark's `histogram(Int)`.
   * With bucket edges (sorted, at least two): the count per bucket, bucket i being
   * `[edges[i], edges[i+1])` and the last one including its upper edge; values outside and
   * NaN are not counted. `evenBuckets` says the edges are evenly spaced, so a value's bucket
   * is computed rather than searched (same answer).
   */
  histogram(this: RDD<number>, bucketCount: number): Promise<[number[], number[]]>;
  histogram(this: RDD<number>, buckets: readonly number[], evenBuckets?: boolean): Promise<number[]>;
  histogram(this: RDD<number>, arg: number | readonly number[], evenBuckets = false): Promise<[number[], number[]] | number[]> {
    return numeric.histogram(this, arg, evenBuckets);
  }

  /** Reduces the elements with an associative, commutative `f`; throws on an empty RDD. */
  async reduce(f: (a: T, b: T) => T): Promise<T> {
    const parts = await this.context.runJob(this, (data: readonly T[]) => {
      if (data.length === 0) return [] as T[];
      let acc = data[0] as T;
      for (let i = 1; i < data.length; i++) acc = f(acc, data[i]!);
      return [acc];
    }, undefined, 'reduce');
    let has = false;
    let acc: T | undefined;
    for (const p of parts) {
      if (p.length === 0) continue;
      acc = has ? f(acc as T, p[0]!) : p[0]!;
      has = true;
    }
    if (!has) throw new Error(`reduce() on an empty collection: ${this.toString()} has no elements; use fold() with a zero value instead`);
    return acc as T;
  }

  /** Folds each partition from a copy of `zeroValue`, then the partition results likewise. */
  async fold(zeroValue: T, f: (a: T, b: T) => T): Promise<T> {
    const parts = await this.context.runJob(this, (data: readonly T[]) => {
      let acc = cloneZero(zeroValue);
      for (let i = 0; i < data.length; i++) acc = f(acc, data[i]!);
      return acc;
    }, undefined, 'fold');
    let acc = cloneZero(zeroValue);
    for (const p of parts) acc = f(acc, p);
    return acc;
  }

  /** Aggregates each partition with `seqOp` from a copy of `zeroValue`, merging with `combOp`. */
  async aggregate<U>(zeroValue: U, seqOp: (u: U, t: T) => U, combOp: (a: U, b: U) => U): Promise<U> {
    const parts = await this.context.runJob(this, (data: readonly T[]) => {
      let acc = cloneZero(zeroValue);
      for (let i = 0; i < data.length; i++) acc = seqOp(acc, data[i]!);
      return acc;
    }, undefined, 'aggregate');
    let acc = cloneZero(zeroValue);
    for (const p of parts) acc = combOp(acc, p);
    return acc;
  }

  /**
   * Aggregates as `aggregate` does, but merges the partition results in a tree of about
   * `depth` levels of shuffles before the driver's final merge, as Spark's `treeAggregate`.
   * With `finalAggregateOnExecutor` (Spark 3.3's argument), the tree's last level is merged
   * in one task, behind one more shuffle into a single partition, so the driver merges one
   * value (Spark folds that level by key with a copy of `zeroValue` per map partition, and so
   * does this).
   */
  async treeAggregate<U>(zeroValue: U, seqOp: (u: U, t: T) => U, combOp: (a: U, b: U) => U, depth = 2, finalAggregateOnExecutor = false): Promise<U> {
    invariant(Number.isInteger(depth) && depth >= 1, `Depth must be greater than or equal to 1 but got ${depth}`);
    if (this.getNumPartitions() === 0) return cloneZero(zeroValue);
    let partial: RDD<U> = this.mapPartitions((it) => {
      const data = it as readonly T[];
      let acc = cloneZero(zeroValue);
      for (let i = 0; i < data.length; i++) acc = seqOp(acc, data[i]!);
      return [acc];
    });
    let n = partial.getNumPartitions();
    const scale = Math.max(Math.ceil(Math.pow(n, 1 / depth)), 2);
    while (n > scale + Math.ceil(n / scale)) {
      n = Math.floor(n / scale);
      const cur = n;
      partial = partial
        .mapPartitionsWithIndex((i, it) => Array.from(it, (u) => [i % cur, u] as [number, U]))
        .foldByKey(zeroValue, combOp, new HashPartitioner(cur))
        .values();
    }
    if (finalAggregateOnExecutor && partial.getNumPartitions() > 1) {
      partial = partial
        .map((u) => [0, u] as [number, U])
        .foldByKey(zeroValue, combOp, new HashPartitioner(1))
        .values();
    }
    return partial.fold(zeroValue, combOp);
  }

  /** Reduces as `reduce` does, merging partition results in a tree (see `treeAggregate`); throws on an empty RDD. */
  async treeReduce(f: (a: T, b: T) => T, depth = 2): Promise<T> {
    const none: T[] = [];
    const merge = (a: T[], b: T[]): T[] => (a.length === 0 ? b : b.length === 0 ? a : [f(a[0] as T, b[0] as T)]);
    const r = await this.mapPartitions((it) => {
      const data = it as readonly T[];
      if (data.length === 0) return [none];
      let acc = data[0] as T;
      for (let i = 1; i < data.length; i++) acc = f(acc, data[i] as T);
      return [[acc]];
    }).treeAggregate(none, merge, merge, depth);
    if (r.length === 0) throw new Error(`treeReduce() on an empty collection: ${this.toString()} has no elements; use treeAggregate() with a zero value instead`);
    return r[0] as T;
  }

  /**
   * The elements one partition at a time (a job per partition), so the driver holds at most
   * one partition, as Spark's `toLocalIterator`.
   */
  async *toLocalIterator(): AsyncGenerator<T, void, undefined> {
    const n = this.getNumPartitions();
    for (let p = 0; p < n; p++) {
      const [data] = await this.context.runJob(this, (d: readonly T[]) => d.slice(), [p], 'toLocalIterator');
      yield* data!;
    }
  }

  /**
   * `num` elements drawn at random (each at most once unless `withReplacement`), in random
   * order, as Spark's `takeSample`: samples with a fraction sized to yield `num` with high
   * probability, resampling when short. Deterministic per `seed`.
   */
  takeSample(withReplacement: boolean, num: number, seed: number = randomSeed()): Promise<T[]> {
    return sampling.takeSample(this, withReplacement, num, seed);
  }

  /**
   * The number of distinct elements (compared by value). Spark estimates it with
   * HyperLogLog++ within `relativeSD`; this returns the exact count, which meets any bound.
   */
  async countApproxDistinct(relativeSD = 0.05): Promise<number> {
    invariant(relativeSD > 0.000017, `accuracy (${relativeSD}) must be greater than 0.000017`);
    return this.distinct().count();
  }

  /** Runs `f` on every element (in the tasks). */
  async foreach(f: (t: T) => void): Promise<void> {
    await this.context.runJob(this, (data: readonly T[]) => {
      for (let i = 0; i < data.length; i++) rejectAsync(f(data[i]!), 'foreach');
    }, undefined, 'foreach');
  }

  /** Runs `f` on every partition (an array; do not mutate it). */
  async foreachPartition(f: (it: Iterable<T>) => void): Promise<void> {
    await this.context.runJob(this, (data: readonly T[]) => { rejectAsync(f(data), 'foreachPartition'); }, undefined, 'foreachPartition');
  }

  /** How many times each distinct element occurs. */
  async countByValue(): Promise<Map<T, number>> {
    return this.map((x) => [x, undefined] as [T, undefined]).countByKey();
  }

  /** True when the RDD has no elements (looks at as few partitions as it can). */
  async isEmpty(): Promise<boolean> {
    return this.getNumPartitions() === 0 || (await this.take(1)).length === 0;
  }

  /**
   * Writes one text file per partition (`part-00000`, ..., then `_SUCCESS`) into `path`,
   * each element on a line as `formatElement` prints it. The folder appears atomically and
   * a rerun replaces it.
   */
  async saveAsTextFile(path: string): Promise<void> {
    await rddClasses.pair.saveAsTextFile(this as RDD<unknown>, path);
  }

  /** Writes the elements with the value codec, one file per partition; read back with `sc.objectFile`. */
  async saveAsObjectFile(path: string): Promise<void> {
    await rddClasses.pair.saveAsObjectFile(this as RDD<unknown>, path);
  }

  // ---------------------------------------------------------------- pair actions

  /** The number of elements per key. */
  async countByKey<K, V>(this: RDD<[K, V]>): Promise<Map<K, number>> {
    const counts = await this.mapValues(() => 1).reduceByKey((a, b) => a + b).collect();
    return new Map(counts);
  }

  /** The pairs as a Map (a later value wins for a repeated key). */
  async collectAsMap<K, V>(this: RDD<[K, V]>): Promise<Map<K, V>> {
    return new Map(await this.collect());
  }

  /**
   * Merges each key's values with an associative, commutative `f` into a Map on the driver,
   * as Spark's `reduceByKeyLocally`: each partition reduces into its own map, then the driver
   * merges the maps (keys compared by value).
   */
  reduceByKeyLocally<K, V>(this: RDD<[K, V]>, f: (a: V, b: V) => V): Promise<Map<K, V>> {
    return rddClasses.pair.reduceByKeyLocally(this, f);
  }

  /**
   * The number of distinct values of each key (values compared by value), as Spark's
   * `countApproxDistinctByKey`. Spark estimates it with HyperLogLog++ within `relativeSD`;
   * this counts exactly, which meets any bound. One shuffle into `numPartitions` (a count or
   * a partitioner; default as `reduceByKey`).
   */
  countApproxDistinctByKey<K, V>(this: RDD<[K, V]>, relativeSD = 0.05, numPartitions?: NumPartitionsOrPartitioner): RDD<[K, number]> {
    return rddClasses.pair.countApproxDistinctByKey(this, relativeSD, numPartitions);
  }

  /** The values of `key` (compared by value), scanning only its partition when partitioned. */
  lookup<K, V>(this: RDD<[K, V]>, key: K): Promise<V[]> {
    return rddClasses.pair.lookup(this, key);
  }

  // ---------------------------------------------------------------- internal helpers

  /** Sets the creating operation's name (for `toDebugString`); returns this. @internal */
  withScope(scope: string): this {
    this.scope = scope;
    return this;
  }

  /** A one-to-one dependency on this RDD. @internal */
  oneToOne(): OneToOneDependency<T> { return new OneToOneDependency(this); }
}

/** An RDD of `[key, value]` pairs. */
export type PairRDD<K, V> = RDD<[K, V]>;

