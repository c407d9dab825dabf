import { PairColumns, recordsOf, type PartitionData } from '../rdd/pair-columns.ts';
import type { KeyDictionaryBlock, SentKeySlots } from './exchange-key-dictionary.ts';
import { List, Map as IMap, OrderedMap, OrderedSet, Set as ISet, Stack, isImmutable, isList, isMap, isOrderedMap, isOrderedSet, isSet, isStack } from 'immutable';
import { unpinned } from '../util/unpinned-string.ts';

/**
 * The wire format of blocks of records sent between threads (shuffle blocks, partitions sent
 * to the driver). Objects are expensive to move between V8 isolates and bytes are not (the
 * scale-out study measured ~0.3-1 µs per `[key, value]` pair by structured clone, ~0.05 µs
 * for numbers in transferred typed arrays), so pairs with primitive keys and number values are
 * sent columnar: string keys packed into one string with their end offsets in a
 * `Uint32Array` (one string to copy instead of one per key: 5-10x cheaper to send and rebuild
 * than an array of strings, measured for 10,000 words between two worker threads), number
 * keys in a `Float64Array`, values in a `Float64Array`, typed arrays transferred (moved, not
 * copied). Everything else goes by structured clone. Between two worker threads, a map side's
 * string keys go by their slots in its key index when it has one (`string-number-slots`, see
 * exchange-key-dictionary.ts); the receiver turns such a block into `string-number-keys` (the
 * keys it holds) as it arrives.
 * @internal
 */
export type EncodedBlock =
  | { readonly kind: 'string-number'; readonly keys: string; readonly ends: Uint32Array; readonly values: Float64Array }
  | KeyDictionaryBlock
  | { readonly kind: 'string-number-keys'; readonly keys: readonly string[]; readonly values: Float64Array }
  | { readonly kind: 'number-number'; readonly keys: Float64Array; readonly values: Float64Array }
  | { readonly kind: 'records'; readonly records: readonly unknown[] }
  | { readonly kind: 'immutable-records'; readonly records: readonly unknown[] };

// Structured clone keeps plain data, Map, Set, Date, typed arrays, but turns class instances
// into plain objects. Immutable.js collections (the book's records hold Lists) are therefore
// sent tagged and rebuilt on the other side.
const TAG = '__kindlingImmutable';
type Tagged = { [TAG]: string; items: unknown[] };

function containsImmutable(x: unknown, depth: number): boolean {
  if (x === null || typeof x !== 'object') return false;
  if (isImmutable(x)) return true;
  if (depth > 6) return false;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) if (containsImmutable(x[i], depth + 1)) return true;
    return false;
  }
  if (x instanceof Map) {
    for (const [k, v] of x) if (containsImmutable(k, depth + 1) || containsImmutable(v, depth + 1)) return true;
    return false;
  }
  if (x instanceof Set) {
    for (const v of x) if (containsImmutable(v, depth + 1)) return true;
    return false;
  }
  if (Object.getPrototypeOf(x) !== Object.prototype) return false;
  for (const v of Object.values(x)) if (containsImmutable(v, depth + 1)) return true;
  return false;
}

function toWire(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (isImmutable(x)) {
    const kind = isOrderedMap(x) ? 'OrderedMap' : isMap(x) ? 'Map' : isOrderedSet(x) ? 'OrderedSet' : isSet(x) ? 'Set' : isStack(x) ? 'Stack' : isList(x) ? 'List' : undefined;
    if (kind === undefined) throw new Error(`Cannot send an Immutable.js ${x.constructor.name} between threads: use a List, Map, OrderedMap, Set, OrderedSet or Stack, or plain data`);
    const items = kind.endsWith('Map') ? [...(x as IMap<unknown, unknown>).entries()].map(([k, v]) => [toWire(k), toWire(v)]) : [...(x as List<unknown>).values()].map(toWire);
    return { [TAG]: kind, items } satisfies Tagged;
  }
  if (Array.isArray(x)) return x.map(toWire);
  if (x instanceof Map) return new Map([...x].map(([k, v]) => [toWire(k), toWire(v)]));
  if (x instanceof Set) return new Set([...x].map(toWire));
  if (Object.getPrototypeOf(x) !== Object.prototype) return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = toWire(v);
  return out;
}

function fromWire(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(fromWire);
  if (x instanceof Map) return new Map([...x].map(([k, v]) => [fromWire(k), fromWire(v)]));
  if (x instanceof Set) return new Set([...x].map(fromWire));
  if (Object.getPrototypeOf(x) !== Object.prototype) return x;
  const tag = (x as Partial<Tagged>)[TAG];
  if (typeof tag === 'string') {
    const items = (x as Tagged).items.map(fromWire);
    switch (tag) {
      case 'List': return List(items);
      case 'Stack': return Stack(items);
      case 'Set': return ISet(items);
      case 'OrderedSet': return OrderedSet(items);
      case 'Map': return IMap(items as [unknown, unknown][]);
      default: return OrderedMap(items as [unknown, unknown][]);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = fromWire(v);
  return out;
}

function generic(records: readonly unknown[]): EncodedBlock {
  for (let i = 0; i < records.length; i++) {
    if (containsImmutable(records[i], 0)) return { kind: 'immutable-records', records: records.map(toWire) };
  }
  return { kind: 'records', records };
}

/**
 * Columns with string or number keys and number values, encoded columnar straight from the
 * columns (no pair built); `undefined` when they hold anything else.
 */
function encodeColumns(cols: PairColumns, transfer: ArrayBuffer[]): EncodedBlock | undefined {
  const ks = cols.keys;
  const vs = cols.values;
  const n = ks.length;
  const keyKind = typeof ks[0];
  const values = new Float64Array(n);
  if (keyKind === 'string') {
    const ends = new Uint32Array(n);
    if (!stringNumberColumns(ks, vs, ends, values)) return undefined;
    transfer.push(ends.buffer, values.buffer);
    return { kind: 'string-number', keys: (ks as string[]).join(''), ends, values };
  }
  if (keyKind !== 'number') return undefined;
  const keys = new Float64Array(n);
  if (!numberNumberColumns(ks, vs, keys, values)) return undefined;
  transfer.push(keys.buffer, values.buffer);
  return { kind: 'number-number', keys, values };
}

// The two loops below are functions of their own, with nothing after the loop but a return: a
// loop over a block is optimized on stack (OSR) in its first run, before the code after it
// ever ran, and V8 keeps that code for the function's later calls; with the transfer list's
// push after the loop, every later call (each batch, in each worker) left it there ("wrong
// map": the push's list, seen once, is not the one it gets next).

/** Writes string keys' end offsets and number values; false when a key is not a string or a value not a number. */
function stringNumberColumns(ks: readonly unknown[], vs: readonly unknown[], ends: Uint32Array, values: Float64Array): boolean {
  let length = 0;
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i];
    const v = vs[i];
    if (typeof k !== 'string' || typeof v !== 'number') return false;
    length += k.length;
    ends[i] = length;
    values[i] = v;
  }
  return true;
}

/** Writes number keys and values; false when either is not a number. */
function numberNumberColumns(ks: readonly unknown[], vs: readonly unknown[], keys: Float64Array, values: Float64Array): boolean {
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i];
    const v = vs[i];
    if (typeof k !== 'number' || typeof v !== 'number') return false;
    keys[i] = k;
    values[i] = v;
  }
  return true;
}

/**
 * Encodes a block; pushes the buffers to transfer onto `transfer`. With `dictionary`, for its
 * `peer`: columns whose keys have slots in a live key index go dictionary-coded (see
 * exchange-key-dictionary.ts). @internal
 */
export function encodeBlock(block: PartitionData, transfer: ArrayBuffer[], dictionary?: { readonly sent: SentKeySlots; readonly peer: number }): EncodedBlock {
  if (block instanceof PairColumns && block.length > 0) {
    const slots = block.keySlots;
    if (dictionary !== undefined && slots !== undefined && slots.generation === slots.index.generation && slots.slots.length === block.length) {
      const coded = dictionary.sent.encode(dictionary.peer, block.keys, block.values, slots, transfer);
      if (coded !== undefined) return coded;
    }
    const columnar = encodeColumns(block, transfer);
    if (columnar !== undefined) return columnar;
  }
  const records = recordsOf(block);
  const n = records.length;
  if (n === 0) return { kind: 'records', records: [] };
  const first = records[0];
  if (!Array.isArray(first) || first.length !== 2 || typeof first[1] !== 'number') return generic(records);
  const keyKind = typeof first[0];
  if (keyKind !== 'string' && keyKind !== 'number') return generic(records);
  const values = new Float64Array(n);
  if (keyKind === 'string') {
    const keys = new Array<string>(n);
    const ends = new Uint32Array(n);
    let length = 0;
    for (let i = 0; i < n; i++) {
      const r = records[i] as unknown[];
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'string' || typeof r[1] !== 'number') return generic(records);
      const k = r[0];
      keys[i] = k;
      length += k.length;
      ends[i] = length;
      values[i] = r[1];
    }
    transfer.push(ends.buffer, values.buffer);
    return { kind: 'string-number', keys: keys.join(''), ends, values };
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i] as unknown[];
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number') return generic(records);
    keys[i] = r[0];
    values[i] = r[1];
  }
  transfer.push(keys.buffer, values.buffer);
  return { kind: 'number-number', keys, values };
}

/**
 * An encoded block as the engine holds a partition: columnar blocks become {@link PairColumns}
 * (no pair built; a shuffle's reduce side reads the columns), others their records. @internal
 */
export function decodeBlockData(block: EncodedBlock): PartitionData {
  if (block.kind !== 'string-number' && block.kind !== 'number-number' && block.kind !== 'string-number-keys') return decodeBlock(block);
  const n = block.values.length;
  const values = new Array<number>(n);
  const vs = block.values;
  if (block.kind === 'string-number-keys') {
    for (let i = 0; i < n; i++) values[i] = vs[i]!;
    return new PairColumns(block.keys as string[], values);
  }
  const keys = new Array<unknown>(n);
  if (block.kind === 'string-number') {
    const { keys: packed, ends } = block;
    let start = 0;
    for (let i = 0; i < n; i++) {
      const end = ends[i]!;
      keys[i] = unpinned(packed.slice(start, end));
      values[i] = vs[i]!;
      start = end;
    }
  } else {
    const ks = block.keys;
    for (let i = 0; i < n; i++) {
      keys[i] = ks[i];
      values[i] = vs[i]!;
    }
  }
  return new PairColumns(keys, values);
}

/** The records of an encoded block (fresh `[key, value]` arrays for columnar blocks). @internal */
export function decodeBlock(block: EncodedBlock): unknown[] {
  if (block.kind === 'records') return block.records as unknown[];
  if (block.kind === 'immutable-records') return block.records.map(fromWire);
  if (block.kind === 'string-number-slots') throw new Error('A dictionary-coded shuffle block was read before its keys were resolved (internal exchange error)');
  const n = block.values.length;
  if (block.kind === 'string-number-keys') {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = [block.keys[i], block.values[i]];
    return out;
  }
  const out = new Array<unknown>(n);
  if (block.kind === 'string-number') {
    const { keys, ends, values } = block;
    let start = 0;
    for (let i = 0; i < n; i++) {
      const end = ends[i]!;
      out[i] = [unpinned(keys.slice(start, end)), values[i]];
      start = end;
    }
    return out;
  }
  const { keys, values } = block;
  for (let i = 0; i < n; i++) out[i] = [keys[i], values[i]];
  return out;
}

