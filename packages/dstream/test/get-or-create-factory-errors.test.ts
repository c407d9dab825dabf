import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, SparkContext, Seconds } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';

// StreamingContext.getOrCreate whose factory throws, or returns something else than the
// context it built (a forgotten `return ssc`). The factory's own error reaches the caller
// unchanged (a TypeError naming what came back for a wrong return), the checkpoint is left as
// it was, and the SparkContext the factory created is stopped: the process can call
// getOrCreate again, and recovers the state the checkpoint holds. Before, a retry failed with
// "Only one SparkContext should be running", and a forgotten return with "Cannot read
// properties of undefined (reading 'checkpointDir')".

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
afterEach(() => { SparkContext.getActive()?.stop(); });

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'get-or-create-factory-'));
  dirs.push(d);
  return d;
}

/** Running word counts of the files that appear in `dir`/in (state checkpointed in `dir`). */
function build(dir: string, out: [string, number][][]): StreamingContext {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('factory-errors').set('spark.streaming.clock', 'manual'), Seconds(1));
  ssc.checkpoint(dir);
  ssc.textFileStream(join(dir, 'in')).flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number])
    .updateStateByKey((vs: number[], total: number | undefined) => vs.reduce((a, b) => a + b, total ?? 0))
    .foreachRDD(async (rdd) => { out.push((await rdd.collect()).sort((x, y) => (x[0] < y[0] ? -1 : 1))); });
  return ssc;
}

/** Starts `ssc`, writes each line as a new file before its batch, and stops. */
async function run(ssc: StreamingContext, dir: string, lines: string[]): Promise<void> {
  mkdirSync(join(dir, 'in'), { recursive: true });
  await ssc.start();
  try {
    for (const line of lines) {
      writeFileSync(join(dir, 'in', `${line.replaceAll(' ', '-')}-${Math.random()}.txt`), `${line}\n`);
      await (ssc.clock as ManualClock).advance(1000);
    }
  } finally {
    await ssc.stop();
  }
}

const failure = (p: Promise<unknown>): Promise<Error> => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as Error);

describe('getOrCreate with a factory that throws', () => {
  it('without a checkpoint: the error is the factory\'s own, and a second call with a working factory starts fresh', async () => {
    const dir = freshDir();
    const broke = new Error('no config');
    expect(await failure(StreamingContext.getOrCreate(dir, () => { throw broke; }))).toBe(broke);
    // The factory built a context before throwing: its SparkContext does not block the next call.
    const after = new Error('broke after building');
    expect(await failure(StreamingContext.getOrCreate(dir, () => { build(dir, []); throw after; }))).toBe(after);
    expect(await failure(StreamingContext.getOrCreate(dir, async () => { build(dir, []); await Promise.resolve(); throw after; }))).toBe(after);
    expect(SparkContext.getActive()).toBeUndefined();
    const out: [string, number][][] = [];
    await run(await StreamingContext.getOrCreate(dir, () => build(dir, out)), dir, ['a', 'b a']);
    expect(out).toEqual([[['a', 1]], [['a', 2], ['b', 1]]]);
  });

  it('with a checkpoint: the error is the factory\'s own, nothing in the checkpoint changes, and a later call recovers the state', async () => {
    const dir = freshDir();
    const first: [string, number][][] = [];
    await run(await StreamingContext.getOrCreate(dir, () => build(dir, first)), dir, ['a', 'b a']);
    expect(first).toEqual([[['a', 1]], [['a', 2], ['b', 1]]]);
    const metadata = readdirSync(join(dir, 'metadata')).sort();
    const broke = new Error('factory broke on recovery');
    expect(await failure(StreamingContext.getOrCreate(dir, () => { build(dir, []); throw broke; }))).toBe(broke);
    expect(SparkContext.getActive()).toBeUndefined();
    expect(readdirSync(join(dir, 'metadata')).sort()).toEqual(metadata);
    // Recovered: batch 2 runs again from batch 1's state (as Spark), then batch 3 adds to it.
    const second: [string, number][][] = [];
    await run(await StreamingContext.getOrCreate(dir, () => build(dir, second)), dir, ['c']);
    expect(second).toEqual([[['a', 2], ['b', 1]], [['a', 2], ['b', 1], ['c', 1]]]);
  });

  it('a factory returning no StreamingContext fails naming what it returned, with or without a checkpoint', async () => {
    const dir = freshDir();
    for (const returned of [undefined, null, 42, 'ssc']) {
      const e = await failure(StreamingContext.getOrCreate(dir, (() => { build(dir, []); return returned; }) as unknown as () => StreamingContext));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toContain(`StreamingContext.getOrCreate('${dir}', create): create returned ${returned === 'ssc' ? 'a string' : String(returned)}, not a StreamingContext`);
      expect(e.message).toContain('return ssc');
      expect(SparkContext.getActive()).toBeUndefined();
    }
    const sc = await failure(StreamingContext.getOrCreate(dir, (() => new SparkContext(new SparkConf().setMaster('local[1]').setAppName('x'))) as unknown as () => StreamingContext));
    expect(sc.message).toContain('create returned a SparkContext, not a StreamingContext');
    await run(await StreamingContext.getOrCreate(dir, () => build(dir, [])), dir, ['a']);
    const e = await failure(StreamingContext.getOrCreate(dir, (async () => { build(dir, []); }) as unknown as () => StreamingContext));
    expect(e.message).toContain('create returned undefined, not a StreamingContext');
    expect(SparkContext.getActive()).toBeUndefined();
  });

  it('a SparkContext that existed before the call is not stopped when the factory throws', async () => {
    const dir = freshDir();
    const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('mine'));
    const broke = new Error('broke');
    expect(await failure(StreamingContext.getOrCreate(dir, () => { new StreamingContext(sc, Seconds(1)); throw broke; }))).toBe(broke);
    expect(SparkContext.getActive()).toBe(sc);
    sc.stop();
  });
});
