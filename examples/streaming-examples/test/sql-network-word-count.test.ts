import { describe, expect, it } from 'vitest';
import { sqlNetworkWordCount } from '../src/sql-network-word-count.ts';
import { showTable } from '../src/show-table.ts';
import { UsageError } from '../src/run-example.ts';
import { runOnOneAndTwo, type FedExample } from './support/fed-run.ts';
import { wordCounts } from './support/printed.ts';

/** The example's output, batch by batch: the time in its header, and the table's lines. */
function tables(out: readonly string[]): { time: string; table: string[] }[] {
  const batches: { time: string; table: string[] }[] = [];
  for (const line of out) {
    const m = /^========= (\d+ ms) =========$/.exec(line);
    if (m) batches.push({ time: m[1]!, table: [] });
    else batches.at(-1)?.table.push(line);
  }
  return batches;
}

/** A table's data rows as cells, trimmed, sorted (Spark's group by has no order). */
function rowsOf(table: readonly string[]): string[][] {
  const rules = table.flatMap((l, i) => (l.startsWith('+') ? [i] : []));
  expect(rules).toEqual([0, 2, table.length - 1]);
  return table.slice(3, -1).map((l) => l.slice(1, -1).split('|').map((c) => c.trim())).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('showTable', () => {
  it("lays out rows as Spark's Dataset.show() (the SQL guide's people table)", () => {
    expect(showTable(['age', 'name'], [[null, 'Michael'], [30, 'Andy'], [19, 'Justin']])).toEqual([
      '+----+-------+',
      '| age|   name|',
      '+----+-------+',
      '|null|Michael|',
      '|  30|   Andy|',
      '|  19| Justin|',
      '+----+-------+',
    ]);
  });

  it('cuts long cells to 17 characters and "...", and says how many rows it showed', () => {
    const rows = [['a-very-long-word-of-thirty-chars', 1], ['b', 2], ['c', 3]];
    expect(showTable(['word', 'total'], rows, 2)).toEqual([
      '+--------------------+-----+',
      '|                word|total|',
      '+--------------------+-----+',
      '|a-very-long-word-...|    1|',
      '|                   b|    2|',
      '+--------------------+-----+',
      'only showing top 2 rows',
    ]);
    expect(showTable(['word', 'total'], [])).toEqual(['+----+-----+', '|word|total|', '+----+-----+', '+----+-----+']);
  });
});

describe('SqlNetworkWordCount', () => {
  it('prints each 2 s batch\'s word counts as a table, the same under local[1] and local[2]', async () => {
    const example: FedExample = {
      build: (port, conf, println) => sqlNetworkWordCount(['127.0.0.1', String(port)], conf, println),
      batches: [['to be or not to be', 'that is'], ['be quick'], [], ['is it', 'it is']],
    };
    const { one, two } = await runOnOneAndTwo(example);
    const got = tables(one.out);
    // Known answers: each batch's word counts, computed here from the lines sent; batches are 2 s
    expect(got.map((b) => b.time)).toEqual(['2000 ms', '4000 ms', '6000 ms', '8000 ms']);
    got.forEach((b, i) => {
      expect(b.table[1]).toMatch(/^\| *word\|total\|$/);
      const expected = [...wordCounts(example.batches[i]!.join('\n'))].map(([w, n]) => [w, String(n)]).sort((a, b) => a[0]!.localeCompare(b[0]!));
      expect(rowsOf(b.table)).toEqual(expected);
    });
    expect(tables(two.out).map((b) => ({ time: b.time, rows: rowsOf(b.table) }))).toEqual(got.map((b) => ({ time: b.time, rows: rowsOf(b.table) })));
  }, 120_000);

  it('prints its usage when arguments are missing', async () => {
    await expect(sqlNetworkWordCount(['localhost'])).rejects.toThrow(UsageError);
  });
});
