import type { ThreadAccumulator } from './accumulator-update.ts';
import { nextAccumulatorId } from './accumulator-id.ts';
import { pendingIn, taskUpdates, type PendingUpdate, type TaskUpdates } from './task-updates.ts';

/** A task's additions to one collection accumulator, appended when the task succeeds (see task-updates.ts). */
class PendingElements<T> implements PendingUpdate {
  readonly list: T[] = [];
  constructor(readonly scope: TaskUpdates, readonly owner: CollectionAccumulator<T>) {}

  commit(into: TaskUpdates | undefined): void {
    if (into === undefined) this.owner.mergeDelta(this.list);
    else {
      const list = this.owner.pendingElements(into).list;
      for (const v of this.list) list.push(v);
    }
  }
}

/**
 * Collects the elements tasks add into a list, as Spark's `CollectionAccumulator`
 * (`sc.collectionAccumulator(name)`). `value` is a copy of the list, in the order the
 * additions reached the driver: within a task in the order the task added them; between
 * tasks unspecified (on Spark, the order in which tasks finished).
 *
 * Under `local[N]` with a graph module, every worker thread builds the same accumulator; what
 * a worker's tasks added reaches the driver with the reply of the job that made the additions
 * (elements are structured-cloned, so they must be cloneable: no functions, no class
 * instances that need their prototype back). A worker's step that fails and is computed again
 * by a later job adds its elements once, as Spark counts each task's update once in actions.
 * A task that fails adds nothing: its elements are dropped, as Spark drops a failed task's
 * updates.
 */
export class CollectionAccumulator<T> implements ThreadAccumulator {
  readonly id = nextAccumulatorId();
  private list: T[] = [];
  /** The additions of the running task (or the last one that added), until it ends. */
  private pending: PendingElements<T> | undefined = undefined;

  constructor(readonly name?: string) {}

  /** Appends `v`. */
  add(v: T): void {
    const task = taskUpdates.running;
    if (task === undefined) {
      this.list.push(v);
      return;
    }
    let p = this.pending;
    if (p === undefined || p.scope !== task) p = this.pendingElements(task);
    p.list.push(v);
  }

  /** This accumulator's pending elements in task scope `scope` (made on first use). @internal */
  pendingElements(scope: TaskUpdates): PendingElements<T> {
    const p = pendingIn(scope, this, () => new PendingElements<T>(scope, this));
    this.pending = p;
    return p;
  }

  /** A copy of the collected elements. */
  get value(): T[] { return this.list.slice(); }

  /** True when the list is empty. */
  isZero(): boolean { return this.list.length === 0; }

  /** Empties the list. */
  reset(): void {
    this.list = [];
  }

  /** Appends another collection accumulator's elements, as Spark merges a task's copy into the driver's. */
  merge(other: CollectionAccumulator<T>): void {
    if (!(other instanceof CollectionAccumulator)) throw new TypeError(`Cannot merge ${this.constructor.name} with ${(other as object)?.constructor?.name ?? String(other)}`);
    for (const v of other.list) this.list.push(v);
  }

  /** A new accumulator with the same name and elements. */
  copy(): CollectionAccumulator<T> {
    const c = new CollectionAccumulator<T>(this.name);
    c.list = this.list.slice();
    return c;
  }

  /** A new, empty accumulator with the same name. */
  copyAndReset(): CollectionAccumulator<T> { return new CollectionAccumulator<T>(this.name); }

  /** The elements added since the last drain; empties this one. @internal */
  drainDelta(): T[] {
    const d = this.list;
    this.list = [];
    return d;
  }

  /** Appends elements drained from the same accumulator in another thread. @internal */
  mergeDelta(delta: unknown): void {
    for (const v of delta as readonly T[]) this.list.push(v);
  }

  toString(): string { return `CollectionAccumulator(id: ${this.id}, name: ${this.name ?? 'None'}, value: [${this.list.join(', ')}])`; }
}
