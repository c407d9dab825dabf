// A graph module of the three kinds of state a stream keeps across batches (updateStateByKey,
// mapWithState, an inverse-reduced window), each checkpointed: built in the driver and, under
// local[N], in every worker thread, which own and checkpoint the state partitions.
import { Seconds } from '@kindling/core';
import type { DStream, State, StreamingContext } from '../../../src/index.ts';
import { StateSpec } from '../../../src/index.ts';
import { TestInputDStream } from '../../../src/testing/index.ts';

export interface StateGraphInput {
  readonly words: readonly (readonly string[])[];
  readonly checkpointDir: string;
}

export interface StateGraph {
  readonly totals: DStream<[string, number]>;
  readonly snapshots: DStream<[string, number]>;
  readonly windowed: DStream<[string, number]>;
}

export function statefulCounts(ssc: StreamingContext, a: StateGraphInput): StateGraph {
  ssc.checkpoint(a.checkpointDir);
  const words = new TestInputDStream<string>(ssc, a.words, 2).setName('words');
  const pairs = words.map((w) => [w, 1] as [string, number]);
  const totals = pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce((x, y) => x + y, total ?? 0)).setName('totals');
  totals.checkpoint(Seconds(2));
  const spec = StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
    const n = (state.exists() ? state.get() : 0) + (one ?? 0);
    state.update(n);
    return [word, n] as [string, number];
  });
  const snapshots = pairs.mapWithState(spec).stateSnapshots().setName('snapshots');
  const windowed = pairs.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, Seconds(4), Seconds(1)).setName('windowed');
  windowed.checkpoint(Seconds(2));
  return { totals, snapshots, windowed };
}

/** Two chained `updateStateByKey`, each checkpointed every batch (the graph of Spark's SPARK-6847 test). */
export interface ChainedStateGraph {
  /** Per key, the sum over batches of the inner running count. */
  readonly sums: DStream<[string, number]>;
}

export function chainedStates(ssc: StreamingContext, a: StateGraphInput): ChainedStateGraph {
  ssc.checkpoint(a.checkpointDir);
  const add = (values: number[], state: number | undefined): number => values.reduce((x, y) => x + y, state ?? 0);
  const words = new TestInputDStream<string>(ssc, a.words, 2).setName('words');
  const counts = words.map((w) => [w, 1] as [string, number]).updateStateByKey(add).setName('counts');
  counts.checkpoint(ssc.batchDuration);
  const sums = counts.updateStateByKey(add).setName('sums');
  sums.checkpoint(ssc.batchDuration);
  return { sums };
}
