// The graph module of the book's program under local[N]: the driver and every worker thread
// import it and build the same graph (ssc.buildGraph). The program is the listing of
// orders-book-kindling.ts; only its input differs: the queue of sc.textFile RDDs the main
// program pushes cannot be seen by the workers, so the batch files are named up front and
// every thread's input stream opens the same file for the same batch.
import type { RDD, Time } from '@kindling/core';
import { InputDStream, Minutes } from '@kindling/dstream';
import type { DStream, StreamingContext } from '@kindling/dstream';
import { parseOrder } from '@kindling/example-orders-dashboard/src/order.ts';

/** What every thread gets: one order file per batch. */
export interface OrdersBookGraphArgs {
  readonly files: readonly string[];
  readonly checkpointDir: string;
}

/** The listing's three outputs. */
export interface OrdersBookGraph {
  readonly numPerType: DStream<[boolean, number]>;
  readonly top5clients: DStream<[number, number]>;
  readonly topStocks: DStream<[string, number]>;
}

/** Batch i + 1 reads `files[i]` with `sc.textFile` (as the queue of `kindling` holds it); later batches are empty. */
class BatchFilesInputDStream extends InputDStream<string> {
  static override kind = 'BatchFilesInputDStream';
  constructor(ssc: StreamingContext, private readonly files: readonly string[]) { super(ssc); }
  start(): void {}
  stop(): void {}
  compute(validTime: Time): RDD<string> | undefined {
    const index = validTime.minus(this.zeroTime!).div(this.slideDuration) - 1;
    const file = this.files[index];
    return file === undefined ? this.ssc.sparkContext.emptyRDD<string>() : this.ssc.sparkContext.textFile(file);
  }
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * The book's chapter 6 listing over a stream of order lines, as a Spark user writes it: no
 * `cache()`, each top 5 by `sortBy` + `zipWithIndex`. Shared by `orders-book-kindling.ts` (a
 * `queueStream` input) and the graph module below (batch files named up front).
 */
export function bookListing(lines: DStream<string>): OrdersBookGraph {
  const orders = lines.flatMap(parseOrder);
  const numPerType = orders.map((o) => [o.buy, 1] as [boolean, number]).reduceByKey((c1, c2) => c1 + c2);
  const amountPerClient = orders.map((o) => [o.clientId, o.amount * o.price] as [number, number]);
  const amountState = amountPerClient.updateStateByKey((vals: number[], totalOpt: number | undefined) =>
    totalOpt !== undefined ? sum(vals) + totalOpt : sum(vals));
  const top5clients = amountState.transform((rdd) => rdd
    .sortBy((x) => x[1], false)
    .map((x) => x[0])
    .zipWithIndex()
    .filter((x) => x[1] < 5));
  const stocksPerWindow = orders
    .map((x) => [x.symbol, x.amount] as [string, number])
    .reduceByKeyAndWindow((a1, a2) => a1 + a2, Minutes(60));
  const topStocks = stocksPerWindow.transform((rdd) => rdd
    .sortBy((x) => x[1], false)
    .map((x) => x[0])
    .zipWithIndex()
    .filter((x) => x[1] < 5));
  return { numPerType, top5clients, topStocks };
}

/** The book's chapter 6 listing over `args.files`, as `orders-book-kindling.ts` builds it. */
export function ordersBookGraph(ssc: StreamingContext, args: OrdersBookGraphArgs): OrdersBookGraph {
  const graph = bookListing(new BatchFilesInputDStream(ssc, args.files));
  ssc.checkpoint(args.checkpointDir);
  return graph;
}
