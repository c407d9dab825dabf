import { describe, expect, it } from 'vitest';
import { PairColumns, appendOnlyMapOrder, recordsOf } from '@kindling/core';
import type { PartitionData } from '@kindling/core';
import { reduceWindowData } from './reduce-window-partition.ts';

/** A small deterministic generator (reproducible batches). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

const add = (a: number, b: number): number => a + b;
const sub = (a: number, b: number): number => a - b;
const nonZero = (kv: [unknown, number]): boolean => kv[1] !== 0;
const id = (k: unknown): string => JSON.stringify(k) ?? 'undefined';

/**
 * Per-batch reductions as the window reads them: one positive count per distinct key, as
 * columns. Keys: words from a vocabulary of `vocabulary` (with `undefined` and tuples among
 * them when `mixed`), so that keys leave, come back and outgrow several tables.
 */
function batches(n: number, size: number, vocabulary: number, seed: number, mixed: boolean): PairColumns<unknown, number>[] {
  const r = lcg(seed);
  const out: PairColumns<unknown, number>[] = [];
  for (let b = 0; b < n; b++) {
    const m = new Map<string, [unknown, number]>();
    const count = Math.floor(r() * size);
    for (let i = 0; i < count; i++) {
      const w = Math.floor(r() * vocabulary);
      const k = !mixed ? `w${w}` : w === 0 ? undefined : w % 3 === 0 ? [`t${w % 5}`, w] : w % 3 === 1 ? w : `w${w}`;
      const e = m.get(id(k));
      if (e !== undefined) e[1] += 1;
      else m.set(id(k), [k, 1 + Math.floor(r() * 3)]);
    }
    out.push(PairColumns.of([...m.values()]));
  }
  return out;
}

/**
 * The window at each slide worked out directly: each key's count summed over the batches
 * inside the window; keys ordered as Spark's cogroup emits them (its map's slot order after
 * inserting the previous window's keys, then the new keys as the entered batches hold them),
 * keys whose count is 0 dropped (the filter).
 */
function directWindows(input: readonly PairColumns<unknown, number>[], length: number, slide: number): [unknown, number][][] {
  const out: [unknown, number][][] = [];
  let previous: unknown[] = [];
  for (let t = slide - 1; t < input.length; t += slide) {
    const sums = new Map<string, number>();
    for (let b = Math.max(0, t - length + 1); b <= t; b++) {
      const batch = input[b]!;
      for (let i = 0; i < batch.length; i++) sums.set(id(batch.keys[i]), (sums.get(id(batch.keys[i])) ?? 0) + batch.values[i]!);
    }
    const inserted = new Map<string, unknown>(previous.map((k) => [id(k), k]));
    for (let b = t - slide + 1; b <= t; b++) for (const k of input[b]!.keys) if (!inserted.has(id(k))) inserted.set(id(k), k);
    const window = appendOnlyMapOrder([...inserted.values()].map((k) => [k, sums.get(id(k)) ?? 0] as [unknown, number]), (p) => p[0]).filter(nonZero);
    out.push(window);
    previous = window.map((p) => p[0]);
  }
  return out;
}

/** Runs the merge slide by slide; `previousOf` says what each slide gets as the previous window. */
function mergedWindows(
  input: readonly PairColumns<unknown, number>[],
  length: number,
  slide: number,
  previousOf: (computed: PairColumns<unknown, number>, slideIndex: number) => PartitionData = (c) => c,
): PairColumns<unknown, number>[] {
  const out: PairColumns<unknown, number>[] = [];
  let previous: PartitionData = [];
  for (let t = slide - 1, s = 0; t < input.length; t += slide, s++) {
    const left: PairColumns<unknown, number>[] = [];
    for (let b = t - slide - length + 1; b <= t - length; b++) if (b >= 0) left.push(input[b]!);
    const entered = input.slice(t - slide + 1, t + 1);
    const window = reduceWindowData<unknown, number>(previous, left, entered, add, sub, nonZero);
    out.push(window);
    previous = previousOf(window, s);
  }
  return out;
}

describe('reduceWindowData (the incremental window merge)', () => {
  it('gives, slide after slide, the counts of the batches inside the window in Spark\'s order, worked out directly', () => {
    for (const mixed of [false, true]) {
      for (const [length, slide] of [[30, 1], [4, 2], [1, 1]] as const) {
        const input = batches(60, 400, 3000, 7 + length, mixed);
        const want = directWindows(input, length, slide);
        const got = mergedWindows(input, length, slide);
        expect(got.length).toBe(want.length);
        for (let s = 0; s < want.length; s++) {
          expect(recordsOf(got[s]!), `window ${length}/${slide}, slide ${s}, mixed ${mixed}`).toEqual(want[s]);
          // columns and records agree
          expect(got[s]!.keys).toEqual(want[s]!.map((p) => p[0]));
          expect(got[s]!.values).toEqual(want[s]!.map((p) => p[1]));
        }
      }
    }
  });

  it('gives the same windows when a previous window is merged twice, or comes back as plain pairs (restored)', () => {
    const input = batches(50, 300, 800, 3, true);
    const want = mergedWindows(input, 6, 1).map((w) => recordsOf(w));
    // Every 5th slide the previous window is first merged once for nothing (its key index is
    // then taken by that merge); every 7th it is handed on as an array of pairs.
    const left = (t: number): PairColumns<unknown, number>[] => (t - 6 >= 0 ? [input[t - 6]!] : []);
    const got = mergedWindows(input, 6, 1, (c, s) => {
      if (s % 5 === 4) reduceWindowData<unknown, number>(c, left(s + 1), [input[s + 1] ?? PairColumns.of([])], add, sub, nonZero);
      return s % 7 === 6 ? c.pairs().map((p) => [p[0], p[1]] as [unknown, number]) : c;
    });
    expect(got.map((w) => recordsOf(w))).toEqual(want);
  });

  it('keeps the pairs the filter was given as the window\'s records', () => {
    const input = batches(3, 50, 40, 1, false);
    const seen: [unknown, number][] = [];
    const keep = (kv: [unknown, number]): boolean => {
      seen.push(kv);
      return kv[1] % 2 === 0;
    };
    const window = reduceWindowData<unknown, number>([], [], input, add, sub, keep);
    const records = window.pairs();
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(seen.length);
    for (const r of records) expect(seen).toContain(r); // the same objects, not copies
    expect(records.every((r) => r[1] % 2 === 0)).toBe(true);
    // Once the next window took it over, the stored window keeps its columns only: its
    // records are built again, equal, if read later.
    reduceWindowData<unknown, number>(window, [], [], add, sub, keep);
    const again = window.pairs();
    expect(again).not.toBe(records);
    expect(again).toEqual(records);
    expect(again.some((r) => seen.includes(r))).toBe(false);
  });

  it('reduces the batches that left (and those that entered) first, then takes them from (adds them to) the previous value, as Spark', () => {
    const calls: string[] = [];
    const cat = (a: string, b: string): string => {
      calls.push(`reduce(${a},${b})`);
      return `${a}${b}`;
    };
    const drop = (a: string, b: string): string => {
      calls.push(`inv(${a},${b})`);
      return a.startsWith(b) ? a.slice(b.length) : `${a}-${b}`;
    };
    const previous = PairColumns.of([['k', 'abcd']]);
    const window = reduceWindowData<string, string>(previous, [PairColumns.of([['k', 'a']]), PairColumns.of([['k', 'b']])], [PairColumns.of([['k', 'x']]), PairColumns.of([['k', 'y']]), PairColumns.of([['n', 'z']])], cat, drop, undefined);
    expect(window.pairs().find((p) => p[0] === 'k')).toEqual(['k', 'cdxy']);
    expect(window.pairs().find((p) => p[0] === 'n')).toEqual(['n', 'z']);
    expect(calls).toEqual(['reduce(a,b)', 'reduce(x,y)', 'inv(abcd,ab)', 'reduce(cd,xy)']);
  });
});
