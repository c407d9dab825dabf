import { FunctionNarrowDependency, RDD, type Time } from '@kindling/core';
import type { TaskContext } from '@kindling/core';

/**
 * Under group leases, one batch of a `union` or `transform` of streams on one log's partitions,
 * seen as that log's partitions again, so that a window of it can be routed through a
 * repartition log (each source partition's records written once, tagged with that partition's
 * own batch time): partition i holds the parent's partitions `i, i + n, i + 2n, ...` (a union
 * concatenates its members' partitions, each member's partition i being log partition i; a
 * union of members with one partitioner, or a transform keeping the log's partitions, has n).
 *
 * Checked before a job runs: the parent must have a multiple of n partitions, and the
 * partitions that map to log partitions this instance does not run in the batch must be empty
 * (a transform that moved records between partitions, a `repartition` inside it, would
 * otherwise have them written under another partition's batch, or not at all); either failure
 * fails the batch, naming the stream.
 *
 * Dependencies (narrow): the parent.
 * @internal
 */
export class LogAlignedRDD<T> extends RDD<T> {
  #checked: Promise<void> | undefined;

  constructor(
    private readonly prev: RDD<T>,
    private readonly n: number,
    /** Whether this instance runs log partition i in the batch. */
    private readonly owns: (i: number) => boolean,
    /** The stream (for messages). */
    private readonly stream: string,
    private readonly time: Time,
  ) {
    const total = prev.getNumPartitions();
    super(prev.context, [new FunctionNarrowDependency(prev, (i) => groupOf(i, n, total))], `${stream} as log partitions`);
  }

  protected getPartitions(): number { return this.n; }

  override prepareForJob(): Promise<void> {
    const checking = this.#checked ??= this.check();
    return checking.catch((e: unknown) => {
      if (this.#checked === checking) this.#checked = undefined;
      throw e;
    });
  }

  private async check(): Promise<void> {
    const total = this.prev.getNumPartitions();
    if (total % this.n !== 0) {
      throw new Error(`${this.stream}: batch ${this.time.toString()} has ${total} partitions, not a multiple of the log's ${this.n}: under group leases a window of a union or transform needs its input's partition i to hold log partition i's records (a union of streams read from the log, or a transform that keeps the partitions: map, filter, flatMap inside it). Window before the transform, or key the data with reduceByKey first.`);
    }
    const others: number[] = [];
    for (let u = 0; u < total; u++) if (!this.owns(u % this.n)) others.push(u);
    if (others.length === 0) return;
    const sizes = await this.context.runJob(this.prev, (d) => d.length, others, 'group window input check');
    for (let k = 0; k < others.length; k++) {
      if (sizes[k]! > 0) {
        const i = others[k]! % this.n;
        throw new Error(`${this.stream}: batch ${this.time.toString()}: partition ${others[k]} holds ${sizes[k]} record(s) for log partition ${i}, which this instance does not run in this batch: under group leases a window of a transform needs the transform to keep each record in its log partition (map, filter, flatMap inside it; no repartition, shuffle or coalesce), or its records would be counted under another partition's batch, or lost. Window before the transform, or key the data with reduceByKey first.`);
      }
    }
  }

  compute(split: number, ctx: TaskContext): readonly T[] {
    const parts = groupOf(split, this.n, this.prev.getNumPartitions());
    if (parts.length === 1) return ctx.parent<T>(0, parts[0]!);
    const out: T[] = [];
    for (const p of parts) {
      const d = ctx.parent<T>(0, p);
      for (let i = 0; i < d.length; i++) out.push(d[i]!);
    }
    return out;
  }
}

function groupOf(i: number, n: number, total: number): number[] {
  const out: number[] = [];
  for (let u = i; u < total; u += n) out.push(u);
  return out;
}
