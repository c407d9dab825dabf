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
let seq = 0;

function compile(shape: string): (...fns: unknown[]) => CompiledCombine {
  const ops = shapeKinds(shape);
  const names = ops.map((_, k) => `f${k}`);
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
      } else {
        if (other === undefined) { other = new KeyMap(); otherKeys = []; otherValues = []; }
        const e = other.get(k);
        if (e !== undefined) otherValues[e] = merge(otherValues[e], ${v});
        else {
          other.set(k, otherKeys.length);
          otherKeys.push(k);
          otherValues.push(create(${v}));
        }
      }
    }`;
  // The key and value are read from the record at once, so that nothing else refers to it (see
  // guardedRecord on the tuple never being allocated).
  const record = (r: string): string => `{ const r = ${r}; const rk = r[0]; const rv = r[1]; ${insert('rk', 'rv')} }`;
  // Without record ops, a block may already be columns.
  const columnsLoop = ops.length > 0 ? '' : `
    if (data instanceof PairColumns) {
      const ks = data.keys;
      const vs = data.values;
      for (let i = 0, n = ks.length; i < n; i++) ${insert('ks[i]', 'vs[i]')}
      continue;
    }`;
  // A unique comment gives each loop its own compiled function (V8 caches by source text).
  const src = `"use strict"; /* kindling combine ${seq++} */
return function combine(blocks, fail, into) {
  const prim = into === undefined ? new Map() : into.prim;
  const keys = into === undefined ? [] : into.keys;
  const values = into === undefined ? [] : into.values;
  let other, otherKeys, otherValues;
  for (let b = 0; b < blocks.length; b++) {
    const data = blocks[b];${columnsLoop}
    for (let i = 0, n = data.length; i < n; i++) {
      const x0 = data[i];
      ${guardedRecord(recordLoopBody(ops, 0, 'x0', 0, record))}
    }
  }
  // Keys hashed by value go last, in the hashed map's order.
  if (other !== undefined) other.forEach((e) => { keys.push(otherKeys[e]); values.push(otherValues[e]); });
  return new PairColumns(keys, values);
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
