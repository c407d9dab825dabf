import { describe, expect, it, vi } from 'vitest';
import { HashPartitioner, PairColumns, StorageLevel } from '../src/index.ts';
import { sorted, useSparkContext } from './helpers.ts';

/** Sums of the pairs' values by key, computed here. */
function sums(pairs: readonly (readonly [string, number])[]): [string, number][] {
  const m = new Map<string, number>();
  for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
  return [...m];
}

describe('combined pairs kept as columns (a window re-reduced without an inverse)', () => {
  const ctx = useSparkContext('local[1]');

  it('stores per-batch reductions as columns, and re-reduces them without building their pairs', async () => {
    const part = new HashPartitioner(3);
    const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 60 }, (_, i) => [`w${(i * 7 + b) % 13}`, i + b] as [string, number]));
    const perBatch = batches.map((batch) => ctx.sc.parallelize(batch, 2).reduceByKey((x, y) => x + y, part).persist(StorageLevel.MEMORY_ONLY));
    for (const r of perBatch) await r.count();
    for (const r of perBatch) for (let p = 0; p < 3; p++) expect(r.getStoredData(p)).toBeInstanceOf(PairColumns);
    const built = vi.spyOn(PairColumns.prototype, 'pairs');
    try {
      const windowed = ctx.sc.union(perBatch).reduceByKey((x, y) => x + y);
      const got = await windowed.collect();
      expect(sorted(got)).toEqual(sorted(sums(batches.flat())));
      // Pairs are built for the collected result only (one per output partition), never for
      // the 5 x 3 stored blocks the window read.
      expect(built).toHaveBeenCalledTimes(3);
    } finally {
      built.mockRestore();
    }
    // The stored blocks still read as pairs through the public API, with each batch's sums.
    for (let b = 0; b < batches.length; b++) {
      const stored = [0, 1, 2].flatMap((p) => [...perBatch[b]!.getStoredPartition(p)!]);
      expect(sorted(stored)).toEqual(sorted(sums(batches[b]!)));
    }
  });

  it('gives user functions and custom kernels pairs, as before', async () => {
    const reduced = ctx.sc.parallelize([['a', 1], ['b', 2], ['a', 3]] as [string, number][], 2).reduceByKey((x, y) => x + y, 1);
    const seen = await reduced.mapPartitions((it) => [[...it].map((kv) => Array.isArray(kv) && kv.length === 2)]).collect();
    expect(seen).toEqual([[true, true]]);
    expect(sorted(await reduced.map(([k, v]) => `${k}=${v}`).collect())).toEqual(['a=4', 'b=2']);
  });
});
