// Errors, listeners and the UI name a stream by the operator the user called and the user's
// line (Spark's DStream.creationSite), never by an internal stream the operator built.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SparkConf, Seconds, Milliseconds, type ManualClock } from '@kindling/core';
import { BatchFailedError, StreamingContext, type BatchInfo, type DStream } from '../src/index.ts';

const FILE = 'creation-site.test.ts';

/** This file's line of the caller: put on the same line as the call it locates. */
function here(): number {
  return Number(new RegExp(`${FILE.replace('.', '\\.')}:(\\d+):`).exec(new Error().stack!.split('\n')[2]!)![1]);
}

function manualContext(): StreamingContext {
  return new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('creation-site').set('spark.streaming.clock', 'manual'), Seconds(1));
}

/** Every stream the graph reaches from `s`, parents after children. */
function lineage(s: DStream<unknown>): DStream<unknown>[] {
  const out: DStream<unknown>[] = [];
  const visit = (d: DStream<unknown>): void => { if (!out.includes(d)) { out.push(d); d.dependencies.forEach(visit); } };
  visit(s);
  return out;
}

describe('DStream.creationSite', () => {
  let ssc: StreamingContext | undefined;
  afterEach(async () => { await ssc?.stop(); ssc = undefined; vi.restoreAllMocks(); });

  it('names the public operator and the user line, also for the streams an operator builds inside', () => {
    ssc = manualContext();
    const words = ssc.queueStream([['a', 'b', 'a']]); const queueLine = here();
    const counts = words.countByValueAndWindow(Seconds(2), Seconds(1)); const line = here();
    const streams = lineage(counts as DStream<unknown>);
    // countByValueAndWindow builds a map, a reduceByKey and a reduceByKeyAndWindow.
    expect(streams.map((s) => s.constructor.name)).toEqual(['ReducedWindowedDStream', 'ShuffledDStream', 'MappedDStream', 'QueueInputDStream']);
    for (const s of streams.slice(0, 3)) expect(s.creationSite.shortForm, s.name()).toBe(`countByValueAndWindow at ${FILE}:${line}`);
    expect(words.creationSite.shortForm).toBe(`queueStream at ${FILE}:${queueLine}`);
    expect(counts.creationSite.longForm.split('\n')[0]).toMatch(new RegExp(`^at .*${FILE.replace('.', '\\.')}:${line}:\\d+\\)?$`));
    expect(counts.setName('totals').describe()).toBe(`'totals' (countByValueAndWindow at ${FILE}:${line})`);
  });

  it('start() names the operator the user called when its stream needs a checkpoint directory', async () => {
    ssc = manualContext();
    const counts = ssc.queueStream([['a']]).countByValueAndWindow(Seconds(2), Seconds(1)); const line = here();
    counts.print();
    await expect(ssc.start()).rejects.toThrow(
      `countByValueAndWindow at ${FILE}:${line} must be checkpointed (it keeps state across batches) but the checkpoint directory has not been set`,
    );
  });

  it('a window that does not fit the slide names the operator and line at once', () => {
    ssc = manualContext();
    const words = ssc.queueStream([['a']]);
    let line = 0;
    let error: unknown;
    try { line = here(); words.countByValueAndWindow(Milliseconds(1500), Seconds(1)); } catch (e) { error = e; }
    expect((error as Error).message).toMatch(
      new RegExp(`^countByValueAndWindow at ${FILE.replace('.', '\\.')}:${line}: the window duration \\(1500 ms\\) must be a positive multiple of the parent's slide duration \\(1000 ms\\)`),
    );
    expect(() => words.window(Seconds(2), Milliseconds(500))).toThrow(/^window at creation-site\.test\.ts:\d+: the slide duration \(500 ms\)/);
  });

  it('a failing user function: the batch error names the output and the RDD by the user lines', async () => {
    ssc = manualContext();
    const parsed = ssc.queueStream([['1', 'x']]).map((s) => { const n = Number(s); if (Number.isNaN(n)) throw new Error(`not a number: ${s}`); return n; }); const mapLine = here();
    parsed.print(); const printLine = here();
    const infos: BatchInfo[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => { infos.push(e.batchInfo); } });
    await ssc.start();
    const err = await (ssc.clock as ManualClock).advance(1000).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BatchFailedError);
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(
      `^Batch 1000 ms failed in output operation #0 \\(print at ${FILE.replace('.', '\\.')}:${printLine}\\): ` +
        `Failed to compute partition \\d of MapPartitionsRDD\\[\\d+\\] at map \\(from map at ${FILE.replace('.', '\\.')}:${mapLine}\\): not a number: x`,
    ));
    expect(infos[0]!.outputOperationInfos.get(0)!.description).toBe(`print at ${FILE}:${printLine}`);
  });

  it('is captured once per stream, not per batch or record', async () => {
    ssc = manualContext();
    const capture = vi.spyOn(Error, 'captureStackTrace');
    const input = ssc.queueStream(Array.from({ length: 3 }, (_, b) => Array.from({ length: 100 }, (_, i) => `w${(b * 100 + i) % 7}`)));
    const counts = input.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b);
    const seen: number[] = [];
    counts.foreachRDD(async (rdd) => { seen.push((await rdd.collect()).length); });
    const built = lineage(counts as DStream<unknown>).length + 1; // and the foreachRDD
    expect(capture).toHaveBeenCalledTimes(built);
    await ssc.start();
    for (let i = 0; i < 3; i++) await (ssc.clock as ManualClock).advance(1000);
    expect(seen).toEqual([7, 7, 7]);
    expect(capture).toHaveBeenCalledTimes(built);
  });
});

describe('call sites are formatted only when something reads them', () => {
  let ssc: StreamingContext | undefined;
  afterEach(async () => { await ssc?.stop(); ssc = undefined; });

  /** Counts V8's stack formattings (a call site is formatted by reading its captured stack) until `stop()`. */
  function countStackFormatting(): { readonly count: number; stop(): void } {
    const previous = Error.prepareStackTrace;
    const counter = { count: 0, stop: () => { Error.prepareStackTrace = previous; } };
    Error.prepareStackTrace = (error, frames) => {
      counter.count++;
      return previous !== undefined ? previous(error, frames) : `${String(error)}\n${frames.map((f) => `    at ${String(f)}`).join('\n')}`;
    };
    return counter;
  }

  it('batches nobody listens to format none; a listener still sees each operation named by its call site', async () => {
    ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('lazy-sites').set('spark.streaming.clock', 'manual'), Seconds(1));
    const queue: string[][] = [];
    const counts: number[] = [];
    ssc.queueStream(queue).filter((l) => l.includes('a')).count().foreachRDD(async (rdd) => { counts.push((await rdd.collect())[0]!); }); const line = here();
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    const formatting = countStackFormatting();
    try {
      for (const batch of [['a', 'b', 'ab'], ['b'], ['aa', 'a']]) {
        queue.push(batch);
        await clock.advance(1000);
      }
      expect(counts).toEqual([2, 0, 2]);
      expect(formatting.count).toBe(0);
      const described: string[] = [];
      ssc.addStreamingListener({ onOutputOperationCompleted: (e) => { described.push(e.outputOperationInfo.description); } });
      queue.push(['a']);
      await clock.advance(1000);
      expect(counts).toEqual([2, 0, 2, 1]);
      expect(described).toEqual([`foreachRDD at ${FILE}:${line}`]);
      expect(formatting.count).toBeGreaterThan(0);
    } finally {
      formatting.stop();
    }
  });
});
