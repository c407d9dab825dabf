/**
 * Spark's `testCheckpointedOperation` (CheckpointSuite, MapWithStateSuite): run some batches,
 * stop, recover from the checkpoint directory with `StreamingContext.getOrCreate`, run the
 * rest. As in Spark, the recovered context runs the checkpoint's last batch again (Spark's
 * JobGenerator.restart reschedules `checkpointTime until restartTime`), so the outputs after
 * the restart start with that batch's output once more. Expected outputs are re-derived by
 * hand; batches compared as sets (Spark's `useSet = true`).
 *
 * | Spark test                                              | here                                        |
 * |---------------------------------------------------------|---------------------------------------------|
 * | CheckpointSuite: recovery with map and reduceByKey operations | 'recovery with map and reduceByKey operations' |
 * | CheckpointSuite: recovery with invertible reduceByKeyAndWindow operation | 'recovery with invertible reduceByKeyAndWindow operation' |
 * | CheckpointSuite: recovery with updateStateByKey operation | 'recovery with updateStateByKey operation' |
 * | CheckpointSuite: (spark.streaming.manualClock.jump in basic rdd checkpoints + dstream graph checkpoint recovery) | 'a manual clock jumps ...' |
 * | MapWithStateSuite: mapWithState - driver failure recovery | 'mapWithState - driver failure recovery'   |
 * | CheckpointSuite: SPARK-6847: stack overflow when updateStateByKey is followed by a checkpointed dstream | 'SPARK-6847: ...' |
 * | CheckpointSuite: recovery with file input stream           | checkpoint-recovery.test.ts, checkpoint-metadata.test.ts (outputs equal an uninterrupted run's); differs: files that arrived while down all go to the first batch after the restart, where Spark spreads them over the missed batches by modification time |
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Duration, Milliseconds, Seconds, SparkConf } from '@kindling/core';
import type { ManualClock, RDD } from '@kindling/core';
import { StateSpec, StreamingContext } from '../src/index.ts';
import type { DStream, State } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/**
 * Runs `operation` over `input` for `initialNumBatches` batches, stops, recovers from the
 * checkpoint and runs the remaining batches; returns both runs' outputs (one array per batch).
 */
async function testCheckpointedOperation<U, V>(input: U[][], operation: (s: DStream<U>) => DStream<V>, initialNumBatches: number, batch: Duration = Seconds(1), jumpMs = 0): Promise<[V[][], V[][]]> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-checkpoint-suite-'));
  dirs.push(dir);
  const runs: V[][][] = [];
  const create = (): StreamingContext => {
    const conf = new SparkConf().setMaster('local[2]').setAppName('CheckpointSuite').set('spark.streaming.clock', 'manual');
    if (runs.length > 1 && jumpMs > 0) conf.set('spark.streaming.manualClock.jump', String(jumpMs));
    const ssc = new StreamingContext(conf, batch);
    ssc.checkpoint(dir);
    operation(new TestInputDStream<U>(ssc, input, 2)).foreachRDD(async (rdd) => { runs.at(-1)!.push(await rdd.collect()); });
    return ssc;
  };
  for (const numBatches of [initialNumBatches, input.length - initialNumBatches - jumpMs / batch.milliseconds]) {
    runs.push([]);
    const ssc = await StreamingContext.getOrCreate(dir, create);
    await ssc.start();
    for (let i = 0; i < numBatches; i++) await (ssc.clock as ManualClock).advance(batch.milliseconds);
    await ssc.stop(true, false);
  }
  return [runs[0]!, runs[1]!];
}

const asSets = <T>(batches: T[][]): string[][] => batches.map((b) => b.map((x) => JSON.stringify(x)).sort());

describe("Spark's testCheckpointedOperation", () => {
  it('recovery with map and reduceByKey operations', async () => {
    const input = [['a', 'a', 'b'], ['', ''], [], ['a', 'a', 'b'], ['', ''], []];
    const [before, after] = await testCheckpointedOperation(input, (s: DStream<string>) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b), 3);
    expect(asSets(before)).toEqual(asSets([[['a', 2], ['b', 1]], [['', 2]], []]));
    // batch 3 (empty) again, then 4..6
    expect(asSets(after)).toEqual(asSets([[], [['a', 2], ['b', 1]], [['', 2]], []]));
  });

  it('recovery with invertible reduceByKeyAndWindow operation', async () => {
    // one "a" per batch, a 4-batch window sliding by one: 1, 2, 3, then 4 from batch 4 on
    const input = Array.from({ length: 10 }, () => ['a']);
    const [before, after] = await testCheckpointedOperation(input, (s: DStream<string>) =>
      s.map((x) => [x, 1] as [string, number])
        .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(4), Seconds(1))
        .checkpoint(Seconds(2)), 7);
    expect(before).toEqual([1, 2, 3, 4, 4, 4, 4].map((x) => [['a', x]]));
    expect(after).toEqual([4, 4, 4, 4].map((x) => [['a', x]]));
  });

  it('a manual clock jumps by spark.streaming.manualClock.jump on recovery: the missed batches run at start', async () => {
    const input = Array.from({ length: 10 }, () => ['a']);
    const [before, after] = await testCheckpointedOperation(input, (s: DStream<string>) =>
      s.map((x) => [x, 1] as [string, number])
        .updateStateByKey((values: number[], state: number | undefined) => values.reduce((a, b) => a + b, state ?? 0))
        .checkpoint(Seconds(2)), 3, Seconds(1), 2000);
    expect(before).toEqual([1, 2, 3].map((x) => [['a', x]]));
    // batch 3 again and the missed 4 and 5 as the context starts, then 6..10
    expect(after).toEqual([3, 4, 5, 6, 7, 8, 9, 10].map((x) => [['a', x]]));
  });

  it('recovery with updateStateByKey operation', async () => {
    // ten batches of "a": the count is the batch number; checkpointed every 2 batches
    const input = Array.from({ length: 10 }, () => ['a']);
    const [before, after] = await testCheckpointedOperation(input, (s: DStream<string>) =>
      s.map((x) => [x, 1] as [string, number])
        .updateStateByKey((values: number[], state: number | undefined) => values.reduce((a, b) => a + b, state ?? 0))
        .checkpoint(Seconds(2)), 7);
    expect(before).toEqual([1, 2, 3, 4, 5, 6, 7].map((x) => [['a', x]]));
    // batch 7 runs again after the restart, then 8, 9, 10
    expect(after).toEqual([7, 8, 9, 10].map((x) => [['a', x]]));
  });

  it('recovery with two chained updateStateByKey operations, each checkpointed every batch (the graph of SPARK-6847)', async () => {
    // one "a" per batch: the first state counts batches (n), the second sums the first (n(n+1)/2)
    const input = Array.from({ length: 10 }, () => ['a']);
    const sum = (values: number[], state: number | undefined): number => values.reduce((a, b) => a + b, state ?? 0);
    const [before, after] = await testCheckpointedOperation(input, (s: DStream<string>) =>
      s.map((x) => [x, 1] as [string, number])
        .updateStateByKey(sum).checkpoint(Seconds(1))
        .updateStateByKey(sum).checkpoint(Seconds(1)), 6);
    const triangle = (n: number): [string, number][] => [['a', (n * (n + 1)) / 2]];
    expect(before).toEqual([1, 2, 3, 4, 5, 6].map(triangle));
    // batch 6 runs again after the restart, then 7..10
    expect(after).toEqual([6, 7, 8, 9, 10].map(triangle));
  });

  it('mapWithState - driver failure recovery', async () => {
    const input = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];
    const stateData: [string, number][][] = [
      [],
      [['a', 1]],
      [['a', 2], ['b', 1]],
      [['a', 3], ['b', 2], ['c', 1]],
      [['a', 4], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
    ];
    const [before, after] = await testCheckpointedOperation(input, (s: DStream<string>) => {
      const mapped = s.map((x) => [x, 1] as [string, number]).mapWithState(StateSpec.function((_k: string, v: number | undefined, st: State<number>) => {
        st.update((st.getOption() ?? 0) + (v ?? 0));
        return st.get();
      }));
      mapped.checkpoint(Seconds(3));
      return mapped.stateSnapshots();
    }, 3);
    expect(asSets(before)).toEqual(asSets(stateData.slice(0, 3)));
    // batch 3 runs again after the restart, then 4..7
    expect(asSets(after)).toEqual(asSets(stateData.slice(2)));
  });
});

/** Every RDD of `rdd`'s lineage, itself included, each once. */
function lineage(rdd: RDD<unknown>): RDD<unknown>[] {
  const seen = new Set<RDD<unknown>>();
  const stack = [rdd];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    for (const d of r.dependencies) stack.push(d.rdd as RDD<unknown>);
  }
  return [...seen];
}

/** The RDDs marked with `checkpoint()` in `rdd`'s lineage (its own included). */
function markedRDDs(rdd: RDD<unknown>): RDD<unknown>[] {
  return lineage(rdd).filter((r) => r.checkpointData !== undefined);
}

describe("Spark's CheckpointSuite: chained checkpointed streams", () => {
  it('SPARK-6847: stack overflow when updateStateByKey is followed by a checkpointed dstream', async () => {
    // Two updateStateByKey, each checkpointed every batch: every batch's job must write both
    // state RDDs (Spark's streaming jobs checkpoint all marked ancestors), or the first one's
    // lineage grows by a batch every batch (in Spark, until the stack overflows).
    const dir = mkdtempSync(join(tmpdir(), 'kindling-checkpoint-suite-'));
    dirs.push(dir);
    const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('SPARK-6847').set('spark.streaming.clock', 'manual'), Milliseconds(100));
    ssc.checkpoint(dir);
    const BATCHES = 200;
    const input = Array.from({ length: BATCHES }, (_, i) => [i % 3, (i + 1) % 3]);
    const sum = (values: number[], state: number | undefined): number => values.reduce((a, b) => a + b, state ?? 0);
    const markedPerBatch: number[] = [];
    const checkpointedPerBatch: number[] = [];
    const lineageSizes: number[] = [];
    const totals: number[] = [];
    new TestInputDStream<number>(ssc, input, 2).map((i) => [i, i] as [number, number])
      .updateStateByKey(sum).checkpoint(Milliseconds(100))
      .updateStateByKey(sum).checkpoint(Milliseconds(100))
      .foreachRDD(async (rdd) => {
        const marked = markedRDDs(rdd as RDD<unknown>);
        lineageSizes.push(lineage(rdd as RDD<unknown>).length);
        totals.push((await rdd.collect()).reduce((a, [, v]) => a + v, 0));
        markedPerBatch.push(marked.length);
        checkpointedPerBatch.push(marked.filter((r) => r.isCheckpointed).length);
      });
    await ssc.start();
    await (ssc.clock as ManualClock).advance(100 * BATCHES);
    await ssc.stop(true, false);
    expect(totals).toHaveLength(BATCHES);
    // Every marked RDD the batch's lineage reached was written by its job (both state RDDs of
    // the batch, and the previous batch's outer one, already written).
    for (let b = 1; b < BATCHES; b++) expect(checkpointedPerBatch[b], `batch ${b + 1}`).toBe(markedPerBatch[b]);
    expect(Math.min(...markedPerBatch.slice(1))).toBeGreaterThanOrEqual(2);
    // Bounded lineage: the last batch's is no larger than the tenth's.
    expect(lineageSizes.at(-1)!).toBeLessThanOrEqual(lineageSizes[9]!);
    // The sums, by hand: the inner state is each key's running sum, the outer the sum of those.
    const inner = new Map<number, number>();
    const outer = new Map<number, number>();
    const expected: number[] = [];
    for (const batch of input) {
      for (const i of batch) inner.set(i, (inner.get(i) ?? 0) + i);
      for (const [k, v] of inner) outer.set(k, (outer.get(k) ?? 0) + v);
      expected.push([...outer.values()].reduce((a, b) => a + b, 0));
    }
    expect(totals).toEqual(expected);
  }, 120_000);
});
