import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { statefulNetworkWordCount } from '../src/stateful-network-word-count.ts';
import { capture, eventually, pairs, printedBatches } from './support/printed.ts';
import { startTextServer } from './support/text-server.ts';
import type { TextServer } from './support/text-server.ts';

describe('StatefulNetworkWordCount', () => {
  let ssc: StreamingContext | undefined;
  let server: TextServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await ssc?.stop(); // also after a failed start, which leaves the SparkContext running
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps running counts that start from the initial RDD (hello and world at 1)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'stateful-wc-'));
    server = await startTextServer((socket) => socket.write('hello hello world\nfoo hello\n'));
    ssc = statefulNetworkWordCount(['127.0.0.1', String(server.port)], new SparkConf().setMaster('local[2]'), dir);
    const out = capture(ssc);
    await ssc.start();
    // hello: 1 (initial) + 3 = 4; world: 1 + 1 = 2; foo: 0 + 1 = 1. Whatever the batches the
    // lines land in, the last value printed for a word is its final running count.
    const last = (): Map<string, number> => {
      const m = new Map<string, number>();
      for (const b of printedBatches(out)) for (const [w, c] of pairs(b.lines)) m.set(w, c);
      return m;
    };
    await eventually(() => last().get('hello') === 4 && last().get('world') === 2 && last().get('foo') === 1, () => out.join('\n'));
    // mapWithState emits only words that had data: the initial state alone prints nothing
    expect([...last().keys()].sort()).toEqual(['foo', 'hello', 'world']);
    // and the counts only grow
    const seen = new Map<string, number>();
    for (const b of printedBatches(out)) {
      for (const [w, c] of pairs(b.lines)) {
        expect(c).toBeGreaterThan(seen.get(w) ?? (w === 'hello' || w === 'world' ? 1 : 0));
        seen.set(w, c);
      }
    }
  });
});
