/**
 * Port of Spark's clickstream `PageViewStream`: five analyses of a stream of page views, one
 * chosen by `<metric>`:
 * - `pageCounts`: views per URL in each batch (`countByValue`);
 * - `slidingPageCounts`: views per URL over the last 10 s, every 2 s (`countByValueAndWindow`);
 * - `errorRatePerZipCode`: the share of non-200 statuses per zip code over the last 30 s
 *   (`window` + `groupByKey`), marked `**...**` above 5 %;
 * - `activeUserCount`: distinct users over the last 15 s (`window` + `groupByKey` + `count`);
 * - `popularUsersSeen`: users of a static dataset seen in the batch (a join with it).
 *
 * Usage: `PageViewStream <metric> <host> <port>`, with `PageViewGenerator` running.
 *
 * It runs on every core (`local[*]`): this module is its own graph module, so every worker
 * thread builds the same graph with {@link pageViewGraph}, the static dataset included (each
 * thread makes the same `parallelize` RDD); the receiver runs on the main thread, and the
 * chosen metric is printed there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf } from '@kindling/core';
import type { RDD, SparkContext } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { DStream } from '@kindling/dstream';
import { PageView } from './page-view.ts';
import { intArg, requireArgs, runExample } from '../run-example.ts';

export const METRICS = ['pageCounts', 'slidingPageCounts', 'errorRatePerZipCode', 'activeUserCount', 'popularUsersSeen'] as const;

/**
 * Java's `Float.toString` for a ratio: the shortest decimal that reads back as the same 32-bit
 * float, with at least one decimal (`0.0`, `0.05`, `0.071428575`), so the printed error rates
 * match Spark's.
 */
export function javaFloatString(x: number): string {
  const f = Math.fround(x);
  if (f === 0) return '0.0';
  let digits = '';
  for (let p = 1; p <= 9; p++) {
    digits = f.toPrecision(p);
    if (Math.fround(Number(digits)) === f) break;
  }
  const n = Number(digits);
  if (Math.abs(n) >= 1e-3 && Math.abs(n) < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exp)}`;
}

/** The example's five analyses of `pageViews` (only the chosen one gets an output). */
export function pageViewMetrics(pageViews: DStream<PageView>, sc: SparkContext): PageViewMetrics {
  // Return a count of views per URL seen in each batch
  const pageCounts = pageViews.map((view) => view.url).countByValue();

  // Return a sliding window of page views per URL in the last ten seconds
  const slidingPageCounts = pageViews.map((view) => view.url).countByValueAndWindow(Seconds(10), Seconds(2));

  // Return the rate of error pages (a non 200 status) in each zip code over the last 30 seconds
  const statusesPerZipCode = pageViews.window(Seconds(30), Seconds(2))
    .map((view) => [view.zipCode, view.status] as [number, number])
    .groupByKey();
  const errorRatePerZipCode = statusesPerZipCode.map(([zip, statuses]) => {
    const normalCount = statuses.filter((s) => s === 200).length;
    const errorCount = statuses.length - normalCount;
    const errorRatio = Math.fround(errorCount / statuses.length);
    return errorRatio > 0.05 ? `${zip}: **${javaFloatString(errorRatio)}**` : `${zip}: ${javaFloatString(errorRatio)}`;
  });

  // Return the number unique users in last 15 seconds
  const activeUserCount = pageViews.window(Seconds(15), Seconds(2))
    .map((view) => [view.userID, 1] as [number, number])
    .groupByKey()
    .count()
    .map((n) => `Unique active users: ${n}`);

  // An external dataset we want to join to this stream
  const userList: RDD<[number, string]> = sc.parallelize<[number, string]>([
    [1, 'Patrick Wendell'],
    [2, 'Reynold Xin'],
    [3, 'Matei Zaharia'],
  ]);

  // The users of that dataset seen in each batch. Spark's example joins in `foreachRDD`; the
  // join is the same in a `transform`, which puts it in the graph, so that under local[N] it
  // runs in the worker threads (each has the same dataset) and only the names come back.
  const usersSeen = pageViews.map((view) => [view.userID, 1] as [number, number])
    .transform((rdd) => rdd.join(userList))
    .map((x) => x[1][1]);
  return { pageCounts, slidingPageCounts, errorRatePerZipCode, activeUserCount, userList, usersSeen };
}

/** The streams of {@link pageViewMetrics}, and the static dataset. */
export interface PageViewMetrics {
  readonly pageCounts: DStream<[string, number]>;
  readonly slidingPageCounts: DStream<[string, number]>;
  readonly errorRatePerZipCode: DStream<string>;
  readonly activeUserCount: DStream<string>;
  readonly userList: RDD<[number, string]>;
  /** The names of the dataset's users seen in each batch, one per page view. */
  readonly usersSeen: DStream<string>;
}

/** Where the example's receiver connects (plain data: every worker thread gets a copy). */
export interface PageViewSource {
  readonly host: string;
  readonly port: number;
}

/**
 * The example's graph, built in the driver and in every worker thread: page views received from
 * `host:port` and their five analyses.
 */
export function pageViewGraph(ssc: StreamingContext, { host, port }: PageViewSource): PageViewMetrics & { pageViews: DStream<PageView> } {
  // Create a ReceiverInputDStream on target host:port and convert each line to a PageView
  const pageViews = ssc.socketTextStream(host, port)
    .flatMap((line) => line.split('\n'))
    .map((line) => PageView.fromString(line));
  return { ...pageViewMetrics(pageViews, ssc.sparkContext), pageViews };
}

/** Registers the output of `metric` (Spark's `metric match { ... }`). */
export function outputMetric(metric: string, metrics: PageViewMetrics, println: (line: string) => void): void {
  switch (metric) {
    case 'pageCounts': metrics.pageCounts.print(); break;
    case 'slidingPageCounts': metrics.slidingPageCounts.print(); break;
    case 'errorRatePerZipCode': metrics.errorRatePerZipCode.print(); break;
    case 'activeUserCount': metrics.activeUserCount.print(); break;
    case 'popularUsersSeen':
      // Look for users in our existing dataset and print it out if we have a match
      metrics.usersSeen.foreachRDD(async (rdd, time) => {
        const users = await rdd.take(10);
        for (const u of users) println(`Saw user ${u} at time ${time}`);
      });
      break;
    default: println(`Invalid metric entered: ${metric}`);
  }
}

export const USAGE = `Usage: PageViewStream <metric> <host> <port>
<metric> must be one of pageCounts, slidingPageCounts, errorRatePerZipCode, activeUserCount, popularUsersSeen`;

/** Builds the example on a new context (not started). `conf` lets tests pick the master and the clock. */
export async function pageViewStream(args: readonly string[], conf = new SparkConf().setMaster('local[*]')): Promise<StreamingContext> {
  requireArgs(args.length === 3, USAGE);
  const metric = args[0]!;
  const source: PageViewSource = { host: args[1]!, port: intArg(args[2], 'port') };

  // Create the context
  const ssc = new StreamingContext(conf.setAppName('PageViewStream'), Seconds(1));
  // Not in Spark's original: countByValueAndWindow keeps its window with an inverse function,
  // which must checkpoint, so `slidingPageCounts` fails there at start for want of a folder.
  ssc.checkpoint(mkdtempSync(join(tmpdir(), 'page-view-stream-')));

  // The graph module is this module: every worker thread of local[*] builds the same graph
  const metrics = await ssc.buildGraph<PageViewMetrics>(import.meta.url, 'pageViewGraph', source);
  outputMetric(metric, metrics, (line) => ssc.consoleWriter(line));
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = await pageViewStream(args);
  await ssc.start();
  await ssc.awaitTermination();
});
