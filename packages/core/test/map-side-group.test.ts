import { describe, expect, it } from 'vitest';
import { HashPartitioner, PairColumns, RangePartitioner, StorageLevel, groupMapSides, naturalOrdering, releaseMapSideGroup, type ShuffleDependency, type RDD } from '../src/index.ts';
import { GROUPED_MAP_PART } from '../src/scheduler/shuffle-writer.ts';
import { sorted, useSparkContext } from './helpers.ts';

function shuffleOf(rdd: RDD<unknown>): ShuffleDependency {
  return rdd.dependencies[0] as ShuffleDependency;
}

/** Sums of `values` by `key`, computed here. */
function sums<T, K>(xs: readonly T[], key: (x: T) => K, value: (x: T) => number): [K, number][] {
  const m = new Map<K, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + value(x));
  return [...m];
}

describe('map sides grouped over one shared partition', () => {
  const ctx = useSparkContext('local[1]');
  const lines = Array.from({ length: 60 }, (_, i) => `${i % 5},${i % 3},${i}`);
  const rows = lines.map((l) => l.split(',').map(Number) as [number, number, number]);

  /** A parsed RDD persisted for the jobs (as a batch's shared RDD) and three shuffles over it. */
  function program() {
    let parses = 0;
    const parsed = ctx.sc.parallelize(lines, 3).map((l) => { parses++; return l.split(',').map(Number) as [number, number, number]; });
    parsed.persist(StorageLevel.MEMORY_ONLY);
    const byA = parsed.map((r) => [r[0], r[2]] as [number, number]).reduceByKey((x, y) => x + y);
    const byB = parsed.map((r) => [r[1], 1] as [number, number]).reduceByKey((x, y) => x + y, 2);
    const grouped = parsed.filter((r) => r[2] % 2 === 0).map((r) => [r[1], r[2]] as [number, number]).groupByKey();
    return { parsed, byA, byB, grouped, parses: () => parses };
  }

  it('one job computes every map side of the group from one evaluation, without storing the shared partition', async () => {
    const p = program();
    const group = groupMapSides(p.parsed, [shuffleOf(p.byA), shuffleOf(p.byB), shuffleOf(p.grouped)])!;
    expect(group.deps.length).toBe(3);
    const stages: number[] = [];
    ctx.sc.addJobListener({ onJobEnd: (e) => { stages.push(e.shuffleStagesRun); } });

    expect(sorted(await p.byA.collect())).toEqual(sorted(sums(rows, (r) => r[0], (r) => r[2])));
    expect(p.parses()).toBe(60);
    // The other two shuffles' outputs are there before their own jobs, and the parsed partitions were not kept.
    expect(shuffleOf(p.byB).isAvailable).toBe(true);
    expect(shuffleOf(p.grouped).isAvailable).toBe(true);
    expect(ctx.sc.blockManager.count(p.parsed.id)).toBe(0);

    expect(sorted(await p.byB.collect())).toEqual(sorted(sums(rows, (r) => r[1], () => 1)));
    const even = rows.filter((r) => r[2] % 2 === 0);
    const got = (await p.grouped.collect()).map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)] as [number, number[]]);
    const want = [...new Set(even.map((r) => r[1]))].map((k) => [k, even.filter((r) => r[1] === k).map((r) => r[2])] as [number, number[]]);
    expect(sorted(got)).toEqual(sorted(want));
    expect(p.parses()).toBe(60);
    // Only the first job ran a map stage.
    expect(stages).toEqual([1, 0, 0]);
    releaseMapSideGroup(group);
    expect(shuffleOf(p.byA).mapSideGroup).toBeUndefined();
  });

  it('a failing map side of another shuffle does not fail the job that ran it: its own job fails', async () => {
    const p = program();
    const boom = p.parsed.map((r): [number, number] => {
      if (r[2] === 41) throw new Error('bad row 41');
      return [r[0], 1];
    }).reduceByKey((x, y) => x + y);
    groupMapSides(p.parsed, [shuffleOf(p.byA), shuffleOf(boom)]);
    expect(sorted(await p.byA.collect())).toEqual(sorted(sums(rows, (r) => r[0], (r) => r[2])));
    expect(shuffleOf(boom).isAvailable).toBe(false);
    await expect(boom.collect()).rejects.toThrow(/bad row 41/);
  });

  it('leaves out shuffles with a range partitioner and shuffles that do not read the base through record operators', () => {
    const p = program();
    const keyed = p.parsed.map((r) => [r[2], r[0]] as [number, number]);
    const ranged = keyed.partitionBy(new RangePartitioner(2, keyed, true, naturalOrdering));
    const other = ctx.sc.parallelize([[1, 1]] as [number, number][]).reduceByKey((x, y) => x + y);
    expect(groupMapSides(p.parsed, [shuffleOf(p.byA), shuffleOf(ranged), shuffleOf(other)])).toBeUndefined();
    expect(shuffleOf(p.byA).mapSideGroup).toBeUndefined();
  });
  describe('a partition larger than a part', () => {
    // One partition of 3.5 parts: the parse's records are fed to the map sides part by part.
    const n = Math.floor(GROUPED_MAP_PART * 3.5);
    const big = Array.from({ length: n }, (_, i) => `${i % 7},${i % 4},${i}`);
    const bigRows = big.map((l) => l.split(',').map(Number) as [number, number, number]);

    it('holds at most one part of the base\'s records at a time, and every output is as computed here', async () => {
      let parsed = 0;
      let maxAhead = 0;
      const consumed = [0, 0, 0];
      const seen = (side: number): void => {
        consumed[side]!++;
        maxAhead = Math.max(maxAhead, parsed - Math.min(...consumed));
      };
      const base = ctx.sc.parallelize(big, 1).map((l) => { parsed++; return l.split(',').map(Number) as [number, number, number]; });
      base.persist(StorageLevel.MEMORY_ONLY);
      const byA = base.map((r) => { seen(0); return [r[0], r[2]] as [number, number]; }).reduceByKey((x, y) => x + y);
      const byB = base.map((r) => { seen(1); return [r[1], 1] as [number, number]; }).reduceByKey((x, y) => x + y, 2);
      const grouped = base.map((r) => { seen(2); return [r[1], r[2]] as [number, number]; }).groupByKey();
      groupMapSides(base, [shuffleOf(byA), shuffleOf(byB), shuffleOf(grouped)]);

      expect(sorted(await byA.collect())).toEqual(sorted(sums(bigRows, (r) => r[0], (r) => r[2])));
      expect(parsed).toBe(n);
      expect(consumed).toEqual([n, n, n]);
      // Fed whole, every parsed record was held until the last map side had read it (maxAhead n).
      expect(maxAhead).toBeLessThanOrEqual(GROUPED_MAP_PART);
      expect(ctx.sc.blockManager.count(base.id)).toBe(0);
      expect(sorted(await byB.collect())).toEqual(sorted(sums(bigRows, (r) => r[1], () => 1)));
      // groupByKey's values in data order, as one pass over the partition gives them.
      const want = [0, 1, 2, 3].map((k) => [k, bigRows.filter((r) => r[1] === k).map((r) => r[2])] as [number, number[]]);
      expect(sorted(await grouped.collect())).toEqual(want);
      expect(parsed).toBe(n);
    });

    it('combines keys hashed by value across parts as one combine, calling createCombiner once per key', async () => {
      const base = ctx.sc.parallelize(big, 1).map((l) => l.split(',').map(Number) as [number, number, number]);
      base.persist(StorageLevel.MEMORY_ONLY);
      let creates = 0;
      // Array keys (hashed by value) and number keys, both seen in every part.
      const byPair = base.map((r) => [[r[0], r[1]], r[2]] as [number[], number]).combineByKey(
        (v: number) => { creates++; return [v]; },
        (c: number[], v: number) => { c.push(v); return c; },
        (a: number[], b: number[]) => a.concat(b),
      );
      const byNum = base.map((r) => [r[0], 1] as [number, number]).reduceByKey((x, y) => x + y);
      groupMapSides(base, [shuffleOf(byNum), shuffleOf(byPair)]);
      expect(sorted(await byNum.collect())).toEqual(sorted(sums(bigRows, (r) => r[0], () => 1)));
      const got = await byPair.collect();
      const want = new Map<string, number[]>();
      for (const r of bigRows) {
        const k = `${r[0]},${r[1]}`;
        want.set(k, [...(want.get(k) ?? []), r[2]]);
      }
      expect(got.length).toBe(want.size);
      expect(creates).toBe(want.size);
      for (const [k, vs] of got) expect(vs).toEqual(want.get(k.join(',')));
    });

    it('feeds parts of different sizes from one array: no record of a longer part is read again', async () => {
      // The base's records per line: 0, 1 or 2 (a flatMap), so its parts differ in length.
      const base = ctx.sc.parallelize(big, 1).flatMap((l) => {
        const r = l.split(',').map(Number) as [number, number, number];
        return r[2] % 3 === 0 ? [] : r[2] % 3 === 1 ? [r] : [r, r];
      });
      base.persist(StorageLevel.MEMORY_ONLY);
      const counted = base.map((r) => [r[0], 1] as [number, number]).reduceByKey((x, y) => x + y);
      const moved = base.map((r) => [r[2], r[1]] as [number, number]).partitionBy(new HashPartitioner(2));
      expect(groupMapSides(base, [shuffleOf(counted), shuffleOf(moved)])?.deps.length).toBe(2);
      const records = bigRows.flatMap((r) => (r[2] % 3 === 0 ? [] : r[2] % 3 === 1 ? [r] : [r, r]));
      expect(sorted(await counted.collect())).toEqual(sorted(sums(records, (r) => r[0], () => 1)));
      expect(sorted(await moved.collect())).toEqual(sorted(records.map((r) => [r[2], r[1]] as [number, number])));
    });

    it('keeps a groupByKey map side as columns, not as the pairs its map returned', async () => {
      const base = ctx.sc.parallelize(big, 1).map((l) => l.split(',').map(Number) as [number, number, number]);
      const grouped = base.map((r) => [r[1], r[2]] as [number, number]).groupByKey(2);
      const want = [0, 1, 2, 3].map((k) => [k, bigRows.filter((r) => r[1] === k).map((r) => r[2])] as [number, number[]]);
      expect(sorted(await grouped.collect())).toEqual(want);
      const blocks = shuffleOf(grouped).mapOutputs[0]!;
      expect(blocks.length).toBe(2);
      for (const b of blocks) expect(b).toBeInstanceOf(PairColumns);
      expect((blocks[0] as PairColumns).length + (blocks[1] as PairColumns).length).toBe(n);
    });
  });
});
