import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { rawNetworkGrep } from '../src/raw-network-grep.ts';
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
    ssc = rawNetworkGrep(['3', '127.0.0.1', String(server.port), '200'], new SparkConf().setMaster('local[2]'));
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

  it('checks its arguments', () => {
    expect(() => rawNetworkGrep(['3', 'localhost', '9999'])).toThrow('Usage: RawNetworkGrep <numStreams> <host> <port> <batchMillis>');
    expect(() => rawNetworkGrep(['x', 'localhost', '9999', '200'])).toThrow('<numStreams> must be an integer');
  });
});
