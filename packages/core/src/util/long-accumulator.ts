import type { ThreadAccumulator } from './accumulator-update.ts';
import { nextAccumulatorId } from './accumulator-id.ts';
import { pendingIn, taskUpdates, type PendingUpdate, type TaskUpdates } from './task-updates.ts';

/** A task's additions to one numeric accumulator, counted when the task succeeds (see task-updates.ts). */
class PendingSum implements PendingUpdate {
  sum = 0;
  count = 0;
  constructor(readonly scope: TaskUpdates, readonly owner: LongAccumulator) {}

  commit(into: TaskUpdates | undefined): void {
    if (into === undefined) this.owner.mergeSum(this.sum, this.count);
    else {
      const p = this.owner.pendingSum(into);
      p.sum += this.sum;
      p.count += this.count;
    }
  }
}

/**
 * Adds up numbers from tasks, as Spark's `LongAccumulator` (`sc.longAccumulator(name)`).
 * Read `value` in the driver after the action. As in Spark, a task's additions count once
 * the task succeeds, and a task that fails adds nothing (its additions are dropped, also
 * those it made before it threw); additions made outside tasks (in the driver, in an output
 * operation's function) count at once.
 */
export class LongAccumulator implements ThreadAccumulator {
  readonly id = nextAccumulatorId();
  private total = 0;
  private n = 0;
  /** The additions of the running task (or the last one that added), until it ends. */
  private pending: PendingSum | undefined = undefined;

  constructor(readonly name?: string) {}

  /** Adds `v` (and counts one addition). */
  add(v: number): void {
    const task = taskUpdates.running;
    if (task === undefined) {
      this.total += v;
      this.n++;
      return;
    }
    let p = this.pending;
    if (p === undefined || p.scope !== task) p = this.pendingSum(task);
    p.sum += v;
    p.count++;
  }

  /** This accumulator's pending additions in task scope `scope` (made on first use). @internal */
  pendingSum(scope: TaskUpdates): PendingSum {
    const p = pendingIn(scope, this, () => new PendingSum(scope, this));
    this.pending = p;
    return p;
  }

  /** Adds a succeeded task's sum and count. @internal */
  mergeSum(sum: number, count: number): void {
    this.total += sum;
    this.n += count;
  }

  /** The sum of the added values. */
  get value(): number { return this.total; }
  /** Same as `value`. */
  get sum(): number { return this.total; }
  /** How many values were added. */
  get count(): number { return this.n; }
  /** The mean of the added values (NaN when none). */
  get avg(): number { return this.total / this.n; }

  /** What was added since the last drain, `[sum, count]`; resets this one. @internal */
  drainDelta(): readonly [number, number] {
    const d = [this.total, this.n] as const;
    this.reset();
    return d;
  }

  /** Adds a `[sum, count]` delta drained in another thread. @internal */
  mergeDelta(delta: unknown): void {
    const [sum, count] = delta as readonly [number, number];
    this.mergeSum(sum, count);
  }

  /** True when nothing was added since creation or the last reset. */
  isZero(): boolean { return this.total === 0 && this.n === 0; }

  reset(): void {
    this.total = 0;
    this.n = 0;
  }

  /** Adds another accumulator's sum and count into this one. */
  merge(other: LongAccumulator): void {
    this.total += other.total;
    this.n += other.n;
  }

  /** A new accumulator with the same name, sum and count. */
  copy(): LongAccumulator {
    const c = new LongAccumulator(this.name);
    c.total = this.total;
    c.n = this.n;
    return c;
  }

  toString(): string { return `LongAccumulator(id: ${this.id}, name: ${this.name ?? 'None'}, value: ${this.total})`; }
}
