import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { customReceiver } from '../src/custom-receiver.ts';
import { printedWordCounts, runOnOneAndTwo, sortedBatches, type FedExample } from './support/fed-run.ts';
import { capture, eventually, totals } from './support/printed.ts';
import { startTextServer } from './support/text-server.ts';
import type { TextServer } from './support/text-server.ts';

describe('CustomReceiver', () => {
  let ssc: StreamingContext | undefined;
  let server: TextServer | undefined;
  afterEach(async () => {
    await ssc?.stop(); // also after a failed start, which leaves the SparkContext running
    await server?.close();
  });

  it('stores the lines it reads, and reconnects when the server ends the connection', async () => {
    // First connection: two lines, then the server hangs up; the receiver restarts and
    // connects again, and the second connection sends one more line and stays open.
    server = await startTextServer((socket, n) => {
      if (n === 1) socket.end('red green\nred\n');
      else socket.write('green blue\n');
    });
    ssc = await customReceiver(['127.0.0.1', String(server.port)], new SparkConf().setMaster('local[2]'));
    const out = capture(ssc);
    await ssc.start();
    const expected = new Map([['red', 2], ['green', 2], ['blue', 1]]);
    await eventually(() => JSON.stringify([...totals(out)].sort()) === JSON.stringify([...expected].sort()), () => out.join('\n'), 20_000);
    expect(server.connections()).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('under local[2] builds its graph (and receiver) in two worker threads, which run the tasks, and prints what local[1] prints', async () => {
    const example: FedExample = {
      build: (port, conf) => customReceiver(['127.0.0.1', String(port)], conf),
      batches: [['red green', 'red'], [], ['green blue blue', 'cyan']],
    };
    const { one, two } = await runOnOneAndTwo(example);
    // Known answers: each batch's word counts, computed here from the lines sent
    expect(sortedBatches(one.out)).toEqual(printedWordCounts(example.batches));
    expect(sortedBatches(two.out)).toEqual(sortedBatches(one.out));
  }, 120_000);
});
