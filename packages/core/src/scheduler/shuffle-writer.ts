import { compiledCombine, finishPartsCombine, partsCombineState } from '../rdd/compiled-combine.ts';
import { closeTaskUpdates, enterTaskUpdates, leaveTaskUpdates, openTaskUpdates, runAsTask, type TaskUpdates } from '../util/task-updates.ts';
import type { CombineState, CompiledCombine } from '../rdd/compiled-combine.ts';
import { MAX_FUSED_OPS, chainFailure, collectChain, compiledChain, fusedChain, presizedColumns, splitChain, trimColumns } from '../rdd/record-pipeline.ts';
import type { RDD } from '../rdd/rdd.ts';
import type { Aggregator } from '../rdd/aggregator.ts';
import type { ShuffleDependency } from '../rdd/dependency.ts';
import type { ChainFailure, CompiledChain, FusedChain, FusibleRDD } from '../rdd/record-pipeline.ts';
import { PairColumns, recordsOf } from '../rdd/pair-columns.ts';
import { HashPartitioner } from '../rdd/partitioner.ts';
import { invalidPartition } from '../rdd/invalid-partition-error.ts';
import type { KeySlots } from '../rdd/combine-key-index.ts';
import type { PartitionData } from '../rdd/pair-columns.ts';
import type { PartitionEvaluator } from './partition-evaluator.ts';

/**
 * The map side of a shuffle for one map partition: evaluate the map-side RDD (pushing
 * records through a fused chain of narrow operators straight into the combiner when it can),
 * combine by key if the dependency asks for it, then bucket by the partitioner. Returns one
 * block per reduce partition (combined pairs as columns).
 * @internal
 */
export function runShuffleMapTask(dep: ShuffleDependency, m: number, ev: PartitionEvaluator): PartitionData[] {
  const chain = fusedChain(dep.rdd);
  return mapSideOutput(dep, chain, m, ev.evaluateData(chain.base, m));
}

/**
 * The map output of `dep` for map partition `m`, given the partition `base` of its fused
 * chain's base (evaluated by the caller, possibly once for several shuffles).
 * @internal
 */
export function mapSideOutput(dep: ShuffleDependency, chain: FusedChain, m: number, base: PartitionData): PartitionData[] {
  if (dep.mapSideCombine) {
    // One compiled loop: the chain's ops, then the combining, per record (or per column entry).
    const combine = compiledCombine(chain.ops.map((o) => o.op), dep.aggregator as Aggregator<unknown, unknown>);
    const input = chain.ops.length === 0 ? base : recordsOf(base);
    return bucketColumns(dep, combine([input], chainFailure(chain, m)));
  }
  if (dep.aggregator !== undefined && chain.ops.length > 0) {
    // The reduce side combines (groupByKey, combineByKey without a map-side combine): it reads
    // keys and values, never the pairs, so the pairs the chain outputs (the user's own, from
    // its last map) are not kept until it runs. Kept, they outlive young-generation
    // collections; V8 then allocates every pair of that user function straight in the old
    // generation (allocation-site pretenuring), where they wait for a full collection: the
    // book's updateStateByKey doubled orders-book's peak heap that way (see BENCHMARKS.md,
    // branch obk2).
    return bucketColumns(dep, splitChain(chain, m, recordsOf(base)));
  }
  const records = chain.ops.length === 0 ? recordsOf(base) : collectChain(chain, m, recordsOf(base));
  return bucketRecords(dep, records as readonly (readonly [unknown, unknown])[]);
}

/**
 * How many records of the base's own input a grouped map task takes at a time (see
 * {@link groupedMapSideOutputs}).
 * @internal
 */
export const GROUPED_MAP_PART = 1024;

/** One shuffle's map side fed part by part: its compiled loop, and what it has so far. */
interface MapSidePart {
  readonly dep: ShuffleDependency;
  /** The map side's combine (with `combine`), or its chain's loop (none for an empty chain). */
  readonly run: CompiledCombine | CompiledChain | undefined;
  readonly fail: ChainFailure;
  /** Combined (map-side combine), as columns (a reduce side that combines), or records. */
  readonly combine: CombineState | undefined;
  readonly columns: PairColumns | undefined;
  /** How many records `columns` holds (written by index into columns sized ahead). */
  written: number;
  readonly records: unknown[] | undefined;
  /** A sibling's accumulator additions, apart from the task's until the sibling has run in full. */
  readonly updates: TaskUpdates | undefined;
  failed: boolean;
}

/** A scope for a sibling map side's additions, inside the task's, left at once (entered part by part). */
function openSideUpdates(): TaskUpdates {
  const scope = openTaskUpdates();
  leaveTaskUpdates(scope.outer);
  return scope;
}

/** A sibling's scope once every part was fed: its additions go to the task's when it succeeded. */
function commitSideUpdates(scope: TaskUpdates, succeeded: boolean): void {
  // The task's scope is running (the scope's outer), and stays so.
  closeTaskUpdates(scope, succeeded);
}

/**
 * The map outputs of partition `m` for shuffles whose map sides all read `base` through
 * chains of record operators (a map-side group: the book's parsed orders, mapped three ways
 * into three shuffles), `base` computed once for all of them. `deps[0]`'s failure is thrown;
 * another's is passed to `siblingFailed` and leaves its output `undefined`.
 *
 * When `base` is itself a chain of record operators over its input (the parse of a batch's
 * lines), that input is taken {@link GROUPED_MAP_PART} records at a time: each part is
 * mapped to `base`'s records and fed to every map side, then dropped, so `base`'s records
 * (the user's objects) live for one part instead of the whole partition. Held for the whole
 * partition while the map sides ran one after the other, they outlived young-generation
 * collections often enough that V8 allocated all of them in the old generation (allocation-site
 * pretenuring), where they waited for a full collection: orders-book's peak heap doubled in
 * some processes and not others (BENCHMARKS.md, branch obk2). Each map side's functions run
 * in the same order on the same records as over the whole partition, and each output is the
 * same; only the calls of different map sides interleave part by part.
 * @internal
 */
export function groupedMapSideOutputs(
  base: RDD<unknown>,
  deps: readonly ShuffleDependency[],
  m: number,
  ev: PartitionEvaluator,
  siblingFailed: (dep: ShuffleDependency, e: unknown) => void,
): (PartitionData[] | undefined)[] {
  const baseChain = partChain(base, m);
  const outputs = new Array<PartitionData[] | undefined>(deps.length);
  if (baseChain === undefined) {
    const data = ev.evaluateData(base, m, false);
    for (let i = 0; i < deps.length; i++) {
      const dep = deps[i]!;
      if (i === 0) outputs[i] = mapSideOutput(dep, fusedChain(dep.rdd), m, data);
      else {
        try {
          outputs[i] = runAsTask(() => mapSideOutput(dep, fusedChain(dep.rdd), m, data));
        } catch (e) {
          siblingFailed(dep, e);
        }
      }
    }
    return outputs;
  }
  const input = recordsOf(ev.evaluateData(baseChain.base, m));
  const n = input.length;
  const sides: MapSidePart[] = deps.map((dep, i) => {
    const chain = fusedChain(dep.rdd);
    const combined = dep.mapSideCombine;
    const split = !combined && dep.aggregator !== undefined && chain.ops.length > 0;
    const ops = chain.ops.map((o) => o.op);
    return {
      dep, failed: false,
      run: combined ? compiledCombine(ops, dep.aggregator as Aggregator<unknown, unknown>) : ops.length > 0 ? compiledChain(ops) : undefined,
      fail: chainFailure(chain, m),
      // A sibling's accumulator additions count with the task only if the sibling succeeds
      // (its own job computes it again after a failure, as Spark runs it in a task of its own).
      updates: i === 0 ? undefined : openSideUpdates(),
      combine: combined ? partsCombineState() : undefined,
      // One output record per input record expected (a parse, then a map to a pair).
      columns: split ? presizedColumns(n) : undefined,
      written: 0,
      records: !combined && !split ? [] : undefined,
    };
  });
  const baseLoop = compiledChain(baseChain.ops.map((o) => o.op));
  const baseFail = chainFailure(baseChain, m);
  // One array holds each part's records in turn: the map sides read a part before the next
  // is written over it, and none keeps the array itself.
  const part: unknown[] = [];
  for (let start = 0; start < n; start += GROUPED_MAP_PART) {
    baseLoop.collectPart(input, start, Math.min(n, start + GROUPED_MAP_PART), baseFail, part);
    for (let i = 0; i < sides.length; i++) {
      const side = sides[i]!;
      if (side.failed) continue;
      if (i === 0) feedPart(side, part);
      else {
        const task = enterTaskUpdates(side.updates!);
        try {
          feedPart(side, part);
        } catch (e) {
          side.failed = true;
          siblingFailed(side.dep, e);
        } finally {
          leaveTaskUpdates(task);
        }
      }
    }
  }
  for (let i = 0; i < sides.length; i++) {
    const side = sides[i]!;
    if (side.updates !== undefined) commitSideUpdates(side.updates, !side.failed);
    if (side.failed) continue;
    if (side.combine !== undefined) outputs[i] = bucketColumns(side.dep, finishPartsCombine(side.combine));
    else if (side.columns !== undefined) outputs[i] = bucketColumns(side.dep, trimColumns(side.columns, side.written));
    else outputs[i] = bucketRecords(side.dep, side.records as readonly (readonly [unknown, unknown])[]);
  }
  return outputs;
}

/**
 * `base` as a chain of record operators over an input of its own (`base` is kept for the
 * batch's outputs, so `fusedChain` stops at it; here it is computed for these map sides
 * only), or `undefined` when it is not one or its partition `m` is already stored.
 */
function partChain(base: RDD<unknown>, m: number): FusedChain | undefined {
  const op = (base as Partial<FusibleRDD>).recordOp;
  if (op === undefined || base.checkpointData !== undefined || base.getStoredData(m) !== undefined) return undefined;
  const below = fusedChain(base.dependencies[0]!.rdd as RDD<unknown>, MAX_FUSED_OPS - 1);
  return { base: below.base, ops: [...below.ops, { op, rdd: base }] };
}

/** Feeds one part of the base's records to a map side. */
function feedPart(side: MapSidePart, part: readonly unknown[]): void {
  if (side.combine !== undefined) {
    (side.run as CompiledCombine)([part], side.fail, side.combine);
  } else if (side.columns !== undefined) {
    side.written = (side.run as CompiledChain).splitAt(part, side.fail, side.columns.keys, side.columns.values, side.written);
  } else {
    const records = side.records!;
    const out = side.run === undefined ? part : (side.run as CompiledChain).collect(part, side.fail);
    for (let i = 0; i < out.length; i++) records.push(out[i]);
  }
}

function bucketRecords(dep: ShuffleDependency, records: readonly (readonly [unknown, unknown])[]): unknown[][] {
  const part = dep.partitioner;
  const n = part.numPartitions;
  if (n === 1) return [records as unknown[]];
  const buckets: unknown[][] = [];
  for (let i = 0; i < n; i++) buckets.push([]);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const p = part.getPartition(r[0]);
    const bucket = buckets[p];
    // No bucket: a partition count of 0, or a partitioner's answer out of range.
    if (bucket === undefined) throw invalidPartition(part, r[0], p);
    bucket.push(r);
  }
  return buckets;
}

function bucketColumns(dep: ShuffleDependency, cols: PairColumns): PairColumns[] {
  const part = dep.partitioner;
  const n = part.numPartitions;
  const ks2 = cols.keySlots;
  // Read here only: the block kept as the map output does not keep its slots.
  cols.keySlots = undefined;
  if (n === 1) {
    // The only map partition's block is the reduce side's whole input, which it puts in
    // Spark's order by each key's spread hash: the key index keeps those per slot, so a key
    // seen in earlier batches is not hashed again (see ShuffledRDD.computeData).
    if (ks2 !== undefined && ks2.index.generation === ks2.generation && ks2.slots.length === cols.keys.length && dep.rdd.getNumPartitions() === 1) {
      const spreads = new Int32Array(ks2.slots.length);
      if (ks2.index.spreadsOf(ks2.slots, spreads)) cols.spreads = spreads;
      // And the slots, handed through the reduce side's order to a consumer that keys its
      // own state by them (a window merge: see PairColumns.sourceSlots).
      cols.sourceSlots = ks2;
    }
    return [cols];
  }
  // No partition to place a key in (Spark accepts a count of 0 for an input with no records).
  if (n === 0) {
    if (cols.keys.length > 0) throw invalidPartition(part, cols.keys[0], part.getPartition(cols.keys[0]));
    return [];
  }
  const ks = cols.keys;
  const vs = cols.values;
  const size = ks.length;
  // Each key's partition once, counted, so that every bucket is allocated at its final size
  // (not grown push by push, which leaves its smaller copies to the collector); filled in
  // order, so each bucket holds its keys in the combine's first-seen order, as before.
  const where = n <= 256 ? new Uint8Array(size) : new Uint32Array(size);
  const counts = new Uint32Array(n);
  // Keys of a combine through a key index kept from batch to batch: each key's hash
  // partition is kept in the index with its slot, so a key seen in earlier batches is not
  // hashed again (HashPartitioner itself only, not a subclass: its partition is a function of
  // the key and the partition count alone).
  const known = ks2 !== undefined && ks2.index.generation === ks2.generation && Object.getPrototypeOf(part) === HashPartitioner.prototype ? ks2 : undefined;
  // The loops over the keys are functions of their own (see partitionKnown).
  const i = known !== undefined ? partitionKnown(known, part, ks, where, counts) : 0;
  partitionRest(part, ks, i, where, counts);
  const keys: unknown[][] = [];
  const values: unknown[][] = [];
  for (let p = 0; p < n; p++) {
    keys.push(sized(counts[p]!));
    values.push(sized(counts[p]!));
  }
  counts.fill(0);
  scatter(ks, vs, where, counts, keys, values);
  const out: PairColumns[] = [];
  for (let p = 0; p < n; p++) out.push(new PairColumns(keys[p]!, values[p]!));
  // Every key with its slot in a live index: each bucket gets its keys' slots, so that a
  // bucket sent to another worker can name the keys that worker already has by slot (see
  // exchange-key-dictionary.ts; the sender drops them from the buckets it keeps).
  if (ks2 !== undefined && ks2.index.generation === ks2.generation && ks2.slots.length === size) bucketSlots(ks2, where, counts, out);
  return out;
}

// bucketColumns' loops over a block's keys, each a function with nothing after its loop: a
// loop over a block is optimized on stack (OSR) during its first run, before the code after
// it ever ran, and V8 may keep that code for the later calls, which then leave it at the
// first statement after the loop (seen in every worker, once a batch, for the first contexts
// of a windowed WordCount under `local[2]`).

/**
 * Writes the partition of the first keys that have slots in `known`'s index into `where` and
 * counts them in `counts`, reading each slot's kept partition (computing and keeping it when
 * missing); returns how many keys it did.
 */
function partitionKnown(known: KeySlots, part: ShuffleDependency['partitioner'], ks: readonly unknown[], where: Uint8Array | Uint32Array, counts: Uint32Array): number {
  const slots = known.slots;
  const parts = known.index.hashPartitions(part.numPartitions);
  const m = Math.min(ks.length, slots.length);
  for (let i = 0; i < m; i++) {
    const s = slots[i]!;
    let p = s < parts.length ? parts[s]! : -1;
    if (p < 0) {
      p = part.getPartition(ks[i]);
      while (parts.length < s) parts.push(-1);
      parts[s] = p;
    }
    where[i] = p;
    counts[p]++;
  }
  return m;
}

/** Writes the partition of keys `from` on into `where` and counts them in `counts`. */
function partitionRest(part: ShuffleDependency['partitioner'], ks: readonly unknown[], from: number, where: Uint8Array | Uint32Array, counts: Uint32Array): void {
  const n = part.numPartitions;
  for (let i = from; i < ks.length; i++) {
    const p = part.getPartition(ks[i]);
    // A partitioner's answer out of range (or not an integer) would be stored wrapped or as 0.
    if ((p >>> 0) !== p || p >= n) throw invalidPartition(part, ks[i], p);
    where[i] = p;
    counts[p]++;
  }
}

/** Puts key i and value i into bucket `where[i]` at the next place (`counts` all 0 on entry). */
function scatter(ks: readonly unknown[], vs: readonly unknown[], where: Uint8Array | Uint32Array, counts: Uint32Array, keys: unknown[][], values: unknown[][]): void {
  for (let i = 0; i < ks.length; i++) {
    const p = where[i]!;
    const j = counts[p]++;
    keys[p]![j] = ks[i];
    values[p]![j] = vs[i];
  }
}

/** Gives bucket `p` of `out` the slots of its keys (`where[i]`: key i's bucket; `counts[p]`: bucket p's size). */
function bucketSlots(from: KeySlots, where: Uint8Array | Uint32Array, counts: Uint32Array, out: PairColumns[]): void {
  const slots: number[][] = [];
  for (let p = 0; p < out.length; p++) slots.push(sized(counts[p]!) as number[]);
  counts.fill(0);
  const all = from.slots;
  for (let i = 0; i < all.length; i++) {
    const p = where[i]!;
    slots[p]![counts[p]++] = all[i]!;
  }
  for (let p = 0; p < out.length; p++) out[p]!.keySlots = { index: from.index, generation: from.generation, slots: slots[p]! };
}

/**
 * An array to fill in index order up to `length`: allocated at that length when V8 keeps such
 * an array in fast elements (a `new Array(n)` of 100,000 or more starts as a dictionary), else
 * empty and grown as it is filled.
 */
function sized(length: number): unknown[] {
  return length < 65_536 ? new Array<unknown>(length) : [];
}
