// The graph module of WordCount under local[N]: the driver and every worker thread import it
// and build the same graph (ssc.buildGraph), so the word splitting and the reduce functions
// exist in every thread.
import { Seconds } from '@kindling/dstream';
import type { DStream, StreamingContext } from '@kindling/dstream';
import { TestInputDStream } from '@kindling/dstream/testing';
import { splitWords } from '../../data/text-records.ts';

/** What every thread gets (structured-cloned): the batches, as the queue of `kindling` holds them. */
export interface WordCountGraphArgs {
  readonly batches: readonly (readonly string[])[];
  /** Partitions of each input batch (one per thread: each thread tokenises its own). */
  readonly partitions: number;
  readonly window: number;
  readonly inverse: boolean;
}

/**
 * `flatMap(split).map((w, 1)).reduceByKeyAndWindow(...)` over the given batches (batch i is the
 * input of second i + 1), as `word-count-kindling.ts` builds it over a queue stream.
 */
export function wordCountGraph(ssc: StreamingContext, args: WordCountGraphArgs): DStream<[string, number]> {
  const lines = new TestInputDStream<string>(ssc, args.batches, args.partitions);
  const pairs = lines.flatMap(splitWords).map((w) => [w, 1] as [string, number]);
  return args.inverse
    ? pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(args.window), Seconds(1), undefined, (kv) => kv[1] !== 0)
    : pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(args.window), Seconds(1));
}
