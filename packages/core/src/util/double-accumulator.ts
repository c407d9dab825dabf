import { LongAccumulator } from './long-accumulator.ts';

/**
 * Adds up floating-point numbers from tasks, as Spark's `DoubleAccumulator`
 * (`sc.doubleAccumulator(name)`): `sum`, `count` and `avg` of the added values. Numbers are
 * doubles in JavaScript, so it shares `LongAccumulator`'s bookkeeping, and with it the way
 * worker threads' additions reach the driver (each task's delta counted once).
 */
export class DoubleAccumulator extends LongAccumulator {
  /** A new accumulator with the same name, sum and count. */
  override copy(): DoubleAccumulator {
    const c = new DoubleAccumulator(this.name);
    c.merge(this);
    return c;
  }

  override toString(): string { return `DoubleAccumulator(id: ${this.id}, name: ${this.name ?? 'None'}, value: ${this.value})`; }
}
