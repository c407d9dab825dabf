import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';
import { PageView } from '../src/clickstream/page-view.ts';
import { getNextClickEvent, pickFromDistribution, pages, startPageViewGenerator } from '../src/clickstream/page-view-generator.ts';
import { javaFloatString, outputMetric, pageViewMetrics, pageViewStream } from '../src/clickstream/page-view-stream.ts';
import { runOnOneAndTwo, sortedBatches, type FedExample } from './support/fed-run.ts';
import { capture, eventually, pairs, printedBatches } from './support/printed.ts';
import { tasksPerWorker } from './support/workers.ts';
import type { Server } from 'node:net';

const v = (url: string, status: number, zip: number, user: number): PageView => new PageView(url, status, zip, user);
// Four 1 s batches of page views, the last one empty.
const BATCHES: PageView[][] = [
  [v('http://foo.com/', 200, 94709, 1), v('http://foo.com/news', 404, 94709, 2), v('http://foo.com/', 200, 94117, 1)],
  [v('http://foo.com/contact', 200, 94117, 3), v('http://foo.com/', 200, 94709, 4)],
  [v('http://foo.com/', 404, 94117, 5)],
  [],
];

/** Runs one metric over BATCHES on a manual clock; returns what it printed. */
async function runMetric(metric: string): Promise<string[]> {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('test').set('spark.streaming.clock', 'manual'), Seconds(1));
  try {
    ssc.checkpoint(await mkdtemp(join(tmpdir(), 'pageviews-')));
    const pageViews = ssc.queueStream(BATCHES.map((b) => ssc.sparkContext.parallelize(b)));
    const out = capture(ssc);
    outputMetric(metric, pageViewMetrics(pageViews, ssc.sparkContext), (l) => out.push(l));
    await ssc.start();
    for (let i = 0; i < BATCHES.length; i++) await (ssc.clock as ManualClock).advance(1000);
    return out;
  } finally {
    await ssc.stop();
  }
}

describe('PageView', () => {
  it('round-trips through its tab-separated line', () => {
    const line = v('http://foo.com/news', 404, 94117, 42).toString();
    expect(line).toBe('http://foo.com/news\t404\t94117\t42\n');
    expect(PageView.fromString(line.trimEnd())).toEqual(v('http://foo.com/news', 404, 94117, 42));
    expect(() => PageView.fromString('http://foo.com/\tok\t1\t2')).toThrow('status is not an integer');
  });

  it('picks from a distribution by cumulative probability', () => {
    expect(pickFromDistribution(pages, () => 0.69)).toBe('http://foo.com/');
    expect(pickFromDistribution(pages, () => 0.75)).toBe('http://foo.com/news');
    expect(pickFromDistribution(pages, () => 0.95)).toBe('http://foo.com/contact');
    expect(getNextClickEvent(() => 0)).toBe('http://foo.com/\t200\t94709\t1\n');
  });

  it('prints ratios as Java prints floats', () => {
    expect(javaFloatString(0)).toBe('0.0');
    expect(javaFloatString(0.25)).toBe('0.25');
    expect(javaFloatString(1)).toBe('1.0');
    expect(javaFloatString(1 / 3)).toBe('0.33333334');
    expect(javaFloatString(1 / 14)).toBe('0.071428575');
    expect(javaFloatString(1 / 2000)).toBe('5.0E-4');
  });
});

describe('PageViewGenerator', () => {
  let server: Server | undefined;
  afterEach(async () => { await new Promise((r) => server ? server.close(() => r(undefined)) : r(undefined)); });

  it('sends every client page views from its distributions', async () => {
    server = await startPageViewGenerator(0, 200, () => undefined);
    const port = (server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    const lines: string[] = [];
    createInterface({ input: socket }).on('line', (l) => lines.push(l));
    await eventually(() => lines.length >= 20, () => `${lines.length} lines`);
    socket.destroy();
    for (const line of lines.slice(0, 20)) {
      const view = PageView.fromString(line);
      expect(pages.map((p) => p[0])).toContain(view.url);
      expect([200, 404]).toContain(view.status);
      expect([94709, 94117]).toContain(view.zipCode);
      expect(view.userID).toBeGreaterThanOrEqual(1);
      expect(view.userID).toBeLessThanOrEqual(100);
    }
  });
});

describe('PageViewStream metrics', () => {
  it('pageCounts: views per URL in each batch (countByValue)', async () => {
    const b = printedBatches(await runMetric('pageCounts'));
    expect(b.map((x) => x.time)).toEqual(['1000 ms', '2000 ms', '3000 ms', '4000 ms']);
    expect(b.map((x) => new Map(pairs(x.lines)))).toEqual([
      new Map([['http://foo.com/', 2], ['http://foo.com/news', 1]]),
      new Map([['http://foo.com/contact', 1], ['http://foo.com/', 1]]),
      new Map([['http://foo.com/', 1]]),
      new Map(),
    ]);
  });

  it('slidingPageCounts: views per URL over 10 s, every 2 s (countByValueAndWindow)', async () => {
    const b = printedBatches(await runMetric('slidingPageCounts'));
    expect(b.map((x) => x.time)).toEqual(['2000 ms', '4000 ms']);
    expect(b.map((x) => new Map(pairs(x.lines)))).toEqual([
      new Map([['http://foo.com/', 3], ['http://foo.com/news', 1], ['http://foo.com/contact', 1]]),
      new Map([['http://foo.com/', 4], ['http://foo.com/news', 1], ['http://foo.com/contact', 1]]),
    ]);
  });

  it('errorRatePerZipCode: share of non-200 statuses per zip over 30 s, starred above 5 %', async () => {
    const b = printedBatches(await runMetric('errorRatePerZipCode'));
    expect(b.map((x) => x.time)).toEqual(['2000 ms', '4000 ms']);
    expect(b[0]!.lines.sort()).toEqual(['94117: 0.0', '94709: **0.33333334**']);
    // 94709 sees 200, 404 (batch 1) and 200 (batch 2); 94117 sees 200, 200 and then 404
    expect(b[1]!.lines.sort()).toEqual(['94117: **0.33333334**', '94709: **0.33333334**']);
  });

  it('activeUserCount: distinct users over 15 s', async () => {
    const b = printedBatches(await runMetric('activeUserCount'));
    expect(b.map((x) => [x.time, x.lines])).toEqual([
      ['2000 ms', ['Unique active users: 4']],
      ['4000 ms', ['Unique active users: 5']],
    ]);
  });

  it('popularUsersSeen: users of the static dataset seen in each batch (a join in foreachRDD)', async () => {
    const out = await runMetric('popularUsersSeen');
    expect(out.slice().sort()).toEqual([
      'Saw user Matei Zaharia at time 2000 ms',
      'Saw user Patrick Wendell at time 1000 ms',
      'Saw user Patrick Wendell at time 1000 ms',
      'Saw user Reynold Xin at time 1000 ms',
    ]);
  });

  it('names an unknown metric (and then has no output to run, as in Spark)', async () => {
    await expect(runMetric('bounceRate')).rejects.toThrow('No output operations registered');
    const said: string[] = [];
    const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('test'), Seconds(1));
    try {
      const pageViews = ssc.queueStream<PageView>([]);
      outputMetric('bounceRate', pageViewMetrics(pageViews, ssc.sparkContext), (l) => said.push(l));
    } finally {
      await ssc.stop();
    }
    expect(said).toEqual(['Invalid metric entered: bounceRate']);
  });

  it('reads page views from the generator over a socket', async () => {
    const server = await startPageViewGenerator(0, 100, () => undefined);
    const port = (server.address() as { port: number }).port;
    const ssc = await pageViewStream(['pageCounts', '127.0.0.1', String(port)], new SparkConf().setMaster('local[2]'));
    const out = capture(ssc);
    try {
      await ssc.start();
      const total = (): number => printedBatches(out).reduce((n, b) => n + pairs(b.lines).reduce((m, [, c]) => m + c, 0), 0);
      await eventually(() => total() >= 20, () => out.join('\n'));
      for (const b of printedBatches(out)) for (const [url] of pairs(b.lines)) expect(pages.map((p) => p[0])).toContain(url);
    } finally {
      await ssc.stop();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  }, 30_000);
});

describe('PageViewStream on worker threads (buildGraph)', () => {
  /** The example fed BATCHES over its socket: one page view per line, as the generator sends them. */
  const fed = (metric: string): FedExample => ({
    build: (port, conf) => pageViewStream([metric, '127.0.0.1', String(port)], conf),
    batches: BATCHES.map((b) => b.map((view) => view.toString().trimEnd())),
  });

  it('pageCounts: local[2] builds the graph in two workers, which run the tasks, and prints the counts local[1] prints', async () => {
    const { one, two } = await runOnOneAndTwo(fed('pageCounts'));
    // Known answers: each batch's views per URL, counted here
    const expected = BATCHES.map((b) => {
      const m = new Map<string, number>();
      for (const view of b) m.set(view.url, (m.get(view.url) ?? 0) + 1);
      return m;
    });
    expect(printedBatches(one.out).map((x) => new Map(pairs(x.lines)))).toEqual(expected);
    expect(sortedBatches(two.out)).toEqual(sortedBatches(one.out));
  }, 120_000);

  it('popularUsersSeen: the join with the static dataset runs in the workers and prints the users local[1] prints', async () => {
    const { one, two } = await runOnOneAndTwo(fed('popularUsersSeen'));
    // Known answers: every view of a user of the dataset, by batch
    const names = new Map([[1, 'Patrick Wendell'], [2, 'Reynold Xin'], [3, 'Matei Zaharia']]);
    const expected = BATCHES.flatMap((b, i) => b.filter((view) => names.has(view.userID)).map((view) => `Saw user ${names.get(view.userID)} at time ${(i + 1) * 1000} ms`));
    expect(expected).toHaveLength(4);
    expect(one.out.slice().sort()).toEqual(expected.slice().sort());
    expect(two.out.slice().sort()).toEqual(one.out.slice().sort());
  }, 120_000);

  it('defaults to every core (local[*]): one worker thread per core builds its graph', async () => {
    const ssc = await pageViewStream(['pageCounts', '127.0.0.1', '9']);
    try {
      const cores = availableParallelism();
      // local[1] (a one-core machine) keeps every task on the main thread
      expect(tasksPerWorker(ssc)).toEqual(cores > 1 ? new Array<number>(cores).fill(0) : undefined);
    } finally {
      await ssc.stop();
    }
  }, 60_000);
});
