import { RDDComputeError } from './rdd-compute-error.ts';
import type { RDD } from './rdd.ts';

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

/**
 * Composes the chain into one push function ending in `sink`. Errors thrown by a user
 * function are reported against the RDD that owns it.
 * @internal
 */
export function composeOps(chain: FusedChain, split: number, sink: (x: unknown) => void): (x: unknown) => void {
  let next = sink;
  for (let i = chain.ops.length - 1; i >= 0; i--) {
    const { op, rdd } = chain.ops[i]!;
    const downstream = next;
    const fail = (e: unknown): never => {
      if (e instanceof RDDComputeError) throw e;
      throw new RDDComputeError(rdd.describeForError(), split, 'compute', e);
    };
    if (op.kind === 'map') {
      const f = op.f;
      next = (x) => {
        let y: unknown;
        try { y = f(x); } catch (e) { fail(e); }
        downstream(y);
      };
    } else if (op.kind === 'filter') {
      const f = op.f;
      next = (x) => {
        let keep: boolean;
        try { keep = f(x); } catch (e) { return fail(e); }
        if (keep) downstream(x);
      };
    } else {
      const f = op.f;
      next = (x) => {
        let ys: Iterable<unknown>;
        try { ys = f(x); } catch (e) { return fail(e); }
        if (Array.isArray(ys)) for (let j = 0; j < ys.length; j++) downstream(ys[j]);
        else for (const y of ys) downstream(y);
      };
    }
  }
  return next;
}

/** Pushes every element of `data` through `push`. @internal */
export function pushAll(data: readonly unknown[], push: (x: unknown) => void): void {
  for (let i = 0; i < data.length; i++) push(data[i]);
}
