// The dual-master suite's graphs: one module per family of operations, each output a named
// stream, built in the driver and (under local[N]) in every worker thread.
import { HashPartitioner, Seconds } from '@kindling/core';
import type { DStream, StreamingContext } from '../../../src/index.ts';
import { StateSpec } from '../../../src/index.ts';
import type { State } from '../../../src/index.ts';
import { TestInputDStream } from '../../../src/testing/index.ts';

export interface SuiteInput {
  readonly nums: readonly (readonly number[])[];
  readonly words: readonly (readonly string[])[];
  readonly left: readonly (readonly [string, number][])[];
  readonly right: readonly (readonly [string, string][])[];
}

const pairs = (s: DStream<string>): DStream<[string, number]> => s.map((w) => [w, 1] as [string, number]);

/** Spark's BasicOperationsSuite operations, one output each. */
export function basicOperations(ssc: StreamingContext, a: SuiteInput): Record<string, DStream<unknown>> {
  const nums = new TestInputDStream<number>(ssc, a.nums, 2);
  const words = new TestInputDStream<string>(ssc, a.words, 2);
  const left = new TestInputDStream<[string, number]>(ssc, a.left as [string, number][][], 2);
  const right = new TestInputDStream<[string, string]>(ssc, a.right as [string, string][][], 2);
  return {
    map: nums.map((x) => String(x)),
    flatMap: nums.flatMap((x) => [x, x * 2]),
    filter: nums.filter((x) => x % 2 === 0),
    glom: nums.glom(),
    mapPartitions: nums.mapPartitions((part) => { let sum = 0; for (const x of part) sum += x; return [sum]; }),
    reduce: nums.reduce((x, y) => x + y),
    count: nums.count(),
    countByValue: nums.map((x) => x % 3).countByValue(),
    reduceByKey: pairs(words).reduceByKey((x, y) => x + y),
    groupByKey: pairs(words).groupByKey(),
    combineByKey: left.combineByKey((v: number) => [v, 1] as [number, number], (c, v) => [c[0] + v, c[1] + 1] as [number, number], (x, y) => [x[0] + y[0], x[1] + y[1]] as [number, number]),
    union: nums.union(nums.map((x) => x + 4)),
    transform: nums.transform((rdd, time) => rdd.map((x) => [x, time.milliseconds] as [number, number])),
    join: left.join(right),
    leftOuterJoin: left.leftOuterJoin(right),
    cogroup: left.cogroup(right),
    sortByInTransform: pairs(words).reduceByKey((x, y) => x + y).transform((rdd) => rdd.sortBy(([w]) => w, false)),
  };
}

/** Spark's WindowOperationsSuite operations. */
export function windowOperations(ssc: StreamingContext, a: SuiteInput & { checkpointDir: string }): Record<string, DStream<unknown>> {
  ssc.checkpoint(a.checkpointDir);
  const nums = new TestInputDStream<number>(ssc, a.nums, 2);
  const left = new TestInputDStream<[string, number]>(ssc, a.left as [string, number][][], 2);
  return {
    window: nums.window(Seconds(2), Seconds(1)),
    tumbling: nums.window(Seconds(2), Seconds(2)),
    reduceByKeyAndWindow: left.reduceByKeyAndWindow((x, y) => x + y, Seconds(2), Seconds(1)),
    // A longer window re-reduced without an inverse (workers fold its older batches while the
    // newest batch's shuffle blocks are in flight), and a combine over a window's per-batch
    // sums that lists them in batch order (a createCombiner that is not the identity).
    reduceByKeyAndWindowLong: left.reduceByKeyAndWindow((x, y) => x + y, Seconds(4), Seconds(1)),
    perBatchSumsInWindow: left.reduceByKey((x, y) => x + y, 2).window(Seconds(3), Seconds(1))
      .combineByKey((v: number) => [v], (c: number[], v: number) => [...c, v], (a: number[], b: number[]) => [...a, ...b], 2),
    reduceByKeyAndWindowInverse: left.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, Seconds(3), Seconds(1)),
    countByWindow: nums.countByWindow(Seconds(2), Seconds(1)),
  };
}

/** Spark's stateful operations: updateStateByKey and mapWithState, checkpointed every 2 batches. */
export function stateOperations(ssc: StreamingContext, a: SuiteInput & { checkpointDir: string }): Record<string, DStream<unknown>> {
  ssc.checkpoint(a.checkpointDir);
  const words = new TestInputDStream<string>(ssc, a.words, 2);
  const totals = pairs(words).updateStateByKey((values: number[], total: number | undefined) => values.reduce((x, y) => x + y, total ?? 0));
  totals.checkpoint(Seconds(2));
  const spec = StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
    const n = (state.exists() ? state.get() : 0) + (one ?? 0);
    state.update(n);
    return [word, n] as [string, number];
  });
  const mapped = pairs(words).mapWithState(spec);
  return { updateStateByKey: totals, mapWithState: mapped, snapshots: mapped.stateSnapshots() };
}

/**
 * Programs that combine operations, as tutorials do: joins and cogroups of windows of
 * different lengths, a window ranked with transform(sortByKey(false)), joins with a static
 * RDD, countByValueAndWindow, reduceByWindow with an inverse, mapWithState with a timeout and
 * an initial state, and a state stream joined with a batch stream.
 */
export function compoundPrograms(ssc: StreamingContext, a: SuiteInput & { checkpointDir: string }): Record<string, DStream<unknown>> {
  ssc.checkpoint(a.checkpointDir);
  const nums = new TestInputDStream<number>(ssc, a.nums, 2);
  const words = new TestInputDStream<string>(ssc, a.words, 2);
  const left = new TestInputDStream<[string, number]>(ssc, a.left as [string, number][][], 2);
  const right = new TestInputDStream<[string, string]>(ssc, a.right as [string, string][][], 2);
  const sum = (x: number, y: number): number => x + y;
  const lookup = ssc.sparkContext.parallelize<[string, string]>([['a', 'A'], ['c', 'C']], 2);
  const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
    if (state.isTimingOut()) return [key, -state.get()] as [string, number];
    state.update((state.getOption() ?? 0) + value!);
    return [key, state.get()] as [string, number];
  }).timeout(Seconds(2)).initialState(ssc.sparkContext.parallelize<[string, number]>([['z', 100], ['a', 10]]));
  const sessions = left.mapWithState(spec);
  return {
    windowJoin: left.window(Seconds(2)).join(right.window(Seconds(3))),
    windowLeftOuterJoin: left.reduceByKeyAndWindow(sum, Seconds(2), Seconds(2)).leftOuterJoin(right.window(Seconds(2), Seconds(2))),
    windowFullOuterJoin: left.window(Seconds(2)).fullOuterJoin(right.window(Seconds(2)), 3),
    windowCogroup: left.window(Seconds(3)).cogroup(right.window(Seconds(3)), new HashPartitioner(3)),
    countByValueAndWindow: nums.map((x) => x % 3).countByValueAndWindow(Seconds(3), Seconds(1)),
    reduceByWindowInverse: nums.reduceByWindow(sum, (x, y) => x - y, Seconds(3), Seconds(1)),
    rankedWindow: pairs(words).reduceByKeyAndWindow(sum, Seconds(3)).map(([w, n]) => [n, w] as [number, string]).transform((rdd) => rdd.sortByKey(false)),
    staticJoin: left.transform((rdd) => rdd.join(lookup)),
    staticSubtractByKey: left.transform((rdd) => rdd.subtractByKey(lookup)),
    mapWithStateTimeout: sessions,
    mapWithStateSnapshots: sessions.stateSnapshots(),
    stateJoin: left.updateStateByKey((values: number[], total: number | undefined) => values.reduce(sum, total ?? 0)).join(right),
  };
}
