import { describe, expect, it } from 'vitest';
import { List, Map as IMap } from 'immutable';
import { byteswap32, hashCode, keyEquals, nonNegativeMod, numberHashCode, stringHashCode } from './hash-code.ts';

describe('Java-compatible hash codes', () => {
  it('hashes strings like java.lang.String.hashCode', () => {
    // Worked by hand: "a" = 97; "ab" = 97*31 + 98 = 3105; "Aa" and "BB" collide at 2112.
    expect(stringHashCode('')).toBe(0);
    expect(stringHashCode('a')).toBe(97);
    expect(stringHashCode('ab')).toBe(3105);
    expect(stringHashCode('Aa')).toBe(2112);
    expect(stringHashCode('BB')).toBe(2112);
    // "hello": 104*31^4 + 101*31^3 + 108*31^2 + 108*31 + 111 = 99162322 (fits in int32).
    expect(stringHashCode('hello')).toBe(99162322);
    // Overflow wraps to int32 as in Java: "hello world".hashCode() == 1794106052.
    expect(stringHashCode('hello world')).toBe(1794106052);
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE (a classic Java example).
    expect(stringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('hashes ints as themselves, longs and booleans as Java does', () => {
    expect(numberHashCode(42)).toBe(42);
    expect(numberHashCode(-7)).toBe(-7);
    expect(numberHashCode(-0)).toBe(0);
    // Long.hashCode(2^32) = (int)(2^32 ^ (2^32 >>> 32)) = (int)(2^32 ^ 1) = 1
    expect(numberHashCode(2 ** 32)).toBe(1);
    // Long.hashCode(-2^32): bits 0xFFFFFFFF00000000 -> low 0 ^ high 0xFFFFFFFF = -1
    expect(numberHashCode(-(2 ** 32))).toBe(-1);
    // Double.hashCode(1.5): bits 0x3FF8000000000000 -> 0x3FF80000 = 1073217536
    expect(numberHashCode(1.5)).toBe(1073217536);
    expect(hashCode(true)).toBe(1231);
    expect(hashCode(false)).toBe(1237);
    expect(hashCode(undefined)).toBe(0);
    expect(hashCode(10n)).toBe(10);
  });

  it("hashes tuples as Scala 2.12's Tuple.hashCode (MurmurHash3 productHash)", () => {
    // Expected values computed with an independent implementation of Scala's
    // MurmurHash3.productHash (seed 0xcafebabe, mix per element's ##, finalize with arity).
    expect(hashCode(['a', 1])).toBe(128003929);
    expect(hashCode([1, 2])).toBe(1411956066);
    expect(hashCode(['k', 'v'])).toBe(914401976);
  });

  it('gives equal keys equal hashes', () => {
    expect(hashCode(['a', 1])).toBe(hashCode(['a', 1]));
    expect(hashCode({ x: 1, y: 'b' })).toBe(hashCode({ y: 'b', x: 1 }));
    expect(hashCode(List([1, 2]))).toBe(hashCode(List([1, 2])));
    expect(hashCode(new Date(5))).toBe(hashCode(new Date(5)));
  });

  it('nonNegativeMod stays in [0, n)', () => {
    expect(nonNegativeMod(-1, 3)).toBe(2);
    expect(nonNegativeMod(7, 3)).toBe(1);
    expect(nonNegativeMod(-6, 3)).toBe(0);
  });

  it('byteswap32 is a deterministic scrambler', () => {
    expect(byteswap32(0)).toBe(0);
    expect(byteswap32(1)).toBe(byteswap32(1));
    expect(byteswap32(1)).not.toBe(byteswap32(2));
  });
});

describe('keyEquals', () => {
  it('compares primitives by value, NaN equal to NaN', () => {
    expect(keyEquals(1, 1)).toBe(true);
    expect(keyEquals('a', 'a')).toBe(true);
    expect(keyEquals(NaN, NaN)).toBe(true);
    expect(keyEquals(0, -0)).toBe(true);
    expect(keyEquals(1, '1')).toBe(false);
    expect(keyEquals(undefined, null)).toBe(false);
  });

  it('compares tuples element-wise, nested', () => {
    expect(keyEquals(['a', [1, 2]], ['a', [1, 2]])).toBe(true);
    expect(keyEquals(['a', [1, 2]], ['a', [1, 3]])).toBe(false);
    expect(keyEquals([1], [1, 2])).toBe(false);
  });

  it('uses equals() (Immutable.js, user classes) and structure for plain objects', () => {
    expect(keyEquals(IMap({ a: 1 }), IMap({ a: 1 }))).toBe(true);
    expect(keyEquals(List([1]), List([2]))).toBe(false);
    class P { constructor(readonly x: number) {} equals(o: unknown) { return o instanceof P && o.x === this.x; } hashCode() { return this.x; } }
    expect(keyEquals(new P(1), new P(1))).toBe(true);
    expect(keyEquals({ a: 1, b: [1] }, { b: [1], a: 1 })).toBe(true);
    expect(keyEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(keyEquals(new Date(3), new Date(3))).toBe(true);
  });
});
