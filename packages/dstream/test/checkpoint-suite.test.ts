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
 * | CheckpointSuite: recovery with file input stream           | checkpoint-recovery.test.ts, checkpoint-metadata.test.ts (outputs equal an uninterrupted run's); differs: files that arrived while down all go to the first batch after the restart, where Spark spreads them over the missed batches by modification time |
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Duration, Seconds, SparkConf } from '@kindling/core';
import type { ManualClock } from '@kindling/core';
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
