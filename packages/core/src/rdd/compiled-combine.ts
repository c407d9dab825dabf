import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';
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
export type CompiledCombine = (blocks: readonly PartitionData[], fail: ChainFailure, into?: CombineState) => PairColumns;

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
// instead of a new map: the primitive keys earlier calls saw, each with a slot, kept from one
// call to the next (a stream's next batch combines mostly the same words). A call marks the
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
  // Into the loop's key index, kept from one call to the next (see `combineIndexed`).
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
// The key index of combineIndexed: each primitive key seen by earlier calls and its slot,
// the call that last saw the slot's key, and the combiner it holds during a call.
let index = new Map();
let indexKeys = [];
let seenIn = [];
let held = [];
let call = 0;
let busy = false;

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

function combineIndexed(blocks, fail) {
  if (call === 1073741823) { index = new Map(); indexKeys = []; seenIn = []; held = []; call = 0; }
  call++;
  const order = [];
  let other, otherKeys, otherValues;
  // (A call a user function fails leaves its combiners in \`held\` until the index is rebuilt
  // or their slots are seen again.)
  ${loops(insertIndexed)}
  const n = order.length;
  const keys = n < 65536 ? new Array(n) : [];
  const values = n < 65536 ? new Array(n) : [];
  for (let i = 0; i < n; i++) {
    const s = order[i];
    keys[i] = indexKeys[s];
    values[i] = held[s];
    held[s] = undefined;
  }
  if (other !== undefined) other.forEach((e) => { keys.push(otherKeys[e]); values.push(otherValues[e]); });
  // Keys not seen for a while are forgotten with the index: it is rebuilt when it outgrows
  // the keys of this call (or a bound), so it holds at most a few batches' vocabulary.
  if (index.size > 65536 || index.size > 4 * n + 4096) { index = new Map(); indexKeys = []; seenIn = []; held = []; }
  return new PairColumns(keys, values);
}

return function combine(blocks, fail, into) {
  // A combine that goes on from a state, or one a user function started inside this loop's
  // own run, uses a map of its own.
  if (into !== undefined || busy) return combineInto(blocks, fail, into);
  busy = true;
  try {
    return combineIndexed(blocks, fail);
  } finally {
    busy = false;
  }
};`;
  const factory = new Function('KeyMap', 'PairColumns', ...names, 'create', 'merge', src) as (...args: unknown[]) => CompiledCombine;
  return (...fns) => factory(KeyMap, PairColumns, ...fns);
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
