import { describe, expect, it, vi } from 'vitest';
import { KeyMap, PairColumns, appendOnlyMapOrder, combineValueColumns, inAppendOnlyMapOrder, recordsOf } from '@kindling/core';
import type { PartitionData } from '@kindling/core';
import { reduceWindowData } from './reduce-window-partition.ts';

/** Reproducible draws in [0, 1) (a 32-bit linear congruential generator). */
function draws(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 69_069) + 1) >>> 0) / 4_294_967_296;
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
  const r = draws(seed);
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

/**
 * Spark's recurrence worked out directly, for a filter that drops keys whose count is not 0:
 * each slide cogroups the previous window's keys, then the keys of the batches that left,
 * then those of the batches that entered (each inserted at its first appearance), orders them
 * as Spark's cogroup map emits them, and takes each key's value as `ReducedWindowedDStream`
 * does: the previous value minus what left plus what entered, or, for a key not in the
 * previous window, what entered. A key in neither the previous window nor the entered batches
 * (Spark throws) is left out. With `enteringTurn`, a key that left while out of the previous
 * window is inserted at the entered batches' turn instead (the order Spark does not give).
 */
function sparkWindows(
  input: readonly PairColumns<unknown, number>[],
  length: number,
  slide: number,
  filter: (kv: [unknown, number]) => boolean,
  enteringTurn = false,
): { windows: [unknown, number][][]; reentered: number } {
  const windows: [unknown, number][][] = [];
  let previous = new Map<string, [unknown, number]>();
  let reentered = 0;
  const byKey = input.map((b) => new Map(b.keys.map((k, i) => [id(k), b.values[i]!])));
  const valuesOf = (from: number, to: number, k: unknown): number[] => {
    const out: number[] = [];
    for (let b = Math.max(0, from); b <= to; b++) {
      const v = byKey[b]!.get(id(k));
      if (v !== undefined) out.push(v);
    }
    return out;
  };
  for (let t = slide - 1; t < input.length; t += slide) {
    const left: PairColumns<unknown, number>[] = [];
    for (let b = t - slide - length + 1; b <= t - length; b++) if (b >= 0) left.push(input[b]!);
    const entered = input.slice(t - slide + 1, t + 1);
    const inserted = new Map<string, unknown>([...previous.values()].map((p) => [id(p[0]), p[0]]));
    const insert = (batches: readonly PairColumns<unknown, number>[], only?: (k: unknown) => boolean): void => {
      for (const b of batches) for (const k of b.keys) if (!inserted.has(id(k)) && (only === undefined || only(k))) inserted.set(id(k), k);
    };
    if (enteringTurn) {
      insert(entered);
    } else {
      insert(left);
      insert(entered);
    }
    const merged: [unknown, number][] = [];
    for (const k of inserted.values()) {
      const before = previous.get(id(k));
      const gone = valuesOf(t - slide - length + 1, t - length, k);
      const added = valuesOf(t - slide + 1, t, k);
      if (before === undefined) {
        if (added.length === 0) continue;
        if (gone.length > 0) reentered++;
        merged.push([k, added.reduce(add)]);
      } else {
        let v = before[1];
        if (gone.length > 0) v = sub(v, gone.reduce(add));
        if (added.length > 0) v = add(v, added.reduce(add));
        merged.push([k, v]);
      }
    }
    const window = appendOnlyMapOrder(merged, (p) => p[0]).filter(filter);
    windows.push(window);
    previous = new Map(window.map((p) => [id(p[0]), p]));
  }
  return { windows, reentered };
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
  it('places a key that left while a filter kept it out of the previous window at the leaving batches\' turn, as Spark\'s cogroup, worked out directly', () => {
    // The filter drops keys whose count is not 0, so keys leave the window while their
    // batches are still inside it, and come back in a batch that leaves with them.
    const drop = (kv: [unknown, number]): boolean => kv[1] % 4 !== 1;
    let differs = 0;
    for (const mixed of [false, true]) {
      for (const [length, slide] of [[4, 1], [6, 2], [3, 3]] as const) {
        const input = batches(30, 300, 600, 11 + length, mixed);
        const want = sparkWindows(input, length, slide, drop);
        expect(want.reentered, `window ${length}/${slide}: keys re-entering while in a leaving batch`).toBeGreaterThan(0);
        const other = sparkWindows(input, length, slide, drop, true);
        for (let s = 0; s < want.windows.length; s++) if (JSON.stringify(other.windows[s]) !== JSON.stringify(want.windows[s])) differs++;
        const got: [unknown, number][][] = [];
        let previous: PartitionData = [];
        for (let t = slide - 1; t < input.length; t += slide) {
          const left: PairColumns<unknown, number>[] = [];
          for (let b = t - slide - length + 1; b <= t - length; b++) if (b >= 0) left.push(input[b]!);
          const window: PairColumns<unknown, number> = reduceWindowData<unknown, number>(previous, left, input.slice(t - slide + 1, t + 1), add, sub, drop);
          const records = window.pairs();
          got.push(records.map((p) => [p[0], p[1]]));
          expect(window.keys).toEqual(records.map((p) => p[0]));
          previous = window;
        }
        expect(got, `window ${length}/${slide}, mixed ${mixed}`).toEqual(want.windows);
      }
    }
    // The turn decides the order: placed at the entered batches' turn, some windows differ.
    expect(differs).toBeGreaterThan(0);
  });
});

describe('reduceWindowData with the entered batches\' key slots', () => {
  // A per-batch reduce as a stream computes it on one thread: the map side's compiled combine
  // (its key index kept from batch to batch), the slots handed to the reduce side, which puts
  // the batch in Spark's order and hands the slots on with it.
  const agg = { createCombiner: (v: number) => v, mergeValue: add, mergeCombiners: add };
  const reduced = (batch: PairColumns<unknown, number>): PairColumns<unknown, number> => {
    const cols = combineValueColumns([batch.pairs()], agg);
    cols.sourceSlots = cols.keySlots;
    return inAppendOnlyMapOrder(cols) as PairColumns<unknown, number>;
  };

  it('finds every key of the previous window by its slot, looks up only the others, and gives Spark\'s windows, worked out directly', () => {
    // The filter drops keys whose count is 1 mod 4, so keys leave the window (their ids freed
    // and given to other keys) and come back while their slots still name their old ids.
    const drop = (kv: [unknown, number]): boolean => kv[1] % 4 !== 1;
    const length = 4;
    const withSlots = batches(40, 300, 500, 5, false).map(reduced);
    expect(withSlots.every((b) => b.length < 2 || b.sourceSlots !== undefined)).toBe(true);
    // The same batches, same order, without slots.
    const plain = withSlots.map((b) => new PairColumns(b.keys.slice(), b.values.slice()));
    const want = sparkWindows(plain, length, 1, drop);
    expect(want.reentered).toBeGreaterThan(0);
    const gets = vi.spyOn(KeyMap.prototype, 'get');
    try {
      const run = (input: readonly PairColumns<unknown, number>[]): { windows: [unknown, number][][]; lookups: number[] } => {
        const windows: [unknown, number][][] = [];
        const lookups: number[] = [];
        let previous: PartitionData = [];
        for (let t = 0; t < input.length; t++) {
          gets.mockClear();
          const window: PairColumns<unknown, number> = reduceWindowData<unknown, number>(previous, t >= length ? [input[t - length]!] : [], [input[t]!], add, sub, drop);
          lookups.push(gets.mock.calls.length);
          windows.push(window.pairs().map((p) => [p[0], p[1]]));
          previous = window;
        }
        return { windows, lookups };
      };
      const bySlot = run(withSlots);
      const byKey = run(plain);
      expect(bySlot.windows).toEqual(want.windows);
      expect(byKey.windows).toEqual(want.windows);
      // Without slots every entered key is looked up; with them, none of those already in
      // the previous window (each recorded under its slot when it entered), whatever else.
      let saved = 0;
      for (let t = 0; t < withSlots.length; t++) {
        const before = new Set(t === 0 ? [] : want.windows[t - 1]!.map((p) => p[0]));
        const known = withSlots[t]!.keys.filter((k) => before.has(k)).length;
        expect(byKey.lookups[t]! - bySlot.lookups[t]!, `slide ${t}`).toBe(known);
        saved += known;
      }
      expect(saved).toBeGreaterThan(1000);
    } finally {
      gets.mockRestore();
    }
    // Taken by the merge: the stored batches do not keep them (an empty batch is not read).
    expect(withSlots.filter((b) => b.length > 0 && b.sourceSlots !== undefined)).toEqual([]);
  });
});
