// A graph module without accumulators for the worker-thread tests of a batch's output jobs
// sent in one message: every thread imports it and builds the same graph.
import type { DStream, StreamingContext } from '../../../src/index.ts';
import { Seconds } from '../../../src/index.ts';
import { TestInputDStream } from '../../../src/testing/index.ts';

export interface OutputJobsArgs {
  readonly batches: readonly (readonly string[])[];
  readonly numPartitions: number;
  readonly checkpointDir: string;
  /** The totals branch's map function throws on this word. */
  readonly failOn?: string;
}

export interface OutputJobsGraph {
  readonly lines: DStream<string>;
  /** Each batch's count per word. */
  readonly perWord: DStream<[string, number]>;
  /** The 3 words with the highest counts so far (count, then word, descending), ranked. */
  readonly top: DStream<[string, number]>;
  /** Per initial, the summed lengths of the words of the last 3 batches. */
  readonly byInitial: DStream<[string, number]>;
  /** Each batch's count of words per length (a shuffle of its own). */
  readonly byLength: DStream<[number, number]>;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** The book's shape on words: a per-batch count, a state ranked by `sortBy` + `zipWithIndex`, a window. */
export function outputJobs(ssc: StreamingContext, args: OutputJobsArgs): OutputJobsGraph {
  ssc.checkpoint(args.checkpointDir);
  const lines = new TestInputDStream<string>(ssc, args.batches, args.numPartitions);
  const words = lines.flatMap((l) => l.split(' '));
  const perWord = words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b);
  const totals = words.map((w) => {
    if (w === args.failOn) throw new Error(`cannot count ${w}`);
    return [w, 1] as [string, number];
  }).updateStateByKey((vs: number[], s: number | undefined) => sum(vs) + (s ?? 0));
  // No state checkpoint within the tests' batches: each batch's requests are its jobs'.
  totals.checkpoint(Seconds(100));
  const top = totals.transform((rdd) => rdd
    .sortBy(([w, n]) => `${String(n).padStart(4, '0')}:${w}`, false, 3)
    .map(([w]) => w)
    .zipWithIndex()
    .filter(([, i]) => i < 3));
  const byInitial = words.map((w) => [w[0]!, w.length] as [string, number]).reduceByKeyAndWindow((a, b) => a + b, Seconds(3));
  const byLength = words.map((w) => [w.length, 1] as [number, number]).reduceByKey((a, b) => a + b);
  return { lines, perWord, top, byInitial, byLength };
}
