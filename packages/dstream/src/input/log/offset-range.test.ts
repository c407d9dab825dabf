import { describe, expect, it } from 'vitest';
import { hasOffsetRanges } from './has-offset-ranges.ts';
import { inputInfoDescription } from './log-input-dstream.ts';
import { OffsetRange } from './offset-range.ts';

describe('OffsetRange', () => {
  it('counts, prints and serialises as Spark', () => {
    const r = OffsetRange.create({ topic: 't', partition: 3 }, 5, 9);
    expect(r.count()).toBe(4);
    expect(r.toString()).toBe("OffsetRange(topic: 't', partition: 3, range: [5 -> 9])");
    expect(JSON.parse(JSON.stringify(r))).toEqual({ topic: 't', partition: 3, fromOffset: 5, untilOffset: 9 });
    expect(OffsetRange.from({ topic: 't', partition: 3, fromOffset: 5, untilOffset: 9 })).toEqual(r);
  });

  it('refuses a range that ends before it starts, naming it', () => {
    expect(() => OffsetRange.create('t', 0, 9, 5)).toThrow(/t-0.*9 to 5/);
  });

  it('input info: one line per non-empty range, most records first, in Spark words', () => {
    const text = inputInfoDescription([OffsetRange.create('t', 0, 0, 2), OffsetRange.create('t', 1, 4, 4), OffsetRange.create('t', 2, 10, 15)]);
    expect(text).toBe('topic: t\tpartition: 2\toffsets: 10 to 15\tcount: 5\ntopic: t\tpartition: 0\toffsets: 0 to 2\tcount: 2');
  });

  it('hasOffsetRanges tells RDD-like objects with ranges', () => {
    expect(hasOffsetRanges({ offsetRanges: [] })).toBe(true);
    expect(hasOffsetRanges({})).toBe(false);
  });
});
