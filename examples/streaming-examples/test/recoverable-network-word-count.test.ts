import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { recoverableNetworkWordCount } from '../src/recoverable-network-word-count.ts';
import { runOnOneAndTwo, type FedExample } from './support/fed-run.ts';
import { eventually, wordCounts } from './support/printed.ts';
import { startTextServer } from './support/text-server.ts';
import type { TextServer } from './support/text-server.ts';

/** Reads `Counts at time <t> [(w,n), ...]` lines back into summed counts. */
function summed(lines: readonly string[]): Map<string, number> {
  const t = new Map<string, number>();
  for (const line of lines) {
    const m = /^Counts at time \d+ ms \[(.*)\]$/.exec(line);
    if (!m) continue;
    for (const pair of m[1]!.match(/\([^()]*\)/g) ?? []) {
      const [, w, n] = /^\((.*),(\d+)\)$/.exec(pair)!;
      t.set(w!, (t.get(w!) ?? 0) + Number(n));
    }
  }
  return t;
}

describe('RecoverableNetworkWordCount', () => {
  let ssc: StreamingContext | undefined;
  let server: TextServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await ssc?.stop(); // also after a failed start, which leaves the SparkContext running
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates the context once, then recovers it from the checkpoint; drops and counts excluded words', async () => {
    dir = await mkdtemp(join(tmpdir(), 'recoverable-wc-'));
    const checkpoint = join(dir, 'checkpoint');
    const output = join(dir, 'out.txt');
    // first run's connection: a, b are excluded (3 words dropped); second run's: c is (1 dropped)
    server = await startTextServer((socket, n) => socket.write(n === 1 ? 'a b hello world a hello\n' : 'c hello\n'));
    const args = ['127.0.0.1', String(server.port), checkpoint, output];

    const printed1: string[] = [];
    ssc = await recoverableNetworkWordCount(args, new SparkConf().setMaster('local[2]'), (l) => printed1.push(l));
    expect(printed1[0]).toBe('Creating new context');
    await ssc.start();
    await eventually(() => printed1.includes('Dropped 3 word(s) totally'), () => printed1.join('\n'));
    await eventually(() => summed(printed1).get('hello') === 2, () => printed1.join('\n'));
    // let a checkpoint of a later batch land, then stop as a crash would leave it
    await new Promise((r) => setTimeout(r, 1500));
    await ssc.stop(true, false);
    const fileAfterRun1 = await readFile(output, 'utf8');
    expect(summed(fileAfterRun1.split('\n'))).toEqual(new Map([['hello', 2], ['world', 1]]));

    const printed2: string[] = [];
    ssc = await recoverableNetworkWordCount(args, new SparkConf().setMaster('local[2]'), (l) => printed2.push(l));
    expect(printed2).not.toContain('Creating new context'); // recovered from the checkpoint
    await ssc.start();
    await eventually(() => {
      const lines = readFileSyncSafe(output);
      return summed(lines).get('hello') === 3;
    }, () => readFileSyncSafe(output).join('\n'));
    const all = summed(readFileSyncSafe(output));
    expect(all.get('c')).toBeUndefined();
    expect(all.get('a')).toBeUndefined();
    expect(all.get('world')).toBe(1);
    // the file was appended to, not recreated
    expect(readFileSyncSafe(output).join('\n').startsWith(fileAfterRun1.trimEnd())).toBe(true);
    // a new process would start a new accumulator: only 'c' was dropped since the recovery
    await eventually(() => printed2.includes('Dropped 1 word(s) totally'), () => printed2.join('\n'));
    expect(printed2).not.toContain('Dropped 4 word(s) totally');
  }, 60_000);

  it('under local[2] counts in two worker threads, runs its output once on the main thread, and prints what local[1] prints', async () => {
    dir = await mkdtemp(join(tmpdir(), 'recoverable-wc-'));
    const root = dir;
    let runs = 0;
    const example: FedExample = {
      build: (port, conf, println) => {
        const run = join(root, `run-${runs++}`);
        return recoverableNetworkWordCount(['127.0.0.1', String(port), join(run, 'checkpoint'), join(run, 'out.txt')], conf, println);
      },
      batches: [['a hello world', 'b b hello'], ['c'], ['world d']],
    };
    const { one, two } = await runOnOneAndTwo(example);
    // Known answers, computed here: per batch, the counts of the words not excluded (a, b, c),
    // and the running total of the excluded ones (the accumulator, added to on the main thread)
    const excluded = ['a', 'b', 'c'];
    let dropped = 0;
    const expected = example.batches.map((lines) => {
      const counts = [...wordCounts(lines.join('\n'))];
      dropped += counts.filter(([w]) => excluded.includes(w)).reduce((n, [, c]) => n + c, 0);
      return { counts: counts.filter(([w]) => !excluded.includes(w)).sort(), dropped: `Dropped ${dropped} word(s) totally` };
    });
    const perBatch = (out: readonly string[]): { counts: [string, number][]; dropped: string }[] => {
      const got: { counts: [string, number][]; dropped: string }[] = [];
      for (let i = 0; i < out.length; i++) {
        if (!out[i]!.startsWith('Counts at time ')) continue;
        got.push({ counts: [...summed([out[i]!])].sort(), dropped: out[i + 1]! });
      }
      return got;
    };
    expect(one.out[0]).toBe('Creating new context');
    expect(perBatch(one.out)).toEqual(expected);
    expect(perBatch(two.out)).toEqual(perBatch(one.out));
    // The times are the batches' own under both masters
    const times = (out: readonly string[]): string[] => out.filter((l) => l.startsWith('Counts at time ')).map((l) => l.split(' ')[3]!);
    expect(times(two.out)).toEqual(times(one.out));
    expect(times(one.out)).toEqual(['1000', '2000', '3000']);
  }, 120_000);
});

import { readFileSync } from 'node:fs';
function readFileSyncSafe(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch {
    return [];
  }
}
