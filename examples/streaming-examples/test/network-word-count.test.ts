import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { networkWordCount } from '../src/network-word-count.ts';
import { UsageError } from '../src/run-example.ts';
import { printedWordCounts, runOnOneAndTwo, sortedBatches, type FedExample } from './support/fed-run.ts';
import { capture, eventually, totals, wordCounts } from './support/printed.ts';
import { startTextServer } from './support/text-server.ts';
import type { TextServer } from './support/text-server.ts';

const TEXT = 'hello world hello\nkindling streams words\nhello streams\n';

describe('NetworkWordCount', () => {
  let ssc: StreamingContext | undefined;
  let server: TextServer | undefined;
  afterEach(async () => {
    await ssc?.stop(); // also after a failed start, which leaves the SparkContext running
    await server?.close();
  });

  it('counts the words received on the socket, batch by batch', async () => {
    server = await startTextServer((socket) => socket.write(TEXT));
    ssc = await networkWordCount(['127.0.0.1', String(server.port)], new SparkConf().setMaster('local[2]'));
    const out = capture(ssc);
    await ssc.start();
    const expected = wordCounts(TEXT); // hello 3, world 1, kindling 1, streams 2, words 1
    expect(expected.get('hello')).toBe(3);
    await eventually(() => JSON.stringify([...totals(out)].sort()) === JSON.stringify([...expected].sort()), () => out.join('\n'));
    expect(out).toContain('-------------------------------------------');
    expect(out.some((l) => /^Time: \d+ ms$/.test(l))).toBe(true);
  });

  it('under local[2] builds its graph in two worker threads, which run the tasks, and prints what local[1] prints', async () => {
    const example: FedExample = {
      build: (port, conf) => networkWordCount(['127.0.0.1', String(port)], conf),
      batches: [['to be or not to be', 'that is'], ['be quick'], [], ['is it', 'it is']],
    };
    const { one, two } = await runOnOneAndTwo(example);
    // Known answers: each batch's word counts, computed here from the lines sent
    expect(sortedBatches(one.out)).toEqual(printedWordCounts(example.batches));
    expect(sortedBatches(two.out)).toEqual(sortedBatches(one.out));
  }, 120_000);

  it('prints its usage when arguments are missing', async () => {
    await expect(networkWordCount(['localhost'])).rejects.toThrow(UsageError);
    await expect(networkWordCount(['localhost'])).rejects.toThrow('Usage: NetworkWordCount <hostname> <port>');
  });
});
