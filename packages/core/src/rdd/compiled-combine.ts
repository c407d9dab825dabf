import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';
import { CompiledLoopCache } from './compiled-loop-cache.ts';
import { chainShape, recordLoopBody, shapeKinds } from './record-pipeline.ts';
import type { ChainFailure, RecordOp } from './record-pipeline.ts';

/**
 * Combines `[key, value]` records by key (after a chain of record ops, possibly none) into one
 * `[key, combiner]` pair per key: primitive keys in first-seen order, then the others (hashed
 * by value). `blocks` are taken in order, as if concatenated.
 * @internal
 */
export type CompiledCombine = (blocks: readonly (readonly unknown[])[], fail: ChainFailure) => [unknown, unknown][];

// One loop compiled per distinct (record ops, createCombiner, mergeValue): as for record chains
// (see record-pipeline.ts), a shared combining loop calls every shuffle's mergeValue from one
// megamorphic call site, which V8 never inlines, while here `a + b` is inlined into the loop
// and the record tuple built by the user's last map need not leave it. Cached by function
// identities, then source texts (see compiled-loop-cache.ts), so each batch of a stream
// reuses warm code.
let seq = 0;

function compile(shape: string): (...fns: unknown[]) => CompiledCombine {
  const ops = shapeKinds(shape);
  const names = ops.map((_, k) => `f${k}`);
  const insert = (r: string): string => `{
    const r = ${r};
    const k = r[0];
    if (k === null || typeof k !== 'object') {
      const e = prim.get(k);
      if (e !== undefined) e[1] = merge(e[1], r[1]);
      else {
        const p = [k === 0 ? 0 : k, create(r[1])];
        prim.set(k, p);
        out.push(p);
      }
    } else {
      if (other === undefined) other = new KeyMap();
      const e = other.get(k);
      if (e !== undefined) e[1] = merge(e[1], r[1]);
      else other.set(k, [k, create(r[1])]);
    }
  }`;
  // A unique comment gives each loop its own compiled function (V8 caches by source text).
  const src = `"use strict"; /* kindling combine ${seq++} */
return function combine(blocks, fail) {
  const prim = new Map();
  const out = [];
  let other;
  for (let b = 0; b < blocks.length; b++) {
    const data = blocks[b];
    for (let i = 0, n = data.length; i < n; i++) {
      const x0 = data[i];
      ${recordLoopBody(ops, 0, 'x0', 0, insert)}
    }
  }
  if (other !== undefined) other.forEach((e) => { out.push(e); });
  return out;
};`;
  const factory = new Function('KeyMap', ...names, 'create', 'merge', src) as (...args: unknown[]) => CompiledCombine;
  return (...fns) => factory(KeyMap, ...fns);
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
