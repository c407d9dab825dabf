/**
 * A span of time in milliseconds, as Spark's `org.apache.spark.streaming.Duration`.
 * Immutable; arithmetic returns new values.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { Seconds } from '@kindling/core';
 * assert.equal(Seconds(5).times(2).toString(), '10000 ms');
 * ```
 */
export class Duration {
  constructor(readonly milliseconds: number) {
    if (!Number.isFinite(milliseconds)) throw new RangeError(`Duration must be a finite number of milliseconds, got ${milliseconds}`);
  }
  plus(that: Duration): Duration { return new Duration(this.milliseconds + that.milliseconds); }
  minus(that: Duration): Duration { return new Duration(this.milliseconds - that.milliseconds); }
  times(n: number): Duration { return new Duration(this.milliseconds * n); }
  /** How many times `that` fits into this duration (a plain number, like Scala's `/`). */
  div(that: Duration): number { return this.milliseconds / that.milliseconds; }
  /** True when this duration is a whole multiple of `that`. */
  isMultipleOf(that: Duration): boolean {
    return that.milliseconds !== 0 && this.milliseconds % that.milliseconds === 0;
  }
  isZero(): boolean { return this.milliseconds === 0; }
  /** Scala's `<`, under Spark's Java-friendly name. */
  less(that: Duration): boolean { return this.milliseconds < that.milliseconds; }
  /** The same as {@link Duration.less}. */
  lessThan(that: Duration): boolean { return this.less(that); }
  lessEq(that: Duration): boolean { return this.milliseconds <= that.milliseconds; }
  /** Scala's `>`, under Spark's Java-friendly name. */
  greater(that: Duration): boolean { return this.milliseconds > that.milliseconds; }
  /** The same as {@link Duration.greater}. */
  greaterThan(that: Duration): boolean { return this.greater(that); }
  greaterEq(that: Duration): boolean { return this.milliseconds >= that.milliseconds; }
  equals(that: unknown): boolean { return that instanceof Duration && that.milliseconds === this.milliseconds; }
  hashCode(): number { return this.milliseconds | 0; }
  min(that: Duration): Duration { return this.milliseconds <= that.milliseconds ? this : that; }
  max(that: Duration): Duration { return this.milliseconds >= that.milliseconds ? this : that; }
  /** Seconds as a fractional number. */
  toSeconds(): number { return this.milliseconds / 1000; }
  toString(): string { return `${this.milliseconds} ms`; }
  /** Spark's `toFormattedString`: the milliseconds alone (`'5000'`). */
  toFormattedString(): string { return String(this.milliseconds); }
  /**
   * Spark's `prettyPrint` (its `Utils.msDurationToString`): milliseconds under a second
   * (`'150 ms'`), then seconds and minutes with one decimal (`'5.0 s'`, `'2.5 m'`), then hours
   * with two (`'1.50 h'`). As Spark, the quotient is taken in single precision before rounding.
   */
  prettyPrint(): string {
    const ms = this.milliseconds;
    if (ms < 1000) return `${ms} ms`;
    const inUnits = (unit: number): number => Math.fround(Math.fround(ms) / unit);
    if (ms < 60_000) return `${inUnits(1000).toFixed(1)} s`;
    if (ms < 3_600_000) return `${inUnits(60_000).toFixed(1)} m`;
    return `${inUnits(3_600_000).toFixed(2)} h`;
  }
}

/** A `Duration` of `n` milliseconds. */
export function Milliseconds(n: number): Duration { return new Duration(n); }
/** A `Duration` of `n` seconds. */
export function Seconds(n: number): Duration { return new Duration(n * 1000); }
/** A `Duration` of `n` minutes. */
export function Minutes(n: number): Duration { return new Duration(n * 60_000); }
