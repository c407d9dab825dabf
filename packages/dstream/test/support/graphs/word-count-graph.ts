// Graph modules for the worker-thread tests: every thread imports this module and builds the
// same graph. Outputs are collected on the driver (output operations run only there).
import { isMainThread } from 'node:worker_threads';
import { Seconds, type CollectionAccumulator, type LongAccumulator } from '@kindling/core';
import type { DStream, StreamingContext } from '../../../src/index.ts';
import { TestInputDStream } from '../../../src/testing/index.ts';

export interface WordCountArgs {
  readonly batches: readonly (readonly string[])[];
  readonly numPartitions: number;
}

export interface WordCountGraph {
  readonly counts: DStream<[string, number]>;
  readonly lines: DStream<string>;
  readonly words: LongAccumulator;
  /** Records seen by map functions outside the main thread (counted in workers, merged on the driver). */
  readonly inWorkers: LongAccumulator;
}

/** Lines -> words -> counts per batch, counting words in an accumulator. */
export function wordCount(ssc: StreamingContext, args: WordCountArgs): WordCountGraph {
  const words = ssc.sparkContext.longAccumulator('words');
  const inWorkers = ssc.sparkContext.longAccumulator('inWorkers');
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  const counts = lines
    .flatMap((l) => l.split(' '))
    .map((w) => {
      words.add(1);
      if (!isMainThread) inWorkers.add(1);
      return [w, 1] as [string, number];
    })
    .reduceByKey((a, b) => a + b);
  return { counts, lines, words, inWorkers };
}

/** A graph whose structure depends on the thread: the workers must refuse it. */
export function divergent(ssc: StreamingContext, args: WordCountArgs): DStream<number> {
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  return lines.transform((rdd) => (isMainThread ? rdd.map((l) => l.length) : rdd.map((l) => l.length).repartition(3)));
}

/** A map function that fails on one record. */
export function failing(ssc: StreamingContext, args: WordCountArgs): DStream<number> {
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  return lines.map((l) => {
    if (l === 'boom') throw new Error(`cannot handle ${l}`);
    return l.length;
  });
}

/** A map function that ends its worker thread. */
export function dying(ssc: StreamingContext, args: WordCountArgs): DStream<number> {
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  return lines.map((l) => {
    if (l === 'die' && !isMainThread) process.exit(3);
    return l.length;
  });
}

/**
 * The book's top-N pattern over each batch's word counts: `sortBy` (count descending, then
 * word descending: no ties) into 3 range partitions, `map` to the word, `zipWithIndex`, keep
 * ranks below `top`. Each job over it needs the sort's range bounds and zipWithIndex's offsets.
 */
export function topWords(ssc: StreamingContext, args: WordCountArgs & { top: number }): DStream<[string, number]> {
  return wordCount(ssc, args).counts.transform((rdd) => rdd
    .sortBy(([w, n]) => `${String(n).padStart(4, '0')}:${w}`, false, 3)
    .map(([w]) => w)
    .zipWithIndex()
    .filter(([, i]) => i < args.top));
}

/** A sort whose key function fails on one word (in the range sampling). */
export function failingSort(ssc: StreamingContext, args: WordCountArgs): DStream<[string, number]> {
  return wordCount(ssc, args).counts.transform((rdd) => rdd.sortBy(([w]) => {
    if (w === 'boom') throw new Error(`cannot rank ${w}`);
    return w;
  }));
}

export interface BranchesGraph {
  readonly perWord: DStream<[string, number]>;
  readonly perLength: DStream<[number, number]>;
  readonly byInitial: DStream<[string, string[]]>;
  /** The input lines (an output over them reads no branch). */
  readonly lines: DStream<string>;
  /** Calls of the split function (one per line when the split lines are computed once per batch). */
  readonly splits: LongAccumulator;
  /** The lines the split function was called on (one entry per call). */
  readonly splitLines: CollectionAccumulator<string>;
  /** Calls of the third branch's map function, counted before it checks for `failOn`. */
  readonly initials: LongAccumulator;
}

/**
 * The book's shape: one split stream read by three shuffles, one per output operation (a
 * count per word, a count per word length into 2 partitions, the words grouped by their first
 * letter). The third branch's map function throws on the word `args.failOn`.
 */
export function branches(ssc: StreamingContext, args: WordCountArgs & { failOn?: string }): BranchesGraph {
  const splits = ssc.sparkContext.longAccumulator('splits');
  const splitLines = ssc.sparkContext.collectionAccumulator<string>('splitLines');
  const initials = ssc.sparkContext.longAccumulator('initials');
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  const words = lines.flatMap((l) => {
    splits.add(1);
    splitLines.add(l);
    return l.split(' ');
  });
  const perWord = words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b);
  const perLength = words.map((w) => [w.length, 1] as [number, number]).reduceByKey((a, b) => a + b, 2);
  const byInitial = words.map((w) => {
    initials.add(1);
    if (w === args.failOn) throw new Error(`cannot take the initial of ${w}`);
    return [w[0]!, w] as [string, string];
  }).groupByKey().mapValues((ws) => [...ws].sort());
  return { perWord, perLength, byInitial, lines, splits, splitLines, initials };
}

export interface FailingLinesGraph {
  /** The input lines, through a map function that throws on a line starting with `args.failOn`. */
  readonly checked: DStream<string>;
  /** Calls of the map function, counted before its check. */
  readonly calls: LongAccumulator;
  /** The lines the map function was called on, added before its check. */
  readonly called: CollectionAccumulator<string>;
}

/** Lines checked one by one; the accumulators are added to before the check, so a failing task has added to them when it throws. */
export function failingLines(ssc: StreamingContext, args: WordCountArgs & { failOn: string }): FailingLinesGraph {
  const calls = ssc.sparkContext.longAccumulator('calls');
  const called = ssc.sparkContext.collectionAccumulator<string>('called');
  const checked = new TestInputDStream<string>(ssc, args.batches, args.numPartitions).map((l) => {
    calls.add(1);
    called.add(l);
    if (l.startsWith(args.failOn)) throw new Error(`cannot check ${l}`);
    return l;
  });
  return { checked, calls, called };
}

export interface WordListGraph {
  readonly counts: DStream<[string, number]>;
  /** Every word the map function saw, with the thread kind that saw it. */
  readonly seen: CollectionAccumulator<[string, 'main' | 'worker']>;
}

/** The word count, with the words collected in a collection accumulator as the map function sees them. */
export function wordList(ssc: StreamingContext, args: WordCountArgs): WordListGraph {
  const seen = ssc.sparkContext.collectionAccumulator<[string, 'main' | 'worker']>('seen');
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  const counts = lines
    .flatMap((l) => l.split(' '))
    .map((w) => {
      seen.add([w, isMainThread ? 'main' : 'worker']);
      return [w, 1] as [string, number];
    })
    .reduceByKey((a, b) => a + b);
  return { counts, seen };
}

export interface WindowedCountsGraph {
  /** Each batch's count per word. */
  readonly perBatch: DStream<[string, number]>;
  /** The count per word over the last `window` batches, sliding every batch (no inverse function). */
  readonly windowed: DStream<[string, number]>;
}

/**
 * Word counts per batch and over a window, with no accumulator (so the workers exchange each
 * batch's map sides when the batch is announced): the words of every batch come from one
 * small vocabulary, as a stream's batches do.
 */
export function windowedCounts(ssc: StreamingContext, args: WordCountArgs & { window: number }): WindowedCountsGraph {
  const words = new TestInputDStream<string>(ssc, args.batches, args.numPartitions).flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]);
  const perBatch = words.reduceByKey((a, b) => a + b);
  const windowed = words.reduceByKeyAndWindow((a, b) => a + b, Seconds(args.window), Seconds(1));
  return { perBatch, windowed };
}

/** Words counted into 0 partitions (the batch fails when it has a word). */
export function zeroPartitions(ssc: StreamingContext, args: WordCountArgs): DStream<[string, number]> {
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  return lines.flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b, 0);
}

/** Per-batch word counts over a window of `args.batches.length` batches: the window's union reads each batch's persisted counts. */
export function windowedWordCount(ssc: StreamingContext, args: WordCountArgs): DStream<[string, number]> {
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  return lines
    .flatMap((l) => l.split(' '))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b)
    .window(Seconds(args.batches.length), Seconds(1));
}
