import { expect } from 'vitest';

/** One printed ranking of a hash-tag example: the window's length, its total and its `[value, tag]` rows. */
export interface Ranking {
  seconds: number;
  total: number;
  top: [number, string][];
}

/** How one example prints a ranking: a head line giving seconds and total, then one row line per tag giving tag and value. */
export interface RankingFormat {
  head: RegExp;
  row: RegExp;
}

/** The example's printed rankings, in order; any other line fails the parse. */
export function rankings(out: readonly string[], format: RankingFormat): Ranking[] {
  const got: Ranking[] = [];
  for (const line of out) {
    const head = format.head.exec(line);
    if (head) { got.push({ seconds: Number(head[1]), total: Number(head[2]), top: [] }); continue; }
    const row = format.row.exec(line);
    if (!row) throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    got.at(-1)!.top.push([Number(row[2]), row[1]!]);
  }
  return got;
}

/** Values descending (sortByKey(false)); among equal values the order is the sort's, so the rows compare as a set. */
export function checkRanked(r: Ranking): string[] {
  for (let i = 1; i < r.top.length; i++) expect(r.top[i - 1]![0]).toBeGreaterThanOrEqual(r.top[i]![0]);
  return r.top.map(([v, t]) => `${t}=${v}`).sort();
}

/** Rankings as window length, total and row set: two runs compare equal whatever the order of equal values. */
export function asSets(rs: readonly Ranking[]): unknown[] {
  return rs.map((r) => ({ seconds: r.seconds, total: r.total, set: checkRanked(r) }));
}
