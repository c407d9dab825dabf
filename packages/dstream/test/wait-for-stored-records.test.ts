import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf, Seconds, type ManualClock } from '@kindling/core';
import type { Socket } from 'node:net';
import { StreamingContext } from '../src/index.ts';
import { waitForStoredRecords } from '../src/testing/index.ts';
import { LineServer } from './support/line-server.ts';

describe('waitForStoredRecords', () => {
  let ssc: StreamingContext | undefined;
  let server: LineServer | undefined;
  afterEach(async () => {
    await ssc?.stop();
    await server?.close();
    ssc = server = undefined;
  });

  function manualContext(blockInterval: string): StreamingContext {
    const conf = new SparkConf().setMaster('local[2]').setAppName('wait-for-stored').set('spark.streaming.clock', 'manual')
      .set('spark.streaming.blockInterval', blockInterval);
    return new StreamingContext(conf, Seconds(1));
  }

  for (const blockInterval of ['20ms', '1h']) {
    it(`lets each manual-clock batch take exactly the lines a real socket receiver stored (blockInterval ${blockInterval})`, async () => {
      let client: Socket | undefined;
      server = new LineServer((socket) => { client = socket; });
      const port = await server.listen();
      ssc = manualContext(blockInterval);
      const batches: string[][] = [];
      ssc.socketTextStream('127.0.0.1', port, undefined, { log: () => undefined }).foreachRDD(async (rdd) => { batches.push(await rdd.collect()); });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      const first = Array.from({ length: 50 }, (_, i) => `line ${i}`);
      const second = ['x', 'y', 'z'];
      for (let i = 0; i < 100 && client === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      client!.write(first.map((l) => `${l}\n`).join(''));
      await waitForStoredRecords(ssc, first.length);
      await clock.advance(1000);
      client!.write(second.map((l) => `${l}\n`).join(''));
      await waitForStoredRecords(ssc, first.length + second.length);
      await clock.advance(1000);
      await clock.advance(1000);
      expect(batches).toEqual([first, second, []]);
    });
  }

  it('rejects after the timeout saying how many records were stored, and without a receiver stream', async () => {
    server = new LineServer((socket) => { socket.write('only\none\n'); });
    const port = await server.listen();
    ssc = manualContext('20ms');
    ssc.socketTextStream('127.0.0.1', port, undefined, { log: () => undefined }).print();
    await ssc.start();
    await waitForStoredRecords(ssc, 2);
    await expect(waitForStoredRecords(ssc, 5, { timeoutMs: 100 })).rejects.toThrow(/^waitForStoredRecords: 2 of 5 records stored by socketTextStream at wait-for-stored-records\.test\.ts:\d+ after 100 ms/);
    await ssc.stop();
    ssc = undefined;
    const other = manualContext('20ms');
    try {
      other.queueStream([[1]]).print();
      await expect(waitForStoredRecords(other, 1)).rejects.toThrow(/has no receiver stream/);
    } finally {
      await other.stop();
    }
  });
});
