// Issue #4 item 5: the token-bucket limiter, Spark's PID rate estimator (values worked out by
// hand from its formula), lossless throttling, maxRate and backpressure end to end.
import { afterEach, describe, expect, it } from 'vitest';
import { BatchInfo, BlockGenerator, Milliseconds, PIDRateEstimator, RateController, RateLimiter, Time, type StreamInputInfo } from '../src/index.ts';
import { InputTestKit, eventually } from './support/input-test-kit.ts';
import { LineServer } from './support/line-server.ts';

const kit = new InputTestKit();
const servers: LineServer[] = [];
afterEach(async () => {
  await kit.cleanup();
  for (const s of servers.splice(0)) await s.close();
});

describe('PIDRateEstimator', () => {
  it('sets a baseline on the first batch, then corrects by the proportional and integral terms', () => {
    const e = new PIDRateEstimator(1000, 1, 0.2, 0, 100);
    // 1000 records in 500 ms: 2000 records/s measured; first run gives no estimate.
    expect(e.compute(1000, 1000, 500, 0)).toBeUndefined();
    // 1000 records in 1000 ms: rate 1000, error 2000-1000 = 1000, new rate 2000 - 1000 = 1000.
    expect(e.compute(2000, 1000, 1000, 0)).toBeCloseTo(1000, 9);
    // 1000 in 2000 ms after waiting 1000 ms: rate 500, error 500, historical error
    // 1000 * 500 / 1000 = 500: 1000 - 500 - 0.2 * 500 = 400.
    expect(e.compute(3000, 1000, 2000, 1000)).toBeCloseTo(400, 9);
  });

  it('applies the derivative term to the change of the error per second', () => {
    const e = new PIDRateEstimator(1000, 0, 0, 1, 1);
    expect(e.compute(1000, 100, 100, 0)).toBeUndefined(); // baseline 1000/s
    // rate 500: error 500, dError (500 - 0) / 1 s = 500: 1000 - 500 = 500.
    expect(e.compute(2000, 100, 200, 0)).toBeCloseTo(500, 9);
    // rate 1000: error 500 - 1000 = -500, dError (-500 - 500) / 1 = -1000: 500 + 1000 = 1500.
    expect(e.compute(3000, 100, 100, 0)).toBeCloseTo(1500, 9);
  });

  it('never goes below minRate', () => {
    const e = new PIDRateEstimator(1000, 1, 0.2, 0, 100);
    e.compute(1000, 10, 1000, 0);
    expect(e.compute(2000, 10, 1000, 0)).toBe(100);
  });

  it('ignores batches without records, without processing time, or not later than the last', () => {
    const e = new PIDRateEstimator(1000, 1, 0.2, 0, 100);
    expect(e.compute(1000, 0, 100, 0)).toBeUndefined();
    expect(e.compute(1000, 100, 0, 0)).toBeUndefined();
    expect(e.compute(1000, 1000, 500, 0)).toBeUndefined(); // baseline
    expect(e.compute(1000, 1000, 1000, 0)).toBeUndefined(); // same time
    expect(e.compute(2000, 1000, 1000, 0)).toBeCloseTo(1000, 9);
  });

  it('validates its parameters as Spark does, and reads them from the configuration', () => {
    expect(() => new PIDRateEstimator(0)).toThrow(/batch interval must be > 0/);
    expect(() => new PIDRateEstimator(1000, -1)).toThrow(/proportional must be >= 0/);
    expect(() => new PIDRateEstimator(1000, 1, 0.2, 0, 0)).toThrow(/minRate must be > 0/);
    const ssc = kit.context({ 'spark.streaming.backpressure.pid.proportional': '0.5', 'spark.streaming.backpressure.pid.minRate': '7' });
    const e = PIDRateEstimator.fromConf(ssc.streamingConf.backpressure, 1000);
    expect([e.proportional, e.integral, e.derivative, e.minRate]).toEqual([0.5, 0.2, 0, 7]);
  });
});

describe('RateController', () => {
  it('feeds a completed batch of its stream to the estimator and publishes the estimate', () => {
    const published: number[] = [];
    const rc = new RateController(3, new PIDRateEstimator(1000, 1, 0.2, 0, 100), (r) => published.push(r));
    const batch = (t: number, n: number, start: number, end: number): BatchInfo => {
      const info: StreamInputInfo = { inputStreamId: 3, numRecords: n, metadata: {} };
      return new BatchInfo(new Time(t), new Map([[3, info]]), start - 0, start, end, new Map());
    };
    rc.onBatchCompleted({ batchInfo: batch(1000, 1000, 10_000, 10_500) });
    rc.onBatchCompleted({ batchInfo: batch(2000, 1000, 11_000, 12_000) });
    expect(published).toEqual([1000]);
    expect(rc.latestRate).toBe(1000);
    // Another stream's batch does not count.
    const other = new RateController(4, new PIDRateEstimator(1000), (r) => published.push(r));
    other.onBatchCompleted({ batchInfo: batch(3000, 5, 13_000, 13_100) });
    expect(published).toEqual([1000]);
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, then one record per 1/rate seconds; never above maxRate', () => {
    let now = 0;
    const l = new RateLimiter(10, Number.POSITIVE_INFINITY, 1000, () => now);
    let passed = 0;
    while (l.tryAcquire()) passed++;
    expect(passed).toBe(10); // a burst of 1000 ms worth
    expect(l.msUntilNextPermit()).toBeCloseTo(100, 9);
    now += 250;
    passed = 0;
    while (l.tryAcquire()) passed++;
    expect(passed).toBe(2);
    const capped = new RateLimiter(500, 100, 1000, () => now);
    expect(capped.rate).toBe(100);
    capped.updateRate(1000);
    expect(capped.rate).toBe(100);
    capped.updateRate(0); // ignored, as Spark
    expect(capped.rate).toBe(100);
    capped.updateRate(40);
    expect(capped.rate).toBe(40);
    expect(new RateLimiter(Number.POSITIVE_INFINITY).tryAcquire()).toBe(true);
  });
});

describe('BlockGenerator', () => {
  it('holds what exceeds the rate (throttled$ true) and releases all of it, in order, as tokens come', async () => {
    const blocks: number[][] = [];
    const g = new BlockGenerator<number>(1_000_000, new RateLimiter(1000, Number.POSITIVE_INFINITY, 10), (b) => blocks.push(b));
    const throttled: boolean[] = [];
    g.throttled$.subscribe((t) => throttled.push(t));
    for (let i = 0; i < 100; i++) g.add(i);
    expect(g.isThrottled).toBe(true);
    expect(g.pendingRecords).toBe(100);
    await eventually(() => !g.isThrottled, () => `${g.pendingRecords} pending`);
    g.flush();
    expect(blocks.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(throttled).toEqual([false, true, false]);
    g.stop();
  });

  it('stop releases records still waiting for the limiter into a last block', () => {
    const blocks: number[][] = [];
    const g = new BlockGenerator<number>(1_000_000, new RateLimiter(1, Number.POSITIVE_INFINITY, 1000), (b) => blocks.push(b));
    for (let i = 0; i < 5; i++) g.add(i);
    g.stop();
    expect(blocks.flat()).toEqual([0, 1, 2, 3, 4]);
  });
});

/** A server that writes `n` numbered lines as fast as TCP takes them, on its first connection. */
async function lineServer(n: number): Promise<number> {
  const srv = new LineServer((socket, k) => {
    if (k !== 1) return;
    let i = 0;
    const pump = (): void => {
      while (i < n) {
        const ok = socket.write(`${i++}\n`);
        if (!ok) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  servers.push(srv);
  return srv.listen();
}

describe('maxRate and backpressure, end to end over a socket', () => {
  it('spark.streaming.receiver.maxRate bounds every batch, pauses the socket and loses nothing', async () => {
    const total = 3000;
    const port = await lineServer(total);
    const ssc = kit.context({ 'spark.streaming.receiver.maxRate': '2000', 'spark.streaming.blockInterval': '100ms' }, 'system', Milliseconds(250));
    const stream = ssc.socketTextStream('127.0.0.1', port, undefined, { log: () => undefined });
    const perBatch: number[] = [];
    let out = 0;
    stream.foreachRDD(async (rdd) => { out += await rdd.count(); });
    ssc.addStreamingListener({ onBatchCompleted: (e) => perBatch.push(e.batchInfo.numRecords) });
    const paused: boolean[] = [];
    await ssc.start();
    stream.receiver.paused$.subscribe((p) => paused.push(p));
    const counted = (): number => perBatch.reduce((a, b) => a + b, 0);
    await eventually(() => out === total && counted() === total, () => `${out} of ${total}; per batch ${perBatch.join(',')}`, 20_000);
    expect(stream.rateLimit).toBe(2000);
    expect(paused).toContain(true);
    // 2000/s over a 250 ms batch is 500, plus a 100 ms burst (200): generous bound 2x that.
    expect(Math.max(...perBatch)).toBeLessThanOrEqual(1400);
  }, 30_000);

  it('backpressure lowers the ingestion rate to what a slow pipeline can process, with count in = count out', async () => {
    const total = 4000;
    const port = await lineServer(total);
    const ssc = kit.context(
      {
        'spark.streaming.backpressure.enabled': 'true',
        'spark.streaming.backpressure.initialRate': '1000',
        'spark.streaming.blockInterval': '50ms',
      },
      'system',
      Milliseconds(200),
    );
    const stream = ssc.socketTextStream('127.0.0.1', port, undefined, { log: () => undefined });
    const perBatch: number[] = [];
    const seen = new Set<string>();
    // The slow pipeline: 0.5 ms per record, a capacity of 2000 records/s (400 per 200 ms batch).
    stream.foreachRDD(async (rdd) => {
      const lines = await rdd.collect();
      for (const l of lines) seen.add(l);
      await new Promise((r) => setTimeout(r, lines.length * 0.5));
    });
    ssc.addStreamingListener({ onBatchCompleted: (e) => perBatch.push(e.batchInfo.numRecords) });
    await ssc.start();
    const counted = (): number => perBatch.reduce((a, b) => a + b, 0);
    await eventually(() => seen.size === total && counted() === total, () => `${seen.size} of ${total}; per batch ${perBatch.join(',')}`, 25_000, 50);
    // Without backpressure the first batch would take all 4000 lines; with initialRate 1000/s
    // it takes about 200 (+50 burst), and the estimate keeps batches near the capacity of 400.
    const first = perBatch.find((n) => n > 0)!;
    expect(first).toBeLessThanOrEqual(600);
    expect(Math.max(...perBatch)).toBeLessThanOrEqual(1600);
    expect(stream.rateController?.latestRate).toBeDefined();
    expect(stream.rateLimit).toBeLessThan(Number.POSITIVE_INFINITY);
  }, 30_000);
});
