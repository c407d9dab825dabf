import { Duration } from './duration.ts';

/**
 * A point in time in milliseconds since the epoch (or since a manual clock's zero), as Spark's
 * `org.apache.spark.streaming.Time`. Batch times are `Time`s; they print as `"1000 ms"`.
 */
export class Time {
  constructor(readonly milliseconds: number) {
    if (!Number.isFinite(milliseconds)) throw new RangeError(`Time must be a finite number of milliseconds, got ${milliseconds}`);
  }
  plus(d: Duration): Time { return new Time(this.milliseconds + d.milliseconds); }
  /** `t.minus(duration)` is a `Time`; `t.minus(otherTime)` is the `Duration` between them. */
  minus(d: Duration): Time;
  minus(t: Time): Duration;
  minus(x: Duration | Time): Time | Duration {
    return x instanceof Time ? new Duration(this.milliseconds - x.milliseconds) : new Time(this.milliseconds - x.milliseconds);
  }
  /** Scala's `<`, under Spark's Java-friendly name. */
  less(t: Time): boolean { return this.milliseconds < t.milliseconds; }
  /** The same as {@link Time.less}. */
  lessThan(t: Time): boolean { return this.less(t); }
  lessEq(t: Time): boolean { return this.milliseconds <= t.milliseconds; }
  /** Scala's `>`, under Spark's Java-friendly name. */
  greater(t: Time): boolean { return this.milliseconds > t.milliseconds; }
  /** The same as {@link Time.greater}. */
  greaterThan(t: Time): boolean { return this.greater(t); }
  greaterEq(t: Time): boolean { return this.milliseconds >= t.milliseconds; }
  isMultipleOf(d: Duration): boolean { return d.milliseconds !== 0 && this.milliseconds % d.milliseconds === 0; }
  /** The greatest multiple of `d` (counted from `zero`) that is <= this time. */
  floor(d: Duration, zero: Time = new Time(0)): Time {
    const t = this.milliseconds - zero.milliseconds;
    return new Time(Math.floor(t / d.milliseconds) * d.milliseconds + zero.milliseconds);
  }
  /** Times from `this` to `end`, `end` included, stepping by `interval`. */
  to(end: Time, interval: Duration): Time[] { return this.range(end, interval, true); }
  /** Times from `this` to `end`, `end` excluded, stepping by `interval`. */
  until(end: Time, interval: Duration): Time[] { return this.range(end, interval, false); }
  min(t: Time): Time { return this.milliseconds <= t.milliseconds ? this : t; }
  max(t: Time): Time { return this.milliseconds >= t.milliseconds ? this : t; }
  equals(that: unknown): boolean { return that instanceof Time && that.milliseconds === this.milliseconds; }
  hashCode(): number { return this.milliseconds | 0; }
  toString(): string { return `${this.milliseconds} ms`; }
  private range(end: Time, interval: Duration, inclusive: boolean): Time[] {
    const out: Time[] = [];
    const step = interval.milliseconds;
    if (step <= 0) throw new RangeError(`interval must be positive, got ${interval}`);
    for (let t = this.milliseconds; inclusive ? t <= end.milliseconds : t < end.milliseconds; t += step) out.push(new Time(t));
    return out;
  }
}
