import { OneToOneDependency, RDD } from '@kindling/core';
import type { Partitioner, SparkContext, TaskContext } from '@kindling/core';

/**
 * What partition j of a window holds in one batch under group leases: the records of the
 * window's older batches read again from the repartition log (`history`, a time range `(after,
 * upTo]`), then partition j of each remembered parent RDD in `slices` (indexes into the RDD's
 * parents), oldest first. Undefined: this instance does not run partition j in the batch.
 * @internal
 */
export interface GroupWindowPart {
  readonly history: { readonly after: number; readonly upTo: number } | undefined;
  readonly slices: readonly number[];
}

/**
 * `window(...)` in one batch under group leases, over a stream read from a repartition log
 * (see `WindowedDStream`): partition j is, on the instance that runs repartition partition j
 * in this batch, the records of the source batches inside the window, in time order; empty
 * elsewhere. The batches this instance ran itself come from the parent's remembered RDDs
 * (one-to-one); the others (a partition just taken over, a catch-up batch straddling the
 * window's edge) are read again from the log before the job runs (`prepareForJob`).
 *
 * Dependencies (one-to-one): the parent's RDDs of the batches used.
 * @internal
 */
export class GroupWindowRDD<T> extends RDD<T> {
  #history: (readonly T[] | undefined)[] | undefined;
  #reading: Promise<void> | undefined;

  constructor(
    sc: SparkContext,
    parents: readonly RDD<T>[],
    private readonly parts: readonly (GroupWindowPart | undefined)[],
    private readonly keyPartitioner: Partitioner | undefined,
    private readonly readHistory: (j: number, after: number, upTo: number) => Promise<readonly T[]>,
    name: string,
  ) {
    super(sc, parents.map((p) => new OneToOneDependency(p)), name);
  }

  override get partitioner(): Partitioner | undefined { return this.keyPartitioner; }

  protected getPartitions(): number { return this.parts.length; }

  override prepareForJob(): Promise<void> {
    if (this.#history !== undefined) return Promise.resolve();
    const reading = this.#reading ??= (async () => {
      const out: (readonly T[] | undefined)[] = [];
      for (let j = 0; j < this.parts.length; j++) {
        const h = this.parts[j]?.history;
        out.push(h === undefined ? undefined : await this.readHistory(j, h.after, h.upTo));
      }
      this.#history = out;
    })();
    // A failed read is tried again by the next job that needs it.
    return reading.catch((e: unknown) => {
      if (this.#reading === reading) this.#reading = undefined;
      throw e;
    });
  }

  compute(split: number, ctx: TaskContext): T[] {
    const part = this.parts[split];
    if (part === undefined) return [];
    const out: T[] = [];
    if (part.history !== undefined) {
      const h = this.#history?.[split];
      if (h === undefined) throw new Error(`${this.toString()}: partition ${split} was computed before the window's earlier batches (${part.history.after} to ${part.history.upTo} ms) were read from the repartition log; run the RDD through an action.`);
      for (let i = 0; i < h.length; i++) out.push(h[i]!);
    }
    for (const d of part.slices) {
      const data = ctx.parent<T>(d, split);
      for (let i = 0; i < data.length; i++) out.push(data[i]!);
    }
    return out;
  }
}
