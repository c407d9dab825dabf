import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashTagJoinSentiments } from '../src/hash-tag-join-sentiments.ts';
import { UsageError } from '../src/run-example.ts';
import { runOnOneAndTwo, type FedExample } from './support/fed-run.ts';
import { asSets, checkRanked, rankings } from './support/rankings.ts';

/** `Happiest topics in last N seconds (T total):` then `tag (h happiness)` lines. */
const format = { head: /^\nHappiest topics in last (\d+) seconds \((\d+) total\):$/, row: /^(\S+) \((-?\d+) happiness\)$/ };

// The AFINN-style list: "#unknown" has no entry, so the join drops it; "sad" is negative.
const sentiments = new Map([['spark', 3], ['kindling', 2], ['node', 1], ['sad', -2], ['scala', 4], ['ts', 5]]);
const batches = [
  ['#spark #kindling', '#unknown #spark'],
  ['#spark', '#node #sad'],
  [],
  ['#kindling #kindling'],
  ['#node #unknown'],
  ['#ts #spark', '#sad'],
  ['#ts'],
  ['#scala'],
];

/** Known answer: per 2 s batch, each known tag's count over the last `seconds` times its sentiment, computed here. */
function expected(seconds: number, i: number): { total: number; set: string[] } {
  const window = batches.slice(Math.max(0, i + 1 - seconds / 2), i + 1).flat();
  const counts = new Map<string, number>();
  for (const tag of window.flatMap((l) => l.split(' ').filter((w) => w.startsWith('#')))) counts.set(tag.slice(1), (counts.get(tag.slice(1)) ?? 0) + 1);
  const joined = [...counts].filter(([t]) => sentiments.has(t)).map(([t, n]) => `${t}=${n * sentiments.get(t)!}`);
  return { total: joined.length, set: joined.sort() };
}

const dir = mkdtempSync(join(tmpdir(), 'hash-tag-sentiments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HashTagJoinSentiments', () => {
  it('joins the windowed tag counts with a static RDD inside transform, every 2 s, the same under local[1] and local[2]', async () => {
    const file = join(dir, 'AFINN-111.txt');
    writeFileSync(file, [...sentiments].map(([w, v]) => `${w}\t${v}\n`).join(''));
    const example: FedExample = {
      build: (port, conf, println) => hashTagJoinSentiments(['127.0.0.1', String(port), file], conf, println),
      batches,
    };
    const { one, two } = await runOnOneAndTwo(example);
    const got = rankings(one.out, format);
    expect(got.map((r) => r.seconds)).toEqual(batches.flatMap(() => [60, 10]));
    got.forEach((r, j) => {
      expect({ total: r.total, set: checkRanked(r) }, `ranking ${j}`).toEqual(expected(r.seconds, Math.floor(j / 2)));
    });
    // at 12 s the 10 s window (batches 2-6) holds #ts once (5) and #spark twice (6): spark leads;
    // at 14 s #ts twice (10) leads, while the 60 s window has #spark 4 times (12) first
    expect(got[11]!.top[0]).toEqual([6, 'spark']);
    expect(got[13]!.top[0]).toEqual([10, 'ts']);
    expect(got[12]!.top[0]).toEqual([12, 'spark']);
    expect(asSets(rankings(two.out, format))).toEqual(asSets(got));
  }, 120_000);

  it('prints its usage when arguments are missing', async () => {
    await expect(hashTagJoinSentiments(['localhost', '9999'])).rejects.toThrow(UsageError);
  });
});
