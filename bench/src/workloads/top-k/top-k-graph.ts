// The graph module of TopKCount under local[N]: the driver and every worker thread import it
// and build the same graph (ssc.buildGraph), so the word splitting and the window's counting
// exist in every thread.
import { Seconds } from '@kindling/dstream';
import type { DStream, StreamingContext } from '@kindling/dstream';
import { TestInputDStream } from '@kindling/dstream/testing';
import { splitWords } from '../../data/text-records.ts';

/** What every thread gets (structured-cloned): the batches, as the queue of `kindling` holds them. */
export interface TopKGraphArgs {
  readonly batches: readonly (readonly string[])[];
  /** Partitions of each input batch (one per thread: each thread tokenises its own). */
  readonly partitions: number;
  readonly window: number;
}

/**
 * `flatMap(split).countByValueAndWindow(window, 1 s)` over the given batches (batch i is the
 * input of second i + 1), as `top-k-kindling.ts` builds it over a queue stream; the program
 * takes each window's `top(k)` (on the driver: its ordering is a closure of the program).
 */
export function topKGraph(ssc: StreamingContext, args: TopKGraphArgs): DStream<[string, number]> {
  return new TestInputDStream<string>(ssc, args.batches, args.partitions).flatMap(splitWords).countByValueAndWindow(Seconds(args.window), Seconds(1));
}
