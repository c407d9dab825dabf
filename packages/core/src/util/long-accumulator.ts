import type { ThreadAccumulator } from './accumulator-update.ts';
import { nextAccumulatorId } from './accumulator-id.ts';

/**
 * Adds up numbers from tasks, as Spark's `LongAccumulator` (`sc.longAccumulator(name)`).
 * Tasks run in-process, so additions are visible at once; read `value` in the driver after
 * the action.
 */
export class LongAccumulator implements ThreadAccumulator {
  readonly id = nextAccumulatorId();
  private total = 0;
  private n = 0;

  constructor(readonly name?: string) {}

  /** Adds `v` (and counts one addition). */
  add(v: number): void {
    this.total += v;
    this.n++;
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
    this.total += sum;
    this.n += count;
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
