/**
 * A windowed word count over a TCP socket, after the DStream programming guide's
 * `reduceByKeyAndWindow` example: counts of the last 30 s, every 10 s, kept incrementally
 * with an inverse function (add the batch that enters the window, subtract the one that
 * leaves), and words whose count fell to 0 filtered out.
 *
 * Usage: `WindowedNetworkWordCount <hostname> <port> [<windowSeconds> <slideSeconds>]`.
 *
 * It runs on every core (`local[*]`): this module is its own graph module (see
 * {@link windowedSocketWordCounts}).
 */
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { DStream, Duration } from '@kindling/dstream';
import type { SocketAddress } from './network-word-count.ts';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** Word counts over `window`, every `slide`, computed with an inverse reduce. */
export function windowedWordCounts(lines: DStream<string>, window: Duration, slide: Duration): DStream<[string, number]> {
  const pairs = lines.flatMap((line) => line.split(' ')).filter((w) => w !== '').map((w) => [w, 1] as [string, number]);
  return pairs.reduceByKeyAndWindow(
    (a, b) => a + b, // adding the counts of the batch entering the window
    (a, b) => a - b, // subtracting the counts of the batch leaving it
    window,
    slide,
    undefined, // default number of partitions
    ([, count]) => count > 0, // forget words no longer in the window
  );
}

/** What {@link windowedSocketWordCounts} needs (plain data: every worker thread gets a copy). */
export interface WindowedSocketArgs extends SocketAddress {
  readonly windowSeconds: number;
  readonly slideSeconds: number;
}

/** The example's graph, built in the driver and in every worker thread: windowed word counts of the lines received from `host:port`. */
export function windowedSocketWordCounts(ssc: StreamingContext, args: WindowedSocketArgs): DStream<[string, number]> {
  const lines = ssc.socketTextStream(args.host, args.port);
  return windowedWordCounts(lines, Seconds(args.windowSeconds), Seconds(args.slideSeconds));
}

/** Builds the example on a new context (not started); 1 s batches, on every core (`local[*]`) unless `conf` says otherwise. */
export async function windowedNetworkWordCount(
  args: readonly string[],
  conf = new SparkConf().setMaster('local[*]'),
  checkpointDir = '.',
): Promise<StreamingContext> {
  requireArgs(args.length === 2 || args.length === 4, 'Usage: WindowedNetworkWordCount <hostname> <port> [<windowSeconds> <slideSeconds>]');
  const graphArgs: WindowedSocketArgs = {
    host: args[0]!,
    port: intArg(args[1], 'port'),
    windowSeconds: args.length === 4 ? intArg(args[2], 'windowSeconds') : 30,
    slideSeconds: args.length === 4 ? intArg(args[3], 'slideSeconds') : 10,
  };
  const ssc = new StreamingContext(conf.setAppName('WindowedNetworkWordCount'), Seconds(1));
  // A window with an inverse function keeps state between batches: it needs a checkpoint folder
  ssc.checkpoint(checkpointDir);
  // The graph module is this module: every worker thread of local[*] builds the same graph
  const counts = await ssc.buildGraph<DStream<[string, number]>>(import.meta.url, 'windowedSocketWordCounts', graphArgs);
  counts.print();
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = await windowedNetworkWordCount(args);
  await ssc.start();
  await ssc.awaitTermination();
});
