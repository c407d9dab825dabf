import { describe, expect, it } from 'vitest';
import { CodecError, decodeValues, encodeValues, MAX_DEPTH } from '../src/index.ts';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random character: mostly ASCII, some from all planes, never a lone surrogate (see the codec docs). */
function codePoint(r: () => number): string {
  const cp = 32 + Math.floor(r() * (r() < 0.8 ? 90 : 0x1f000));
  return String.fromCodePoint(cp >= 0xd800 && cp <= 0xdfff ? cp + 0x800 : cp);
}

function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 9 : 14));
  switch (pick) {
    case 0: return undefined;
    case 1: return null;
    case 2: return r() < 0.5;
    case 3: return Math.floor(r() * 200) - 50;
    case 4: return (r() - 0.5) * 1e12;
    case 5: return [NaN, Infinity, -Infinity, -0, 2 ** 53, 0.1][Math.floor(r() * 6)];
    case 6: return Array.from({ length: Math.floor(r() * 40) }, () => codePoint(r)).join('');
    case 7: return BigInt(Math.floor((r() - 0.5) * 1e15)) * 1234567n;
    case 8: return new Date(Math.floor(r() * 2e12));
    case 9: return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    case 10: return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [`k${i}${r() < 0.2 ? '\u00e9' : ''}`, randomValue(r, depth + 1)]));
    case 11: return new Map(Array.from({ length: Math.floor(r() * 4) }, () => [randomValue(r, depth + 1), randomValue(r, depth + 1)] as const));
    case 12: return new Set(Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1)));
    default: return Uint8Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 256));
  }
}

describe('value codec under random input', () => {
  it('round-trips 2,000 random nested values', () => {
    const r = rng(2024);
    for (let i = 0; i < 2000; i++) {
      const values = [randomValue(r, 0), randomValue(r, 0)];
      expect(decodeValues(encodeValues(values))).toEqual(values);
    }
  });

  it('never fails with anything but a CodecError on damaged bytes', () => {
    const r = rng(7);
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const good = encodeValues([randomValue(r, 0), randomValue(r, 0)]);
      const bad = Uint8Array.from(good);
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) bad[3 + Math.floor(r() * (bad.length - 3))] = Math.floor(r() * 256);
      try {
        decodeValues(bad);
      } catch (err) {
        if (!(err instanceof CodecError)) throw new Error(`non-codec error for ${Buffer.from(bad).toString('hex')}: ${String(err)}`);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('bounds nesting on both sides: MAX_DEPTH levels round-trip, deeper data is rejected without overflowing the stack', () => {
    let deep: unknown = 'core';
    for (let i = 0; i < MAX_DEPTH; i++) deep = [deep];
    expect(decodeValues(encodeValues([deep]))).toEqual([deep]);
    expect(() => encodeValues([[deep]])).toThrow(CodecError);
    // hand-made bytes: 100,000 nested one-element arrays
    const bytes = new Uint8Array(3 + 1 + 2 * 100_000 + 1);
    bytes.set([0x4b, 0x56, 1, 1]);
    for (let i = 0; i < 100_000; i++) bytes.set([0x08, 0x01], 4 + 2 * i);
    bytes[bytes.length - 1] = 0x80;
    expect(() => decodeValues(bytes)).toThrow(/nesting deeper/);
  });
});
