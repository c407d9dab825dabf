import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';
import { CombineKeyIndex } from './combine-key-index.ts';
import { CompiledLoopCache } from './compiled-loop-cache.ts';
import { PairColumns } from './pair-columns.ts';
import type { PartitionData } from './pair-columns.ts';
import { chainShape, guardedRecord, recordLoopBody, shapeKinds } from './record-pipeline.ts';
import type { ChainFailure, RecordOp } from './record-pipeline.ts';

/**
 * Combines `[key, value]` records by key (after a chain of record ops, possibly none) into one
 * combiner per key, as columns: primitive keys in first-seen order, then the others (hashed
 * by value). `blocks` are taken in order, as if concatenated; without record ops a block may
 * be {@link PairColumns} (read column by column, no pair object touched).
 * @internal
 */
export type CompiledCombine = ((blocks: readonly PartitionData[], fail: ChainFailure, into?: CombineState) => PairColumns) & {
  /**
   * Adds the records of `blocks` to the open call of key index `call` (one its caller keeps,
   * begun with {@link CombineKeyIndex.begin}; `call.end()` then gives the primitive keys in
   * first-seen order with their combiners), with this loop's functions. Returns the keys
   * hashed by value (arrays, objects) and their combiners, in their hashed map's order, or
   * `undefined` when there are none.
   */
  readonly addTo: (call: CombineKeyIndex, blocks: readonly PartitionData[], fail: ChainFailure) => PairColumns | undefined;
};

/**
 * The state of a combine that may go on later over more blocks: the map from each primitive
 * key to its index, and the columns. Passed to a {@link CompiledCombine}, the combine starts
 * from it and leaves it updated (so a fold of a window's older batches is continued over the
 * newest one without hashing its keys again). Its keys must all be primitive.
 * @internal
 */
export interface CombineState {
  readonly prim: Map<unknown, number>;
  readonly keys: unknown[];
  readonly values: unknown[];
  /**
   * Set when one combine is fed in parts (see {@link partsCombineState}): the keys hashed by
   * value (arrays, objects) seen so far, held apart from the columns until
   * {@link finishPartsCombine} appends them, so that the parts' columns come out as one
   * combine over all of them gives them. Without it, such keys are appended at the end of
   * every call (a state whose keys are all primitive never has any).
   */
  readonly parts?: OtherKeys;
}

/** Keys hashed by value of a combine fed in parts, and their combiners. @internal */
export interface OtherKeys {
  other: KeyMap<unknown, number> | undefined;
  otherKeys: unknown[] | undefined;
  otherValues: unknown[] | undefined;
}

/**
 * The state of a combine fed in parts: each call of a {@link CompiledCombine} with it goes on
 * over one more part, then {@link finishPartsCombine} gives the columns. The user's functions
 * are called as by one call over the parts concatenated, and the columns are the same.
 * @internal
 */
export function partsCombineState(): CombineState {
  return { prim: new Map(), keys: [], values: [], parts: { other: undefined, otherKeys: undefined, otherValues: undefined } };
}

/** The columns of a combine fed in parts (see {@link partsCombineState}). @internal */
export function finishPartsCombine(state: CombineState): PairColumns {
  const { keys, values } = state;
  const parts = state.parts;
  if (parts?.other !== undefined) {
    const otherKeys = parts.otherKeys!;
    const otherValues = parts.otherValues!;
    parts.other.forEach((e) => { keys.push(otherKeys[e]); values.push(otherValues[e]); });
  }
  return new PairColumns(keys, values);
}

// One loop compiled per distinct (record ops, createCombiner, mergeValue): as for record chains
// (see record-pipeline.ts), a shared combining loop calls every shuffle's mergeValue from one
// megamorphic call site, which V8 never inlines, while here `a + b` is inlined into the loop
// and the record tuple built by the user's last map need not leave it. Cached by function
// identities, then source texts (see compiled-loop-cache.ts), so each batch of a stream
// reuses warm code.
//
// The output is columns (see pair-columns.ts): a map from key to its index in `keys` and
// `values`, so a key already seen costs one hash lookup and one array store, and no pair
// object is made per key.
//
// A combine that starts afresh (not going on from a CombineState) uses the loop's key index
// (a CombineKeyIndex) instead of a new map: the primitive keys earlier calls saw, each with a
// slot, kept from one call to the next (a stream's next batch combines mostly the same words). A call marks the
// slots it sees and takes their keys in first-seen order, so its output, and the user's
// functions' calls, are those of a fresh map. What it saves per batch: growing a map of every
// key from empty (the allocations and re-hashing of each doubling), and keeping the batch's
// own key strings alive in the output (the index's older copies are kept instead, so the
// young ones die young and the scavenger does not copy them). The index is rebuilt when it
// grows past four times a call's keys plus 4,096 (or 65,536 keys), so it holds a bounded
// recent vocabulary.
let seq = 0;

function compile(shape: string): (...fns: unknown[]) => CompiledCombine {
  const ops = shapeKinds(shape);
  const names = ops.map((_, k) => `f${k}`);
  // Keys hashed by value (arrays, objects), in either form of the loop.
  const insertOther = (v: string): string => `{
        if (other === undefined) { other = new KeyMap(); otherKeys = []; otherValues = []; }
        const e = other.get(k);
        if (e !== undefined) otherValues[e] = merge(otherValues[e], ${v});
        else {
          other.set(k, otherKeys.length);
          otherKeys.push(k);
          otherValues.push(create(${v}));
        }
      }`;
  // Into a map of this combine's own (or the state it goes on from).
  const insert = (k: string, v: string): string => `{
      const k = ${k};
      if (k === null || typeof k !== 'object') {
        const e = prim.get(k);
        if (e !== undefined) values[e] = merge(values[e], ${v});
        else {
          prim.set(k, keys.length);
          keys.push(k === 0 ? 0 : k);
          values.push(create(${v}));
        }
      } else ${insertOther(v)}
    }`;
  // Into the open call of a key index (see combine-key-index.ts): the loop's own, or one its
  // caller keeps.
  const insertIndexed = (k: string, v: string): string => `{
      const k = ${k};
      const v = ${v};
      if (k === null || typeof k !== 'object') {
        let s = index.get(k);
        if (s === undefined) {
          s = indexKeys.length;
          index.set(k, s);
          indexKeys.push(k === 0 ? 0 : k);
          seenIn.push(0);
          held.push(undefined);
        }
        if (seenIn[s] === call) held[s] = merge(held[s], v);
        else {
          seenIn[s] = call;
          order.push(s);
          held[s] = create(v);
        }
      } else ${insertOther('v')}
    }`;
  const loops = (ins: (k: string, v: string) => string): string => {
    // The key and value are read from the record at once, so that nothing else refers to it
    // (see guardedRecord on the tuple never being allocated).
    const record = (r: string): string => `{ const r = ${r}; const rk = r[0]; const rv = r[1]; ${ins('rk', 'rv')} }`;
    // Without record ops, a block may already be columns.
    const columnsLoop = ops.length > 0 ? '' : `
    if (data instanceof PairColumns) {
      const ks = data.keys;
      const vs = data.values;
      for (let i = 0, n = ks.length; i < n; i++) ${ins('ks[i]', 'vs[i]')}
      continue;
    }`;
    return `for (let b = 0; b < blocks.length; b++) {
    const data = blocks[b];${columnsLoop}
    for (let i = 0, n = data.length; i < n; i++) {
      const x0 = data[i];
      ${guardedRecord(recordLoopBody(ops, 0, 'x0', 0, record))}
    }
  }`;
  };
  // A unique comment gives each loop its own compiled function (V8 caches by source text).
  const src = `"use strict"; /* kindling combine ${seq++} */
// The loop's own key index, for the combines that start afresh.
const own = new CombineKeyIndex();

function combineInto(blocks, fail, into) {
  const prim = into === undefined ? new Map() : into.prim;
  const keys = into === undefined ? [] : into.keys;
  const values = into === undefined ? [] : into.values;
  const parts = into === undefined ? undefined : into.parts;
  let other = parts === undefined ? undefined : parts.other;
  let otherKeys = parts === undefined ? undefined : parts.otherKeys;
  let otherValues = parts === undefined ? undefined : parts.otherValues;
  ${loops(insert)}
  // Fed in parts: keys hashed by value wait for the last part (finishPartsCombine).
  if (parts !== undefined) {
    parts.other = other;
    parts.otherKeys = otherKeys;
    parts.otherValues = otherValues;
    return new PairColumns(keys, values);
  }
  // Keys hashed by value go last, in the hashed map's order.
  if (other !== undefined) other.forEach((e) => { keys.push(otherKeys[e]); values.push(otherValues[e]); });
  return new PairColumns(keys, values);
}

function addTo(ix, blocks, fail) {
  const index = ix.index;
  const indexKeys = ix.keys;
  const seenIn = ix.seenIn;
  const held = ix.held;
  const call = ix.calls;
  const order = ix.order;
  let other, otherKeys, otherValues;
  ${loops(insertIndexed)}
  if (other === undefined) return undefined;
  const ks = [];
  const vs = [];
  other.forEach((e) => { ks.push(otherKeys[e]); vs.push(otherValues[e]); });
  return new PairColumns(ks, vs);
}

function combine(blocks, fail, into) {
  // A combine that goes on from a state, or one a user function started inside this loop's
  // own run, uses a map of its own.
  const ix = into === undefined ? own.begin() : undefined;
  if (ix === undefined) return combineInto(blocks, fail, into);
  let other, out;
  try {
    other = addTo(ix, blocks, fail);
  } finally {
    out = ix.end();
  }
  const keys = out.keys;
  const values = out.values;
  // Keys hashed by value go last, in the hashed map's order.
  if (other !== undefined) for (let i = 0; i < other.keys.length; i++) { keys.push(other.keys[i]); values.push(other.values[i]); }
  const cols = new PairColumns(keys, values);
  // The primitive keys' slots in the index, for what it keeps per key (their reduce partitions).
  cols.keySlots = out.slots;
  return cols;
}
combine.addTo = addTo;
return combine;`;
  const factory = new Function('KeyMap', 'PairColumns', 'CombineKeyIndex', ...names, 'create', 'merge', src) as (...args: unknown[]) => CompiledCombine;
  return (...fns) => factory(KeyMap, PairColumns, CombineKeyIndex, ...fns);
}

const combines = new CompiledLoopCache<CompiledCombine>(compile);

/** The compiled combining loop of `ops` then `agg` (cached by the functions' identities, then sources). @internal */
export function compiledCombine(ops: readonly RecordOp[], agg: Aggregator<unknown, unknown>): CompiledCombine {
  const fns = new Array<unknown>(ops.length + 2);
  for (let k = 0; k < ops.length; k++) fns[k] = ops[k]!.f;
  fns[ops.length] = agg.createCombiner;
  fns[ops.length + 1] = agg.mergeValue;
  return combines.get(chainShape(ops), fns);
}
