import { RDDComputeError } from './rdd-compute-error.ts';
import type { RDD } from './rdd.ts';
import { CompiledLoopCache } from './compiled-loop-cache.ts';
import { PairColumns } from './pair-columns.ts';

/**
 * A per-record operation of a narrow transformation (`map`, `filter`, `flatMap`, and the pair
 * operators built on them). Kept beside the partition kernel so that a chain of them can be
 * fused: the engine then pushes each record through the whole chain (and into a shuffle's
 * map-side combiner) without materialising the intermediate partitions, as Spark pipelines
 * iterators within a stage.
 */
export type RecordOp =
  | { readonly kind: 'map'; readonly f: (x: unknown) => unknown }
  | { readonly kind: 'filter'; readonly f: (x: unknown) => boolean }
  | { readonly kind: 'flatMap'; readonly f: (x: unknown) => Iterable<unknown> };

/** An RDD whose partitions are a per-record op applied to its first parent's (fusible). */
export interface FusibleRDD {
  readonly recordOp?: RecordOp | undefined;
}

/** A chain of fusible RDDs above `base`, ops in application order (base's child first). */
export interface FusedChain {
  readonly base: RDD<unknown>;
  readonly ops: readonly { op: RecordOp; rdd: RDD<unknown> }[];
}

function fusible(r: RDD<unknown>): RecordOp | undefined {
  const op = (r as unknown as Partial<FusibleRDD>).recordOp;
  if (op === undefined) return undefined;
  // Persisted or checkpoint-marked RDDs must see their own partitions: do not fuse through them.
  if (r.getStorageLevel().isValid || r.checkpointData !== undefined) return undefined;
  return op;
}

/**
 * Composed ops nest one call per op for every record, so chains are fused in segments of at
 * most this many ops (a 10,000-deep lineage must not become a 10,000-deep call per record).
 */
export const MAX_FUSED_OPS = 32;

/** Walks down from `top` through fusible RDDs (one-to-one on their first parent). @internal */
export function fusedChain(top: RDD<unknown>, maxOps = MAX_FUSED_OPS): FusedChain {
  const ops: { op: RecordOp; rdd: RDD<unknown> }[] = [];
  let r = top;
  while (ops.length < maxOps) {
    const op = fusible(r);
    if (op === undefined) break;
    ops.push({ op, rdd: r });
    r = r.dependencies[0]!.rdd;
  }
  ops.reverse();
  return { base: r, ops };
}

/** Throws the error of op `op` of a chain (never returns). */
export type ChainFailure = (op: number, error: unknown) => never;

/**
 * A chain of record ops compiled into one loop: `collect` returns the output records as a new
 * array, `count` only how many there are (without materialising them), `split` returns them as
 * {@link PairColumns}, each output record's `[0]` a key and its `[1]` the value beside it (a
 * map side's `[key, value]` pairs kept as columns: the pair objects are not kept), appended
 * to `into`'s columns when given. Errors thrown by op `k`'s function go to
 * `fail(k, error)`.
 * @internal
 */
export interface CompiledChain {
  readonly collect: (data: readonly unknown[], fail: ChainFailure) => unknown[];
  /**
   * The output records of `data[from..to)` written over `out` from index 0 (its length set to
   * their number), and `out` returned: one array for every part of a partition taken part by
   * part (see shuffle-writer's groupedMapSideOutputs), instead of a slice of the input and a
   * new output array grown push by push for each part.
   */
  readonly collectPart: (data: readonly unknown[], from: number, to: number, fail: ChainFailure, out: unknown[]) => unknown[];
  readonly count: (data: readonly unknown[], fail: ChainFailure) => number;
  readonly split: (data: readonly unknown[], fail: ChainFailure, into?: PairColumns) => PairColumns;
  /**
   * The output records of `data` written as `keys[at..]` and `values[at..]` (each record's `[0]`
   * and `[1]`), returning the index after the last written: for columns allocated ahead at
   * their expected size (see {@link presizedColumns}), which then need not grow by copying.
   */
  readonly splitAt: (data: readonly unknown[], fail: ChainFailure, keys: unknown[], values: unknown[], at: number) => number;
}

/**
 * Empty key and value columns with room for `expected` records, to be written by index from 0
 * ({@link CompiledChain.splitAt}) and cut to what was written with {@link trimColumns}. Why:
 * an array appended to from empty grows by copying into ever larger copies (about twice its
 * final size left to the collector: 24 MB a run of the book's 500,000 orders for
 * `updateStateByKey`'s map side, BENCHMARKS.md "Map-side columns sized ahead (stop 22,
 * book)"). More records than expected still fit (the arrays then grow as before); fewer leave
 * room that {@link trimColumns} gives back.
 * @internal
 */
export function presizedColumns(expected: number): PairColumns {
  return new PairColumns(new Array<unknown>(expected), new Array<unknown>(expected));
}

/** Cuts columns from {@link presizedColumns} to the `written` records at their start. @internal */
export function trimColumns(cols: PairColumns, written: number): PairColumns {
  if (cols.keys.length !== written) {
    cols.keys.length = written;
    cols.values.length = written;
  }
  return cols;
}

// Why generated code: a loop that calls the user's functions through shared closures (one
// kernel or composed push function for every map in the program) has one call site for all of
// them, which V8 sees as megamorphic and never inlines; the user's function then runs as a call
// per record, and each op's output crosses a closure boundary. One loop compiled per distinct
// chain of functions keeps every call site monomorphic, as in a hand-written loop, so V8 can
// inline the user's functions into it. Loops are cached by their functions' identities, then
// by their source texts (see compiled-loop-cache.ts): each batch of a stream reuses warm code,
// even when its functions are created anew per batch (inside `transform`).
let compiledSeq = 0;

/** Flat-maps nested deeper than this loop with for-of only (no array fast path), bounding the code size. */
const MAX_UNROLLED_FLATMAPS = 2;

/**
 * The source of the loop body applying `ops[k..]` to the record in variable `x`, ending in
 * `terminal(variable)`; op k's function is `f<k>`. Each call of an op's function sets `op` to
 * its index for the duration of the call, so that {@link guardedRecord}'s handler sends its
 * errors to `fail(k, e)` and lets everything else (the terminal's, an iterator's) through as
 * it is. Wrap it in {@link guardedRecord}.
 * @internal
 */
export function recordLoopBody(ops: readonly Pick<RecordOp, 'kind'>[], k: number, x: string, flatMaps: number, terminal: (v: string) => string): string {
  if (k === ops.length) return terminal(x);
  const op = ops[k]!;
  const y = `x${k + 1}`;
  if (op.kind === 'map') {
    return `op = ${k}; const ${y} = f${k}(${x}); op = -1;\n${recordLoopBody(ops, k + 1, y, flatMaps, terminal)}`;
  }
  if (op.kind === 'filter') {
    return `op = ${k}; const p${k} = f${k}(${x}); op = -1;\nif (p${k}) {\n${recordLoopBody(ops, k + 1, x, flatMaps, terminal)}\n}`;
  }
  const rest = recordLoopBody(ops, k + 1, y, flatMaps + 1, terminal);
  const call = `op = ${k}; const ys${k} = f${k}(${x}); op = -1;\n`;
  if (flatMaps >= MAX_UNROLLED_FLATMAPS) return `${call}for (const ${y} of ys${k}) {\n${rest}\n}`;
  return `${call}if (Array.isArray(ys${k})) {\nfor (let j${k} = 0; j${k} < ys${k}.length; j${k}++) {\nconst ${y} = ys${k}[j${k}];\n${rest}\n}\n} else {\nfor (const ${y} of ys${k}) {\n${rest}\n}\n}`;
}

/**
 * One record's code (`body`, from {@link recordLoopBody}) inside a single `try`: an error
 * thrown while an op's function runs goes to `fail(op, e)`, any other is rethrown as it is.
 *
 * Why one `try` around the whole record rather than one around each call: V8 replaces an
 * object that never leaves the optimised loop by its fields (escape analysis), so the
 * `[key, value]` tuple a user's `map` hands to a combiner, once the map is inlined, need not
 * be allocated at all. Measured with the sampling heap profiler (Node 20), over 10,000 orders:
 * with a `try` around each call, the tuples of `(o) => [o.buy, 1]` and
 * `(o) => [o.clientId, o.amount * o.price]` were allocated for every record (64 bytes each);
 * with the record's code in one `try` and the combiner reading the key and value from the
 * tuple at once, none of the three chains tried allocated them.
 * @internal
 */
export function guardedRecord(body: string): string {
  return `let op = -1;\ntry {\n${body}\n} catch (e) {\nif (op < 0) throw e;\nfail(op, e);\nthrow e;\n}`;
}

/** The op kinds of a chain's shape (`map,filter`), as {@link chainShape} wrote them. @internal */
export function shapeKinds(shape: string): Pick<RecordOp, 'kind'>[] {
  return shape === '' ? [] : shape.split(',').map((kind) => ({ kind: kind as RecordOp['kind'] }));
}

/** The shape of a chain: its op kinds in order. @internal */
export function chainShape(ops: readonly RecordOp[]): string {
  let shape = '';
  for (let k = 0; k < ops.length; k++) shape += (k === 0 ? '' : ',') + ops[k]!.kind;
  return shape;
}

/**
 * The end of a `split` loop's record code: the record's `[0]` and `[1]` appended to the key and
 * value columns at index `m`, by stores rather than `push`. Why: V8 replaces the `[key, value]`
 * tuple a user's inlined `map` returns by its two fields (escape analysis) when the loop reads
 * them and stores them by index, but not when it hands them to `push`: with `push`, the tuple
 * of `(o) => [o.clientId, o.amount * o.price]` was allocated for every record (64 bytes; 32 MB
 * of the book's 500,000 orders a run, BENCHMARKS.md "Per-record allocation between the user's
 * functions (stop 21, book)"), although nothing keeps it. Counted in
 * `test/split-tuples.test.ts`.
 */
function splitTerminal(v: string): string {
  return `const k = ${v}[0]; const w = ${v}[1];\nkeys[m] = k; values[m] = w; m++;`;
}

function compileChain(shape: string): (...fns: unknown[]) => CompiledChain {
  const ops = shapeKinds(shape);
  const names = ops.map((_, k) => `f${k}`);
  const id = compiledSeq++;
  const allMaps = ops.every((op) => op.kind === 'map');
  // A unique comment gives each chain its own compiled function (V8 caches by source text).
  const src = `"use strict"; /* kindling record chain ${id} */
return {
  collect(data, fail) {
    const n = data.length;
    const out = ${allMaps ? 'new Array(n)' : '[]'};
    for (let i = 0; i < n; i++) {
      const x0 = data[i];
      ${guardedRecord(recordLoopBody(ops, 0, 'x0', 0, (v) => (allMaps ? `out[i] = ${v};` : `out.push(${v});`)))}
    }
    return out;
  },
  collectPart(data, from, to, fail, out) {
    let m = 0;
    for (let i = from; i < to; i++) {
      const x0 = data[i];
      ${guardedRecord(recordLoopBody(ops, 0, 'x0', 0, (v) => `out[m] = ${v}; m++;`))}
    }
    out.length = m;
    return out;
  },
  count(data, fail) {
    const n = data.length;
    let out = 0;
    for (let i = 0; i < n; i++) {
      const x0 = data[i];
      ${guardedRecord(recordLoopBody(ops, 0, 'x0', 0, () => 'out++;'))}
    }
    return out;
  },
  split(data, fail, into) {
    if (into !== undefined) {
      this.splitAt(data, fail, into.keys, into.values, into.keys.length);
      return into;
    }
    // Sized for one output record per input record (see presizedColumns).
    const cols = presizedColumns(data.length);
    return trimColumns(cols, this.splitAt(data, fail, cols.keys, cols.values, 0));
  },
  splitAt(data, fail, keys, values, m) {
    const n = data.length;
    // Written by index, not by push: see splitTerminal.
    for (let i = 0; i < n; i++) {
      const x0 = data[i];
      ${guardedRecord(recordLoopBody(ops, 0, 'x0', 0, splitTerminal))}
    }
    return m;
  },
};`;
  const factory = new Function('presizedColumns', 'trimColumns', ...names, src) as (...args: unknown[]) => CompiledChain;
  return (...fns) => factory(presizedColumns, trimColumns, ...fns);
}

const chains = new CompiledLoopCache<CompiledChain>(compileChain);

/** The compiled loop of `ops` (cached by the ops' kinds and functions). @internal */
export function compiledChain(ops: readonly RecordOp[]): CompiledChain {
  const fns = new Array<unknown>(ops.length);
  for (let k = 0; k < ops.length; k++) fns[k] = ops[k]!.f;
  return chains.get(chainShape(ops), fns);
}

/** How many record-chain loops have been compiled and are kept (for tests). @internal */
export function compiledChainFactories(): number { return chains.compiledFactories; }

/** The failure handler of a fused chain's task: the error names the RDD that owns the op. @internal */
export function chainFailure(chain: FusedChain, split: number): ChainFailure {
  return (k, e) => {
    if (e instanceof RDDComputeError) throw e;
    throw new RDDComputeError(chain.ops[k]!.rdd.describeForError(), split, 'compute', e);
  };
}

/** The chain's output partition for base partition `data`. @internal */
export function collectChain(chain: FusedChain, split: number, data: readonly unknown[]): unknown[] {
  if (chain.ops.length === 0) return data.slice();
  return compiledChain(chain.ops.map((o) => o.op)).collect(data, chainFailure(chain, split));
}

/**
 * The chain's output for base partition `data` as two columns, `keys[i]` and `values[i]` being
 * output record i's `[0]` and `[1]` (the records are `[key, value]` pairs; the pairs
 * themselves are not kept), appended to `into`'s columns when given. @internal
 */
export function splitChain(chain: FusedChain, split: number, data: readonly unknown[], into?: PairColumns): PairColumns {
  return compiledChain(chain.ops.map((o) => o.op)).split(data, chainFailure(chain, split), into);
}

/** How many records the chain outputs for base partition `data` (none materialised). @internal */
export function countChain(chain: FusedChain, split: number, data: readonly unknown[]): number {
  if (chain.ops.length === 0) return data.length;
  return compiledChain(chain.ops.map((o) => o.op)).count(data, chainFailure(chain, split));
}

/**
 * The partition function of a count: one element, the partition's number of records. An RDD
 * made by `mapPartitions` of this very function (as `DStream.count()` does) is evaluated by
 * counting what the fused chain of record ops below it outputs, without materialising the
 * records (a `filter(...).count()` allocates no array of the records kept).
 * @internal
 */
export function countPartitionRecords<T>(part: Iterable<T>): number[] {
  if (Array.isArray(part)) return [part.length];
  let n = 0;
  for (const _ of part) n++;
  return [n];
}

/** An RDD whose one-element partitions count its first parent's records (see {@link countPartitionRecords}). @internal */
export interface RecordCountingRDD {
  readonly countsParentRecords?: boolean;
}

/**
 * The partition kernel of one record op (a lone `map`, `filter` or `flatMap` RDD, or one that
 * cannot be fused because it is persisted): the same compiled loop as a fused chain of one op,
 * so each narrow operator has a single definition. Errors are thrown as they come; the engine
 * names the RDD.
 * @internal
 */
export function recordOpKernel(op: RecordOp): (split: number, data: readonly unknown[]) => unknown[] {
  const chain = compiledChain([op]);
  const rethrow: ChainFailure = (_k, e) => { throw e; };
  return (_split, data) => chain.collect(data, rethrow);
}
