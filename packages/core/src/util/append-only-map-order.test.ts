import { describe, expect, it } from 'vitest';
import { appendOnlyMapOrder, slotOrderOfSpreads } from './append-only-map-order.ts';
import { hashCode, murmur3HashInt } from './hash-code.ts';

const keyOf = (e: readonly [unknown, unknown]) => e[0];

describe('murmur3HashInt', () => {
  it('matches the published MurmurHash3_x86_32 vectors for a 4-byte little-endian input, seed 0', () => {
    // Bytes 00 00 00 00 -> 0x2362F9DE; bytes 21 43 65 87 (the int 0x87654321) -> 0xF55B516B.
    expect(murmur3HashInt(0) >>> 0).toBe(0x2362f9de);
    expect(murmur3HashInt(0x87654321 | 0) >>> 0).toBe(0xf55b516b);
  });
});

describe('appendOnlyMapOrder', () => {
  it('emits keys by slot, whatever order they were inserted in', () => {
    const slot = (k: unknown) => murmur3HashInt(hashCode(k)) & 63;
    // Boolean keys hash as Java's (1231 / 1237): the book's BUYS/SELLS pair.
    const expected = slot(false) < slot(true) ? [false, true] : [true, false];
    expect(appendOnlyMapOrder([[true, 1], [false, 2]] as const, keyOf).map(keyOf)).toEqual(expected);
    expect(appendOnlyMapOrder([[false, 2], [true, 1]] as const, keyOf).map(keyOf)).toEqual(expected);
  });

  it('sorts keys that do not collide by their home slot', () => {
    const keys = ['EPE', 'NFLX', 'VALE', 'SRPT', 'BP', 'a', 'b', 'c'];
    const slots = keys.map((k) => murmur3HashInt(hashCode(k)) & 63);
    expect(new Set(slots).size).toBe(keys.length); // no collisions among these
    const bySlot = [...keys].sort((x, y) => slots[keys.indexOf(x)]! - slots[keys.indexOf(y)]!);
    expect(appendOnlyMapOrder(keys.map((k) => [k, 0] as const), keyOf).map(keyOf)).toEqual(bySlot);
  });

  it('puts the null key first and keeps every entry once, across table growth', () => {
    const entries: [unknown, number][] = [[5, 0], [undefined, 1]];
    for (let i = 0; i < 500; i++) entries.push([`k${i}`, i]);
    const out = appendOnlyMapOrder(entries, keyOf);
    expect(out[0]![0]).toBeUndefined();
    expect(out).toHaveLength(entries.length);
    expect(new Set(out)).toEqual(new Set(entries));
    // After growing to 1024 slots (502 > 0.7 * 512), keys whose home slots differ by more
    // than the probe spread stay in slot order: check a clear pair.
    const home = (k: unknown) => murmur3HashInt(hashCode(k)) & 1023;
    const idx = new Map(out.map((e, i) => [e[0], i]));
    const lone = out.slice(1).filter((e) => out.every((o) => o === e || o[0] === undefined || Math.abs(home(o[0]) - home(e[0])) > 40));
    for (let i = 1; i < lone.length; i++) {
      expect(home(lone[i - 1]![0]) < home(lone[i]![0])).toBe(idx.get(lone[i - 1]![0])! < idx.get(lone[i]![0])!);
    }
  });

  it('resolves a collision by insertion order, the later key probing one slot on', () => {
    // Find two strings with the same home slot in a 64-slot table and a third free slot after.
    const home = (k: string) => murmur3HashInt(hashCode(k)) & 63;
    const first = 'x0';
    let second = '';
    for (let i = 1; second === ''; i++) if (home(`x${i}`) === home(first) && home(first) < 62) second = `x${i}`;
    const a = appendOnlyMapOrder([[first, 1], [second, 2]] as const, keyOf).map(keyOf);
    const b = appendOnlyMapOrder([[second, 2], [first, 1]] as const, keyOf).map(keyOf);
    expect(a).toEqual([first, second]);
    expect(b).toEqual([second, first]);
  });
});

/**
 * Spark's AppendOnlyMap written out plainly (a table of keys, quadratic probing, doubling past
 * a load of 0.7 by re-inserting slot by slot, the null key held apart and iterated first), as
 * the independent model the slot replay is checked against.
 */
function sparkMapOrder(spreads: readonly number[], nullEntry: number): number[] {
  let capacity = 64;
  let table: (number | undefined)[] = new Array(capacity).fill(undefined);
  let size = 0;
  const place = (t: (number | undefined)[], e: number): void => {
    const m = t.length - 1;
    let pos = spreads[e]! & m;
    let step = 1;
    while (t[pos] !== undefined) {
      pos = (pos + step) & m;
      step++;
    }
    t[pos] = e;
  };
  for (let e = 0; e < spreads.length; e++) {
    if (e !== nullEntry) place(table, e);
    size++;
    if (size > Math.floor(0.7 * capacity)) {
      const grown: (number | undefined)[] = new Array(capacity * 2).fill(undefined);
      for (const old of table) if (old !== undefined) place(grown, old);
      table = grown;
      capacity *= 2;
    }
  }
  const out = nullEntry === -1 ? [] : [nullEntry];
  for (const e of table) if (e !== undefined) out.push(e);
  return out;
}

describe('slotOrderOfSpreads', () => {
  // A small PRNG, so that a failure names a case that can be run again.
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return seed;
  };

  it('is the order of the plain AppendOnlyMap model, across growths, collisions, wrap-around and the null key', () => {
    for (let c = 0; c < 60; c++) {
      const n = c < 10 ? c : 1 + ((next() >>> 0) % 3000);
      // Every third case draws its spreads from a few values only: long probe chains that wrap.
      const range = c % 3 === 0 ? 1 + ((next() >>> 0) % 200) : 0;
      const spreads: number[] = [];
      for (let i = 0; i < n; i++) spreads.push(range === 0 ? next() : (((next() >>> 0) % range) * 64 + 60) | 0);
      const nullEntry = n > 0 && c % 2 === 1 ? (next() >>> 0) % n : -1;
      const got = [...slotOrderOfSpreads(n, Int32Array.from(spreads), nullEntry)];
      expect(got, `case ${c}: ${n} entries, range ${range}, null at ${nullEntry}`).toEqual(sparkMapOrder(spreads, nullEntry));
    }
  });
});
