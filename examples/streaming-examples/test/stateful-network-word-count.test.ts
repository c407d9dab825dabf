import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { statefulNetworkWordCount } from '../src/stateful-network-word-count.ts';
import { runOnOneAndTwo, sortedBatches, type FedExample } from './support/fed-run.ts';
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
    ssc = await statefulNetworkWordCount(['127.0.0.1', String(server.port)], new SparkConf().setMaster('local[2]'), dir);
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

  it('under local[2] keeps its state in two worker threads, which run the tasks, and prints what local[1] prints', async () => {
    dir = await mkdtemp(join(tmpdir(), 'stateful-wc-'));
    const root = dir;
    let runs = 0;
    const example: FedExample = {
      build: (port, conf) => statefulNetworkWordCount(['127.0.0.1', String(port)], conf, join(root, `run-${runs++}`)),
      batches: [['hello hello world', 'foo'], ['foo bar'], [], ['hello', 'bar bar world']],
    };
    const { one, two } = await runOnOneAndTwo(example);
    // Known answers, computed here: mapWithState emits one (word, running count) per word
    // received, the count starting from the initial RDD's hello = 1, world = 1.
    const running = new Map([['hello', 1], ['world', 1]]);
    const expected = example.batches.map((lines, i) => {
      const emitted: string[] = [];
      for (const w of lines.flatMap((l) => l.split(' '))) {
        running.set(w, (running.get(w) ?? 0) + 1);
        emitted.push(`(${w},${running.get(w)})`);
      }
      return { time: `${(i + 1) * 1000} ms`, lines: emitted.sort() };
    });
    expect(sortedBatches(one.out)).toEqual(expected);
    expect(sortedBatches(two.out)).toEqual(sortedBatches(one.out));
  }, 120_000);
});
