/**
 * Window operations, as Spark's WindowOperationsSuite: input batches -> expected outputs,
 * worked out by hand. Batches are 1 s apart; input batch i (0-based) is the RDD at
 * (i + 1) * 1000 ms, so a window at t covers the batches in (t - window, t].
 *
 * Port table (Spark's WindowOperationsSuite -> ours; every Spark case is also ported with its
 * exact inputs, batch count and operation in the 'WindowOperationsSuite ports' block at the end,
 * under Spark's own test name):
 *   window - basic / tumbling / larger / non-overlapping window   -> window/*, ports/window - *
 *   reduceByKeyAndWindow - basic reduction, key already in window and new value added into
 *     window, new key added into window, key removed from window, larger slide time, big test
 *                                                                 -> reduceByKeyAndWindow/*, ports/*
 *   reduceByKeyAndWindow with inverse function - (the same six)   -> reduceByKeyAndWindow with an inverse function/*,
 *                                                                    ports/* (with .checkpoint(Seconds(100)) as Spark)
 *   reduceByKeyAndWindow with inverse and filter functions - big test
 *                                                                 -> ports/* (with .persist().checkpoint(Seconds(100)))
 *   groupByKeyAndWindow, countByWindow, countByValueAndWindow     -> same names, ports/*
 */
import { describe, expect, it } from 'vitest';
import { HashPartitioner, Milliseconds, Seconds } from '@kindling/core';
import type { Duration } from '@kindling/core';
import { runStreamingTest } from '../src/testing/index.ts';
import type { DStream } from '../src/index.ts';
import { sorted, useCheckpointDirs } from './support/state-test-kit.ts';

type KV = [string, number];

const checkpointDir = useCheckpointDirs('kindling-window-');


function windowOf(input: number[][], win: Duration, slide: Duration, numBatches = input.length): Promise<number[][]> {
  return runStreamingTest({ input, operation: (s: DStream<number>) => s.window(win, slide), numBatches }).then(sorted);
}

const sum = (a: number, b: number): number => a + b;
const diff = (a: number, b: number): number => a - b;

// a in every batch, b in the middle, c once per half: keys enter and leave a 2 s window
const bigInput: KV[][] = [
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
];
// 2 s window, sliding 1 s: the sum of each key over batches t-1 and t; keys absent from both are absent
const bigSums: KV[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
];
// the same with an inverse function and no filter: once seen, a key stays, at 0 when its values left
const bigSumsKeepingKeys: KV[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
];

// a gets 1..6 in batches 1..6, then two empty batches
const largerSlideInput: KV[][] = [[['a', 1]], [['a', 2]], [['a', 3]], [['a', 4]], [['a', 5]], [['a', 6]], [], []];
// window 4 s sliding 2 s, emitted at 2, 4, 6, 8 s: 1+2, 1+2+3+4, 3+4+5+6, 5+6
const largerSlideSums: KV[][] = [[['a', 3]], [['a', 10]], [['a', 18]], [['a', 11]]];

describe('window', () => {
  it('basic window (2 s, sliding 1 s): each batch with the one before', async () => {
    expect(await windowOf([[0], [1], [2], [3], [4], [5]], Seconds(2), Seconds(1)))
      .toEqual([[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
  });

  it('tumbling window (2 s, sliding 2 s)', async () => {
    expect(await windowOf([[0], [1], [2], [3], [4], [5]], Seconds(2), Seconds(2))).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('larger window (4 s, sliding 2 s): partial at the start, then 4 batches, then the tail', async () => {
    expect(await windowOf([[0], [1], [2], [3], [4], [5]], Seconds(4), Seconds(2), 8))
      .toEqual([[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]]);
  });

  it('non-overlapping window (2 s, sliding 3 s): batches 1 and 4 belong to no window', async () => {
    expect(await windowOf([[0], [1], [2], [3], [4], [5]], Seconds(2), Seconds(3))).toEqual([[1, 2], [4, 5]]);
  });

  it('default slide is the parent slide', async () => {
    const out = await runStreamingTest({ input: [[1], [2], [3]], operation: (s: DStream<number>) => s.window(Seconds(2)) });
    expect(sorted(out)).toEqual([[1], [1, 2], [2, 3]]);
  });

  it('a batch whose parent has no RDD contributes nothing', async () => {
    const out = await runStreamingTest({ input: [[1], undefined, [3], undefined, undefined], operation: (s: DStream<number>) => s.window(Seconds(2)) });
    expect(sorted(out)).toEqual([[1], [1], [3], [3], []]);
  });

  it('keeps time order, then partition order (the union of the window\'s RDDs)', async () => {
    const input = [[0, 10], [1, 11], [2, 12], [3, 13]];
    const out = await runStreamingTest({ input, operation: (s: DStream<number>) => s.window(Seconds(2), Seconds(1)) });
    expect(out).toEqual([[0, 10], [0, 10, 1, 11], [1, 11, 2, 12], [2, 12, 3, 13]]);
  });

  it('window of a window', async () => {
    // inner 2 s: {1}, {1,2}, {2,3}, {3,4}; outer 2 s over those: union of two consecutive inner windows
    const out = await runStreamingTest({ input: [[1], [2], [3], [4]], operation: (s: DStream<number>) => s.window(Seconds(2)).window(Seconds(2)) });
    expect(sorted(out)).toEqual([[1], [1, 1, 2], [1, 2, 2, 3], [2, 3, 3, 4]]);
  });

  it('rejects durations that are not multiples of the parent slide, naming both', async () => {
    await expect(runStreamingTest({ input: [[1]], operation: (s: DStream<number>) => s.window(Milliseconds(1500)) }))
      .rejects.toThrow(/window duration \(1500 ms\).*slide duration \(1000 ms\)/);
    await expect(runStreamingTest({ input: [[1]], operation: (s: DStream<number>) => s.window(Seconds(2), Milliseconds(500)) }))
      .rejects.toThrow(/slide duration \(500 ms\).*\(1000 ms\)/);
  });
});

describe('reduceByKeyAndWindow', () => {
  const naive = (input: KV[][], win = Seconds(2), slide = Seconds(1), numBatches?: number): Promise<KV[][]> =>
    runStreamingTest({ input, operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, win, slide), numBatches }).then(sorted);

  it('reduces within a batch', async () => {
    expect(await naive([[['a', 1], ['a', 3]]])).toEqual([[['a', 4]]]);
  });

  it('adds a new value of a key already in the window, and new keys', async () => {
    expect(await naive([[['a', 1]], [['a', 1], ['b', 1]]])).toEqual([[['a', 1]], [['a', 2], ['b', 1]]]);
  });

  it('drops a key once its values left the window', async () => {
    expect(await naive([[['a', 1]], [['a', 1]], [], []])).toEqual([[['a', 1]], [['a', 2]], [['a', 1]], []]);
  });

  it('slide larger than the batch', async () => {
    expect(await naive(largerSlideInput, Seconds(4), Seconds(2))).toEqual(largerSlideSums);
  });

  it('big test', async () => {
    expect(await naive(bigInput)).toEqual(bigSums);
  });

  it('while the window fills, a slide folds only the batch that entered; values stay in the batches\' order', async () => {
    // reduceByKeyAndWindow(f, window) is reduceByKey(f).window(window).reduceByKey(f), as
    // Spark's: the window's own reduce function is counted apart here. Concatenation is not
    // commutative, so the order of each key's values is in the result.
    type SV = [string, string];
    const input: SV[][] = Array.from({ length: 6 }, (_, b) => [['a', `x${b}`], ['a', `y${b}`], ['b', `z${b}`]]);
    let windowCalls = 0;
    const concat = (p: string, q: string): string => p + q;
    const out = await runStreamingTest({
      input,
      operation: (s: DStream<SV>) => s.reduceByKey(concat).window(Seconds(4), Seconds(1)).reduceByKey((p: string, q: string) => { windowCalls++; return p + q; }),
    });
    const expected = input.map((_, n) => {
      const inWindow = Array.from({ length: n + 1 }, (_, b) => b).filter((b) => b > n - 4);
      return [['a', inWindow.map((b) => `x${b}y${b}`).join('')], ['b', inWindow.map((b) => `z${b}`).join('')]];
    });
    expect(sorted(out)).toEqual(expected);
    // Per key: nothing at the first batch, one merge a batch while the window fills (batches
    // 2-4), then the 4 batches folded again once the oldest leaves (3 merges, batches 5-6).
    // Re-reducing the whole window every slide takes 2 * (0 + 1 + 2 + 3 + 3 + 3) = 24.
    expect(windowCalls).toBe(2 * (0 + 1 + 1 + 1 + 3 + 3));
  });

  it('uses the given number of partitions', async () => {
    const out = await runStreamingTest({
      input: [[['a', 1]], [['b', 1]]],
      operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, Seconds(2), undefined, 3).transform((rdd) => rdd.context.parallelize([rdd.getNumPartitions()], 1)),
    });
    expect(out).toEqual([[3], [3]]);
  });
});

describe('reduceByKeyAndWindow with an inverse function', () => {
  const inverse = (input: (KV[] | undefined)[], win = Seconds(2), slide = Seconds(1), numBatches?: number, filter?: (kv: KV) => boolean): Promise<KV[][]> =>
    runStreamingTest({
      input,
      operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, diff, win, slide, undefined, filter),
      numBatches,
      checkpointDir: checkpointDir(),
    }).then(sorted);

  it('reduces within a batch', async () => {
    expect(await inverse([[['a', 1], ['a', 3]]])).toEqual([[['a', 4]]]);
  });

  it('adds a new value of a key already in the window, and new keys', async () => {
    expect(await inverse([[['a', 1]], [['a', 1], ['b', 1]]])).toEqual([[['a', 1]], [['a', 2], ['b', 1]]]);
  });

  it('keeps a key at 0 once its values left the window', async () => {
    expect(await inverse([[['a', 1]], [['a', 1]], [], []])).toEqual([[['a', 1]], [['a', 2]], [['a', 1]], [['a', 0]]]);
  });

  it('slide larger than the batch', async () => {
    expect(await inverse(largerSlideInput, Seconds(4), Seconds(2))).toEqual(largerSlideSums);
  });

  it('big test: keys stay at their zero value', async () => {
    expect(await inverse(bigInput)).toEqual(bigSumsKeepingKeys);
  });

  it('big test with a filter dropping zeros: same as the naive reduction', async () => {
    expect(await inverse(bigInput, Seconds(2), Seconds(1), undefined, (kv) => kv[1] !== 0)).toEqual(bigSums);
  });

  it('long window: a key leaves exactly windowDuration after it entered', async () => {
    // window 5 s: a=1 at t=1 is in the windows at t=1..5 and leaves at t=6
    const input: KV[][] = [[['a', 1]], [['b', 2]], [], [], [], [], []];
    expect(await inverse(input, Seconds(5))).toEqual([
      [['a', 1]], [['a', 1], ['b', 2]], [['a', 1], ['b', 2]], [['a', 1], ['b', 2]], [['a', 1], ['b', 2]], [['a', 0], ['b', 2]], [['a', 0], ['b', 0]],
    ]);
  });

  it('a batch whose parent has no RDD contributes nothing', async () => {
    // t=1 a1; t=2 (no RDD) a1; t=3: a1 left, a2 entered -> 2; t=4: nothing entered (no RDD), nothing left (t=2 had none) -> 2; t=5: a2 left -> 0
    expect(await inverse([[['a', 1]], undefined, [['a', 2]], undefined, []])).toEqual([[['a', 1]], [['a', 1]], [['a', 2]], [['a', 2]], [['a', 0]]]);
  });

  it('a key the filter dropped can come back', async () => {
    // t=1 a1; t=2 a1 (c... none); t=3: a left -> 0, dropped; t=4: a3 enters again -> 3
    expect(await inverse([[['a', 1]], [], [], [['a', 3]]], Seconds(2), Seconds(1), undefined, (kv) => kv[1] !== 0))
      .toEqual([[['a', 1]], [['a', 1]], [], [['a', 3]]]);
  });

  it('uses the given partitioner', async () => {
    const out = await runStreamingTest({
      input: [[['a', 1]], [['b', 1]]],
      operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, diff, Seconds(2), Seconds(1), new HashPartitioner(3))
        .transform((rdd) => rdd.context.parallelize([rdd.getNumPartitions()], 1)),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([[3], [3]]);
  });

  it('needs a checkpoint directory', async () => {
    await expect(runStreamingTest({ input: [[['a', 1]]], operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, diff, Seconds(2)) }))
      .rejects.toThrow(/checkpoint/);
  });
});

describe('groupByKeyAndWindow', () => {
  it('big test: values of each key over the window', async () => {
    const out = await runStreamingTest({
      input: bigInput,
      operation: (s: DStream<KV>) => s.groupByKeyAndWindow(Seconds(2), Seconds(1)).mapValues((vs) => vs.length),
    });
    // every value is 1, so the number of values is the windowed sum
    expect(sorted(out)).toEqual(bigSums);
  });

  it('keeps the batches in time order', async () => {
    const out = await runStreamingTest({
      input: [[['k', 1]], [['k', 2]], [['k', 3]]],
      operation: (s: DStream<KV>) => s.groupByKeyAndWindow(Seconds(3), undefined, 1),
      numPartitions: 1,
    });
    expect(out).toEqual([[['k', [1]]], [['k', [1, 2]]], [['k', [1, 2, 3]]]]);
  });

  it('does not change the grouped batches it reads (shared by several windows)', async () => {
    const out = await runStreamingTest({
      input: [[['k', 1]], [['k', 2]], [['k', 3]], [['k', 4]]],
      operation: (s: DStream<KV>) => s.groupByKeyAndWindow(Seconds(2), undefined, 1),
      numPartitions: 1,
    });
    expect(out).toEqual([[['k', [1]]], [['k', [1, 2]]], [['k', [2, 3]]], [['k', [3, 4]]]]);
  });
});

describe('windows over batches without an RDD', () => {
  // batch 2 has no RDD: every window over it sees the other batches only, as Spark's slice skips it
  const input: (KV[] | undefined)[] = [[['a', 1], ['b', 2]], undefined, [['a', 3]], [['b', 4]]];

  it('groupByKeyAndWindow', async () => {
    const out = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.groupByKeyAndWindow(Seconds(2), Seconds(1)) });
    expect(sorted(out)).toEqual([[['a', [1]], ['b', [2]]], [['a', [1]], ['b', [2]]], [['a', [3]]], [['a', [3]], ['b', [4]]]]);
  });

  it('reduceByWindow without an inverse', async () => {
    const out = await runStreamingTest({ input: [[1, 2], undefined, [4], [8]], operation: (s: DStream<number>) => s.reduceByWindow(sum, Seconds(2), Seconds(1)) });
    expect(out).toEqual([[3], [3], [4], [12]]);
  });

  it('reduceByKeyAndWindow without an inverse', async () => {
    const out = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1)) });
    expect(sorted(out)).toEqual([[['a', 1], ['b', 2]], [['a', 1], ['b', 2]], [['a', 3]], [['a', 3], ['b', 4]]]);
  });
});

describe('countByWindow', () => {
  it('counts the elements of each window', async () => {
    const out = await runStreamingTest({
      input: [[1], [1], [1, 2], [0], [], []],
      operation: (s: DStream<number>) => s.countByWindow(Seconds(2), Seconds(1)),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([[1], [2], [3], [3], [1], [0]]);
  });

  it('emits nothing before the first element, then counts down to 0 (as Spark)', async () => {
    const out = await runStreamingTest({
      input: [[], ['x'], [], [], []],
      operation: (s: DStream<string>) => s.countByWindow(Seconds(2), Seconds(1)),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([[], [1], [1], [0], [0]]);
  });
});

describe('countByValueAndWindow', () => {
  it('counts each value over the window and drops values whose count fell to 0', async () => {
    const out = await runStreamingTest({
      input: [['a'], ['b', 'b'], ['a', 'b'], [], []],
      operation: (s: DStream<string>) => s.countByValueAndWindow(Seconds(2), Seconds(1)),
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual([[['a', 1]], [['a', 1], ['b', 2]], [['a', 1], ['b', 3]], [['a', 1], ['b', 1]], []]);
  });
});

describe('reduceByWindow', () => {
  it('without inverse: empty windows emit nothing', async () => {
    const out = await runStreamingTest({
      input: [[1, 2], [3], [], [4], [], []],
      operation: (s: DStream<number>) => s.reduceByWindow(sum, Seconds(2), Seconds(1)),
    });
    expect(out).toEqual([[3], [6], [3], [4], [4], []]);
  });

  it('with inverse: incremental, 0 once everything left', async () => {
    const out = await runStreamingTest({
      input: [[1, 2], [3], [], [4], [], []],
      operation: (s: DStream<number>) => s.reduceByWindow(sum, diff, Seconds(2), Seconds(1)),
      checkpointDir: checkpointDir(),
    });
    expect(out).toEqual([[3], [6], [3], [4], [4], [0]]);
  });

  it('slide larger than the batch', async () => {
    // window 3 s sliding 2 s at t=2: 1+2; t=4: 2+3+4; t=6: 4+5+6
    const input = [[1], [2], [3], [4], [5], [6]];
    const naive = await runStreamingTest({ input, operation: (s: DStream<number>) => s.reduceByWindow(sum, Seconds(3), Seconds(2)) });
    const inv = await runStreamingTest({ input, operation: (s: DStream<number>) => s.reduceByWindow(sum, diff, Seconds(3), Seconds(2)), checkpointDir: checkpointDir() });
    expect(naive).toEqual([[3], [9], [15]]);
    expect(inv).toEqual([[3], [9], [15]]);
  });
});

describe('errors in window functions', () => {
  it('name the stream and the batch, with the cause', async () => {
    const err = await runStreamingTest({
      input: [[['a', 1]], [['a', 2]]] as KV[][],
      operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, () => { throw new Error('no inverse today'); }, Seconds(1), Seconds(1)).setName('sums'),
      checkpointDir: checkpointDir(),
    }).then(() => undefined, (e: unknown) => e);
    const messages: string[] = [];
    for (let c: unknown = err; c instanceof Error; c = c.cause) messages.push(c.message);
    // batch 2: a=1 leaves the 1 s window, so the inverse function runs
    expect(messages.join(' <- ')).toMatch(/sums: .*reduceByKeyAndWindow failed at batch 2000 ms/);
    expect(messages.at(-1)).toBe('no inverse today');
  });
});

/**
 * Spark's WindowOperationsSuite, case by case: the same inputs, the same number of batches
 * (expected outputs x slide / batch), the same operation, compared as Spark compares them
 * (all of that suite's cases use sets; `sorted` keeps duplicates, so it is stricter).
 */
describe('WindowOperationsSuite ports', () => {
  const batchesFor = (outputs: number, slide: Duration): number => outputs * slide.div(Seconds(1));

  describe('window', () => {
    const input = [[0], [1], [2], [3], [4], [5]];
    const cases: [string, number[][], Duration, Duration][] = [
      // window (t-2, t] every second: each batch with the one before (partial at the start)
      ['basic window', [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]], Seconds(2), Seconds(1)],
      ['tumbling window', [[0, 1], [2, 3], [4, 5]], Seconds(2), Seconds(2)],
      // at 2 s the window (-2, 2] holds batches 1-2 only; at 8 s, (4, 8] holds 5-6 and two empty batches
      ['larger window', [[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]], Seconds(4), Seconds(2)],
      // at 3 s: (1, 3] = batches 2-3; at 6 s: (4, 6] = batches 5-6
      ['non-overlapping window', [[1, 2], [4, 5]], Seconds(2), Seconds(3)],
    ];
    for (const [name, expected, win, slide] of cases) {
      it(`window - ${name}`, async () => {
        expect(await windowOf(input, win, slide, batchesFor(expected.length, slide))).toEqual(expected);
      });
    }
  });

  const reduceCases: [string, KV[][], KV[][], KV[][] | undefined, Duration, Duration][] = [
    ['basic reduction', [[['a', 1], ['a', 3]]], [[['a', 4]]], undefined, Seconds(2), Seconds(1)],
    ['key already in window and new value added into window', [[['a', 1]], [['a', 1]]], [[['a', 1]], [['a', 2]]], undefined, Seconds(2), Seconds(1)],
    ['new key added into window', [[['a', 1]], [['a', 1], ['b', 1]]], [[['a', 1]], [['a', 2], ['b', 1]]], undefined, Seconds(2), Seconds(1)],
    // naive: a key with no value in the window is absent; with an inverse it stays at 0
    ['key removed from window', [[['a', 1]], [['a', 1]], [], []], [[['a', 1]], [['a', 2]], [['a', 1]], []], [[['a', 1]], [['a', 2]], [['a', 1]], [['a', 0]]], Seconds(2), Seconds(1)],
    ['larger slide time', largerSlideInput, largerSlideSums, undefined, Seconds(4), Seconds(2)],
    ['big test', bigInput, bigSums, bigSumsKeepingKeys, Seconds(2), Seconds(1)],
  ];
  for (const [name, input, naiveOut, inverseOut, win, slide] of reduceCases) {
    it(`reduceByKeyAndWindow - ${name}`, async () => {
      const out = await runStreamingTest({ input, operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, win, slide), numBatches: batchesFor(naiveOut.length, slide) });
      expect(sorted(out)).toEqual(naiveOut);
    });
    it(`reduceByKeyAndWindow with inverse function - ${name}`, async () => {
      const expected = inverseOut ?? naiveOut;
      const out = await runStreamingTest({
        input,
        // a long checkpoint interval, as Spark's test, so RDD checkpointing plays no part
        operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, diff, win, slide).checkpoint(Seconds(100)),
        numBatches: batchesFor(expected.length, slide),
        checkpointDir: checkpointDir(),
      });
      expect(sorted(out)).toEqual(expected);
    });
  }

  it('reduceByKeyAndWindow with inverse and filter functions - big test', async () => {
    const out = await runStreamingTest({
      input: bigInput,
      operation: (s: DStream<KV>) => s.reduceByKeyAndWindow(sum, diff, Seconds(2), Seconds(1), undefined, (kv) => kv[1] !== 0).persist().checkpoint(Seconds(100)),
      numBatches: bigSums.length,
      checkpointDir: checkpointDir(),
    });
    expect(sorted(out)).toEqual(bigSums);
  });

  it('groupByKeyAndWindow', async () => {
    const out = await runStreamingTest({
      input: bigInput,
      operation: (s: DStream<KV>) => s.groupByKeyAndWindow(Seconds(2), Seconds(1)),
      numBatches: bigSums.length,
      checkpointDir: checkpointDir(),
    });
    // every value is 1: each key's values are as many 1s as its windowed sum
    expect(sorted(out)).toEqual(bigSums.map((batch) => batch.map(([k, n]) => [k, Array.from({ length: n }, () => 1)])));
  });

  it('countByWindow', async () => {
    const out = await runStreamingTest({
      input: [[1], [1], [1, 2], [0], [], []],
      operation: (s: DStream<number>) => s.countByWindow(Seconds(2), Seconds(1)),
      numBatches: 6,
      checkpointDir: checkpointDir(),
    });
    // window sizes: 1, 1+1, 1+2, 2+1, 1+0, 0+0
    expect(out).toEqual([[1], [2], [3], [3], [1], [0]]);
  });

  it('countByValueAndWindow', async () => {
    const out = await runStreamingTest({
      input: [['a'], ['b', 'b'], ['a', 'b']],
      operation: (s: DStream<string>) => s.countByValueAndWindow(Seconds(2), Seconds(1)),
      numBatches: 3,
      checkpointDir: checkpointDir(),
    });
    // t=1: {a}; t=2: {a, b, b}; t=3: {b, b, a, b}
    expect(sorted(out)).toEqual([[['a', 1]], [['a', 1], ['b', 2]], [['a', 1], ['b', 3]]]);
  });
});
