/**
 * The catch-up batches of a context in group mode: extra engine batches generated between two
 * batch times (at `T - batch + i`, i = 1, 2, ...) in which partitions behind the batches run a
 * missed batch time each (see `LogInputDStream.catchUpBefore`), and, for every engine batch
 * generated, the one generated before it. Every stream of a graph under leases is generated
 * every batch (a window sliding slower decides per partition whether it is on the slide), so
 * these are batch times of all of them; a stateful stream's previous state is that
 * of the engine batch before (a catch-up batch's, when there was one).
 * @internal
 */
export class GroupCatchUp {
  /** Catch-up batch times (engine times off the grid). */
  readonly times = new Set<number>();
  /** Engine batch time -> the engine batch time generated before it. */
  readonly #previous = new Map<number, number>();
  #last: number | undefined;

  /** An engine batch at `time` is being prepared (in time order). */
  prepared(time: number): void {
    if (this.#last !== undefined && time > this.#last) this.#previous.set(time, this.#last);
    if (this.#last === undefined || time > this.#last) this.#last = time;
    // Bounded: only the recent batches matter (a state's previous RDD is the one before).
    if (this.#previous.size > 256) {
      for (const t of this.#previous.keys()) {
        if (this.#previous.size <= 128) break;
        this.#previous.delete(t);
        this.times.delete(t);
      }
    }
  }

  /** The engine batch generated before `time` (undefined: not known, i.e. `time` minus the batch). */
  previous(time: number): number | undefined { return this.#previous.get(time); }
}

const catchUps = new WeakMap<object, GroupCatchUp>();

/** The context's catch-up batches (created on first use). @internal */
export function groupCatchUpOf(ssc: object): GroupCatchUp {
  let c = catchUps.get(ssc);
  if (c === undefined) catchUps.set(ssc, c = new GroupCatchUp());
  return c;
}

/** Whether `time` is one of the context's catch-up batch times (a batch time of every stream under leases). @internal */
export function isGroupCatchUpTime(ssc: object, time: number): boolean { return catchUps.get(ssc)?.times.has(time) === true; }

/**
 * The engine batch before `time` in group mode: the one generated before it (a catch-up batch,
 * possibly), else `time - slideMs`. A stateful stream under leases takes its previous state there.
 * @internal
 */
export function groupPreviousTime(ssc: object, time: number, slideMs: number): number {
  return catchUps.get(ssc)?.previous(time) ?? time - slideMs;
}
