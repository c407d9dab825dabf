import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf, StorageLevel } from '@kindling/core';
import type { Duration, RDD } from '@kindling/core';
import { DStream, InputDStream, Seconds, StreamingContext, Time } from '../index.ts';

const contexts: StreamingContext[] = [];
const dirs: string[] = [];
function manualContext(batch: Duration = Seconds(1)): StreamingContext {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('dstream').set('spark.streaming.clock', 'manual'), batch);
  contexts.push(ssc);
  return ssc;
}
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kindling-dstream-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Batch at time t holds [t / 1000]; counts compute calls. */
class TickInputDStream extends InputDStream<number> {
  static override kind = 'TickInputDStream';
  computeCalls = 0;
  start(): void {}
  stop(): void {}
  compute(validTime: Time): RDD<number> {
    this.computeCalls++;
    return this.ssc.sparkContext.parallelize([validTime.milliseconds / 1000], 1);
  }
}

/** A pass-through stream that must checkpoint, as stateful streams do. */
class MustCheckpointDStream<T> extends DStream<T> {
  static override kind = 'MustCheckpointDStream';
  constructor(private readonly parent: DStream<T>) {
    super(parent.ssc);
    this.mustCheckpoint = true;
  }
  get dependencies(): readonly DStream<unknown>[] { return [this.parent]; }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<T> | undefined { return this.parent.getOrCompute(validTime)?.map((x) => x); }
}

describe('DStream base', () => {
  it('generates at most one RDD per batch time', async () => {
    const ssc = manualContext();
    const input = new TickInputDStream(ssc);
    input.foreachRDD(() => {});
    await ssc.start();
    const a = input.getOrCompute(new Time(5000));
    const b = input.getOrCompute(new Time(5000));
    expect(a).toBe(b);
    expect(input.computeCalls).toBe(1);
  });

  it('returns no RDD for times before the zero time or off the slide', async () => {
    const ssc = manualContext();
    const input = new TickInputDStream(ssc);
    input.foreachRDD(() => {});
    await ssc.start();
    expect(input.getOrCompute(new Time(0))).toBeUndefined();
    expect(input.getOrCompute(new Time(1500))).toBeUndefined();
    expect(input.getOrCompute(new Time(-1000))).toBeUndefined();
    expect(input.computeCalls).toBe(0);
  });

  it('refuses to generate before start', () => {
    const ssc = manualContext();
    const input = new TickInputDStream(ssc);
    expect(() => input.getOrCompute(new Time(1000))).toThrow('TickInputDStream#0 has not been initialized: RDDs exist only after StreamingContext.start().');
  });

  it('persists generated RDDs at its level and unpersists them when forgotten', async () => {
    const ssc = manualContext();
    const input = new TickInputDStream(ssc);
    const mapped = input.map((x) => x * 2).persist(StorageLevel.MEMORY_ONLY);
    mapped.foreachRDD(async (rdd) => { await rdd.collect(); });
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    await clock.advance(1000);
    const first = mapped.generatedRDDs.get(1000)!;
    expect(first.getStorageLevel()).toBe(StorageLevel.MEMORY_ONLY);
    await clock.advance(1000);
    expect(mapped.generatedRDDs.has(1000)).toBe(false);
    expect(first.getStorageLevel()).toBe(StorageLevel.NONE);
    expect(mapped.generatedRDDs.get(2000)!.getStorageLevel()).toBe(StorageLevel.MEMORY_ONLY);
  });

  it('spark.streaming.unpersist = false keeps forgotten RDDs persisted', async () => {
    const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('dstream').set('spark.streaming.clock', 'manual').set('spark.streaming.unpersist', 'false'), Seconds(1));
    contexts.push(ssc);
    const mapped = new TickInputDStream(ssc).map((x) => x).cache();
    mapped.foreachRDD(async (rdd) => { await rdd.collect(); });
    await ssc.start();
    await (ssc.clock as ManualClock).advance(1000);
    const first = mapped.generatedRDDs.get(1000)!;
    await (ssc.clock as ManualClock).advance(1000);
    expect(mapped.generatedRDDs.has(1000)).toBe(false);
    expect(first.getStorageLevel()).toBe(StorageLevel.MEMORY_ONLY_SER);
  });

  it('cache() persists at Spark\'s DStream default level', () => {
    const ssc = manualContext();
    expect(new TickInputDStream(ssc).cache().storageLevel).toBe(StorageLevel.MEMORY_ONLY_SER);
  });

  it('checkpoints the RDDs on its checkpoint interval, which cuts their lineage', async () => {
    const ssc = manualContext();
    ssc.checkpoint(tempDir());
    const input = new TickInputDStream(ssc);
    const mapped = input.map((x) => x + 1).map((x) => x * 2).checkpoint(Seconds(2));
    const lineages: Record<number, number> = {};
    mapped.foreachRDD(async (rdd, time) => { await rdd.collect(); lineages[time.milliseconds] = rdd.toDebugString().split('\n').length; });
    ssc.remember(Seconds(10));
    await ssc.start();
    await (ssc.clock as ManualClock).advance(4000);
    const marked = [...mapped.generatedRDDs].map(([t, rdd]) => [t, rdd.isCheckpointed]);
    expect(marked).toEqual([[1000, false], [2000, true], [3000, false], [4000, true]]);
    // A checkpointed RDD's lineage is itself over its checkpoint files.
    expect(mapped.generatedRDDs.get(2000)!.toDebugString().split('\n').length).toBeLessThan(mapped.generatedRDDs.get(1000)!.toDebugString().split('\n').length);
  });

  it('keeps the checkpoint files bounded: older ones are deleted once forgotten', async () => {
    const ssc = manualContext();
    ssc.checkpoint(tempDir());
    const input = new TickInputDStream(ssc);
    const stream = input.map((x) => x).checkpoint(Seconds(2));
    stream.foreachRDD(async (rdd) => { await rdd.collect(); });
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    const dir = ssc.sparkContext.getCheckpointDir()!;
    let maxFolders = 0;
    for (let i = 0; i < 30; i++) {
      await clock.advance(1000);
      // A folder is fsynced, and its metadata checkpoint made durable, by the writer's next
      // round (on a real-time cadence): wait for it, so retention has run on what is durable.
      await ssc.checkpointWriter!.flush();
      maxFolders = Math.max(maxFolders, readdirSync(dir).filter((f) => f.startsWith('rdd-')).length);
    }
    // Retention keeps a folder while the stream remembers its RDD (2 x checkpoint interval = 4 s)
    // or one of the 10 retained metadata checkpoints (2 per batch: the last 5 batches) names
    // it, so that recovery can fall back to any of them: at most the folders of 3 checkpoint
    // times (every 2 s within 5 s), plus the newest one written.
    expect(maxFolders).toBeLessThanOrEqual(4);
    expect(readdirSync(dir).filter((f) => f.startsWith('rdd-')).length).toBeGreaterThanOrEqual(1);
    const kept = [...stream.checkpointData.foldersByTime.keys()];
    // Only recent ones: named by a metadata checkpoint of the last 5 batches, or still remembered.
    expect(kept.every((t) => t >= 30_000 - 8000)).toBe(true);
    expect(kept.length).toBeLessThanOrEqual(4);
  });

  it('a stream that must checkpoint gets the smallest multiple of its slide >= 10 s', async () => {
    for (const [batch, expected] of [[1, 10], [3, 12], [4, 12], [20, 20]] as const) {
      const ssc = manualContext(Seconds(batch));
      ssc.checkpoint(tempDir());
      const s = new MustCheckpointDStream(new TickInputDStream(ssc));
      s.foreachRDD(() => {});
      await ssc.start();
      expect(s.checkpointDuration).toEqual(Seconds(expected));
      expect(s.rememberDuration).toEqual(Seconds(expected * 2));
      await ssc.stop();
    }
  });

  it('slice returns RDDs only from the zero time on', async () => {
    const ssc = manualContext();
    const input = new TickInputDStream(ssc);
    input.foreachRDD(() => {});
    await ssc.start();
    const rdds = input.slice(new Time(-3000), new Time(2000));
    expect(await Promise.all(rdds.map((r) => r.collect()))).toEqual([[1], [2]]);
    expect(input.slice(new Time(3000), new Time(2000))).toEqual([]);
  });
});
