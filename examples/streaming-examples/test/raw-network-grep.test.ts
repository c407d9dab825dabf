import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { rawNetworkGrep } from '../src/raw-network-grep.ts';
import { runOnOneAndTwo, type FedExample } from './support/fed-run.ts';
import { capture, eventually } from './support/printed.ts';
import { startTextServer } from './support/text-server.ts';
import type { TextServer } from './support/text-server.ts';

describe('RawNetworkGrep', () => {
  let ssc: StreamingContext | undefined;
  let server: TextServer | undefined;
  afterEach(async () => {
    await ssc?.stop(); // also after a failed start, which leaves the SparkContext running
    await server?.close();
  });

  it('unions several socket streams and counts the lines containing "the"', async () => {
    // 'the cat', 'the end' and 'bother' contain "the"; 'no match' does not: 3 per connection
    server = await startTextServer((socket) => socket.write('the cat\nno match\nthe end\nbother\n'));
    ssc = await rawNetworkGrep(['3', '127.0.0.1', String(server.port), '200'], new SparkConf().setMaster('local[2]'));
    const out = capture(ssc);
    await ssc.start();
    const sum = (): number => out.filter((l) => l.startsWith('Grep count: ')).reduce((n, l) => n + Number(l.slice(12)), 0);
    await eventually(() => sum() >= 9, () => out.join('\n'));
    expect(server.connections()).toBe(3);
    // a few more batches: nothing more arrives, so the total stays at 3 lines x 3 streams
    await new Promise((r) => setTimeout(r, 600));
    expect(sum()).toBe(9);
    expect(out.every((l) => /^Grep count: \d+$/.test(l))).toBe(true);
  });

  it('under local[2] builds its graph in two worker threads, where its tasks run, and prints what local[1] prints', async () => {
    const example: FedExample = {
      build: (port, conf) => rawNetworkGrep(['3', '127.0.0.1', String(port), '500'], conf),
      connections: 3,
      batches: [['the cat', 'no match', 'bother', 'the end'], ['none here'], ['then', 'other', 'thee', 'x', 'y']],
    };
    // count() coalesces each batch into one partition (a narrow chain: union, filter, count):
    // one task a batch, run by that partition's owner, which fetches the blocks the other owns
    const { one, two } = await runOnOneAndTwo(example, true);
    // Known answers: the lines of each batch that contain "the", counted here
    expect(one.out).toEqual(example.batches.map((lines) => `Grep count: ${lines.filter((l) => l.includes('the')).length}`));
    expect(two.out).toEqual(one.out);
  }, 120_000);

  it('checks its arguments', async () => {
    await expect(rawNetworkGrep(['3', 'localhost', '9999'])).rejects.toThrow('Usage: RawNetworkGrep <numStreams> <host> <port> <batchMillis>');
    await expect(rawNetworkGrep(['x', 'localhost', '9999', '200'])).rejects.toThrow('<numStreams> must be an integer');
  });
});
