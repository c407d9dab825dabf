import { StorageLevel } from '@kindling/core';
import type { Duration, RDD, Time } from '@kindling/core';
import type { Exchange } from '../exchange/exchange.ts';
import type { ExchangeRDD } from '../exchange/exchange-rdd.ts';
import type { GroupRuntime } from '../group/group-runtime.ts';
import { markStageRuntime } from '../group/group-batch-output.ts';
import { GroupWindowRDD, type GroupWindowPart } from '../group/group-window-rdd.ts';
import { LogAlignedRDD } from '../group/log-aligned-rdd.ts';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';
import { checkWindowDurations } from './window-durations.ts';

/**
 * `parent.window(windowDuration, slideDuration)`: at every multiple of the slide, the union of
 * the parent's RDDs in `(t - windowDuration, t]`. Early windows are partial (nothing before
 * the first batch), not suppressed.
 *
 * ```
 *  parent   |  1  |  2  |  3  |  4  |  5  |  6  |      batch 1 s, window 4 s, slide 2 s
 *  window               [1 2]       [1 2 3 4]   [3 4 5 6]
 *                        t=2         t=4         t=6
 * ```
 * Each parent RDD is shared by several windows, so the parent is persisted (unless the user
 * chose a level) and remembers `windowDuration` more than this stream needs.
 *
 * Under group leases (`spark.kindling.group.enabled`, no fixed split) the parent is read from a
 * repartition log: the output of a re-keying (e.g. `reduceByKey(...).window(...)`), or, over
 * other partitions of one log (the topic's own), a repartition log of the window's own that its
 * input goes through (the group plan sets it up; a union or transform of streams on one log's
 * partitions goes through it too, seen as that log's partitions again). Partition j of the window, on the instance running repartition partition j, holds the
 * source batches with times in `(T - windowDuration, T]` (T: the partition's batch time). The
 * batches it ran itself come from the parent's remembered RDDs; those it did not (it has just
 * taken the partition over, or a catch-up batch straddles the window's edge) are read again
 * from the repartition log, whose entries are kept for the window's length. A window sliding
 * slower than the batches is generated every batch there: each partition remembers each of its
 * batches, and has a window only at its own slide times (a partition behind the batches reaches
 * them later than the engine). See docs/log-sources.md, "Windows under leases".
 */
export class WindowedDStream<T> extends DStream<T> {
  static override kind = 'window';
  constructor(
    private readonly parent: DStream<T>,
    readonly windowDuration: Duration,
    private readonly slide: Duration,
  ) {
    super(parent.ssc);
    checkWindowDurations(this, parent, windowDuration, slide);
    if (parent.storageLevel === StorageLevel.NONE) parent.persist(StorageLevel.MEMORY_ONLY_SER);
  }

  /** Group leases: per repartition partition, the batches this instance ran that the window may still need. */
  #group: GroupWindowState<T> | undefined;

  /**
   * Group leases: the parent is read from a repartition log whose partitions `runtime` owns
   * (set by the group plan). @internal
   */
  useGroupRuntime(runtime: GroupRuntime): void { this.#group = { runtime, slices: new Map() }; }

  /** Group leases: the parent is not a re-keying's output, so its RDDs go through a repartition log of the window's own. */
  #exchange: Exchange | undefined;

  /** Group leases: the parent is a union or transform of streams on one log's partitions (see {@link LogAlignedRDD}). */
  #align: { readonly partitions: number; readonly owns: (i: number, t: Time) => boolean } | undefined;

  /**
   * Group leases: routes each batch of the parent through `exchange` (set by the group plan);
   * with `align`, the parent (a union or transform of streams on one log's partitions) is first
   * seen as that log's `partitions` partitions again, `owns` saying which this instance runs. @internal
   */
  routeThrough(exchange: Exchange, align?: { readonly partitions: number; readonly owns: (i: number, t: Time) => boolean }): void {
    this.#exchange = exchange;
    this.#align = align;
  }

  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.slide; }
  override get parentRememberDuration(): Duration | undefined { return this.rememberDuration?.plus(this.windowDuration); }

  /**
   * Persists the parent instead: windows share the parent's RDDs, and persisting the unions
   * would store each batch `windowDuration / slide` times (as Spark).
   */
  override persist(level: StorageLevel = StorageLevel.MEMORY_ONLY_SER): this {
    this.parent.persist(level);
    return this;
  }

  compute(validTime: Time): RDD<T> | undefined {
    if (this.#group !== undefined) return this.computeInGroup(validTime, this.#group);
    const from = validTime.minus(this.windowDuration).plus(this.parent.slideDuration);
    const rdds = this.parent.slice(from, validTime);
    const sc = this.ssc.sparkContext;
    return rdds.length === 0 ? sc.emptyRDD<T>() : sc.union(rdds);
  }

  /** Group leases: see the class comment. */
  private computeInGroup(validTime: Time, group: GroupWindowState<T>): RDD<T> | undefined {
    const plan = group.runtime.plan(validTime.milliseconds);
    const raw = this.parent.getOrCompute(validTime);
    if (plan === undefined || raw === undefined) return undefined;
    // Routed here, each batch's exchange keeps its records while a slice holds it.
    const align = this.#align;
    const input = align === undefined ? raw : new LogAlignedRDD<T>(raw, align.partitions, (i) => align.owns(i, validTime), this.describe(), validTime);
    const current = this.#exchange === undefined ? raw : this.#exchange.rdd<T>(input, validTime);
    const exchange = current as unknown as ExchangeRDD<T>;
    if (typeof exchange.readHistory !== 'function') {
      throw new Error(`${this.describe()}: under group leases a window must read the output of a re-keying (a repartition log) directly, but batch ${validTime} of its parent is ${current.toString()}.`);
    }
    const width = this.windowDuration.milliseconds;
    const parents: RDD<T>[] = [];
    const index = new Map<RDD<T>, number>();
    const indexOf = (r: RDD<T>): number => {
      let i = index.get(r);
      if (i === undefined) {
        i = parents.length;
        parents.push(r);
        index.set(r, i);
      }
      return i;
    };
    // Always a dependency, so that a job over the window completes the batch's exchange even when no partition is on the slide.
    indexOf(current);
    const t = validTime.milliseconds;
    const slideMs = this.slide.milliseconds;
    const slower = slideMs !== this.parent.slideDuration.milliseconds;
    const parts: (GroupWindowPart | undefined)[] = [];
    for (let j = 0; j < current.getNumPartitions(); j++) {
      const owned = plan.owned.get(j);
      if (owned === undefined) {
        // Given up (or lost): its batches are another instance's now.
        if (!plan.held.has(j)) group.slices.delete(j);
        parts.push(undefined);
        continue;
      }
      const { fromOffset: after, untilOffset: upTo } = owned.batch;
      let slices = group.slices.get(j) ?? [];
      // Not the batch after the last one this instance ran: what it holds is not contiguous.
      if (slices.length > 0 && slices[slices.length - 1]!.upTo !== after) slices = [];
      slices.push({ after, upTo, rdd: current });
      const edge = upTo - width;
      slices = slices.filter((s) => s.upTo > edge);
      group.slices.set(j, slices);
      // Sliding slower than the batches: the partition's batch is remembered, but it has a window only at its slide times.
      if (slower && !group.runtime.onSlide(t, j, slideMs)) {
        parts.push(undefined);
        continue;
      }
      // The oldest slice may start before the window (a catch-up batch merging several): read its part inside the window again.
      let used = slices;
      let historyTo = slices[0]!.after;
      if (slices[0]!.after < edge) {
        historyTo = slices[0]!.upTo;
        used = slices.slice(1);
      }
      // A repartition partition's batches start after time 0: nothing is older.
      const history = historyTo > edge && historyTo > 0 ? { after: edge, upTo: historyTo } : undefined;
      parts.push({ history, slices: used.map((s) => indexOf(s.rdd)) });
    }
    const rdd = new GroupWindowRDD<T>(this.ssc.sparkContext, parents, parts, current.partitioner, (j, a, u) => exchange.readHistory(j, a, u), `window ${this.name()} @ ${validTime}`);
    // Its partitions are the stage's even when this instance runs none of them (no parent RDD then, so no repartition log in its lineage).
    markStageRuntime(rdd as RDD<unknown>, group.runtime, slower ? slideMs : undefined);
    return rdd;
  }
}

/** A window's own record under group leases: the stage's runtime, and per repartition partition the batches it ran. */
interface GroupWindowState<T> {
  readonly runtime: GroupRuntime;
  readonly slices: Map<number, WindowSlice<T>[]>;
}

/** A batch of one repartition partition that a window under group leases ran itself: `(after, upTo]`, and the parent's RDD of it. */
interface WindowSlice<T> {
  readonly after: number;
  readonly upTo: number;
  readonly rdd: RDD<T>;
}

dstreamClasses.WindowedDStream = WindowedDStream;
