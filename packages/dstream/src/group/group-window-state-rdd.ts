import { OneToOneDependency, RDD, Time } from '@kindling/core';
import type { Partitioner, SparkContext, TaskContext } from '@kindling/core';
import type { GroupBatchPlan } from './group-runtime.ts';
import { advanceGroupWindow, type GroupWindowEntry } from './group-window-state.ts';

/** What one batch of an inverse-function window computes in group mode. @internal */
export interface GroupWindowOptions<V> {
  readonly reduce: (a: V, b: V) => V;
  readonly invReduce: (a: V, b: V) => V;
  readonly filter: ((kv: [unknown, V]) => boolean) | undefined;
  readonly windowMs: number;
  /**
   * Sliding slower than the batches: the partitions whose batch is at a slide time (the others
   * keep their batch's reduction pending, see {@link advanceGroupWindow}); undefined: every one.
   */
  readonly onSlide?: ReadonlySet<number>;
}

/**
 * The state of an inverse-function window (`reduceByKeyAndWindow` with `invReduce`) in one
 * batch of group mode, partition p being log partition p: for an owned partition, the
 * previous state (restored from the log's store when just taken over, else the previous
 * batch's) advanced to the partition's own batch time with the batch's per-key reductions
 * (see {@link advanceGroupWindow}); for a held partition, the previous state unchanged; for a
 * partition not owned, nothing.
 *
 * Dependencies (one-to-one): `[previous state?, the batch's reductions]`.
 * @internal
 */
export class GroupWindowStateRDD<K, V> extends RDD<[K, GroupWindowEntry<V>]> {
  readonly #hasPrevious: boolean;

  constructor(
    sc: SparkContext,
    previous: RDD<[K, GroupWindowEntry<V>]> | undefined,
    entered: RDD<[K, V]>,
    private readonly plan: GroupBatchPlan,
    private readonly stream: string,
    private readonly keyPartitioner: Partitioner,
    private readonly options: GroupWindowOptions<V>,
  ) {
    super(sc, previous === undefined ? [new OneToOneDependency(entered)] : [new OneToOneDependency(previous), new OneToOneDependency(entered)], 'groupWindowState');
    this.#hasPrevious = previous !== undefined;
  }

  override get partitioner(): Partitioner { return this.keyPartitioner; }

  protected getPartitions(): number { return this.keyPartitioner.numPartitions; }

  compute(split: number, ctx: TaskContext): [K, GroupWindowEntry<V>][] {
    const owned = this.plan.owned.get(split);
    const held = this.plan.held.has(split);
    const restored = this.plan.restored.get(this.stream)?.get(split) as readonly (readonly [K, GroupWindowEntry<V>])[] | undefined;
    let previous: readonly (readonly [K, GroupWindowEntry<V>])[] = [];
    if (restored !== undefined) previous = restored;
    else if ((owned !== undefined || held) && this.#hasPrevious) previous = ctx.parent<[K, GroupWindowEntry<V>]>(0, split);
    if (owned === undefined) return held ? previous.map((kv) => [kv[0], kv[1]]) : [];
    const entered = ctx.parent<[K, V]>(this.#hasPrevious ? 1 : 0, split);
    const o = this.options;
    try {
      return advanceGroupWindow(previous, entered, owned.batch.time, o.windowMs, o.reduce, o.invReduce, o.filter as ((kv: [K, V]) => boolean) | undefined, o.onSlide === undefined || o.onSlide.has(split));
    } catch (e) {
      throw new Error(
        `${this.stream}: a reduce, inverse reduce or filter function of reduceByKeyAndWindow failed at batch ${new Time(owned.batch.time)} (partition ${split}): ${(e as Error)?.message ?? String(e)}`,
        { cause: e },
      );
    }
  }
}

/** The window's result from its group-mode state: the keys in it, with their values. @internal */
export function groupWindowPairs<K, V>(state: Iterable<[K, GroupWindowEntry<V>]>): [K, V][] {
  const out: [K, V][] = [];
  for (const [k, e] of state) if (e[0]) out.push([k, e[1]]);
  return out;
}
