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
 * | CheckpointSuite: recovery with updateStateByKey operation | 'recovery with updateStateByKey operation' |
 * | MapWithStateSuite: mapWithState - driver failure recovery | 'mapWithState - driver failure recovery'   |
 * | CheckpointSuite: recovery with map and reduceByKey / invertible reduceByKeyAndWindow, with file input stream | checkpoint-recovery.test.ts, checkpoint-metadata.test.ts (outputs equal an uninterrupted run's) |
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
async function testCheckpointedOperation<U, V>(input: U[][], operation: (s: DStream<U>) => DStream<V>, initialNumBatches: number, batch: Duration = Seconds(1)): Promise<[V[][], V[][]]> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-checkpoint-suite-'));
  dirs.push(dir);
  const runs: V[][][] = [];
  const create = (): StreamingContext => {
    const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('CheckpointSuite').set('spark.streaming.clock', 'manual'), batch);
    ssc.checkpoint(dir);
    operation(new TestInputDStream<U>(ssc, input, 2)).foreachRDD(async (rdd) => { runs.at(-1)!.push(await rdd.collect()); });
    return ssc;
  };
  for (const numBatches of [initialNumBatches, input.length - initialNumBatches]) {
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
