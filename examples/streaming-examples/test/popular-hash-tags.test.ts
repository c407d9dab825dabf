import { describe, expect, it } from 'vitest';
import { popularHashTags } from '../src/popular-hash-tags.ts';
import { UsageError } from '../src/run-example.ts';
import { runOnOneAndTwo, type FedExample } from './support/fed-run.ts';
import { asSets, checkRanked, rankings } from './support/rankings.ts';

/** `Popular topics in last N seconds (T total):` then `tag (count tweets)` lines. */
const format = { head: /^\nPopular topics in last (\d+) seconds \((\d+) total\):$/, row: /^(#\S+) \((\d+) tweets\)$/ };

// Lines containing "x" count (the filter argument); "#skip" is only on lines without it
const batches = [
  ['x #spark #kindling', '#skip #spark'],
  ['x #spark', 'x #node #spark'],
  [],
  ['x #kindling #kindling'],
  ['x #node'],
  ['x #ts #spark', 'x #ts'],
  ['x #ts'],
  ['x #scala'],
];

/** Known answer: per 2 s batch, the tag counts over the last `seconds` (batches in the window), computed here. */
function expected(seconds: number, i: number): { total: number; set: string[] } {
  const window = batches.slice(Math.max(0, i + 1 - seconds / 2), i + 1).flat().filter((l) => l.includes('x'));
  const counts = new Map<string, number>();
  for (const tag of window.flatMap((l) => l.split(' ').filter((w) => w.startsWith('#')))) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return { total: counts.size, set: [...counts].map(([t, n]) => `${t}=${n}`).sort() };
}

describe('PopularHashTags', () => {
  it('prints the top hashtags of the last 60 s and 10 s every 2 s, sorted by count, the same under local[1] and local[2]', async () => {
    const example: FedExample = {
      build: (port, conf, println) => popularHashTags(['127.0.0.1', String(port), 'x'], conf, println),
      batches,
    };
    const { one, two } = await runOnOneAndTwo(example);
    const got = rankings(one.out, format);
    // two rankings per batch: 60 s, then 10 s (the output operations' order)
    expect(got.map((r) => r.seconds)).toEqual(batches.flatMap(() => [60, 10]));
    got.forEach((r, j) => {
      const want = expected(r.seconds, Math.floor(j / 2));
      expect({ total: r.total, set: checkRanked(r) }).toEqual(want);
    });
    // at 14 s the 10 s window (batches 3-7) has let #spark's first three go: #ts leads with 3,
    // while the 60 s window still has #spark first with all 4
    expect(got[13]!.top[0]).toEqual([3, '#ts']);
    expect(got[12]!.top[0]).toEqual([4, '#spark']);
    expect(asSets(rankings(two.out, format))).toEqual(asSets(got));
  }, 120_000);

  it('prints its usage when arguments are missing', async () => {
    await expect(popularHashTags(['localhost'])).rejects.toThrow(UsageError);
  });
});
