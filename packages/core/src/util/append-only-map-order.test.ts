import { describe, expect, it } from 'vitest';
import { appendOnlyMapOrder } from './append-only-map-order.ts';
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
