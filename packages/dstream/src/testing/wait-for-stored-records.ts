import { ReceiverInputDStream } from '../internal.ts';
import type { StreamingContext } from '../internal.ts';

/** Options of {@link waitForStoredRecords}. */
export interface WaitForStoredRecordsOptions {
  /** Count only this receiver stream's records. Default: every receiver stream of the context. */
  stream?: ReceiverInputDStream<unknown>;
  /** Reject after this long (ms) with how many records were stored. Default 10,000. */
  timeoutMs?: number;
}

const POLL_MS = 5;

/**
 * Resolves once the context's receiver streams have stored at least `n` records since the
 * context started (counted across batches: after a first batch of 5 records, wait for 8 to
 * get 3 more), so that advancing a manual clock next gives the batch those records, instead
 * of sleeping and hoping. While it waits, what a receiver stored is cut into blocks at each
 * check, as a batch does, so a long `spark.streaming.blockInterval` holds nothing back; with a
 * receiver write-ahead log a record counts once its block is written. Rejects after
 * `timeoutMs`, saying how many records were stored.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { createServer } from 'node:net';
 * import { waitForStoredRecords } from '@kindling/dstream/testing';
 * const server = createServer((socket) => socket.end('a\nb\nc\n'));
 * await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
 * const port = (server.address() as { port: number }).port;
 * const conf = new SparkConf().setMaster('local[2]').setAppName('wait').set('spark.streaming.clock', 'manual');
 * const ssc = new StreamingContext(conf, Seconds(1));
 * const batches: string[][] = [];
 * ssc.socketTextStream('127.0.0.1', port).foreachRDD(async (rdd) => { batches.push(await rdd.collect()); });
 * await ssc.start();
 * await waitForStoredRecords(ssc, 3);
 * await (ssc.clock as ManualClock).advance(1000);
 * assert.deepEqual(batches, [['a', 'b', 'c']]);
 * await ssc.stop();
 * server.close();
 * ```
 */
export async function waitForStoredRecords(ssc: StreamingContext, n: number, options: WaitForStoredRecordsOptions = {}): Promise<void> {
  const streams = options.stream !== undefined
    ? [options.stream]
    : ssc.graph.inputStreams.filter((s): s is ReceiverInputDStream<unknown> => s instanceof ReceiverInputDStream);
  if (streams.length === 0) {
    throw new Error('waitForStoredRecords: the context has no receiver stream (socketTextStream, receiverStream, observableStream, ...); for other inputs advance the clock directly.');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const stored = (): number => {
    let total = 0;
    for (const s of streams) total += s.storedRecords;
    return total;
  };
  for (;;) {
    if (ssc.getState() !== 'ACTIVE') {
      throw new Error(`waitForStoredRecords: the StreamingContext is ${ssc.getState()} (${stored()} of ${n} records stored): call it after ssc.start(), before stop().`);
    }
    for (const s of streams) s.cutBlock();
    if (stored() >= n) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `waitForStoredRecords: ${stored()} of ${n} records stored by ${streams.map((s) => s.describe()).join(', ')} after ${timeoutMs} ms: ` +
          'check that the source sent them and that the receiver is connected (its log lines say), or pass a longer timeoutMs.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
