import { Duration } from './duration.ts';
import { Time } from './time.ts';

/**
 * A span of batch time from `beginTime` to `endTime`, as Spark Streaming's `Interval`: what
 * `DStream.slice(interval)` takes. Prints as `[1000 ms, 3000 ms]`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * const i = new Interval(new Time(1000), new Time(3000));
 * assert.equal(i.duration().milliseconds, 2000);
 * assert.equal(i.plus(Seconds(1)).toString(), '[2000 ms, 4000 ms]');
 * ```
 */
export class Interval {
  readonly beginTime: Time;
  readonly endTime: Time;

  constructor(beginTime: Time, endTime: Time);
  constructor(beginMs: number, endMs: number);
  constructor(begin: Time | number, end: Time | number) {
    this.beginTime = typeof begin === 'number' ? new Time(begin) : begin;
    this.endTime = typeof end === 'number' ? new Time(end) : end;
  }

  /** `endTime - beginTime`. */
  duration(): Duration { return this.endTime.minus(this.beginTime); }

  /** Both ends moved later by `d` (Scala's `+`). */
  plus(d: Duration): Interval { return new Interval(this.beginTime.plus(d), this.endTime.plus(d)); }

  /** Both ends moved earlier by `d` (Scala's `-`). */
  minus(d: Duration): Interval { return new Interval(this.beginTime.minus(d), this.endTime.minus(d)); }

  /** Scala's `<`: this ends before `that` ends; both must last as long. */
  less(that: Interval): boolean {
    if (this.duration().milliseconds !== that.duration().milliseconds) {
      throw new Error(`Comparing two intervals with different durations [${this}, ${that}]`);
    }
    return this.endTime.less(that.endTime);
  }

  lessEq(that: Interval): boolean { return this.less(that) || this.equals(that); }
  greater(that: Interval): boolean { return !this.lessEq(that); }
  greaterEq(that: Interval): boolean { return !this.less(that); }

  equals(that: unknown): boolean {
    return that instanceof Interval && this.beginTime.milliseconds === that.beginTime.milliseconds && this.endTime.milliseconds === that.endTime.milliseconds;
  }

  toString(): string { return `[${this.beginTime}, ${this.endTime}]`; }

  /** The interval of length `duration` that holds the current time (Spark's `Interval.currentInterval`). */
  static currentInterval(duration: Duration, now: number = Date.now()): Interval {
    const begin = Math.floor(now / duration.milliseconds) * duration.milliseconds;
    return new Interval(begin, begin + duration.milliseconds);
  }
}
