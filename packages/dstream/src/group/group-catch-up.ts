/**
 * The catch-up batches of a context in group mode: extra engine batches generated between two
 * batch times (at `T - batch + i`, i = 1, 2, ...) in which partitions behind the batches run a
 * missed batch time each (see `LogInputDStream.catchUpBefore`), and, for every engine batch
 * generated, the one generated before it. Every stream of a graph under leases is generated
 * every batch (a window sliding slower decides per partition whether it is on the slide), so
 * these are batch times of all of them; a stateful stream's previous state is that
 * of the engine batch before (a catch-up batch's, when there was one).
 *
 * One per context in group mode: the context hands it to every stream of its graph at
 * `start()` ({@link DStream.followGroupCatchUp}); the log stream records catch-up batches and
 * prepared batches in it, the other streams only read it.
 * @internal
 */
export class GroupCatchUp {
  /** Catch-up batch times (engine times off the grid). */
  readonly #times = new Set<number>();
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
        this.#times.delete(t);
      }
    }
  }

  /** A catch-up batch at engine time `time` (off the grid) is being generated. */
  added(time: number): void { this.#times.add(time); }

  /** Whether `time` is a catch-up batch time (a batch time of every stream under leases). */
  isCatchUp(time: number): boolean { return this.#times.has(time); }

  /**
   * The engine batch before `time`: the one generated before it (a catch-up batch, possibly),
   * else `time - slideMs`. A stateful stream under leases takes its previous state there.
   */
  previousTime(time: number, slideMs: number): number { return this.#previous.get(time) ?? time - slideMs; }
}
