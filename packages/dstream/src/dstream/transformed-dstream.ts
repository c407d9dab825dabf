import { RDD, type Duration, type Partitioner, type Time } from '@kindling/core';
import type { Exchange } from '../exchange/exchange.ts';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/**
 * `transform`/`transformWith`/`ssc.transform`: a function of the parents' RDDs of each batch.
 * A missing parent RDD, or a function returning `null`/`undefined` or anything else but an
 * RDD, fails the batch.
 *
 * Built-in operators that Spark defines without `transform` (`reduce` and `groupByKey` are a
 * `combineByKey` there) pass `skipMissingParent`: a batch whose parent has no RDD then has
 * none here either, as a `ShuffledDStream` in Spark, instead of failing.
 */
/**
 * How a built-in operator written as a transform runs when several instances share a job: its
 * input goes through a repartition log, placed by `partitioner` (keyed operators) or spread
 * over `partitions` partitions (whole-batch operators: 1 for `reduce`/`count`). @internal
 */
export interface TransformGrouping {
  /** The operator, for messages (`groupByKey`, `join`, `reduce`, `repartition(4)`). */
  readonly what: string;
  readonly partitioner?: Partitioner;
  readonly partitions: number;
  /** What to apply to the routed RDD instead of the function (default: the function). */
  readonly afterRouting?: (rdd: RDD<unknown>, time: Time) => RDD<unknown>;
}

export class TransformedDStream<U> extends DStream<U> {
  static override kind = 'transform';
  constructor(
    private readonly parents: readonly DStream<unknown>[],
    private readonly f: (rdds: RDD<unknown>[], time: Time) => RDD<U>,
    /** @internal No RDD (instead of a failed batch) when a parent has none. */
    private readonly skipMissingParent = false,
    /** @internal How the operator runs with several instances (built-in operators only). */
    readonly grouping?: TransformGrouping,
  ) {
    const first = parents[0];
    if (first === undefined) throw new Error('transform needs at least one parent DStream');
    super(first.ssc);
    for (const p of parents) {
      if (p.ssc !== first.ssc) throw new Error(`${p.name()} belongs to another StreamingContext than ${first.name()}: transform only streams of one context.`);
      if (!p.slideDuration.equals(first.slideDuration)) {
        throw new Error(`Cannot transform streams with different slide durations: ${first.name()} slides every ${first.slideDuration}, ${p.name()} every ${p.slideDuration}. Window them to a common slide first.`);
      }
    }
  }
  #exchange: Exchange | undefined;
  /** Routes the (single) parent through a repartition log (several instances; set by the group plan). @internal */
  routeThrough(exchange: Exchange): void { this.#exchange = exchange; }

  get dependencies(): readonly DStream<unknown>[] { return this.parents; }
  get slideDuration(): Duration { return this.parents[0]!.slideDuration; }
  compute(validTime: Time): RDD<U> | undefined {
    const rdds: RDD<unknown>[] = [];
    for (const p of this.parents) {
      const rdd = p.getOrCompute(validTime);
      if (rdd === undefined) {
        if (this.skipMissingParent) return undefined;
        throw new Error(`${this.describe()}: parent ${p.describe()} generated no RDD for batch ${validTime}, so the transform cannot run. An input stream whose compute() returns undefined must return an empty RDD instead when it feeds transform/union.`);
      }
      rdds.push(rdd);
    }
    if (this.#exchange !== undefined) {
      const routed = this.#exchange.rdd<unknown>(rdds[0]!, validTime);
      const after = this.grouping?.afterRouting;
      if (after !== undefined) return after(routed, validTime) as RDD<U>;
      rdds[0] = routed;
    }
    const out = (this.f as (rdds: RDD<unknown>[], time: Time) => unknown)(rdds, validTime);
    if (out === undefined || out === null) {
      throw new Error(`${this.describe()}: the transform function returned ${out} for batch ${validTime}; return an RDD (sc.emptyRDD() for no elements).`);
    }
    // Types stop this in TypeScript; plain JavaScript (or a cast) gets here, and would otherwise
    // fail later, in whichever output first calls an RDD method on it, with a bare TypeError.
    if (!(out instanceof RDD)) {
      throw new TypeError(`${this.describe()}: the transform function returned ${describeValue(out)} for batch ${validTime}, not an RDD; ${adviceFor(out)}`);
    }
    return out as RDD<U>;
  }
}

/** What a transform function returned instead of an RDD, for the error. */
function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Promise) return 'a Promise';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'no prototype'})`;
  return `a ${typeof v} (${String(v)})`;
}

/** How to return an RDD instead of `v`. */
function adviceFor(v: unknown): string {
  if (v instanceof Promise) return 'transform functions run synchronously while the batch is generated: compute the RDD without await (actions belong in foreachRDD).';
  if (Array.isArray(v)) return 'return rdd.sparkContext.parallelize(array) to make one from an array (sc.emptyRDD() for no elements).';
  return 'return an RDD built from the batch\'s RDDs (sc.emptyRDD() for no elements).';
}
dstreamClasses.TransformedDStream = TransformedDStream;
