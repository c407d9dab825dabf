/**
 * Spark's DurationSuite and TimeSuite, under Spark's Java-friendly method names (TypeScript
 * has no operator overloading: Scala's `<` is `less`, `+` is `plus`, ...), and Duration's
 * printing against Spark's `toFormattedString` and `Utils.msDurationToString`.
 */
import { describe, expect, it } from 'vitest';
import { Duration, Interval, Milliseconds, Minutes, Seconds, Time } from '../src/index.ts';

const d = (ms: number): Duration => new Duration(ms);
const t = (ms: number): Time => new Time(ms);

describe("Spark's DurationSuite", () => {
  it('less', () => {
    expect(d(999).less(d(1000))).toBe(true);
    expect(d(0).less(d(1))).toBe(true);
    expect(d(1000).less(d(999))).toBe(false);
    expect(d(1000).less(d(1000))).toBe(false);
  });
  it('lessEq', () => {
    expect(d(999).lessEq(d(1000))).toBe(true);
    expect(d(1000).lessEq(d(999))).toBe(false);
    expect(d(1000).lessEq(d(1000))).toBe(true);
  });
  it('greater', () => {
    expect(d(999).greater(d(1000))).toBe(false);
    expect(d(0).greater(d(1))).toBe(false);
    expect(d(1000).greater(d(999))).toBe(true);
    expect(d(1000).greater(d(1000))).toBe(false);
  });
  it('greaterEq', () => {
    expect(d(999).greaterEq(d(1000))).toBe(false);
    expect(d(1000).greaterEq(d(999))).toBe(true);
    expect(d(1000).greaterEq(d(1000))).toBe(true);
  });
  it('plus, minus, times, div', () => {
    expect(d(1000).plus(d(100))).toEqual(d(1100));
    expect(d(1000).minus(d(100))).toEqual(d(900));
    expect(d(100).times(2)).toEqual(d(200));
    expect(d(100).times(0)).toEqual(d(0));
    expect(d(1000).div(d(5))).toBe(200);
    expect(d(1000).div(d(2000))).toBe(0.5);
  });
  it('isMultipleOf, min, max, isZero', () => {
    expect(d(1000).isMultipleOf(d(5))).toBe(true);
    expect(d(1000).isMultipleOf(d(6))).toBe(false);
    expect(d(999).min(d(1000))).toEqual(d(999));
    expect(d(1000).max(d(999))).toEqual(d(1000));
    expect(d(0).isZero()).toBe(true);
    expect(d(1).isZero()).toBe(false);
  });
});

describe("Spark's TimeSuite", () => {
  it('less and greater', () => {
    expect(t(999).less(t(1000))).toBe(true);
    expect(t(1000).less(t(1000))).toBe(false);
    expect(t(1000).greater(t(999))).toBe(true);
    expect(t(1000).greater(t(1000))).toBe(false);
    expect(t(1000).lessEq(t(1000))).toBe(true);
    expect(t(999).greaterEq(t(1000))).toBe(false);
  });
  it('plus, minus Time, minus Duration', () => {
    expect(t(1000).plus(d(100))).toEqual(t(1100));
    expect(t(1000).minus(t(100))).toEqual(d(900));
    expect(t(1000).minus(d(1000))).toEqual(t(0));
  });
  it('floor', () => {
    expect(t(1350).floor(d(200))).toEqual(t(1200));
    expect(t(1200).floor(d(200))).toEqual(t(1200));
    expect(t(199).floor(d(200))).toEqual(t(0));
    expect(t(1).floor(d(1))).toEqual(t(1));
  });
  it('until and to', () => {
    expect(t(1000).until(t(1100), d(100))).toEqual([t(1000)]);
    expect(t(1000).until(t(1000), d(100))).toEqual([]);
    expect(t(1000).until(t(1100), d(30))).toEqual([t(1000), t(1030), t(1060), t(1090)]);
    expect(t(1000).to(t(1100), d(100))).toEqual([t(1000), t(1100)]);
    expect(t(1000).to(t(1000), d(100))).toEqual([t(1000)]);
  });
});

describe('Duration printing, as Spark', () => {
  it('toString and toFormattedString', () => {
    expect(Seconds(5).toString()).toBe('5000 ms');
    expect(Seconds(5).toFormattedString()).toBe('5000');
  });
  it("prettyPrint is Spark's msDurationToString: ms, then s and m with one decimal, then h with two", () => {
    expect(Milliseconds(150).prettyPrint()).toBe('150 ms');
    expect(Milliseconds(999).prettyPrint()).toBe('999 ms');
    expect(Seconds(1).prettyPrint()).toBe('1.0 s');
    expect(Seconds(5).prettyPrint()).toBe('5.0 s');
    // 1.45 in single precision is 1.4500000477, which rounds up (a double's 1.45 would not)
    expect(Milliseconds(1450).prettyPrint()).toBe('1.5 s');
    expect(Seconds(90).prettyPrint()).toBe('1.5 m');
    expect(Minutes(2).prettyPrint()).toBe('2.0 m');
    expect(Minutes(60).prettyPrint()).toBe('1.00 h');
    expect(Minutes(90).prettyPrint()).toBe('1.50 h');
  });
});

describe('Interval (Spark Streaming\'s Interval)', () => {
  it('has a duration, moves by a duration, compares same-length intervals and prints as Spark', () => {
    const i = new Interval(new Time(1000), new Time(3000));
    expect(i.duration().milliseconds).toBe(2000);
    expect(i.equals(new Interval(1000, 3000))).toBe(true);
    expect(i.plus(Seconds(1)).toString()).toBe('[2000 ms, 4000 ms]');
    expect(i.minus(Milliseconds(500)).equals(new Interval(500, 2500))).toBe(true);
    expect(i.less(i.plus(Seconds(1)))).toBe(true);
    expect(i.lessEq(i)).toBe(true);
    expect(i.greater(i.minus(Seconds(1)))).toBe(true);
    expect(i.greaterEq(i)).toBe(true);
    expect(() => i.less(new Interval(0, 1000))).toThrow('Comparing two intervals with different durations [[1000 ms, 3000 ms], [0 ms, 1000 ms]]');
    expect(Interval.currentInterval(Seconds(10), 12_345).equals(new Interval(10_000, 20_000))).toBe(true);
  });
});
