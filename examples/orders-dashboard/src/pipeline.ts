/**
 * The program of "Spark in Action" chapter 6 (the stock-order stream), ported line by line.
 * The comments beside each statement give the Scala it ports, written from the book's
 * semantics; compare them side by side.
 */
import { List } from 'immutable';
import { Minutes, StateSpec } from '@kindling/dstream';
import { ConsumerStrategies, LocationStrategies, RedisStreamsUtils } from '@kindling/redis';
import type { DStream, State, StreamingContext } from '@kindling/dstream';
import { parseOrder } from './order.ts';
import type { Order } from './order.ts';
import type { StateMode } from './cli-options.ts';

/** A line of the batch output: `('BUYS', List('5020'))` prints as `(BUYS,List(5020))`. */
export type OutputLine = [string, List<string>];

/** Where the pipeline reads and writes. */
export interface OrdersPipelineConfig {
  /** The folder the feeder moves order files into. */
  inputDir: string;
  /** Batch folders are `<outputPrefix>-<batch ms>.txt`. */
  outputPrefix: string;
  /** Checkpoint folder (the stateful streams need one). */
  checkpointDir: string;
  /** `updateStateByKey` (the book's first version) or `mapWithState` (its second). */
  state: StateMode;
  /** Read the orders from this Redis Streams topic (one order line per record) instead of `inputDir`. */
  source?: OrdersTopic;
  /**
   * Several instances share the job (`--group`): the rankings and the final union need whole
   * batches, so their inputs (plain pairs, before the `List` lines) go through `repartition(1)` first (a one-partition stage, owned by
   * one instance); with one instance the listing is the book's, untouched.
   */
  group?: boolean;
}

/** A topic of order lines on Redis Streams (`--source`). */
export interface OrdersTopic {
  /** `redis://...`, `rediss://...` or `unix:///...`. */
  url: string;
  topic: string;
  groupId: string;
}

/** Every named stream of the listing, for callers that want to tap one (the web page does). */
export interface OrdersPipeline {
  /** With `group`: the whole state in one partition (what the page reads); else `amountState`. */
  amountStateWhole: DStream<[number, number]>;
  /** With `group`: the whole window in one partition (what the page reads); else `stocksPerWindow`. */
  stocksPerWindowWhole: DStream<[string, number]>;
  orders: DStream<Order>;
  numPerType: DStream<[boolean, number]>;
  amountPerClient: DStream<[number, number]>;
  amountState: DStream<[number, number]>;
  top5clients: DStream<[number, number]>;
  buySellList: DStream<OutputLine>;
  top5clList: DStream<OutputLine>;
  stocksPerWindow: DStream<[string, number]>;
  topStocks: DStream<OutputLine>;
  finalStream: DStream<OutputLine>;
}

/**
 * The book's `mapWithState` function: adds this batch's amount to the client's running total
 * and emits `(clientId, total)`.
 */
export function updateAmountState(clientId: number, amount: number | undefined, state: State<number>): [number, number] {
  let total = amount ?? 0;                                  // var total = amount.getOrElse(0.toDouble)
  if (state.exists()) total += state.get();                 // if (state.exists()) total += state.get()
  state.update(total);                                      // state.update(total)
  return [clientId, total];                                 // Some((clientId, total))
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

/**
 * The order lines of a topic, read with the direct stream API (Spark's Kafka integration, here
 * on Redis Streams): from the topic's end at start (Kafka's default `auto.offset.reset`), so a
 * feeder that starts after the context is read from its first record; offsets committed for
 * the group after every batch. With `group` (several instances), from the group's commits or,
 * for a new group, from the topic's start.
 */
export function ordersTopicLines(ssc: StreamingContext, source: OrdersTopic, group = false): DStream<string> {
  // A group's instances start at different moments: they start from the group's commits, or
  // from the topic's start for a new group, so that all of them begin at the same offsets.
  const params = { 'redis.url': source.url, 'group.id': source.groupId, 'auto.offset.reset': group ? 'earliest' : 'latest', 'enable.auto.commit': 'true' };
  return RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([source.topic], params))
    .map((record) => record.value());
}

/**
 * Builds the chapter's streams on `ssc` (a 5 s batch context in the book) and registers the
 * output operation. Start the context afterwards.
 */
export function ordersPipeline(ssc: StreamingContext, config: OrdersPipelineConfig): OrdersPipeline {
  const filestream = config.source === undefined
    ? ssc.textFileStream(config.inputDir)                   // val filestream = ssc.textFileStream("/home/spark/ch06input")
    : ordersTopicLines(ssc, config.source, config.group);   // (or Kafka: KafkaUtils.createDirectStream(...).map(_.value))

  const orders = filestream.flatMap(parseOrder);            // val orders = filestream.flatMap(line => { ...parse, or println("Wrong line format ...") and List() })

  const numPerType = orders                                 // val numPerType = orders
    .map((o) => [o.buy, 1] as [boolean, number])            //   .map(o => (o.buy, 1L))
    .reduceByKey((c1, c2) => c1 + c2);                      //   .reduceByKey((c1, c2) => c1 + c2)

  const amountPerClient = orders                            // val amountPerClient = orders
    .map((o) => [o.clientId, o.amount * o.price] as [number, number]); // .map(o => (o.clientId, o.amount * o.price))

  const amountState: DStream<[number, number]> = config.state === 'mapWithState'
    ? amountPerClient                                       // val amountState = amountPerClient
      .mapWithState(StateSpec.function(updateAmountState))  //   .mapWithState(StateSpec.function(updateAmountState))
      .stateSnapshots()                                     //   .stateSnapshots()
    : amountPerClient.updateStateByKey(                     // val amountState = amountPerClient.updateStateByKey(
      (vals: number[], totalOpt: number | undefined) =>     //   (vals, totalOpt: Option[Double]) => totalOpt match {
        totalOpt !== undefined                              //     case Some(total) => Some(vals.sum + total)
          ? sum(vals) + totalOpt                            //     case None => Some(vals.sum)
          : sum(vals));                                     //   })

  // Ties: sortBy is a stable sort of each range partition in the order its records arrive
  // (the state RDD's partitions in order, then their order within each), as Spark's reduce-side
  // sort is in local mode. The state's order within a partition is not Spark's (Spark iterates
  // its hash maps), so equal volumes may be listed in another order than Spark would list them.
  // The book's 500,000 orders have no such tie in any batch (test/replay.test.ts checks it).
  // Group mode only: one partition holding the whole batch before each whole-batch ranking.
  const whole = <T>(s: DStream<T>): DStream<T> => (config.group === true ? s.repartition(1) : s);
  const amountStateWhole = whole(amountState);

  const top5clients = amountStateWhole.transform((rdd) => rdd // val top5clients = amountState.transform(_
    .sortBy((x) => x[1], false)                             //   .sortBy(_._2, false)
    .map((x) => x[0])                                       //   .map(_._1)
    .zipWithIndex()                                         //   .zipWithIndex
    .filter((x) => x[1] < 5));                              //   .filter(x => x._2 < 5))

  const buySellList = whole(numPerType).map((t): OutputLine => // val buySellList = numPerType.map(t =>
    t[0]                                                    //   if (t._1)
      ? ['BUYS', List([t[1].toString()])]                   //     ("BUYS", List(t._2.toString))
      : ['SELLS', List([t[1].toString()])]);                //   else ("SELLS", List(t._2.toString)))

  const top5clList = top5clients                            // val top5clList = top5clients
    .repartition(1)                                         //   .repartition(1)
    .map((x) => x[0].toString())                            //   .map(x => x._1.toString)
    .glom()                                                 //   .glom()
    .map((arr): OutputLine => ['TOP5CLIENTS', List(arr)]);  //   .map(arr => ("TOP5CLIENTS", arr.toList))

  const stocksPerWindow = orders                            // val stocksPerWindow = orders
    .map((x) => [x.symbol, x.amount] as [string, number])   //   .map(x => (x.symbol, x.amount))
    .reduceByKeyAndWindow((a1, a2) => a1 + a2, Minutes(60)); //  .reduceByKeyAndWindow((a1: Int, a2: Int) => a1 + a2, Minutes(60))

  const stocksPerWindowWhole = whole(stocksPerWindow);
  const topStocks = stocksPerWindowWhole.transform((rdd) => rdd // val topStocks = stocksPerWindow.transform(_
    .sortBy((x) => x[1], false)                             //   .sortBy(_._2, false)
    .map((x) => x[0])                                       //   .map(_._1)
    .zipWithIndex()                                         //   .zipWithIndex
    .filter((x) => x[1] < 5))                               //   .filter(x => x._2 < 5))
    .repartition(1)                                         //   .repartition(1)
    .map((x) => x[0].toString())                            //   .map(x => x._1.toString)
    .glom()                                                 //   .glom()
    .map((arr): OutputLine => ['TOP5STOCKS', List(arr)]);   //   .map(arr => ("TOP5STOCKS", arr.toList))

  const finalStream = buySellList                           // val finalStream = buySellList
    .union(top5clList)                                      //   .union(top5clList)
    .union(topStocks);                                      //   .union(topStocks)

  finalStream.repartition(1)                                // finalStream.repartition(1)
    .saveAsTextFiles(config.outputPrefix, 'txt');           //   .saveAsTextFiles("/home/spark/ch06output/output", "txt")

  // The book sets the checkpoint folder on the SparkContext (sc.setCheckpointDir); the
  // contract asks the StreamingContext for it, which sets the SparkContext's too.
  ssc.checkpoint(config.checkpointDir);                     // sc.setCheckpointDir("/home/spark/checkpoint")

  return { amountStateWhole, stocksPerWindowWhole, orders, numPerType, amountPerClient, amountState, top5clients, buySellList, top5clList, stocksPerWindow, topStocks, finalStream };
}
