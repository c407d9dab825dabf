/**
 * updateStateByKey, as the state cases of Spark's BasicOperationsSuite: input batches ->
 * expected states, worked out by hand. Batches are 1 s apart; input batch i (0-based) is the
 * RDD at (i + 1) * 1000 ms.
 */
import { describe, expect, it } from 'vitest';
import { Duration, HashPartitioner, Seconds, SparkConf } from '@kindling/core';
import type { ManualClock, Time } from '@kindling/core';
import type { RDD } from '@kindling/core';
import { runStreamingTest } from '../src/testing/index.ts';
import { StateSpec, StreamingContext } from '../src/index.ts';
import type { DStream } from '../src/index.ts';
import { sorted, useCheckpointDirs, words } from './support/state-test-kit.ts';

type KV = [string, number];

const checkpointDir = useCheckpointDirs('kindling-state-');


const total = (values: number[], state: number | undefined): number => values.reduce((a, b) => a + b, state ?? 0);
const sum2 = (a: number, b: number): number => a + b;
const diff2 = (a: number, b: number): number => a - b;

describe('updateStateByKey', () => {
  it('(values, state): running totals; keys without new values keep their state', async () => {
    const out = await runStreamingTest({
      input: words([['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []]),
      operation: (s: DStream<KV>) => s.updateStateByKey(total),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([
      [['a', 1]],
      [['a', 2], ['b', 1]],
      [['a', 3], ['b', 2], ['c', 1]],
      [['a', 4], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
    ]);
  });

  it('calls the function for every key with state, with [] when it has no new values', async () => {
    const calls: string[] = [];
    await runStreamingTest({
      input: words([['a'], ['b'], []]),
      operation: (s: DStream<KV>) => s.updateStateByKey((values: number[], state: number | undefined) => {
        calls.push(`${values.length}:${state ?? '-'}`);
        return total(values, state);
      }, 1),
      checkpointDir: checkpointDir(),
      numPartitions: 1,
    });
    // batch 1: a new; batch 2: a (no values, state 1), b new; batch 3: a and b without values
    expect(calls).toEqual(['1:-', '0:1', '1:-', '0:1', '0:1']);
  });

  it('returning undefined or null removes the key', async () => {
    const out = await runStreamingTest({
      input: words([['a'], ['a', 'b'], ['b'], [], ['a']]),
      operation: (s: DStream<KV>) => s.updateStateByKey((values: number[], state: number | undefined) =>
        values.length === 0 ? (state === 2 ? null : undefined) : total(values, state)),
      checkpointDir: checkpointDir(),
    });
    // batch 3: a has no values -> removed; batch 4: b (2) has none -> removed (null); batch 5: a starts over
    expect(sorted(out)).toEqual([[['a', 1]], [['a', 2], ['b', 1]], [['b', 2]], [], [['a', 1]]]);
  });

  it('(time, key, values, state): sees the batch time and the key', async () => {
    const out = await runStreamingTest({
      input: words([['a'], ['a', 'b']]),
      operation: (s: DStream<KV>) => s.updateStateByKey((time: Time, key: string, values: number[], state: string | undefined) =>
        `${state ?? ''}${key}${values.length}@${time.milliseconds / 1000};`),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([[['a', 'a1@1;']], [['a', 'a1@1;a1@2;'], ['b', 'b1@2;']]]);
  });

  it('(rows): one call per partition over [key, values, state] rows; keys not returned are dropped', async () => {
    const out = await runStreamingTest({
      input: words([['a', 'drop'], ['a']]),
      operation: (s: DStream<KV>) => s.updateStateByKey((rows: Iterable<[string, number[], number | undefined]>) => {
        const next: [string, number][] = [];
        for (const [k, vs, st] of rows) if (k !== 'drop') next.push([k, total(vs, st)]);
        return next;
      }),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([[['a', 1]], [['a', 2]]]);
  });

  it('starts from an initial RDD', async () => {
    const out = await runStreamingTest({
      input: words([['a'], ['b'], []]),
      operation: (s: DStream<KV>) => {
        const initial = s.context.sparkContext.parallelize<KV>([['a', 10], ['z', 5]], 2);
        return s.updateStateByKey(total, undefined, initial);
      },
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([
      [['a', 11], ['z', 5]],
      [['a', 11], ['b', 1], ['z', 5]],
      [['a', 11], ['b', 1], ['z', 5]],
    ]);
  });

  it('advances the state when the parent has no RDD for a batch', async () => {
    const seen: string[] = [];
    const out = await runStreamingTest({
      input: words([['a'], undefined, ['a']]),
      operation: (s: DStream<KV>) => s.updateStateByKey((time: Time, key: string, values: number[], state: number | undefined) => {
        seen.push(`${time.milliseconds}:${key}:${values.length}`);
        return total(values, state);
      }),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([[['a', 1]], [['a', 1]], [['a', 2]]]);
    expect(seen).toEqual(['1000:a:1', '2000:a:0', '3000:a:1']);
  });

  it('has no RDD while there is neither state nor input', async () => {
    const out = await runStreamingTest({
      input: words([undefined, undefined, ['a']]),
      operation: (s: DStream<KV>) => s.updateStateByKey(total),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([[['a', 1]]]);
  });

  it('partitions the state with numPartitions or a Partitioner', async () => {
    const count = (rdd: RDD<unknown>): RDD<number> => rdd.context.parallelize([rdd.getNumPartitions()], 1);
    const byNumber = await runStreamingTest({
      input: words([['a'], ['b']]),
      operation: (s: DStream<KV>) => s.updateStateByKey(total, 3).transform(count),
      checkpointDir: checkpointDir(),
    });
    const byPartitioner = await runStreamingTest({
      input: words([['a'], ['b']]),
      operation: (s: DStream<KV>) => s.updateStateByKey(total, new HashPartitioner(4)).transform(count),
      checkpointDir: checkpointDir(),
    });
    expect(byNumber).toEqual([[3], [3]]);
    expect(byPartitioner).toEqual([[4], [4]]);
  });

  it('compares tuple keys by value', async () => {
    const out = await runStreamingTest({
      input: [[[['x', 1], 1]], [[['x', 1], 2], [['x', 2], 5]]] as [[string, number], number][][],
      operation: (s: DStream<[[string, number], number]>) => s.updateStateByKey(total),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([[[['x', 1], 1]], [[['x', 1], 3], [['x', 2], 5]]]);
  });

  it('rejects a function of another arity, saying which are accepted', async () => {
    await expect(runStreamingTest({
      input: words([['a']]),
      operation: (s: DStream<KV>) => s.updateStateByKey(((a: number[], b: number | undefined, c: unknown) => (c ? b : a.length)) as never),
      checkpointDir: checkpointDir(),
    })).rejects.toThrow(/2 parameters.*4.*1.*declares 3/);
  });

  it('needs a checkpoint directory', async () => {
    await expect(runStreamingTest({ input: words([['a']]), operation: (s: DStream<KV>) => s.updateStateByKey(total) }))
      .rejects.toThrow(/checkpoint/);
  });
});

describe('default checkpoint intervals', () => {
  async function intervalsWith(batchMs: number): Promise<{ state: number; window: number; mapWithState: number; checkpointed: number }> {
    const conf = new SparkConf().setMaster('local[1]').setAppName('cp').set('spark.streaming.clock', 'manual');
    const ssc = new StreamingContext(conf, new Duration(batchMs));
    try {
      ssc.checkpoint(checkpointDir());
      const input = ssc.queueStream<KV>([], true);
      const state = input.updateStateByKey(total);
      const window = input.reduceByKeyAndWindow(sum2, diff2, new Duration(batchMs * 4));
      const mapped = input.mapWithState(StateSpec.function((_k: string, v: number | undefined, _s: unknown) => v));
      const checkpointed = input.updateStateByKey(total).checkpoint(new Duration(batchMs * 3));
      for (const s of [state, window, mapped, checkpointed]) s.foreachRDD(() => {});
      await ssc.start();
      const internal = mapped.dependencies[0]!;
      return {
        state: state.checkpointDuration!.milliseconds,
        window: window.checkpointDuration!.milliseconds,
        mapWithState: internal.checkpointDuration!.milliseconds,
        checkpointed: checkpointed.checkpointDuration!.milliseconds,
      };
    } finally {
      await ssc.stop(true, false);
    }
  }

  it('updateStateByKey and inverse windows: the smallest multiple of the batch >= 10 s; mapWithState: 10 batches', async () => {
    expect(await intervalsWith(1000)).toEqual({ state: 10_000, window: 10_000, mapWithState: 10_000, checkpointed: 3000 });
    expect(await intervalsWith(3000)).toEqual({ state: 12_000, window: 12_000, mapWithState: 30_000, checkpointed: 9000 });
    expect(await intervalsWith(250)).toEqual({ state: 10_000, window: 10_000, mapWithState: 2500, checkpointed: 750 });
  });
});

/**
 * Ports of the updateStateByKey cases of Spark's BasicOperationsSuite, same inputs, per-batch
 * outputs re-derived by hand (compared as sets, as Spark's `useSet = true`).
 *
 * | Spark test (BasicOperationsSuite)                    | here                                                  |
 * |------------------------------------------------------|-------------------------------------------------------|
 * | updateStateByKey                                     | '(values, state): running totals; ...' above          |
 * | updateStateByKey - simple with initial value RDD     | 'simple with initial value RDD'                       |
 * | updateStateByKey - testing time stamps as input      | 'testing time stamps as input'                        |
 * | updateStateByKey - with initial value RDD            | 'with initial value RDD (rows form, rememberPartitioner)' |
 * | updateStateByKey - object lifecycle                  | 'object lifecycle'                                    |
 * | rdd cleanup - updateStateByKey                       | 'rdd cleanup'                                         |
 */
describe("Spark's BasicOperationsSuite: updateStateByKey", () => {
  const asSets = <T>(batches: T[][]): string[][] => batches.map((b) => b.map((x) => JSON.stringify(x)).sort());
  const input = words([['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []]);
  // initial a=1, c=2; then +1 per occurrence
  const withInitial: KV[][] = [
    [['a', 2], ['c', 2]],
    [['a', 3], ['b', 1], ['c', 2]],
    [['a', 4], ['b', 2], ['c', 3]],
    [['a', 5], ['b', 3], ['c', 3]],
    [['a', 6], ['b', 3], ['c', 3]],
    [['a', 6], ['b', 3], ['c', 3]],
  ];

  it('simple with initial value RDD', async () => {
    const out = await runStreamingTest({
      input,
      operation: (s: DStream<KV>) => s.updateStateByKey(total, new HashPartitioner(2), s.context.sparkContext.parallelize<KV>([['a', 1], ['c', 2]])),
      checkpointDir: checkpointDir(),
    });
    expect(asSets(out)).toEqual(asSets(withInitial));
  });

  it('testing time stamps as input', async () => {
    // a state grows by the batch time when the key has values: a 1000, 3000, 6000, 10000,
    // 15000; b 2000, 5000, 9000; c keeps its initial 0 until 3000
    const out = await runStreamingTest({
      input,
      operation: (s: DStream<KV>) => s.updateStateByKey(
        (time: Time, _key: string, values: number[], state: number | undefined) => (values.length > 0 ? time.milliseconds + (state ?? 0) : state ?? 0),
        new HashPartitioner(2), false, s.context.sparkContext.parallelize<KV>([['a', 0], ['c', 0]])),
      checkpointDir: checkpointDir(),
    });
    expect(asSets(out)).toEqual(asSets([
      [['a', 1000], ['c', 0]],
      [['a', 3000], ['b', 2000], ['c', 0]],
      [['a', 6000], ['b', 5000], ['c', 3000]],
      [['a', 10000], ['b', 9000], ['c', 3000]],
      [['a', 15000], ['b', 9000], ['c', 3000]],
      [['a', 15000], ['b', 9000], ['c', 3000]],
    ]));
  });

  it('with initial value RDD (rows form, rememberPartitioner)', async () => {
    const rows = (it: Iterable<[string, number[], number | undefined]>): Iterable<[string, number]> => {
      const out: KV[] = [];
      for (const [k, vs, st] of it) out.push([k, total(vs, st)]);
      return out;
    };
    const partitioned = (remember: boolean) => (s: DStream<KV>): DStream<KV> =>
      s.updateStateByKey(rows, new HashPartitioner(2), remember, s.context.sparkContext.parallelize<KV>([['a', 1], ['c', 2]]));
    const out = await runStreamingTest({ input, operation: partitioned(true), checkpointDir: checkpointDir() });
    expect(asSets(out)).toEqual(asSets(withInitial));
    // rememberPartitioner says whether the state RDDs keep the partitioner
    const kept = (remember: boolean): Promise<boolean[][]> => runStreamingTest({
      input: input.slice(0, 2),
      operation: (s: DStream<KV>) => partitioned(remember)(s).transform((rdd) => rdd.context.parallelize([rdd.partitioner !== undefined], 1)),
      checkpointDir: checkpointDir(),
    });
    expect(await kept(true)).toEqual([[true], [true]]);
    expect(await kept(false)).toEqual([[false], [false]]);
  });

  it('object lifecycle: a mutable state object dropped after two batches without values', async () => {
    class StateObject { counter = 0; expireCounter = 0; }
    const out = await runStreamingTest({
      input: words([['a', 'b'], undefined, ['a', 'c', 'a'], ['c'], undefined, undefined]),
      operation: (s: DStream<KV>) => s.updateStateByKey((values: number[], state: StateObject | undefined) => {
        const obj = state ?? new StateObject();
        const n = values.reduce((x, y) => x + y, 0);
        if (n === 0) obj.expireCounter += 1;
        else { obj.counter += n; obj.expireCounter = 0; }
        return obj.expireCounter === 2 ? undefined : obj;
      }).mapValues((o) => o.counter),
      checkpointDir: checkpointDir(),
    });
    // 2: a, b without values (expire 1); 3: a +2, b dropped, c new; 4: c +1, a expire 1;
    // 5: a dropped, c expire 1; 6: c dropped
    expect(asSets(out)).toEqual(asSets([
      [['a', 1], ['b', 1]],
      [['a', 1], ['b', 1]],
      [['a', 3], ['c', 1]],
      [['a', 3], ['c', 2]],
      [['c', 2]],
      [],
    ]));
  });

  it('an initial RDD with a key twice: the first state counts, as Spark\'s cogroup takes the head', async () => {
    const out = await runStreamingTest({
      input: words([['a'], []]),
      operation: (s: DStream<KV>) => s.updateStateByKey(total, new HashPartitioner(2), s.context.sparkContext.parallelize<KV>([['a', 10], ['b', 1], ['a', 20]], 1)),
      checkpointDir: checkpointDir(),
    });
    expect(asSets(out)).toEqual(asSets([[['a', 11], ['b', 1]], [['a', 11], ['b', 1]]]));
  });

  it('rows form emitting a key twice: the next batch sees one row for it, with the first state', async () => {
    const seen: string[] = [];
    const out = await runStreamingTest({
      input: words([['a'], ['a'], []]),
      operation: (s: DStream<KV>) => s.updateStateByKey((it: Iterable<[string, number[], number | undefined]>) => {
        const next: KV[] = [];
        for (const [k, vs, st] of it) {
          seen.push(`${k}:${vs.length}:${st ?? '-'}`);
          next.push([k, total(vs, st)]);
          if (st === undefined) next.push([k, 100]);
        }
        return next;
      }, 1),
      checkpointDir: checkpointDir(),
    });
    expect(asSets(out)).toEqual(asSets([[['a', 1], ['a', 100]], [['a', 2]], [['a', 2]]]));
    expect(seen).toEqual(['a:1:-', 'a:1:1', 'a:0:2']);
  });

  it('rdd cleanup: the state stream remembers two checkpoint intervals', async () => {
    const conf = new SparkConf().setMaster('local[2]').setAppName('cleanup').set('spark.streaming.clock', 'manual');
    const ssc = new StreamingContext(conf, Seconds(1));
    try {
      ssc.checkpoint(checkpointDir());
      const input = Array.from({ length: 10 }, (_, x) => [x, x + 1]);
      const state = ssc.queueStream<number>(input).map((x) => [x, 1] as [number, number]).updateStateByKey(total).checkpoint(Seconds(3));
      state.foreachRDD(() => {});
      await ssc.start();
      for (let i = 0; i < 10; i++) await (ssc.clock as ManualClock).advance(1000);
      expect(state.rememberDuration).toEqual(Seconds(6));
      const generated = (state as unknown as { generatedRDDs: Map<number, unknown> }).generatedRDDs;
      const has = (ms: number): boolean => [...generated.keys()].some((k) => Number(k) === ms || (k as unknown as { milliseconds?: number }).milliseconds === ms);
      expect(has(10_000)).toBe(true);
      expect(has(4000)).toBe(false);
    } finally {
      await ssc.stop(true, false);
    }
  });
});
