/**
 * Java/Scala-compatible hash codes, so that `HashPartitioner` sends string, integer and
 * boolean keys to the same partitions as Spark does.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian on every platform Node supports: u32[0] is the low word.

/** Java's `String.hashCode`: `s[0]*31^(n-1) + ... + s[n-1]` in 32-bit arithmetic. */
export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Java's `Long.hashCode` of a 64-bit integer. */
export function longHashCode(v: bigint): number {
  const b = BigInt.asIntN(64, v);
  return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
}

/**
 * A number's hash: an int32 hashes to itself (Java `Integer`), another safe integer as a Java
 * `Long`, anything else as a Java `Double` (`doubleToLongBits`, NaN canonical). `-0` hashes as
 * `0` because keys compare `-0` and `0` equal.
 */
export function numberHashCode(n: number): number {
  if ((n | 0) === n) return n | 0;
  if (Number.isSafeInteger(n)) return longHashCode(BigInt(n));
  if (Number.isNaN(n)) return 0x7ff80000;
  f64[0] = n;
  return (u32[0]! ^ u32[1]!) | 0;
}

// Scala's MurmurHash3 (the mixing used by case classes and tuples, Scala 2.12 productHash).
const PRODUCT_SEED = 0xcafebabe | 0;

function rotl(x: number, r: number): number { return (x << r) | (x >>> (32 - r)); }

function mix(h: number, data: number): number {
  let k = Math.imul(data, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = rotl(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Guava's `murmur3_32().hashInt(h)` (seed 0): how Spark's `AppendOnlyMap` spreads a key's
 * hash code over its slots, and so what decides the order its aggregations come out in.
 */
export function murmur3HashInt(h: number): number {
  return avalanche(mix(0, h) ^ 4);
}

/**
 * The hash code `h` whose {@link murmur3HashInt} is `spread`: every step of that mix is a
 * bijection of 32-bit integers (multiplications by odd constants, rotations, xor-shifts), so
 * a caller that kept the spread of a key has its hash code without hashing the key again.
 */
export function murmur3HashIntInverse(spread: number): number {
  // avalanche undone, last step first
  let h = spread ^ (spread >>> 16);
  h = Math.imul(h, 0x7ed1b41d); // 0xc2b2ae35^-1 mod 2^32
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, 0xa5cb9243); // 0x85ebca6b^-1
  h ^= h >>> 16;
  // then the length (4) and mix(0, data)
  h ^= 4;
  h = Math.imul((h - 0xe6546b64) | 0, 0xcccccccd); // 5^-1
  h = rotl(h, 19); // rotr 13
  h = Math.imul(h, 0x56ed309b); // 0x1b873593^-1
  h = rotl(h, 17); // rotr 15
  return Math.imul(h, 0xdee13bb1); // 0xcc9e2d51^-1
}

/** Hash of a tuple (array), element-wise, as Scala 2.12's `Tuple.hashCode`. */
function tupleHashCode(xs: readonly unknown[]): number {
  if (xs.length === 0) return 0;
  let h = PRODUCT_SEED;
  for (let i = 0; i < xs.length; i++) h = mix(h, hashCode(xs[i]));
  return avalanche(h ^ xs.length);
}

function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The hash code of a key, consistent with {@link keyEquals}: equal keys hash equal.
 * Strings, int32 numbers, safe integers, doubles, booleans and bigints hash like their Java
 * boxed counterparts; arrays (tuples) element-wise; values with a `hashCode()` method
 * (Immutable.js values, user classes) by it; plain objects structurally; `undefined`/`null`
 * as 0.
 */
export function hashCode(x: unknown): number {
  switch (typeof x) {
    case 'string': return stringHashCode(x);
    case 'number': return numberHashCode(x);
    case 'boolean': return x ? 1231 : 1237;
    case 'bigint': return longHashCode(x);
    case 'undefined': return 0;
    case 'object': {
      if (x === null) return 0;
      if (Array.isArray(x)) return tupleHashCode(x);
      const hc = (x as { hashCode?: unknown }).hashCode;
      if (typeof hc === 'function') return (hc.call(x) as number) | 0;
      if (x instanceof Date) return numberHashCode(x.getTime());
      if (isPlainObject(x)) {
        // Order-independent, as structural equality ignores key order.
        let h = 0;
        for (const k of Object.keys(x)) h = (h + (stringHashCode(k) ^ hashCode((x as Record<string, unknown>)[k]))) | 0;
        return h;
      }
      return 0;
    }
    default:
      // Symbols and functions: identity keys; they all share one bucket.
      return 0;
  }
}

/**
 * Key equality "by value", as Scala compares case classes: primitives by value (`NaN` equals
 * `NaN`, `-0` equals `0`), arrays element-wise, values with an `equals` method (Immutable.js,
 * user classes) by it, dates by time, plain objects structurally; anything else by identity.
 */
export function keyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || a === null) {
    // eslint-disable-next-line no-self-compare
    return typeof a === 'number' && typeof b === 'number' && a !== a && b !== b;
  }
  if (typeof b !== 'object' || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!keyEquals(a[i], b[i])) return false;
    return true;
  }
  const eq = (a as { equals?: unknown }).equals;
  if (typeof eq === 'function') return eq.call(a, b) === true;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (isPlainObject(a) && !Array.isArray(b) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
      if (!keyEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  return false;
}

/** True for keys that a native `Map` already compares by value (the fast path). */
export function isPrimitiveKey(k: unknown): boolean {
  return k === null || (typeof k !== 'object');
}

/** `x mod n` in `[0, n)`, as Spark's `Utils.nonNegativeMod`. */
export function nonNegativeMod(x: number, n: number): number {
  const r = x % n;
  return r < 0 ? r + n : r + 0; // + 0 turns -0 into 0
}

/** Scala's `hashing.byteswap32`: a cheap integer scrambler (used to seed round-robin starts). */
export function byteswap32(v: number): number {
  let hc = Math.imul(v, 0x9e3775cd);
  hc = ((hc & 0xff) << 24) | ((hc & 0xff00) << 8) | ((hc >>> 8) & 0xff00) | ((hc >>> 24) & 0xff);
  return Math.imul(hc, 0x9e3775cd);
}
