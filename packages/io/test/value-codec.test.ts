import { describe, expect, it } from 'vitest';
import { CodecError, decodeValues, encodeValues } from '../src/index.ts';

function roundTrip(values: unknown[]): unknown[] {
  return decodeValues(encodeValues(values));
}

describe('value codec', () => {
  it('round-trips primitives, including the special numbers', () => {
    const values = [undefined, null, true, false, 0, 1, 127, 128, -1, -128, 2147483647, -2147483648, 2147483648, -2147483649,
      Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1.5, -0.25, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, '', 'a', 'x'.repeat(300)];
    const back = roundTrip([...values, -0]);
    expect(back.length).toBe(values.length + 1);
    for (let i = 0; i < values.length; i++) expect(Object.is(back[i], values[i])).toBe(true);
    expect(Object.is(back[values.length], -0)).toBe(true);
  });

  it('round-trips non-ASCII strings of every length class', () => {
    const strings = ['\u00e9', 'caf\u00e9', '\u20ac'.repeat(50), '\u{1f525} kindling', 'a'.repeat(127) + '\u00e9', '\u00e9'.repeat(1000)];
    expect(roundTrip(strings)).toEqual(strings);
  });

  it('turns a lone UTF-16 surrogate into U+FFFD, as UTF-8 and JSON do', () => {
    expect(roundTrip(['a\ud800b', '\udc00'])).toEqual(['a\ufffdb', '\ufffd']);
  });

  it('round-trips bigint of any size and sign', () => {
    const values = [0n, 1n, -1n, 2n ** 64n, -(2n ** 200n) + 7n];
    expect(roundTrip(values)).toEqual(values);
  });

  it('round-trips arrays, with holes read back as undefined', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holes = [1, , 3];
    const back = roundTrip([holes, [], [[['deep']]]]);
    expect(back[0]).toEqual([1, undefined, 3]);
    expect(1 in (back[0] as unknown[])).toBe(true);
    expect(back[1]).toEqual([]);
    expect(back[2]).toEqual([[['deep']]]);
  });

  it('round-trips plain objects with key order and undefined values', () => {
    const o = { b: 1, a: 'two', c: undefined, nested: { x: [1, { y: null }] } };
    const [back] = roundTrip([o]) as [Record<string, unknown>];
    expect(back).toEqual(o);
    expect(Object.keys(back)).toEqual(['b', 'a', 'c', 'nested']);
    expect('c' in back).toBe(true);
  });

  it('keeps a "__proto__" key as data without touching the prototype', () => {
    const o = JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as object;
    const [back] = roundTrip([o]) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'k']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips Map, Set, Date, Uint8Array and other typed arrays', () => {
    const m = new Map<unknown, unknown>([['a', 1], [2, [3, 4]], [3n, new Set(['x'])]]);
    const d = new Date(Date.UTC(2013, 0, 1, 2, 47, 10));
    const values = [m, new Set([1, 'a', undefined]), d, new Date(NaN), new Uint8Array([0, 255, 7]), new Float64Array([1.5, -0]),
      new Int32Array([-5, 5]), new BigInt64Array([-1n]), Buffer.from('hi')];
    const back = roundTrip(values);
    expect(back[0]).toEqual(m);
    expect(back[1]).toEqual(new Set([1, 'a', undefined]));
    expect((back[2] as Date).getTime()).toBe(d.getTime());
    expect(Number.isNaN((back[3] as Date).getTime())).toBe(true);
    expect(back[4]).toEqual(new Uint8Array([0, 255, 7]));
    expect(back[5]).toBeInstanceOf(Float64Array);
    expect(Array.from(back[5] as Float64Array)).toEqual([1.5, -0]);
    expect(Array.from(back[6] as Int32Array)).toEqual([-5, 5]);
    expect(Array.from(back[7] as BigInt64Array)).toEqual([-1n]);
    expect(back[8]).toEqual(new Uint8Array([104, 105]));
  });

  it('round-trips a subarray view without the bytes around it', () => {
    const big = new Uint8Array([9, 9, 1, 2, 9]);
    expect(roundTrip([big.subarray(2, 4)])).toEqual([new Uint8Array([1, 2])]);
  });

  it('round-trips many small tuples', () => {
    const tuples: [string, number][] = [];
    for (let i = 0; i < 10000; i++) tuples.push([`key-${i % 100}`, i * 3 - 5000]);
    expect(roundTrip(tuples)).toEqual(tuples);
  });

  it('decodes from a Uint8Array that is a view into a larger buffer', () => {
    const enc = encodeValues([['a', 1]]);
    const padded = new Uint8Array(enc.length + 10);
    padded.set(enc, 5);
    expect(decodeValues(padded.subarray(5, 5 + enc.length))).toEqual([['a', 1]]);
  });

  it('starts with the "KV" magic and version 1', () => {
    const enc = encodeValues([]);
    expect(Array.from(enc)).toEqual([0x4b, 0x56, 1, 0]);
  });

  it('rejects functions, symbols, class instances and cycles with a CodecError naming the value', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    expect(() => encodeValues([1, () => 1])).toThrow(/a function \(in value #1\)/);
    expect(() => encodeValues([Symbol('s')])).toThrow(CodecError);
    expect(() => encodeValues([new Point(1)])).toThrow(/instance of Point/);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => encodeValues([cyclic])).toThrow(/nested deeper/);
  });

  it('rejects corrupt input with a clear error, never garbage', () => {
    const good = encodeValues([['hello', 42], { a: [1, 2, 3] }]);
    expect(() => decodeValues(new Uint8Array([1, 2, 3]))).toThrow(/missing the "KV" header/);
    expect(() => decodeValues(new Uint8Array([0x4b, 0x56, 9, 0]))).toThrow(/codec version 9/);
    for (let cut = 3; cut < good.length; cut++) {
      expect(() => decodeValues(good.subarray(0, cut))).toThrow(CodecError);
    }
    expect(() => decodeValues(Uint8Array.from([...good, 0]))).toThrow(/trailing/);
    const badTag = Uint8Array.from(good);
    badTag[5] = 0x3f;
    expect(() => decodeValues(badTag)).toThrow(CodecError);
    // A huge length must fail fast instead of allocating.
    expect(() => decodeValues(new Uint8Array([0x4b, 0x56, 1, 1, 0x08, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(/exceeds/);
  });
});
