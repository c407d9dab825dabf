// Spark's BasicOperationsSuite, re-derived: every non-window, non-state operation with input
// batches and the outputs worked out by hand from Spark's documented semantics.
//
// Port table (Spark test -> ours; "ports/" = the 'BasicOperationsSuite ports' block at the end,
// which uses Spark's exact inputs where the first tests chose others):
//   map, flatMap, filter, glom                  -> same names (ordered, 2 input partitions)
//   mapPartitions                                -> mapPartitions; ports/mapPartitions
//   repartition (more/fewer partitions)          -> same names
//   groupByKey, reduceByKey, reduce, count       -> same names (+ reduce of an empty batch)
//   countByValue, mapValues, flatMapValues       -> same names
//   union, StreamingContext.union, transform     -> same names (ordered)
//   union with input stream return None          -> ports/union with input stream return None
//   transform with NULL                          -> transform with a function returning undefined fails the batch
//   transform with input stream return None      -> ports/transform with input stream return None
//   transformWith                                -> ports/transformWith
//   transformWith with input stream return None  -> transformWith over a missing parent RDD fails the batch
//   StreamingContext.transform                   -> ports/StreamingContext.transform (ordered)
//   StreamingContext.transform ... return None   -> ports/StreamingContext.transform with input stream return None
//   cogroup                                      -> cogroup
//   join, leftOuterJoin, rightOuterJoin,
//   fullOuterJoin                                -> ports/<same names>
//   slice                                        -> slice
//   slice - has not been initialized             -> slice before start is an error
//   rdd cleanup - map and window                 -> rdd cleanup/map and window: ...
//   updateStateByKey (5 cases),
//   rdd cleanup - updateStateByKey               -> not here: state operations (test/state-operations.test.ts, audit B)
//   rdd cleanup - input blocks and persisted RDDs -> rdd cleanup/persisted RDDs are unpersisted once forgotten (...)
//                                                   (without a receiver: BlockRDDs belong to the receiver suites)
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HashPartitioner, ManualClock, SparkConf, StorageLevel } from '@kindling/core';
import type { RDD } from '@kindling/core';
import { DStream, InputDStream, Interval, Seconds, StreamingContext, Time, batchFileName } from '../src/index.ts';
import { runStreamingTest, runStreamingTest2 } from '../src/testing/index.ts';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Each batch sorted by its JSON text: for outputs whose order within a batch is a hash order. */
const sorted = <U>(batches: U[][]): U[][] => batches.map((b) => [...b].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : JSON.stringify(x) > JSON.stringify(y) ? 1 : 0)));

const contexts: StreamingContext[] = [];
function manualContext(batch = Seconds(1)): StreamingContext {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('basic-operations').set('spark.streaming.clock', 'manual'), batch);
  contexts.push(ssc);
  return ssc;
}
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

/** An input stream returning `batches[i]` for batch i+1; `undefined` = no RDD. */
class ScriptedInputDStream<T> extends InputDStream<T> {
  static override kind = 'ScriptedInputDStream';
  constructor(ssc: StreamingContext, private readonly batches: (T[] | undefined)[]) { super(ssc); }
  start(): void {}
  stop(): void {}
  compute(validTime: Time): RDD<T> | undefined {
    const i = validTime.minus(this.zeroTime!).div(this.slideDuration) - 1;
    const b = i < this.batches.length ? this.batches[i] : [];
    return b === undefined ? undefined : this.ssc.sparkContext.parallelize(b, 2);
  }
}

describe('BasicOperations', () => {
  it('map', async () => {
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8), range(9, 12)], operation: (s) => s.map((x) => String(x)) });
    expect(out).toEqual([['1', '2', '3', '4'], ['5', '6', '7', '8'], ['9', '10', '11', '12']]);
  });

  it('flatMap', async () => {
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8), range(9, 12)], operation: (s) => s.flatMap((x) => [x, x * 2]) });
    expect(out).toEqual([[1, 2, 2, 4, 3, 6, 4, 8], [5, 10, 6, 12, 7, 14, 8, 16], [9, 18, 10, 20, 11, 22, 12, 24]]);
  });

  it('filter', async () => {
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8), range(9, 12)], operation: (s) => s.filter((x) => x % 2 === 0) });
    expect(out).toEqual([[2, 4], [6, 8], [10, 12]]);
  });

  it('glom', async () => {
    // Two input partitions: 4 elements slice into [1,2] and [3,4].
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8), range(9, 12)], operation: (s) => s.glom(), numPartitions: 2 });
    expect(out).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]);
  });

  it('mapPartitions', async () => {
    const out = await runStreamingTest({
      input: [range(1, 4), range(5, 8), range(9, 12)],
      operation: (s) => s.mapPartitions((part) => { let sum = 0; for (const x of part) sum += x; return [sum]; }),
    });
    expect(out).toEqual([[3, 7], [11, 15], [19, 23]]);
  });

  it('repartition (more partitions)', async () => {
    const out = await runStreamingTest({ input: [range(1, 100), range(101, 200), range(201, 300)], operation: (s) => s.repartition(5).glom(), numPartitions: 2 });
    expect(out).toHaveLength(3);
    out.forEach((parts, i) => {
      expect(parts).toHaveLength(5);
      expect(new Set(parts.flat())).toEqual(new Set(range(i * 100 + 1, i * 100 + 100)));
    });
  });

  it('repartition (fewer partitions)', async () => {
    const out = await runStreamingTest({ input: [range(1, 100), range(101, 200), range(201, 300)], operation: (s) => s.repartition(2).glom(), numPartitions: 5 });
    out.forEach((parts, i) => {
      expect(parts).toHaveLength(2);
      expect(new Set(parts.flat())).toEqual(new Set(range(i * 100 + 1, i * 100 + 100)));
    });
  });

  it('groupByKey', async () => {
    const out = await runStreamingTest({ input: [['a', 'a', 'b'], ['', ''], []], operation: (s) => s.map((x) => [x, 1] as [string, number]).groupByKey() });
    expect(sorted(out)).toEqual([[['a', [1, 1]], ['b', [1]]], [['', [1, 1]]], []]);
  });

  it('reduceByKey', async () => {
    const out = await runStreamingTest({ input: [['a', 'a', 'b'], ['', ''], []], operation: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b) });
    expect(sorted(out)).toEqual([[['a', 2], ['b', 1]], [['', 2]], []]);
  });

  it('reduceByKey with a number of partitions and with a partitioner', async () => {
    const out = await runStreamingTest({ input: [['a', 'a', 'b']], operation: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b, 3).glom() });
    expect(out[0]).toHaveLength(3);
    const out2 = await runStreamingTest({ input: [['a', 'a', 'b']], operation: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b, new HashPartitioner(4)).glom() });
    expect(out2[0]).toHaveLength(4);
    expect(sorted([out2[0]!.flat()])).toEqual([[['a', 2], ['b', 1]]]);
  });

  it('reduce', async () => {
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8), range(9, 12)], operation: (s) => s.reduce((a, b) => a + b) });
    expect(out).toEqual([[10], [26], [42]]);
  });

  it('reduce of an empty batch has no element', async () => {
    const out = await runStreamingTest({ input: [[], [3, 4]], operation: (s) => s.reduce((a, b) => a + b) });
    expect(out).toEqual([[], [7]]);
  });

  it('count', async () => {
    const out = await runStreamingTest({ input: [[], range(1, 1), range(1, 2), range(1, 3), range(1, 4)], operation: (s) => s.count() });
    expect(out).toEqual([[0], [1], [2], [3], [4]]);
  });

  it('count of a batch without partitions is 0, and its RDDs are only what the count needs', async () => {
    // The RDDs a batch's count RDD is made from (itself included), by walking its dependencies.
    const lineageSize = (rdd: RDD<unknown>): number => {
      const seen = new Set<RDD<unknown>>([rdd]);
      const todo = [rdd];
      while (todo.length > 0) for (const d of todo.pop()!.dependencies) if (!seen.has(d.rdd)) { seen.add(d.rdd); todo.push(d.rdd); }
      return seen.size;
    };
    for (const numPartitions of [1, 3]) {
      const shapes: [number, number][] = [];
      const out = await runStreamingTest({
        input: [[], range(1, 5), range(1, 7)],
        numPartitions,
        operation: (s) => s
          .transform((rdd, time) => (time.milliseconds === 1000 ? rdd.context.emptyRDD<number>() : rdd))
          .count()
          .transform((rdd) => { shapes.push([rdd.getNumPartitions(), lineageSize(rdd as RDD<unknown>)]); return rdd; }),
      });
      expect(out).toEqual([[0], [5], [7]]);
      // One partition, as Spark's count. A batch with partitions: the input, the per-partition
      // counts, their local sums, one partition of them (coalesced when there were several),
      // the sum; a batch without: the [0] that answers for it.
      const withParts = numPartitions === 1 ? 4 : 5;
      expect(shapes).toEqual([[1, 6], [1, withParts], [1, withParts]]);
    }
  });

  it('countByValue', async () => {
    const out = await runStreamingTest({ input: [[1], [1, 1, 1], [1, 2], [1, 1, 2, 2]], operation: (s) => s.countByValue() });
    expect(sorted(out)).toEqual([[[1, 1]], [[1, 3]], [[1, 1], [2, 1]], [[1, 2], [2, 2]]]);
  });

  it('mapValues', async () => {
    const out = await runStreamingTest({
      input: [['a', 'a', 'b'], ['', ''], []],
      operation: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b).mapValues((x) => x + 10),
    });
    expect(sorted(out)).toEqual([[['a', 12], ['b', 11]], [['', 12]], []]);
  });

  it('flatMapValues', async () => {
    const out = await runStreamingTest({
      input: [['a', 'a', 'b'], ['', ''], []],
      operation: (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b).flatMapValues((x) => [x, x + 10]),
    });
    expect(sorted(out)).toEqual([[['a', 12], ['a', 2], ['b', 11], ['b', 1]], [['', 12], ['', 2]], []]);
  });

  it('combineByKey', async () => {
    // Per key: [sum, count].
    const out = await runStreamingTest({
      input: [[['a', 1], ['b', 2], ['a', 3]], [['b', 5]], []] as [string, number][][],
      operation: (s) => s.combineByKey((v: number) => [v, 1] as [number, number], (c, v) => [c[0] + v, c[1] + 1] as [number, number], (x, y) => [x[0] + y[0], x[1] + y[1]] as [number, number]),
    });
    expect(sorted(out)).toEqual([[['a', [4, 2]], ['b', [2, 1]]], [['b', [5, 1]]], []]);
  });

  it('combineByKey with mapSideCombine false combines only after the shuffle (mergeCombiners is never called)', async () => {
    const out = await runStreamingTest({
      input: [[['a', 1], ['b', 2], ['a', 3], ['a', 4]], [['b', 5], ['b', 6]], []] as [string, number][][],
      numPartitions: 2,
      operation: (s) => s.combineByKey((v: number) => [v], (c, v) => [...c, v], () => { throw new Error('mergeCombiners called'); }, 2, false)
        .mapValues((vs) => [...vs].sort((x, y) => x - y)),
    });
    expect(sorted(out)).toEqual([[['a', [1, 3, 4]], ['b', [2]]], [['b', [5, 6]]], []]);
  });

  it('union', async () => {
    const out = await runStreamingTest({ input: [range(1, 4), range(101, 104), range(201, 204)], operation: (s) => s.union(s.map((x) => x + 4)) });
    expect(out).toEqual([range(1, 8), range(101, 108), range(201, 208)]);
  });

  it('StreamingContext.union', async () => {
    const out = await runStreamingTest({
      input: [range(1, 4), range(101, 104)],
      operation: (s) => s.context.union([s, s.map((x) => x + 4), s.map((x) => x + 8)]),
    });
    expect(out).toEqual([range(1, 12), range(101, 112)]);
  });

  it('transform', async () => {
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8), range(9, 12)], operation: (s) => s.transform((rdd) => rdd.map((x) => String(x))) });
    expect(out).toEqual([['1', '2', '3', '4'], ['5', '6', '7', '8'], ['9', '10', '11', '12']]);
  });

  it('transform receives the batch time', async () => {
    const out = await runStreamingTest({ input: [[1], [2]], operation: (s) => s.transform((rdd, time) => rdd.map((x) => [x, time.milliseconds] as [number, number])) });
    expect(out).toEqual([[[1, 1000]], [[2, 2000]]]);
  });

  it('transform with a function returning undefined fails the batch', async () => {
    const run = runStreamingTest({ input: [[1]], operation: (s) => s.transform(() => undefined as unknown as RDD<number>) });
    await expect(run).rejects.toThrow(/Batch 1000 ms failed in output operation #0 \(runStreamingTest at basic-operations\.test\.ts:\d+\) while generating its RDDs: transform at basic-operations\.test\.ts:\d+: the transform function returned undefined for batch 1000 ms; return an RDD/);
  });

  it('transform with a function returning an array, a Promise or a number fails the batch naming what it returned (plain JavaScript has no types to stop it)', async () => {
    const returning = (value: unknown) => runStreamingTest({ input: [[1]], operation: (s) => s.transform(() => value as RDD<number>) });
    await expect(returning([1, 2])).rejects.toThrow(/while generating its RDDs: transform at basic-operations\.test\.ts:\d+: the transform function returned an array for batch 1000 ms, not an RDD; return rdd\.sparkContext\.parallelize\(array\)/);
    await expect(returning(Promise.resolve([]))).rejects.toThrow(/the transform function returned a Promise for batch 1000 ms, not an RDD; transform functions run synchronously/);
    await expect(returning(3)).rejects.toThrow(/the transform function returned a number \(3\) for batch 1000 ms, not an RDD/);
    // transformWith runs the same check.
    const twoInputs = runStreamingTest2({ input1: [[1]], input2: [[2]], operation: (a, b) => a.transformWith(b, (r1, r2) => [r1, r2] as unknown as RDD<number>) });
    await expect(twoInputs).rejects.toThrow(/the transform function returned an array for batch 1000 ms, not an RDD/);
  });

  it('transformWith', async () => {
    const out = await runStreamingTest2({
      input1: [['a', 'b'], ['a', ''], [''], []],
      input2: [['a'], ['b'], ['a', ''], ['']],
      operation: (s1, s2) => s1.map((x) => [x, 1] as [string, number]).transformWith(s2.map((x) => [x, 'x'] as [string, string]), (r1, r2) => r1.join(r2)),
    });
    expect(out).toEqual([[['a', [1, 'x']]], [], [['', [1, 'x']]], []]);
  });

  it('StreamingContext.transform', async () => {
    const out = await runStreamingTest({
      input: [range(1, 4), range(5, 8)],
      operation: (s) => s.context.transform([s, s.map((x) => x + 1), s.map((x) => x + 2)], ([a, b, c]) => a.union(b).union(c)),
    });
    expect(out).toEqual([[...range(1, 4), ...range(2, 5), ...range(3, 6)], [...range(5, 8), ...range(6, 9), ...range(7, 10)]]);
  });

  const joinIn1 = [['a', 'b'], ['a', ''], [''], []];
  const joinIn2 = [['a'], ['b'], ['a', ''], ['']];
  const pairs = (s1: DStream<string>, s2: DStream<string>) => [s1.map((x) => [x, 1] as [string, number]), s2.map((x) => [x, 'x'] as [string, string])] as const;

  it('join', async () => {
    const out = await runStreamingTest2({ input1: joinIn1, input2: joinIn2, operation: (a, b) => { const [p, q] = pairs(a, b); return p.join(q); } });
    expect(sorted(out)).toEqual([[['a', [1, 'x']]], [], [['', [1, 'x']]], []]);
  });

  it('leftOuterJoin', async () => {
    const out = await runStreamingTest2({ input1: joinIn1, input2: joinIn2, operation: (a, b) => { const [p, q] = pairs(a, b); return p.leftOuterJoin(q); } });
    expect(sorted(out)).toEqual([[['a', [1, 'x']], ['b', [1, undefined]]], [['', [1, undefined]], ['a', [1, undefined]]], [['', [1, 'x']]], []]);
  });

  it('rightOuterJoin', async () => {
    const out = await runStreamingTest2({ input1: joinIn1, input2: joinIn2, operation: (a, b) => { const [p, q] = pairs(a, b); return p.rightOuterJoin(q); } });
    expect(sorted(out)).toEqual([[['a', [1, 'x']]], [['b', [undefined, 'x']]], [['', [1, 'x']], ['a', [undefined, 'x']]], [['', [undefined, 'x']]]]);
  });

  it('fullOuterJoin', async () => {
    const out = await runStreamingTest2({ input1: joinIn1, input2: joinIn2, operation: (a, b) => { const [p, q] = pairs(a, b); return p.fullOuterJoin(q); } });
    expect(sorted(out)).toEqual([
      [['a', [1, 'x']], ['b', [1, undefined]]],
      [['', [1, undefined]], ['a', [1, undefined]], ['b', [undefined, 'x']]],
      [['', [1, 'x']], ['a', [undefined, 'x']]],
      [['', [undefined, 'x']]],
    ]);
  });

  it('cogroup', async () => {
    const out = await runStreamingTest2({
      input1: [['a', 'a', 'b'], ['a', ''], [''], []],
      input2: [['a', 'a', 'b'], ['b', ''], [], []],
      operation: (a, b) => a.map((x) => [x, 1] as [string, number]).cogroup(b.map((x) => [x, 'x'] as [string, string])),
    });
    expect(sorted(out)).toEqual([
      [['a', [[1, 1], ['x', 'x']]], ['b', [[1], ['x']]]],
      [['', [[1], ['x']]], ['a', [[1], []]], ['b', [[], ['x']]]],
      [['', [[1], []]]],
      [],
    ]);
  });

  it('join with an explicit number of partitions', async () => {
    const out = await runStreamingTest2({ input1: [['a', 'b']], input2: [['a', 'b']], operation: (a, b) => { const [p, q] = pairs(a, b); return p.join(q, 3).glom(); } });
    expect(out[0]).toHaveLength(3);
  });

  it('empty batches flow through every operation', async () => {
    const out = await runStreamingTest({ input: [[], [], []], operation: (s) => s.map((x: number) => [x, x] as [number, number]).reduceByKey((a, b) => a + b).mapValues((x) => x * 2) });
    expect(out).toEqual([[], [], []]);
  });

  it('a missing parent RDD gives no RDD (and no output job) for that batch', async () => {
    // Batch 2 has no input RDD: map has none either, so the collecting output skips it.
    const out = await runStreamingTest({ input: [[1], undefined, [3]], operation: (s) => s.map((x) => x * 10) });
    expect(out).toEqual([[10], [30]]);
  });

  it('reduce and groupByKey over a batch without an RDD have no RDD either (Spark defines both with combineByKey)', async () => {
    // the collecting output skips batch 2, which has no RDD
    const reduced = await runStreamingTest({ input: [[1, 2], undefined, [3, 4]], operation: (s) => s.reduce((a, b) => a + b) });
    expect(reduced).toEqual([[3], [7]]);
    const grouped = await runStreamingTest({ input: [['a', 'a'], undefined, ['b']], operation: (s) => s.map((x) => [x, 1] as [string, number]).groupByKey() });
    expect(grouped).toEqual([[['a', [1, 1]]], [['b', [1]]]]);
    const counted = await runStreamingTest({ input: [['a', 'b', 'a'], undefined, ['b']], operation: (s) => s.countByValue() });
    expect(sorted(counted)).toEqual([[['a', 2], ['b', 1]], [['b', 1]]]);
  });

  it('count and repartition over a batch without an RDD fail it (Spark defines both with transform)', async () => {
    await expect(runStreamingTest({ input: [[1], undefined], operation: (s) => s.count() })).rejects.toThrow(/^Batch 2000 ms failed .*generated no RDD for batch 2000 ms/);
    await expect(runStreamingTest({ input: [[1], undefined], operation: (s) => s.repartition(3) })).rejects.toThrow(/^Batch 2000 ms failed .*generated no RDD for batch 2000 ms/);
  });

  it('union over a missing parent RDD fails the batch with a clear error', async () => {
    const ssc = manualContext();
    const a = new ScriptedInputDStream(ssc, [[1], undefined]);
    const b = new ScriptedInputDStream(ssc, [[2], [3]]);
    a.union(b).foreachRDD(() => {});
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    await clock.advance(1000);
    await expect(clock.advance(1000)).rejects.toThrow(/Batch 2000 ms failed in output operation #0 \(foreachRDD at basic-operations\.test\.ts:\d+\) while generating its RDDs: union at basic-operations\.test\.ts:\d+: parent ScriptedInputDStream at basic-operations\.test\.ts:\d+ generated no RDD for batch 2000 ms/);
    await expect(ssc.awaitTermination()).rejects.toThrow(/Batch 2000 ms failed/);
  });

  it('transform over a missing parent RDD fails the batch with a clear error', async () => {
    const run = runStreamingTest({ input: [undefined], operation: (s) => s.transform((rdd) => rdd) });
    await expect(run).rejects.toThrow(/parent runStreamingTest at basic-operations\.test\.ts:\d+ generated no RDD for batch 1000 ms, so the transform cannot run/);
  });

  it('transformWith over a missing parent RDD fails the batch', async () => {
    const run = runStreamingTest2({
      input1: [['a', 'b'], ['a', ''], [''], undefined],
      input2: [['a', 'b'], ['b', ''], [], undefined],
      operation: (s1, s2) => s1.transformWith(s2, (r1, r2) => r1.union(r2)),
    });
    await expect(run).rejects.toThrow(/^Batch 4000 ms failed in output operation #0 \(runStreamingTest2 at basic-operations\.test\.ts:\d+\) while generating its RDDs: transformWith at basic-operations\.test\.ts:\d+: parent runStreamingTest2 at basic-operations\.test\.ts:\d+ generated no RDD for batch 4000 ms/);
  });

  it('StreamingContext.transform over a missing parent RDD fails the batch', async () => {
    const run = runStreamingTest({
      input: [range(1, 4), undefined],
      operation: (s) => s.context.transform([s, s.map((x) => x + 4)], ([a, b]) => a.union(b)),
    });
    await expect(run).rejects.toThrow(/^Batch 2000 ms failed .*parent runStreamingTest at basic-operations\.test\.ts:\d+ generated no RDD for batch 2000 ms/);
  });

  it('slice', async () => {
    const ssc = manualContext();
    const stream = new ScriptedInputDStream(ssc, [[1], [2], [3], [4]]);
    stream.foreachRDD(() => {});
    await ssc.start();
    await (ssc.clock as ManualClock).advance(2000);
    const fromSlice = async (from: number, to: number): Promise<Set<number>> => {
      const rdds = stream.slice(new Time(from), new Time(to));
      return new Set((await Promise.all(rdds.map((r) => r.collect()))).flat());
    };
    expect(await fromSlice(0, 1000)).toEqual(new Set([1]));
    expect(await fromSlice(0, 2000)).toEqual(new Set([1, 2]));
    expect(await fromSlice(1000, 2000)).toEqual(new Set([1, 2]));
    // Times not on the slide are aligned down; RDDs not generated yet are generated on demand.
    expect(await fromSlice(1500, 2500)).toEqual(new Set([1, 2]));
    expect(await fromSlice(2000, 4000)).toEqual(new Set([2, 3, 4]));
    // Spark's slice(interval): the interval's begin and end times.
    const byInterval = stream.slice(new Interval(new Time(1000), new Time(2000)));
    expect(new Set((await Promise.all(byInterval.map((r) => r.collect()))).flat())).toEqual(new Set([1, 2]));
    expect(stream.slice(new Interval(1500, 2500)).map((r) => r.id)).toEqual(stream.slice(new Time(1000), new Time(2000)).map((r) => r.id));
  });

  it('slice before start is an error', () => {
    const ssc = manualContext();
    const stream = new ScriptedInputDStream(ssc, [[1]]);
    expect(() => stream.slice(new Time(0), new Time(1000))).toThrow(/^ScriptedInputDStream#0 has not been initialized: slice\(0 ms, 1000 ms\) was called before the context started/);
  });

  describe('queueStream', () => {
    it('oneAtATime = true takes one item per batch, then empty RDDs', async () => {
      const ssc = manualContext();
      const queue: (number[] | RDD<number>)[] = [[1, 2], ssc.sparkContext.parallelize([3]), [4]];
      const out: number[][] = [];
      ssc.queueStream(queue).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      await clock.advance(2000);
      queue.push([5, 6]); // pushed while running: picked up
      await clock.advance(3000);
      expect(out).toEqual([[1, 2], [3], [4], [5, 6], []]);
    });

    it('oneAtATime = false takes everything queued, as one union', async () => {
      const ssc = manualContext();
      const queue: number[][] = [[1, 2], [3], [4]];
      const out: number[][] = [];
      ssc.queueStream(queue, false).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      await clock.advance(1000);
      queue.push([5], [6]);
      await clock.advance(2000);
      expect(out).toEqual([[1, 2, 3, 4], [5, 6], []]);
    });

    it('an empty queue gives the defaultRDD', async () => {
      const ssc = manualContext();
      const out: number[][] = [];
      ssc.queueStream<number>([[7]], true, ssc.sparkContext.parallelize([0, 0])).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
      await ssc.start();
      await (ssc.clock as ManualClock).advance(3000);
      expect(out).toEqual([[7], [0, 0], [0, 0]]);
    });
  });

  describe('outputs', () => {
    it('print writes Spark\'s header, up to num elements, ... and an empty line', async () => {
      const ssc = manualContext();
      const lines: string[] = [];
      ssc.setConsoleWriter((l) => lines.push(l));
      const s = ssc.queueStream<unknown>([[1, 2, 3], [['a', ['b', 2]]], []]);
      s.print(2);
      await ssc.start();
      await (ssc.clock as ManualClock).advance(3000);
      const dashes = '-------------------------------------------';
      expect(lines).toEqual([
        dashes, 'Time: 1000 ms', dashes, '1', '2', '...', '',
        dashes, 'Time: 2000 ms', dashes, '(a,(b,2))', '',
        dashes, 'Time: 3000 ms', dashes, '',
      ]);
    });

    it('print() shows ten elements by default', async () => {
      const ssc = manualContext();
      const lines: string[] = [];
      ssc.setConsoleWriter((l) => lines.push(l));
      ssc.queueStream([range(1, 10), range(1, 11)]).print();
      await ssc.start();
      await (ssc.clock as ManualClock).advance(2000);
      expect(lines.slice(3, 14)).toEqual([...range(1, 10).map(String), '']);
      expect(lines.slice(17, 29)).toEqual([...range(1, 10).map(String), '...', '']);
    });

    it('saveAsTextFiles writes prefix-<ms>[.suffix] folders', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kindling-save-'));
      try {
        const ssc = manualContext();
        const s = ssc.queueStream([[['a', 1]], [['b', 2], ['c', 3]]] as [string, number][][]);
        s.saveAsTextFiles(join(dir, 'out'), 'txt');
        s.saveAsTextFiles(join(dir, 'plain'));
        await ssc.start();
        await (ssc.clock as ManualClock).advance(2000);
        expect(readdirSync(dir).sort()).toEqual(['out-1000.txt', 'out-2000.txt', 'plain-1000', 'plain-2000']);
        const text = (folder: string): string[] =>
          readdirSync(join(dir, folder)).filter((f) => f.startsWith('part-')).sort().flatMap((f) => readFileSync(join(dir, folder, f), 'utf8').split('\n').filter((l) => l !== ''));
        expect(text('out-1000.txt')).toEqual(['(a,1)']);
        expect(text('out-2000.txt')).toEqual(['(b,2)', '(c,3)']);
        expect(readdirSync(join(dir, 'plain-2000'))).toContain('_SUCCESS');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('batch folder names follow Spark\'s rddToFileName (empty prefix or suffix left out)', () => {
      const t = new Time(1000);
      expect(batchFileName('out/counts', 'txt', t)).toBe('out/counts-1000.txt');
      expect(batchFileName('out/counts', undefined, t)).toBe('out/counts-1000');
      expect(batchFileName('out/counts', '', t)).toBe('out/counts-1000');
      expect(batchFileName('', 'txt', t)).toBe('1000.txt');
      expect(batchFileName('', '', t)).toBe('1000');
    });

    it('saveAsObjectFiles writes one folder per batch that reads back', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kindling-save-'));
      try {
        const ssc = manualContext();
        ssc.queueStream([[{ a: 1 }], [{ a: 2 }]]).saveAsObjectFiles(join(dir, 'obj'));
        await ssc.start();
        await (ssc.clock as ManualClock).advance(2000);
        expect(readdirSync(dir).sort()).toEqual(['obj-1000', 'obj-2000']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('foreachRDD awaits a returned Promise before the next output operation', async () => {
      const ssc = manualContext();
      const events: string[] = [];
      const s = ssc.queueStream([[1]]);
      s.foreachRDD(async (rdd, time) => {
        await new Promise((r) => setTimeout(r, 20));
        events.push(`first ${time.milliseconds} ${(await rdd.collect()).join()}`);
      });
      s.foreachRDD((_rdd, time) => { events.push(`second ${time.milliseconds}`); });
      await ssc.start();
      await (ssc.clock as ManualClock).advance(1000);
      expect(events).toEqual(['first 1000 1', 'second 1000']);
    });
  });

  describe('rdd cleanup', () => {
    it('forgets RDDs older than the remember duration', async () => {
      const ssc = manualContext();
      const input = new ScriptedInputDStream(ssc, range(1, 8).map((x) => [x]));
      const mapped = input.map((x) => x + 1);
      mapped.foreachRDD(() => {});
      await ssc.start();
      await (ssc.clock as ManualClock).advance(8000);
      expect(mapped.rememberDuration).toEqual(Seconds(1));
      expect([...mapped.generatedRDDs.keys()]).toEqual([8000]);
      expect([...input.generatedRDDs.keys()]).toEqual([8000]);
    });

    it('map and window: windows extend their parents\' remember durations (Spark\'s cleanup test)', async () => {
      const ssc = manualContext();
      ssc.remember(Seconds(3));
      const input = new ScriptedInputDStream(ssc, range(0, 9).map((x) => [x, x + 1]));
      const mapped = input.map((x) => [x % 10, 1] as [number, number]);
      const window1 = mapped.window(Seconds(2), Seconds(1));
      const window2 = window1.window(Seconds(4), Seconds(2));
      const outputs: number[] = [];
      window2.foreachRDD((_rdd, time) => { outputs.push(time.milliseconds); });
      await ssc.start();
      await (ssc.clock as ManualClock).advance(10_000);
      expect(outputs).toEqual([2000, 4000, 6000, 8000, 10_000]);
      expect(window2.rememberDuration).toEqual(Seconds(3));
      expect(window1.rememberDuration).toEqual(Seconds(7));
      expect(mapped.rememberDuration).toEqual(Seconds(9));
      // At 10 s, each keeps what is younger than its remember duration.
      expect([...window2.generatedRDDs.keys()].sort((a, b) => a - b)).toEqual([8000, 10_000]);
      expect([...window1.generatedRDDs.keys()].sort((a, b) => a - b)).toEqual(range(4, 10).map((s) => s * 1000));
      expect([...mapped.generatedRDDs.keys()].sort((a, b) => a - b)).toEqual(range(2, 10).map((s) => s * 1000));
    });

    it('persisted RDDs are unpersisted once forgotten (Spark\'s input blocks and persisted RDDs cleanup test, without a receiver)', async () => {
      const ssc = manualContext();
      const input = new ScriptedInputDStream(ssc, range(1, 6).map((x) => [String(x)]));
      const mapped = input.map((x) => `${x}.`).persist();
      const seen = new Map<number, RDD<string>>();
      const out: string[][] = [];
      mapped.foreachRDD(async (rdd, time) => { seen.set(time.milliseconds, rdd); out.push(await rdd.collect()); });
      await ssc.start();
      await (ssc.clock as ManualClock).advance(6000);
      expect(out).toEqual(range(1, 6).map((x) => [`${x}.`]));
      const persisted = ssc.sparkContext.getPersistentRDDs();
      // the latest batch's RDD is still remembered and persisted; the first one was forgotten and unpersisted
      expect(persisted.has(seen.get(6000)!.id)).toBe(true);
      expect(persisted.has(seen.get(1000)!.id)).toBe(false);
      expect(seen.get(1000)!.getStorageLevel()).toEqual(StorageLevel.NONE);
    });

    it('ssc.remember extends what every stream keeps', async () => {
      const ssc = manualContext();
      ssc.remember(Seconds(3));
      const input = new ScriptedInputDStream(ssc, range(1, 8).map((x) => [x]));
      const mapped = input.map((x) => x + 1);
      mapped.foreachRDD(() => {});
      await ssc.start();
      await (ssc.clock as ManualClock).advance(8000);
      // At 8000, RDDs at or before 8000 - 3000 are forgotten.
      expect([...mapped.generatedRDDs.keys()]).toEqual([6000, 7000, 8000]);
      expect([...input.generatedRDDs.keys()]).toEqual([6000, 7000, 8000]);
    });
  });
});

/**
 * Spark's BasicOperationsSuite cases whose inputs differ from the re-derived tests above,
 * ported with Spark's exact inputs, batch counts and comparison mode (ordered where Spark's
 * test is ordered: the output is the partitions' contents concatenated in partition order).
 */
describe('BasicOperationsSuite ports', () => {
  // Spark's join-family inputs: both sides see a and b in batch 1, "" in batch 2
  const in1 = [['a', 'b'], ['a', ''], [''], []];
  const in2 = [['a', 'b'], ['b', ''], [], ['']];
  const sides = (s1: DStream<string>, s2: DStream<string>) => [s1.map((x) => [x, 1] as [string, number]), s2.map((x) => [x, 'x'] as [string, string])] as const;

  it('transformWith', async () => {
    const out = await runStreamingTest2({ input1: in1, input2: in2, operation: (a, b) => { const [p, q] = sides(a, b); return p.transformWith(q, (r1, r2) => r1.join(r2)); } });
    expect(sorted(out)).toEqual([[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']]], [], []]);
  });

  it('join', async () => {
    const out = await runStreamingTest2({ input1: in1, input2: in2, operation: (a, b) => { const [p, q] = sides(a, b); return p.join(q); } });
    expect(sorted(out)).toEqual([[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']]], [], []]);
  });

  it('leftOuterJoin', async () => {
    const out = await runStreamingTest2({ input1: in1, input2: in2, operation: (a, b) => { const [p, q] = sides(a, b); return p.leftOuterJoin(q); } });
    expect(sorted(out)).toEqual([[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']], ['a', [1, undefined]]], [['', [1, undefined]]], []]);
  });

  it('rightOuterJoin', async () => {
    const out = await runStreamingTest2({ input1: in1, input2: in2, operation: (a, b) => { const [p, q] = sides(a, b); return p.rightOuterJoin(q); } });
    expect(sorted(out)).toEqual([[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']], ['b', [undefined, 'x']]], [], [['', [undefined, 'x']]]]);
  });

  it('fullOuterJoin', async () => {
    const out = await runStreamingTest2({ input1: in1, input2: in2, operation: (a, b) => { const [p, q] = sides(a, b); return p.fullOuterJoin(q); } });
    expect(sorted(out)).toEqual([
      [['a', [1, 'x']], ['b', [1, 'x']]],
      [['', [1, 'x']], ['a', [1, undefined]], ['b', [undefined, 'x']]],
      [['', [1, undefined]]],
      [['', [undefined, 'x']]],
    ]);
  });

  it('union with input stream return None', async () => {
    const run = runStreamingTest({ input: [range(1, 4), range(101, 104), range(201, 204), undefined], operation: (s) => s.union(s.map((x) => x + 4)) });
    await expect(run).rejects.toThrow(/Batch 4000 ms failed.*generated no RDD for batch 4000 ms/);
  });

  it('transform with input stream return None', async () => {
    const run = runStreamingTest({ input: [range(1, 4), range(5, 8), undefined], operation: (s) => s.transform((rdd) => rdd.map(String)) });
    await expect(run).rejects.toThrow(/Batch 3000 ms failed.*generated no RDD for batch 3000 ms/);
  });

  it('StreamingContext.transform (the union of three streams\' RDDs, in order)', async () => {
    const out = await runStreamingTest({
      input: [range(1, 4), range(101, 104), range(201, 204)],
      operation: (s) => s.context.transform([s, s.map((x) => x + 4), s.map((x) => x + 8)], (rdds) => rdds[0].context.union([...rdds])),
    });
    // partitions in order: s's two, then s+4's two, then s+8's two
    expect(out).toEqual([range(1, 12), range(101, 112), range(201, 212)]);
  });

  it('StreamingContext.transform with input stream return None', async () => {
    const run = runStreamingTest({
      input: [range(1, 4), range(101, 104), range(201, 204), undefined],
      operation: (s) => s.context.transform([s, s.map((x) => x + 4), s.map((x) => x + 8)], (rdds) => rdds[0].context.union([...rdds])),
    });
    await expect(run).rejects.toThrow(/Batch 4000 ms failed.*generated no RDD for batch 4000 ms/);
  });

  it('join pairs each left value with each right value, left-major; cogroup keeps values in arrival order', async () => {
    // one key, so one output partition: values arrive in input-partition order ([1] then [2] on the left)
    const input1 = [[['k', 1], ['k', 2]]] as [string, number][][];
    const input2 = [[['k', 10], ['k', 20]]] as [string, number][][];
    const joined = await runStreamingTest2({ input1, input2, operation: (a, b) => a.join(b) });
    expect(joined).toEqual([[['k', [1, 10]], ['k', [1, 20]], ['k', [2, 10]], ['k', [2, 20]]]]);
    const grouped = await runStreamingTest2({ input1, input2, operation: (a, b) => a.cogroup(b) });
    expect(grouped).toEqual([[['k', [[1, 2], [10, 20]]]]]);
  });

  it('a fused map/filter/flatMap chain keeps the partition order (Spark\'s ordered comparison)', async () => {
    // partitions [1, 2] [3, 4] -> doubled [2, 4] [6, 8] -> not multiples of 3: [2, 4] [8] -> each with its negation
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8)], operation: (s) => s.map((x) => x * 2).filter((x) => x % 3 !== 0).flatMap((x) => [x, -x]) });
    // second batch: [5, 6] [7, 8] -> [10, 12] [14, 16] -> [10] [14, 16]
    expect(out).toEqual([[2, -2, 4, -4, 8, -8], [10, -10, 14, -14, 16, -16]]);
  });

  it('mapPartitions (Spark compares as sets; the partition order holds too)', async () => {
    const out = await runStreamingTest({ input: [range(1, 4), range(5, 8), range(9, 12)], operation: (s) => s.mapPartitions((it) => { let t = 0; for (const x of it) t += x; return [t]; }) });
    expect(out).toEqual([[3, 7], [11, 15], [19, 23]]);
  });
});
