import { CodecError } from './codec-error.ts';

/**
 * Kindling's value codec, used for object files (`saveAsObjectFiles`) and checkpoints. It
 * stores data only (never code), has no `eval`, and is versioned so old checkpoints stay
 * readable.
 *
 * ## Format, version 1
 * All integers marked *varint* are unsigned LEB128 (7 bits per byte, low bits first, high
 * bit set on every byte but the last). Multi-byte numbers are little-endian.
 *
 * ```
 * file   := 'K' 'V' version(=0x01) count:varint value{count}
 * value  := tag payload
 * ```
 * | tag | value | payload |
 * |---|---|---|
 * | 0x00 | `undefined` (also array holes) | — |
 * | 0x01 | `null` | — |
 * | 0x02 / 0x03 | `false` / `true` | — |
 * | 0x04 | integer in [-2^31, 2^31) | zigzag varint |
 * | 0x05 | any other number (NaN, ±Infinity, -0, fractions, large) | float64 |
 * | 0x06 | string | byteLength:varint, UTF-8 bytes |
 * | 0x07 | bigint | its base-16 text (`-` sign first when negative) as a string payload |
 * | 0x08 | array | length:varint, value{length} |
 * | 0x09 | plain object (prototype `Object.prototype` or `null`) | n:varint, (key as string payload, value){n} |
 * | 0x0a | `Map` | n:varint, (key value, value){n} |
 * | 0x0b | `Set` | n:varint, value{n} |
 * | 0x0c | `Date` | float64 epoch milliseconds (NaN for an invalid date) |
 * | 0x0d | `Uint8Array` (and `Buffer`, decoded as `Uint8Array`) | byteLength:varint, bytes |
 * | 0x0e | other typed array | kind:u8 (see `TYPED_KINDS`), byteLength:varint, bytes |
 * | 0x80–0xff | integer 0–127 | — (value = tag − 0x80) |
 *
 * Object keys are own enumerable string keys, in insertion order. Strings with lone UTF-16
 * surrogates come back with U+FFFD in their place (as with JSON/UTF-8). Functions, symbols,
 * class instances other than the ones above, and structures nested deeper than
 * {@link MAX_DEPTH} (a cycle, usually) are rejected with a {@link CodecError} naming the
 * value's type and its top-level index.
 */
export const VALUE_CODEC_VERSION = 1;

/** Nesting depth beyond which encoding fails (cyclic structures end up here). */
export const MAX_DEPTH = 1000;

const MAGIC0 = 0x4b; // K
const MAGIC1 = 0x56; // V

const T_UNDEFINED = 0x00;
const T_NULL = 0x01;
const T_FALSE = 0x02;
const T_TRUE = 0x03;
const T_INT = 0x04;
const T_FLOAT = 0x05;
const T_STRING = 0x06;
const T_BIGINT = 0x07;
const T_ARRAY = 0x08;
const T_OBJECT = 0x09;
const T_MAP = 0x0a;
const T_SET = 0x0b;
const T_DATE = 0x0c;
const T_BYTES = 0x0d;
const T_TYPED = 0x0e;
const T_SMALL_INT = 0x80;

type TypedArrayCtor =
  | Int8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** Typed-array kinds of tag 0x0e, by their kind byte (the index). */
const TYPED_KINDS: readonly TypedArrayCtor[] = [
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

const objectProto = Object.prototype;

class Writer {
  buf: Buffer;
  view: DataView;
  pos = 0;
  /** Index of the top-level value being written, for error messages. */
  index = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(initial);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  varint(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      buf[pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  float(tag: number, v: number): void {
    this.ensure(9);
    this.buf[this.pos] = tag;
    this.view.setFloat64(this.pos + 1, v, true);
    this.pos += 9;
  }

  string(s: string): void {
    const n = s.length;
    if (n < 0x80) {
      // ASCII fast path: byte length = n fits a one-byte varint.
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos;
      let pos = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos++] = c;
      }
      if (i === n) {
        buf[start] = n;
        this.pos = pos;
        return;
      }
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.varint(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  bytes(b: Uint8Array): void {
    this.varint(b.byteLength);
    this.ensure(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  fail(v: unknown, why: string): never {
    throw new CodecError(
      `Cannot encode ${why} (in value #${this.index}). The value codec stores data only: ` +
        `numbers, strings, booleans, bigint, undefined, null, arrays, plain objects, Map, Set, Date and typed arrays; ` +
        `convert other values (class instances, functions) to these first.`,
    );
  }

  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'number':
        if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !(v === 0 && 1 / v < 0)) {
          if (v >= 0 && v < 0x80) {
            this.ensure(1);
            this.buf[this.pos++] = T_SMALL_INT | v;
          } else {
            this.ensure(1);
            this.buf[this.pos++] = T_INT;
            this.varint(((v << 1) ^ (v >> 31)) >>> 0);
          }
        } else {
          this.float(T_FLOAT, v);
        }
        return;
      case 'string':
        this.ensure(1);
        this.buf[this.pos++] = T_STRING;
        this.string(v);
        return;
      case 'boolean':
        this.ensure(1);
        this.buf[this.pos++] = v ? T_TRUE : T_FALSE;
        return;
      case 'undefined':
        this.ensure(1);
        this.buf[this.pos++] = T_UNDEFINED;
        return;
      case 'bigint':
        this.ensure(1);
        this.buf[this.pos++] = T_BIGINT;
        this.string(v < 0n ? `-${(-v).toString(16)}` : v.toString(16));
        return;
      case 'object':
        if (v === null) {
          this.ensure(1);
          this.buf[this.pos++] = T_NULL;
          return;
        }
        if (depth >= MAX_DEPTH) this.fail(v, `a structure nested deeper than ${MAX_DEPTH} levels (is it cyclic?)`);
        this.object(v, depth + 1);
        return;
      default:
        this.fail(v, `a ${typeof v}`);
    }
  }

  object(v: object, depth: number): void {
    if (Array.isArray(v)) {
      const n = v.length;
      this.ensure(1);
      this.buf[this.pos++] = T_ARRAY;
      this.varint(n);
      // Index access reads holes as undefined, which is how they are stored.
      for (let i = 0; i < n; i++) this.value(v[i], depth);
      return;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === objectProto || proto === null) {
      const keys = Object.keys(v);
      const n = keys.length;
      this.ensure(1);
      this.buf[this.pos++] = T_OBJECT;
      this.varint(n);
      const rec = v as Record<string, unknown>;
      for (let i = 0; i < n; i++) {
        const k = keys[i]!;
        this.string(k);
        this.value(rec[k], depth);
      }
      return;
    }
    if (v instanceof Map) {
      this.ensure(1);
      this.buf[this.pos++] = T_MAP;
      this.varint(v.size);
      for (const [k, x] of v) {
        this.value(k, depth);
        this.value(x, depth);
      }
      return;
    }
    if (v instanceof Set) {
      this.ensure(1);
      this.buf[this.pos++] = T_SET;
      this.varint(v.size);
      for (const x of v) this.value(x, depth);
      return;
    }
    if (v instanceof Date) {
      this.float(T_DATE, v.getTime());
      return;
    }
    if (v instanceof Uint8Array) {
      this.ensure(1);
      this.buf[this.pos++] = T_BYTES;
      this.bytes(v);
      return;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const kind = TYPED_KINDS.findIndex((C) => v instanceof C);
      if (kind >= 0) {
        this.ensure(2);
        this.buf[this.pos++] = T_TYPED;
        this.buf[this.pos++] = kind;
        this.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        return;
      }
    }
    const ctor = (v as { constructor?: { name?: unknown } }).constructor;
    const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'unknown class';
    this.fail(v, `an instance of ${name}`);
  }
}

/**
 * Encodes values (see the format above). The inverse is {@link decodeValues}.
 *
 * @throws {CodecError} for a value the codec does not store (function, symbol, class
 * instance, cyclic structure).
 */
export function encodeValues(values: readonly unknown[]): Uint8Array {
  const w = new Writer(Math.max(256, Math.min(1 << 20, values.length * 16)));
  w.ensure(3);
  w.buf[0] = MAGIC0;
  w.buf[1] = MAGIC1;
  w.buf[2] = VALUE_CODEC_VERSION;
  w.pos = 3;
  const n = values.length;
  w.varint(n);
  for (let i = 0; i < n; i++) {
    w.index = i;
    w.value(values[i], 0);
  }
  return w.buf.subarray(0, w.pos);
}

const SHORT_STRING = 32;
const STRING_CACHE_MASK = 4095;
/** Decoded short ASCII strings by hash slot; strings are immutable, so sharing is safe. */
const stringCache = new Array<string | undefined>(STRING_CACHE_MASK + 1);

class Reader {
  readonly buf: Buffer;
  readonly view: DataView;
  pos = 0;
  depth = 0;
  readonly end: number;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.byteLength;
  }

  corrupt(why: string): never {
    throw new CodecError(
      `Corrupt or truncated value data at byte ${this.pos} of ${this.end}: ${why}. ` +
        `The file was damaged or not written by Kindling's value codec; restore it from a good copy or delete it.`,
    );
  }

  need(n: number): void {
    if (this.pos + n > this.end) this.corrupt(`needs ${n} more byte(s)`);
  }

  byte(): number {
    if (this.pos >= this.end) this.corrupt('unexpected end of data');
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    return this.corrupt('varint longer than 8 bytes');
  }

  length(): number {
    const n = this.varint();
    // Every element takes at least one byte, so a length beyond the data left is corrupt;
    // checking here keeps a damaged length from allocating a huge array.
    if (n > this.end - this.pos) this.corrupt(`length ${n} exceeds the ${this.end - this.pos} byte(s) left`);
    return n;
  }

  float(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  string(): string {
    const len = this.length();
    const buf = this.buf;
    const start = this.pos;
    const end = start + len;
    if (len <= SHORT_STRING) {
      // Short ASCII strings (keys, words) repeat a lot: look them up in a small cache by a
      // hash of their bytes instead of allocating a new string each time.
      let h = len;
      let i = start;
      for (; i < end; i++) {
        const c = buf[i]!;
        if (c >= 0x80) break;
        h = (Math.imul(h, 31) + c) | 0;
      }
      if (i === end) {
        this.pos = end;
        const slot = (h ^ (h >>> 13)) & STRING_CACHE_MASK;
        const cached = stringCache[slot];
        if (cached !== undefined && cached.length === len) {
          let same = true;
          for (let j = 0; j < len; j++) {
            if (cached.charCodeAt(j) !== buf[start + j]) {
              same = false;
              break;
            }
          }
          if (same) return cached;
        }
        const fresh = buf.toString('latin1', start, end);
        stringCache[slot] = fresh;
        return fresh;
      }
    }
    this.pos = end;
    return buf.toString('utf8', start, end);
  }

  container(tag: number): unknown {
    switch (tag) {
      case T_ARRAY: {
        const n = this.length();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case T_OBJECT: {
        const n = this.length();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.string();
          const x = this.value();
          if (k === '__proto__') {
            // Plain assignment would set the prototype instead of creating the key.
            Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
          } else {
            out[k] = x;
          }
        }
        return out;
      }
      case T_MAP: {
        const n = this.length();
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = this.value();
          out.set(k, this.value());
        }
        return out;
      }
      case T_SET: {
        const n = this.length();
        const out = new Set<unknown>();
        for (let i = 0; i < n; i++) out.add(this.value());
        return out;
      }
      default:
        return this.corrupt(`unknown type tag 0x${tag.toString(16).padStart(2, '0')}`);
    }
  }

  value(): unknown {
    const tag = this.byte();
    if (tag >= T_SMALL_INT) return tag - T_SMALL_INT;
    if (tag >= T_ARRAY && tag <= T_SET) {
      // Containers: bound the nesting so damaged data cannot overflow the stack.
      if (++this.depth > MAX_DEPTH) this.corrupt(`nesting deeper than ${MAX_DEPTH} levels`);
      const v = this.container(tag);
      this.depth--;
      return v;
    }
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        // The house rule is no null in our code; user data may hold null and must round-trip.
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const u = this.varint();
        if (u > 0xffffffff) this.corrupt('integer out of range');
        return (u >>> 1) ^ -(u & 1);
      }
      case T_FLOAT:
        return this.float();
      case T_STRING:
        return this.string();
      case T_BIGINT: {
        const s = this.string();
        const neg = s.startsWith('-');
        const hex = neg ? s.slice(1) : s;
        if (!/^[0-9a-f]+$/.test(hex)) this.corrupt('invalid bigint text');
        const b = BigInt(`0x${hex}`);
        return neg ? -b : b;
      }
      case T_DATE:
        return new Date(this.float());
      case T_BYTES: {
        const n = this.length();
        const out = new Uint8Array(n);
        out.set(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return out;
      }
      case T_TYPED: {
        const kind = this.byte();
        const C = TYPED_KINDS[kind];
        if (C === undefined) this.corrupt(`unknown typed-array kind ${kind}`);
        const n = this.length();
        if (n % C.BYTES_PER_ELEMENT !== 0) this.corrupt(`${C.name} byte length ${n} is not a multiple of ${C.BYTES_PER_ELEMENT}`);
        const copy = new Uint8Array(n);
        copy.set(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return new C(copy.buffer, 0, n / C.BYTES_PER_ELEMENT);
      }
      default:
        this.pos--;
        return this.corrupt(`unknown type tag 0x${tag.toString(16).padStart(2, '0')}`);
    }
  }
}

/**
 * Decodes bytes written by {@link encodeValues}.
 *
 * @throws {CodecError} when the bytes are not a complete, valid encoding (wrong magic,
 * unsupported version, unknown tag, truncation, trailing bytes), with the byte offset.
 */
export function decodeValues(bytes: Uint8Array): unknown[] {
  const r = new Reader(bytes);
  if (r.end < 3 || r.buf[0] !== MAGIC0 || r.buf[1] !== MAGIC1) {
    r.corrupt('missing the "KV" header of Kindling value data');
  }
  const version = r.buf[2]!;
  if (version !== VALUE_CODEC_VERSION) {
    throw new CodecError(
      `Value data has codec version ${version}, but this Kindling reads version ${VALUE_CODEC_VERSION}. ` +
        `It was written by a newer Kindling; read it with that version, or start without it.`,
    );
  }
  r.pos = 3;
  const n = r.length();
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = r.value();
  if (r.pos !== r.end) r.corrupt(`${r.end - r.pos} unexpected trailing byte(s)`);
  return out;
}
