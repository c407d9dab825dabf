// A map side that keeps key and value columns (groupByKey, updateStateByKey, combineByKey
// without a map-side combine) writes them into arrays sized ahead for one record per input
// record, instead of growing them push by push from empty (each growth a larger copy, about
// twice the final columns left to the collector). Counted as bytes allocated in a child
// process, against what the columns themselves take (8 bytes a slot, two columns); and the
// columns' contents when a chain outputs fewer or more records than its input holds.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledChain, presizedColumns, trimColumns, type ChainFailure } from '../src/rdd/record-pipeline.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const fixture = join('packages', 'core', 'test', 'fixtures', 'presized-columns.ts');

interface Allocated { mode: 'grouped' | 'alone'; withColumns: boolean; allocated: number; records: number; sum: number }

function run(): Promise<Allocated[]> {
  // Compiles on the main thread, so that what is optimized, and when, does not depend on the machine's load.
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--no-concurrent-recompilation', '--no-concurrent-osr'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, fixture], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Allocated));
    });
  });
}

const fail: ChainFailure = (_k, e) => { throw e; };

describe("a map side's key and value columns", () => {
  it('are allocated once at their size, not grown by copying', async () => {
    const runs = await run();
    const find = (mode: string, withColumns: boolean): Allocated => runs.find((r) => r.mode === mode && r.withColumns === withColumns)!;
    const records = 1_000_000;
    // The records' values: 1 + (i % 7) over i < 1,000,000, summed here.
    let want = 0;
    for (let i = 0; i < records; i++) want += 1 + (i % 7);
    for (const r of [find('grouped', true), find('alone', true)]) {
      expect(r.records).toBe(records);
      expect(r.sum).toBe(want);
    }
    expect(find('grouped', false).records).toBe(records);
    // Two columns of 8-byte slots. Grown from empty, the columns cost about 3 times this
    // (measured: 47 MB over these records, against 16).
    const columns = 2 * 8 * records;
    const grouped = find('grouped', true).allocated - find('grouped', false).allocated;
    expect(grouped).toBeGreaterThan(0.75 * columns);
    expect(grouped).toBeLessThan(1.25 * columns);
    const alone = find('alone', true).allocated;
    expect(alone).toBeGreaterThan(0.75 * columns);
    expect(alone).toBeLessThan(1.25 * columns);
  }, 180_000);

  it('hold exactly the records a chain outputs, fewer or more than its input', () => {
    const data = Array.from({ length: 50 }, (_, i) => i);
    // A filter keeps fewer: the room left is cut.
    const evens = compiledChain([
      { kind: 'filter', f: (x) => (x as number) % 2 === 0 },
      { kind: 'map', f: (x) => [x, (x as number) * 10] },
    ]);
    const fewer = evens.split(data, fail);
    expect(fewer.keys).toEqual(data.filter((x) => x % 2 === 0));
    expect(fewer.values).toEqual(data.filter((x) => x % 2 === 0).map((x) => x * 10));
    // A flatMap gives more: the columns grow past their expected size.
    const twice = compiledChain([
      { kind: 'flatMap', f: (x) => [[x, 1], [x, 2]] },
    ]);
    const more = twice.split(data, fail);
    expect(more.keys).toEqual(data.flatMap((x) => [x, x]));
    expect(more.values).toEqual(data.flatMap(() => [1, 2]));
    // Written part by part from an index, then cut to what was written.
    const cols = presizedColumns(data.length);
    let at = 0;
    for (let from = 0; from < data.length; from += 16) at = evens.splitAt(data.slice(from, from + 16), fail, cols.keys, cols.values, at);
    trimColumns(cols, at);
    expect(cols.keys).toEqual(fewer.keys);
    expect(cols.values).toEqual(fewer.values);
    expect(Object.keys(cols.keys).length).toBe(cols.keys.length);
  });
});
