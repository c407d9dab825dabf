/**
 * mapWithState, as Spark's MapWithStateSuite: input batches -> expected mapped values and
 * state snapshots, worked out by hand. Batches are 1 s apart; input batch i (0-based) is the
 * RDD at (i + 1) * 1000 ms.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duration, HashPartitioner, Seconds, SparkConf } from '@kindling/core';
import type { Time } from '@kindling/core';
import { runStreamingTest } from '../src/testing/index.ts';
import { StateSpec, StreamingContext } from '../src/index.ts';
import type { DStream, State } from '../src/index.ts';
import { sorted, useCheckpointDirs, words } from './support/state-test-kit.ts';

type KV = [string, number];

const checkpointDir = useCheckpointDirs('kindling-mws-');


/** The messages of an error and its causes, outermost first. */
function chain(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e; c instanceof Error; c = c.cause) parts.push(c.message);
  return parts.join(' <- ');
}

/** Running count per key; returns [key, count]. */
const countSpec = (): StateSpec<string, number, number, KV> =>
  StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
    const sum = (value ?? 0) + (state.getOption() ?? 0);
    state.update(sum);
    return [key, sum] as KV;
  });

const wordInput = words([['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []]);

describe('mapWithState', () => {
  it('emits what the function returns, one call per record', async () => {
    const out = await runStreamingTest({
      input: wordInput,
      operation: (s: DStream<KV>) => s.mapWithState(countSpec()),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([
      [['a', 1]],
      [['a', 2], ['b', 1]],
      [['a', 3], ['b', 2], ['c', 1]],
      [['a', 4], ['b', 3]],
      [['a', 5]],
      [],
    ]);
  });

  it('stateSnapshots: the whole state after each batch', async () => {
    const out = await runStreamingTest({
      input: wordInput,
      operation: (s: DStream<KV>) => s.mapWithState(countSpec()).stateSnapshots(),
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

  it('calls the function in data order, each call seeing the updates of the earlier ones', async () => {
    const out = await runStreamingTest({
      input: [[['k', 1], ['k', 2], ['k', 3]], [['k', 4]]] as KV[][],
      operation: (s: DStream<KV>) => s.mapWithState(StateSpec.function((_k: string, v: number | undefined, st: State<number[]>) => {
        const seen = [...(st.getOption() ?? []), v!];
        st.update(seen);
        return seen.join(',');
      }).numPartitions(1)),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([['1', '1,2', '1,2,3'], ['1,2,3,4']]);
  });

  it('three-parameter function: undefined results are emitted too', async () => {
    const out = await runStreamingTest({
      input: words([['a', 'b']]),
      operation: (s: DStream<KV>) => s.mapWithState(StateSpec.function((k: string, _v: number | undefined, _s: State<number>) => (k === 'a' ? 'A' : undefined))),
      checkpointDir: checkpointDir(),
    });
    expect(out.map((b) => b.length)).toEqual([2]);
    expect(out[0]).toContain('A');
    expect(out[0]).toContain(undefined);
  });

  it('four-parameter function: sees the batch time; only defined results are emitted', async () => {
    const out = await runStreamingTest({
      input: words([['a', 'b'], ['a']]),
      operation: (s: DStream<KV>) => s.mapWithState(StateSpec.function((time: Time, k: string, _v: number | undefined, _s: State<number>) =>
        (k === 'a' ? `${k}@${time.milliseconds}` : undefined))),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([['a@1000'], ['a@2000']]);
  });

  it('remove() drops the key; its next record starts from no state', async () => {
    const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
      if (value === 0) { state.remove(); return [key, -1] as KV; }
      const sum = value! + (state.getOption() ?? 0);
      state.update(sum);
      return [key, sum] as KV;
    });
    const input: KV[][] = [[['a', 5], ['b', 1]], [['a', 0]], [['a', 2]]];
    const mapped = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.mapWithState(spec), checkpointDir: checkpointDir() });
    const snaps = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.mapWithState(spec).stateSnapshots(), checkpointDir: checkpointDir() });
    expect(sorted(mapped)).toEqual([[['a', 5], ['b', 1]], [['a', -1]], [['a', 2]]]);
    expect(sorted(snaps)).toEqual([[['a', 5], ['b', 1]], [['b', 1]], [['a', 2], ['b', 1]]]);
  });

  it('a function that does not update leaves the state as it was', async () => {
    const out = await runStreamingTest({
      input: [[['a', 1]], [['a', 100]]] as KV[][],
      operation: (s: DStream<KV>) => s.mapWithState(StateSpec.function((_k: string, v: number | undefined, st: State<number>) => {
        if (!st.exists()) st.update(v!);
        return st.get();
      })).stateSnapshots(),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([[['a', 1]], [['a', 1]]]);
  });

  it('update after remove fails the batch, naming the stream, the batch and the cause', async () => {
    const err = await runStreamingTest({
      input: words([['a']]),
      operation: (s: DStream<KV>) => s.mapWithState(StateSpec.function((_k: string, _v: number | undefined, st: State<number>) => {
        st.remove();
        st.update(1);
        return 0;
      })),
      checkpointDir: checkpointDir(),
    }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(chain(err)).toMatch(/MapWithState.*1000 ms/);
    expect(chain(err)).toMatch(/Cannot update the state after it has been removed/);
  });

  it('starts from the initial state', async () => {
    const out = await runStreamingTest({
      input: words([['a'], ['b']]),
      operation: (s: DStream<KV>) => {
        const initial = s.context.sparkContext.parallelize<KV>([['a', 10], ['z', 5]], 2);
        return s.mapWithState(countSpec().initialState(initial)).stateSnapshots();
      },
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([[['a', 11], ['z', 5]], [['a', 11], ['b', 1], ['z', 5]]]);
  });

  it('advances when the parent has no RDD for a batch', async () => {
    const out = await runStreamingTest({
      input: [[['a', 1]], undefined, [['a', 1]]] as (KV[] | undefined)[],
      operation: (s: DStream<KV>) => s.mapWithState(countSpec()).stateSnapshots(),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([[['a', 1]], [['a', 1]], [['a', 2]]]);
  });

  it('partitions the state with numPartitions or a partitioner', async () => {
    const parts = (spec: StateSpec<string, number, number, KV>): Promise<number[][]> => runStreamingTest({
      input: words([['a', 'b']]),
      operation: (s: DStream<KV>) => s.mapWithState(spec).transform((rdd) => rdd.context.parallelize([rdd.getNumPartitions()], 1)),
      checkpointDir: checkpointDir(),
    });
    expect(await parts(countSpec().numPartitions(3))).toEqual([[3]]);
    expect(await parts(countSpec().partitioner(new HashPartitioner(5)))).toEqual([[5]]);
  });

  it('compares tuple keys by value', async () => {
    type TK = [[string, number], number];
    const out = await runStreamingTest({
      input: [[[['x', 1], 1]], [[['x', 1], 1]]] as TK[][],
      operation: (s: DStream<TK>) => s.mapWithState(StateSpec.function((_k: [string, number], v: number | undefined, st: State<number>) => {
        st.update((st.getOption() ?? 0) + v!);
        return st.get();
      })),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([[1], [2]]);
  });

  it('needs a checkpoint directory', async () => {
    await expect(runStreamingTest({ input: wordInput, operation: (s: DStream<KV>) => s.mapWithState(countSpec()) })).rejects.toThrow(/checkpoint/);
  });

  it('carries the state across checkpoints (every 10 batches by default, here every 3)', async () => {
    // key k(i mod 3) gets 1 in batch i: after 25 batches k1 has 9 (batches 1, 4, .., 25),
    // k2 8 (2, 5, .., 23), k0 8 (3, 6, .., 24); after 10 batches k1 4, k2 3, k0 3
    const input = Array.from({ length: 25 }, (_, i) => [[`k${(i + 1) % 3}`, 1]] as KV[]);
    const dir = checkpointDir();
    const snaps = await runStreamingTest({
      input,
      operation: (s: DStream<KV>) => s.mapWithState(countSpec()).checkpoint(Seconds(3)).stateSnapshots(),
      checkpointDir: dir,
    });
    expect(sorted(snaps)[24]).toEqual([['k0', 8], ['k1', 9], ['k2', 8]]);
    expect(sorted(snaps)[9]).toEqual([['k0', 3], ['k1', 4], ['k2', 3]]);
    const folders = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith('rdd-'));
    expect(folders.length).toBeGreaterThan(0);
  });
});

describe('mapWithState timeouts', () => {
  /** Emits `key=sum` on data and `key timed out (sum)` on the timeout call. */
  const timeoutSpec = (idle = Seconds(2)): StateSpec<string, number, number, string> =>
    StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
      if (state.isTimingOut()) {
        expect(value).toBeUndefined();
        expect(() => state.update(0)).toThrow(/timing out/);
        expect(() => state.remove()).toThrow(/timing out/);
        return `${key} timed out (${state.get()})`;
      }
      if (value! > 0) state.update((state.getOption() ?? 0) + value!);
      return `${key}=${state.getOption() ?? 'none'}`;
    }).timeout(idle);

  it('fires in the first batch after the key has been idle for the timeout, then the key is gone', async () => {
    // a written at 1 s, b at 2 s; timeout 2 s: a is idle for more than 2 s at 4 s, b at 5 s.
    // (The default checkpoint interval is 10 batches: Spark would wait until 10 s.)
    const input = [[['a', 1]], [['b', 1]], [], [], [], []] as KV[][];
    const mapped = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.mapWithState(timeoutSpec()), checkpointDir: checkpointDir() });
    const snaps = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.mapWithState(timeoutSpec()).stateSnapshots(), checkpointDir: checkpointDir() });
    expect(mapped).toEqual([['a=1'], ['b=1'], [], ['a timed out (1)'], ['b timed out (1)'], []]);
    expect(sorted(snaps)).toEqual([[['a', 1]], [['a', 1], ['b', 1]], [['a', 1], ['b', 1]], [['b', 1]], [], []]);
  });

  it('any record for a key with state resets its idle time, even without an update', async () => {
    // a written at 1 s, touched (value 0, no update) at 2 s: times out at 5 s, not 4 s
    const input = [[['a', 1]], [['a', 0]], [], [], [], []] as KV[][];
    const mapped = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.mapWithState(timeoutSpec()), checkpointDir: checkpointDir() });
    expect(mapped).toEqual([['a=1'], ['a=1'], [], [], ['a timed out (1)'], []]);
  });

  it('a key that comes back after timing out starts over', async () => {
    const input = [[['a', 1]], [], [], [['a', 5]]] as KV[][];
    // idle 1 s: a (1 s) times out at 3 s; at 4 s it is new again
    const mapped = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.mapWithState(timeoutSpec(Seconds(1))), checkpointDir: checkpointDir() });
    expect(mapped).toEqual([['a=1'], [], ['a timed out (1)'], ['a=5']]);
  });

  it('fires in batches whose parent has no RDD', async () => {
    const input = [[['a', 1]], undefined, undefined] as (KV[] | undefined)[];
    const mapped = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.mapWithState(timeoutSpec(Seconds(1))), checkpointDir: checkpointDir() });
    expect(mapped).toEqual([['a=1'], [], ['a timed out (1)']]);
  });

  it('initial state is stamped with the first batch time', async () => {
    const out = await runStreamingTest({
      input: [[['a', 1]], [['a', 1]], [['a', 1]], [['a', 1]]] as KV[][],
      operation: (s: DStream<KV>) => s.mapWithState(timeoutSpec().initialState(s.context.sparkContext.parallelize<KV>([['z', 7]], 1))),
      checkpointDir: checkpointDir(),
    });
    // z stamped at 1 s: idle for more than 2 s at 4 s
    expect(sorted(out)).toEqual([['a=1'], ['a=2'], ['a=3'], ['a=4', 'z timed out (7)']]);
  });
});

describe('StateSpec', () => {
  it('rejects functions of other arities, saying which are accepted', () => {
    expect(() => StateSpec.function(((a: string, b: number) => a + b) as never)).toThrow(/3 parameters.*4.*declares 2/);
  });

  it('rejects bad numPartitions and timeouts', () => {
    expect(() => countSpec().numPartitions(0)).toThrow(/positive integer/);
    expect(() => countSpec().timeout(Seconds(0))).toThrow(/positive Duration/);
  });
});

/**
 * Ports of Spark's MapWithStateSuite, with the same inputs and per-batch expectations
 * (re-derived by hand below). Spark compares each batch as a set; so do we (`asSets`).
 *
 * | Spark test (MapWithStateSuite)                                       | here                                  |
 * |----------------------------------------------------------------------|---------------------------------------|
 * | state - get, exists, update, remove                                  | src/state/state.test.ts               |
 * | mapWithState - basic operations with simple API                      | 'basic operations with simple API'    |
 * | mapWithState - basic operations with advanced API                    | 'basic operations with advanced API'  |
 * | mapWithState - type inferencing and class tags                       | test/window-state.test-d.ts (types)   |
 * | mapWithState - states as mapped data                                 | 'states as mapped data'               |
 * | mapWithState - initial states, with nothing returned as from mapping | 'initial states, nothing returned'    |
 * | mapWithState - state removing                                        | 'state removing'                      |
 * | mapWithState - state timing out                                      | 'state timing out'                    |
 * | mapWithState - checkpoint durations                                  | 'checkpoint durations'                |
 * | mapWithState - driver failure recovery                               | 'carries the state across checkpoints' above, test/checkpoint-recovery.test.ts |
 */
describe("Spark's MapWithStateSuite", () => {
  const asSets = <T>(batches: T[][]): string[][] => batches.map((b) => b.map((x) => JSON.stringify(x)).sort());
  // Spark's input: the words of each batch, each mapped to (word, 1); the first batch is empty.
  const input = words([[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []]);
  // running count per key after each batch
  const runningCounts: KV[][] = [
    [],
    [['a', 1]],
    [['a', 2], ['b', 1]],
    [['a', 3], ['b', 2], ['c', 1]],
    [['a', 4], ['b', 3], ['c', 1]],
    [['a', 5], ['b', 3], ['c', 1]],
    [['a', 5], ['b', 3], ['c', 1]],
  ];

  async function outputsAndSnapshots<M>(spec: StateSpec<string, number, number, M>, batches = input, numBatches?: number): Promise<[M[][], KV[][]]> {
    const both = await runStreamingTest({
      input: batches,
      operation: (s: DStream<KV>) => {
        const mapped = s.mapWithState(spec);
        // one output carrying both streams per batch, as Spark's two output streams would
        return mapped.transformWith(mapped.stateSnapshots(), (m, st) =>
          m.map((x) => ['out', x] as ['out' | 'state', unknown]).union(st.map((x) => ['state', x] as ['out' | 'state', unknown])));
      },
      checkpointDir: checkpointDir(),
      master: 'local',
      numBatches,
    });
    return [
      both.map((b) => b.filter((x) => x[0] === 'out').map((x) => x[1] as M)),
      both.map((b) => b.filter((x) => x[0] === 'state').map((x) => x[1] as KV)),
    ];
  }

  it('basic operations with simple API: emits the updated count', async () => {
    const [out, states] = await outputsAndSnapshots(StateSpec.function((_k: string, v: number | undefined, st: State<number>) => {
      const sum = (v ?? 0) + (st.getOption() ?? 0);
      st.update(sum);
      return sum;
    }));
    expect(asSets(out)).toEqual(asSets([[], [1], [2, 1], [3, 2, 1], [4, 3], [5], []]));
    expect(asSets(states)).toEqual(asSets(runningCounts));
  });

  it('basic operations with advanced API: a four-parameter function emitting key*2', async () => {
    const [out, states] = await outputsAndSnapshots(StateSpec.function((_t: Time, k: string, v: number | undefined, st: State<number>) => {
      st.update((v ?? 0) + (st.getOption() ?? 0));
      return k + k;
    }));
    expect(asSets(out)).toEqual(asSets([[], ['aa'], ['aa', 'bb'], ['aa', 'bb', 'cc'], ['aa', 'bb'], ['aa'], []]));
    expect(asSets(states)).toEqual(asSets(runningCounts));
  });

  it('states as mapped data', async () => {
    const [out, states] = await outputsAndSnapshots(StateSpec.function((_t: Time, k: string, v: number | undefined, st: State<number>) => {
      const sum = (v ?? 0) + (st.getOption() ?? 0);
      st.update(sum);
      return [k, sum] as KV;
    }));
    expect(asSets(out)).toEqual(asSets([[], [['a', 1]], [['a', 2], ['b', 1]], [['a', 3], ['b', 2], ['c', 1]], [['a', 4], ['b', 3]], [['a', 5]], []]));
    expect(asSets(states)).toEqual(asSets(runningCounts));
  });

  it('initial states, nothing returned: the initial state is the first snapshot', async () => {
    let sc: import('@kindling/core').SparkContext | undefined;
    const spec = (): StateSpec<string, number, number, never> => StateSpec.function((_t: Time, _k: string, v: number | undefined, st: State<number>) => {
      st.update((v ?? 0) + (st.getOption() ?? 0));
      return undefined as never;
    });
    const both = await runStreamingTest({
      input,
      operation: (s: DStream<KV>) => {
        sc = s.context.sparkContext;
        const mapped = s.mapWithState(spec().initialState(sc.parallelize<KV>([['a', 5], ['b', 10], ['c', -20], ['d', 0]])));
        return mapped.transformWith(mapped.stateSnapshots(), (m, st) => m.map((x) => ['out', x] as [string, unknown]).union(st.map((x) => ['state', x] as [string, unknown])));
      },
      checkpointDir: checkpointDir(),
      master: 'local',
    });
    expect(both.map((b) => b.filter((x) => x[0] === 'out'))).toEqual([[], [], [], [], [], [], []]);
    // a +1 in batches 2..6, b +1 in 3..5, c +1 in 4
    expect(asSets(both.map((b) => b.filter((x) => x[0] === 'state').map((x) => x[1])))).toEqual(asSets([
      [['a', 5], ['b', 10], ['c', -20], ['d', 0]],
      [['a', 6], ['b', 10], ['c', -20], ['d', 0]],
      [['a', 7], ['b', 11], ['c', -20], ['d', 0]],
      [['a', 8], ['b', 12], ['c', -19], ['d', 0]],
      [['a', 9], ['b', 13], ['c', -19], ['d', 0]],
      [['a', 10], ['b', 13], ['c', -19], ['d', 0]],
      [['a', 10], ['b', 13], ['c', -19], ['d', 0]],
    ]));
  });

  it('state removing: a key with state is removed (and emitted), one without gets its value', async () => {
    const removing = words([[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []]);
    const [out, states] = await outputsAndSnapshots(StateSpec.function((_t: Time, k: string, v: number | undefined, st: State<number>) => {
      if (st.exists()) { st.remove(); return k; }
      st.update(v!);
      return undefined;
    }).numPartitions(1), removing);
    // batch 3: a removed, b set; 4: b removed, a and c set; 5: a, c removed, b set; 6: b removed, a set; 7: a removed
    expect(asSets(out)).toEqual(asSets([[], [], ['a'], ['b'], ['a', 'c'], ['b'], ['a'], []]));
    expect(asSets(states)).toEqual(asSets([[], [['a', 1]], [['b', 1]], [['a', 1], ['c', 1]], [['b', 1]], [['a', 1]], [], []]));
  });

  it('state timing out: b and c are emitted once each as they time out, a stays', async () => {
    const timingOut = words([['a', 'b', 'c'], ['a', 'b'], ['a'], [], [], ['a'], ...Array.from({ length: 20 }, () => ['a'])]);
    const [out, states] = await outputsAndSnapshots(StateSpec.function((_t: Time, k: string, v: number | undefined, st: State<number>) => {
      if (v !== undefined) st.update(1);
      return st.isTimingOut() ? k : undefined;
    }).timeout(Seconds(3)), timingOut, 20);
    // Spark's assertions
    expect(out.flat().sort()).toEqual(['b', 'c']);
    expect(states.some((s) => JSON.stringify([...s].sort()) === JSON.stringify([['a', 1], ['b', 1], ['c', 1]]))).toBe(true);
    expect(states[19]).toEqual([['a', 1]]);
    // and the batches (Kindling looks for idle keys every batch; Spark only on checkpoint
    // batches, every 10 here): c, last seen at 1 s, is idle for more than 3 s at 5 s; b (2 s) at 6 s
    expect(out.slice(0, 7)).toEqual([[], [], [], [], ['c'], ['b'], []]);
  });

  it('checkpoint durations: 10 batches by default; an explicit one goes to the state stream', async () => {
    async function durations(batch: number, explicit?: number): Promise<[number | undefined, number | undefined]> {
      const conf = new SparkConf().setMaster('local[2]').setAppName('cp').set('spark.streaming.clock', 'manual');
      const ssc = new StreamingContext(conf, new Duration(batch));
      try {
        const mapped = ssc.queueStream<number>([]).map((x) => [x, 1] as [number, number])
          .mapWithState(StateSpec.function((_k: number, _v: number | undefined, _s: State<number>) => 0));
        if (explicit !== undefined) mapped.checkpoint(new Duration(explicit));
        mapped.foreachRDD(() => {});
        ssc.checkpoint(checkpointDir());
        await ssc.start();
        return [mapped.checkpointDuration?.milliseconds, mapped.dependencies[0]!.checkpointDuration?.milliseconds];
      } finally {
        await ssc.stop(true, false);
      }
    }
    expect(await durations(100)).toEqual([undefined, 1000]);
    expect(await durations(1000)).toEqual([undefined, 10_000]);
    expect(await durations(10_000)).toEqual([undefined, 100_000]);
    expect(await durations(100, 2000)).toEqual([undefined, 2000]);
    expect(await durations(1000, 2000)).toEqual([undefined, 2000]);
    expect(await durations(10_000, 20_000)).toEqual([undefined, 20_000]);
  });
});
