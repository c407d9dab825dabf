// Spark's StreamingContextSuite, re-derived: lifecycle rules, validation messages, the manual
// clock's advance semantics, batch ordering and queuing, failures, listeners and batches$.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Milliseconds, SparkConf, SparkContext } from '@kindling/core';
import type { Duration, RDD } from '@kindling/core';
import {
  BatchFailedError,
  BatchInfo,
  DStream,
  InputDStream,
  ManualClock,
  Seconds,
  StreamingContext,
  Time,
  type StreamingListener,
} from '../src/index.ts';

const contexts: StreamingContext[] = [];
function conf(clock: 'manual' | 'system' = 'manual'): SparkConf {
  return new SparkConf().setMaster('local[2]').setAppName('streaming-context').set('spark.streaming.clock', clock);
}
function track(ssc: StreamingContext): StreamingContext {
  contexts.push(ssc);
  return ssc;
}
function manualContext(batch: Duration = Seconds(1)): StreamingContext {
  return track(new StreamingContext(conf(), batch));
}
const clockOf = (ssc: StreamingContext): ManualClock => ssc.clock as ManualClock;
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

/** Counts its batches: batch i holds [i]. */
class CountingInputDStream extends InputDStream<number> {
  static override kind = 'CountingInputDStream';
  computed: number[] = [];
  started = 0;
  stopped = 0;
  start(): void { this.started++; }
  stop(): void { this.stopped++; }
  compute(validTime: Time): RDD<number> {
    this.computed.push(validTime.milliseconds);
    const xs = [validTime.milliseconds / 1000];
    this.reportInputInfo(validTime, xs.length);
    return this.ssc.sparkContext.parallelize(xs, 1);
  }
}

/** A stream with a custom slide and, optionally, a must-checkpoint flag (as stateful streams). */
class SlidingDStream<T> extends DStream<T> {
  static override kind = 'SlidingDStream';
  constructor(private readonly parent: DStream<T>, private readonly slide: Duration, stateful = false) {
    super(parent.ssc);
    this.mustCheckpoint = stateful;
  }
  get dependencies(): readonly DStream<unknown>[] { return [this.parent]; }
  get slideDuration(): Duration { return this.slide; }
  compute(validTime: Time): RDD<T> | undefined { return this.parent.getOrCompute(validTime); }
}

/** A gate the test opens: output operations wait on it. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const p = new Promise<void>((r) => { open = r; });
  return { wait: () => p, open };
}

describe('StreamingContext', () => {
  describe('construction', () => {
    it('from a SparkConf or a SparkContext', async () => {
      const a = track(new StreamingContext(conf(), Seconds(1)));
      expect(a.sparkContext).toBeInstanceOf(SparkContext);
      expect(a.getState()).toBe('INITIALIZED');
      await a.stop();
      const sc = new SparkContext(conf());
      const b = track(new StreamingContext(sc, Milliseconds(500)));
      expect(b.sparkContext).toBe(sc);
      expect(b.graph.batchDuration).toEqual(Milliseconds(500));
    });

    it("from a master, an application name and a batch duration (Spark's three-argument form)", async () => {
      const ssc = track(new StreamingContext('local[2]', 'NetworkWordCount', Milliseconds(100)));
      expect(ssc.sparkContext.master).toBe('local[2]');
      expect(ssc.sparkContext.appName).toBe('NetworkWordCount');
      expect(ssc.graph.batchDuration).toEqual(Milliseconds(100));
      const got: number[][] = [];
      ssc.queueStream([[1, 2], [3]]).map((x) => x * 10).foreachRDD(async (rdd) => { got.push(await rdd.collect()); });
      await ssc.start();
      await ssc.processAllAvailable();
      expect(got.slice(0, 2)).toEqual([[10, 20], [30]]);
      await ssc.stop();
      // the duration is still required, as in every form
      expect(() => new StreamingContext('local[2]', 'NoDuration', undefined as unknown as Duration)).toThrow(/batch duration must be a positive Duration, got undefined/);
    });

    it('picks the clock from spark.streaming.clock', async () => {
      const manual = manualContext();
      expect(manual.clock).toBeInstanceOf(ManualClock);
      await manual.stop();
      const spark = track(new StreamingContext(conf().set('spark.streaming.clock', 'org.apache.spark.util.ManualClock'), Seconds(1)));
      expect(spark.clock).toBeInstanceOf(ManualClock);
    });

    it('rejects an unknown clock and a non-positive batch duration', () => {
      expect(() => new StreamingContext(conf().set('spark.streaming.clock', 'sundial'), Seconds(1))).toThrow(/Unknown spark.streaming.clock 'sundial'/);
      expect(() => new StreamingContext(conf(), Seconds(0))).toThrow(/batch duration must be a positive Duration/);
    });
  });

  describe('lifecycle', () => {
    it('INITIALIZED -> ACTIVE -> STOPPED', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      expect(ssc.getState()).toBe('INITIALIZED');
      await ssc.start();
      expect(ssc.getState()).toBe('ACTIVE');
      expect(input.started).toBe(1);
      expect(StreamingContext.getActive()).toBe(ssc);
      await ssc.stop();
      expect(ssc.getState()).toBe('STOPPED');
      expect(input.stopped).toBe(1);
      expect(StreamingContext.getActive()).toBeUndefined();
    });

    it('start twice is a no-op; stop twice is a no-op', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      await ssc.start();
      await ssc.start();
      expect(input.started).toBe(1);
      expect(ssc.getState()).toBe('ACTIVE');
      await ssc.stop();
      await ssc.stop();
      expect(input.stopped).toBe(1);
    });

    it('stop before start marks the context stopped', async () => {
      const ssc = manualContext();
      await ssc.stop();
      expect(ssc.getState()).toBe('STOPPED');
    });

    it('cannot be restarted after stop', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(() => {});
      await ssc.start();
      await ssc.stop();
      await expect(ssc.start()).rejects.toThrow('StreamingContext has already been stopped and cannot be restarted: create a new StreamingContext.');
    });

    it('stop() stops the SparkContext by default', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(() => {});
      await ssc.start();
      await ssc.stop();
      expect(() => ssc.sparkContext.parallelize([1])).toThrow();
    });

    it('spark.streaming.stopSparkContextByDefault = false keeps it running', async () => {
      const ssc = track(new StreamingContext(conf().set('spark.streaming.stopSparkContextByDefault', 'false'), Seconds(1)));
      new CountingInputDStream(ssc).foreachRDD(() => {});
      await ssc.start();
      await ssc.stop();
      expect(await ssc.sparkContext.parallelize([1, 2]).count()).toBe(2);
      await ssc.stop(true);
      expect(() => ssc.sparkContext.parallelize([1])).toThrow();
    });

    it('stop(true) after stop(false) still stops the SparkContext (as Spark)', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(() => {});
      await ssc.stop(false);
      expect(await ssc.sparkContext.parallelize([1, 2, 3]).count()).toBe(3);
      await ssc.stop(true);
      expect(() => ssc.sparkContext.parallelize([1])).toThrow();
    });

    it('getActive and getActiveOrCreate', async () => {
      expect(StreamingContext.getActive()).toBeUndefined();
      let created = 0;
      const make = (): StreamingContext => { created++; const c = manualContext(); new CountingInputDStream(c).foreachRDD(() => {}); return c; };
      const ssc = StreamingContext.getActiveOrCreate(make);
      expect(created).toBe(1);
      await ssc.start();
      expect(StreamingContext.getActiveOrCreate(make)).toBe(ssc);
      expect(created).toBe(1);
    });

    it("getActiveOrCreate(checkpointDir, create), Spark's checkpoint form: creates, returns the active context, then recovers", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kindling-active-or-create-'));
      try {
        const calls: ('fresh' | 'recovering')[] = [];
        const make = (recovery?: unknown): StreamingContext => {
          calls.push(recovery === undefined ? 'fresh' : 'recovering');
          const c = track(new StreamingContext(conf(), Seconds(1)));
          c.checkpoint(dir);
          c.textFileStream(join(dir, 'in')).foreachRDD(() => {});
          return c;
        };
        mkdirSync(join(dir, 'in'));
        const first = await StreamingContext.getActiveOrCreate(dir, make);
        expect(calls).toEqual(['fresh']);
        await first.start();
        // while it is active, neither create nor the checkpoint is touched
        expect(await StreamingContext.getActiveOrCreate(dir, make)).toBe(first);
        expect(calls).toEqual(['fresh']);
        await clockOf(first).advance(1000); // one batch: a metadata checkpoint
        await first.stop();
        const second = await StreamingContext.getActiveOrCreate(dir, make);
        expect(second).not.toBe(first);
        expect(calls).toEqual(['fresh', 'recovering']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('stop(false) keeps the SparkContext running', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(() => {});
      await ssc.start();
      await ssc.stop(false);
      expect(await ssc.sparkContext.parallelize([1, 2, 3]).count()).toBe(3);
      ssc.sparkContext.stop();
    });

    it('one active context per process', async () => {
      const a = manualContext();
      new CountingInputDStream(a).foreachRDD(() => {});
      await a.start();
      const b = track(new StreamingContext(a.sparkContext, Seconds(1)));
      new CountingInputDStream(b).foreachRDD(() => {});
      await expect(b.start()).rejects.toThrow('Only one StreamingContext may be active in this process: stop the running one (ssc.stop()) before starting another.');
      expect(b.getState()).toBe('INITIALIZED'); // as Spark: the rule is checked before starting
      await a.stop();
    });

    it('no new streams or outputs after start, nor after stop', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      await ssc.start();
      expect(() => input.map((x) => x)).toThrow('Adding new inputs, transformations, and output operations after starting a context is not supported');
      expect(() => input.print()).toThrow(/after starting a context is not supported/);
      expect(() => new CountingInputDStream(ssc)).toThrow(/after starting a context is not supported/);
      await ssc.stop();
      expect(() => input.filter(() => true)).toThrow('Adding new inputs, transformations, and output operations after stopping a context is not supported');
    });

    it('an input stream no output uses does not break the batches (Spark\'s "Creating an InputDStream but not using it should not crash")', async () => {
      const ssc = manualContext();
      const unused = new CountingInputDStream(ssc);
      const used = new CountingInputDStream(ssc);
      const seen: number[][] = [];
      used.foreachRDD(async (rdd) => { seen.push(await rdd.collect()); });
      await ssc.start();
      await clockOf(ssc).advance(3000);
      expect(await ssc.awaitTerminationOrTimeout(1)).toBe(false);
      expect(seen).toEqual([[1], [2], [3]]);
      expect(unused.computed).toEqual([]);
    });

    it('persist and checkpoint cannot change after start', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      await ssc.start();
      expect(() => input.cache()).toThrow(/Cannot change the storage level of CountingInputDStream#0 after the StreamingContext has started/);
      expect(() => input.checkpoint(Seconds(2))).toThrow(/Cannot change the checkpoint interval of CountingInputDStream#0/);
    });
  });

  describe('validation at start', () => {
    it('needs an output operation', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).map((x) => x);
      await expect(ssc.start()).rejects.toThrow(/^No output operations registered, so nothing to execute: register at least one output operation/);
      expect(ssc.getState()).toBe('STOPPED');
    });

    it('slide durations must be multiples of the batch duration (naming both)', async () => {
      const ssc = manualContext();
      new SlidingDStream(new CountingInputDStream(ssc), Milliseconds(1500)).foreachRDD(() => {});
      await expect(ssc.start()).rejects.toThrow(/^The slide duration of SlidingDStream at streaming-context\.test\.ts:\d+ \(1500 ms\) is not a multiple of the batch duration \(1000 ms\)/);
    });

    it('a stream that must checkpoint needs ssc.checkpoint(dir)', async () => {
      const ssc = manualContext();
      new SlidingDStream(new CountingInputDStream(ssc), Seconds(1), true).foreachRDD(() => {});
      await expect(ssc.start()).rejects.toThrow(/^SlidingDStream at streaming-context\.test\.ts:\d+ must be checkpointed \(it keeps state across batches\) but the checkpoint directory has not been set: call ssc.checkpoint\(directory\) before start\(\)/);
    });

    it('checkpoint intervals must be multiples of the slide', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kindling-ckpt-'));
      try {
        const ssc = manualContext();
        ssc.checkpoint(dir);
        new CountingInputDStream(ssc).checkpoint(Milliseconds(1500)).foreachRDD(() => {});
        await expect(ssc.start()).rejects.toThrow(/^The checkpoint interval of CountingInputDStream at streaming-context\.test\.ts:\d+ \(1500 ms\) must be a multiple of its slide duration \(1000 ms\)/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('remember is set once, before start (as Spark)', async () => {
      const ssc = manualContext();
      ssc.remember(Seconds(5));
      expect(() => ssc.remember(Seconds(6))).toThrow('Remember duration already set as 5000 ms. Cannot set it again');
      await ssc.stop();
      const other = manualContext();
      new CountingInputDStream(other).foreachRDD(() => {});
      await other.start();
      expect(() => other.remember(Seconds(6))).toThrow(/call it before start\(\)/);
    });

    it('stream names are unique ids', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc).setName('orders');
      input.map((x) => x).setName('orders').foreachRDD(() => {});
      await expect(ssc.start()).rejects.toThrow("Two DStreams are named 'orders'");
    });

    it('sets remember and default checkpoint durations as Spark', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kindling-ckpt-'));
      try {
        const ssc = manualContext(Seconds(3));
        ssc.checkpoint(dir);
        const input = new CountingInputDStream(ssc);
        const stateful = new SlidingDStream(input, Seconds(3), true);
        const mapped = stateful.map((x) => x);
        mapped.foreachRDD(() => {});
        await ssc.start();
        // Smallest multiple of the 3 s slide >= 10 s is 12 s; remembered for twice that.
        expect(stateful.checkpointDuration).toEqual(Seconds(12));
        expect(stateful.rememberDuration).toEqual(Seconds(24));
        expect(mapped.rememberDuration).toEqual(Seconds(3));
        expect(input.rememberDuration).toEqual(Seconds(24));
        expect(mapped.zeroTime).toEqual(new Time(0));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('names', () => {
    it('operator name + position, overridable', () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      const mapped = input.map((x) => x + 1);
      const filtered = mapped.filter((x) => x > 0);
      expect(input.name()).toBe('CountingInputDStream#0');
      expect(mapped.name()).toBe('map#1');
      expect(filtered.name()).toBe('filter#2');
      expect(filtered.name('positives')).toBe(filtered);
      expect(filtered.name()).toBe('positives');
      expect(mapped.setName('plusOne').toString()).toBe('plusOne');
    });
  });

  describe('manual clock and the job loop', () => {
    it('first batch is the start time rounded up to the next multiple of the batch duration', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      await ssc.start();
      await clockOf(ssc).advance(999);
      expect(input.computed).toEqual([]);
      await clockOf(ssc).advance(1);
      expect(input.computed).toEqual([1000]);
    });

    it('a clock already on a multiple starts one batch later', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      clockOf(ssc).setTime(2000);
      await ssc.start();
      await clockOf(ssc).advance(1000);
      expect(input.computed).toEqual([3000]);
      expect(input.zeroTime).toEqual(new Time(2000));
    });

    it('advance runs every batch due by the new time, in time order, before resolving', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      const seen: string[] = [];
      input.foreachRDD(async (rdd, time) => {
        await new Promise((r) => setTimeout(r, 5));
        seen.push(`a${time.milliseconds}:${(await rdd.collect()).join()}`);
      });
      input.foreachRDD((_rdd, time) => { seen.push(`b${time.milliseconds}`); });
      await ssc.start();
      await clockOf(ssc).advance(3500);
      expect(seen).toEqual(['a1000:1', 'b1000', 'a2000:2', 'b2000', 'a3000:3', 'b3000']);
    });

    it('batches that fall behind queue up and are never skipped, one at a time', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      const g = gate();
      const events: string[] = [];
      input.foreachRDD(async (_rdd, time) => {
        events.push(`start ${time.milliseconds}`);
        if (time.milliseconds === 1000) await g.wait();
        events.push(`end ${time.milliseconds}`);
      });
      await ssc.start();
      const first = clockOf(ssc).advance(1000);
      const second = clockOf(ssc).advance(2000);
      await new Promise((r) => setTimeout(r, 20));
      expect(input.computed).toEqual([1000, 2000, 3000]); // generated on time...
      expect(events).toEqual(['start 1000']); // ...but run one at a time
      expect(ssc.scheduler.jobScheduler.pendingBatches).toBe(3);
      g.open();
      await first;
      await second;
      expect(events).toEqual(['start 1000', 'end 1000', 'start 2000', 'end 2000', 'start 3000', 'end 3000']);
    });

    it('an RDD several outputs share is computed once per batch, then released', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      let calls = 0;
      const parsed = input.flatMap((x) => { calls++; return [x, x * 10]; });
      const totals: number[] = [];
      parsed.foreachRDD(async (rdd) => { totals.push(await rdd.count()); });
      parsed.map((x) => x + 1).foreachRDD(async (rdd) => { await rdd.collect(); });
      parsed.filter((x) => x > 5).foreachRDD(async (rdd) => { await rdd.collect(); });
      await ssc.start();
      await clockOf(ssc).advance(2000);
      // One input element per batch: the user function ran once per batch, not three times.
      expect(calls).toBe(2);
      expect(totals).toEqual([2, 2]);
      for (const rdd of parsed.generatedRDDs.values()) expect(rdd.getStorageLevel().isValid).toBe(false);
    });
  });

  describe('failures', () => {
    it('a failing output stops the context; advance and awaitTermination rethrow with the cause', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      const boom = new Error('boom');
      const ran: number[] = [];
      input.foreachRDD((_rdd, time) => { ran.push(time.milliseconds); });
      input.map((x) => x).foreachRDD((_rdd, time) => { if (time.milliseconds === 2000) throw boom; });
      await ssc.start();
      await clockOf(ssc).advance(1000);
      const err = await clockOf(ssc).advance(2000).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(BatchFailedError);
      expect((err as BatchFailedError).message).toMatch(
        /^Batch 2000 ms failed in output operation #1 \(foreachRDD at streaming-context\.test\.ts:\d+\): boom\. The StreamingContext has been stopped; fix the cause and start a new context\.$/,
      );
      expect((err as BatchFailedError).cause).toBe(boom);
      expect((err as BatchFailedError).batchTime).toEqual(new Time(2000));
      await expect(ssc.awaitTermination()).rejects.toBe(err);
      await expect(ssc.awaitTerminationOrTimeout(10)).rejects.toBe(err);
      expect(ssc.getState()).toBe('STOPPED');
      expect(ran).toEqual([1000, 2000]); // batch 3000 was generated on time but never ran
    });

    it('an error while generating the batch (a throwing transform) fails it too', async () => {
      const ssc = manualContext();
      class TestError extends Error {}
      const cause = new TestError('error in transform');
      new CountingInputDStream(ssc).transform((): RDD<number> => { throw cause; }).foreachRDD(() => {});
      await ssc.start();
      const err = await clockOf(ssc).advance(1000).then(() => undefined, (e: unknown) => e as BatchFailedError);
      expect(err?.message).toMatch(/^Batch 1000 ms failed in output operation #0 \(foreachRDD at streaming-context\.test\.ts:\d+\) while generating its RDDs: error in transform\. The StreamingContext has been stopped; fix the cause and start a new context\.$/);
      expect(err?.cause).toBe(cause);
      await expect(ssc.awaitTerminationOrTimeout(5000)).rejects.toBe(err);
    });

    it('a rejected Promise from foreachRDD fails the batch too', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(async () => { throw new TypeError('bad row'); });
      await ssc.start();
      await expect(clockOf(ssc).advance(1000)).rejects.toThrow(/Batch 1000 ms failed in output operation #0 \(foreachRDD at streaming-context\.test\.ts:\d+\): bad row/);
    });

    it('a user function failing inside an action names the RDD and chains the cause', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).map((): number => { throw new Error('parse error'); }).print();
      await ssc.start();
      const err = await clockOf(ssc).advance(1000).then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toMatch(/^Batch 1000 ms failed in output operation #0 \(print at streaming-context\.test\.ts:\d+\): Failed to compute partition 0 of MapPartitionsRDD\[\d+\] at map \(from map at streaming-context\.test\.ts:\d+\): parse error/);
      let cause: unknown = err;
      const messages: string[] = [];
      while (cause instanceof Error) { messages.push(cause.message); cause = cause.cause; }
      expect(messages[messages.length - 1]).toBe('parse error');
    });

    it('awaitTermination with error in task: the message carries the task\'s error (Spark checks "map task"), one full stop before the advice', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).map((): number => { throw new Error('error in map task'); }).foreachRDD(async (rdd) => { await rdd.count(); });
      await ssc.start();
      await clockOf(ssc).advance(1000).catch(() => undefined);
      const err = await ssc.awaitTerminationOrTimeout(5000).then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toContain('map task');
      expect(err?.message).not.toContain('..');
      expect(err?.message).toMatch(/\. The StreamingContext has been stopped; fix the cause and start a new context\.$/);
    });
  });

  describe('awaitTermination', () => {
    it('resolves at once after stop', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(() => {});
      await ssc.start();
      await ssc.stop();
      await ssc.awaitTermination();
    });

    it('awaitTerminationOrTimeout is false on timeout, true once stopped', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(() => {});
      await ssc.start();
      expect(await ssc.awaitTerminationOrTimeout(20)).toBe(false);
      const waiting = ssc.awaitTermination();
      await ssc.stop();
      await waiting;
      expect(await ssc.awaitTerminationOrTimeout(1000)).toBe(true);
    });
  });

  describe('stop', () => {
    async function queuedBatches(graceful: boolean): Promise<string[]> {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      const g = gate();
      const done: string[] = [];
      input.foreachRDD(async (_rdd, time) => {
        if (time.milliseconds === 1000) await g.wait();
        done.push(`${time.milliseconds}`);
      });
      await ssc.start();
      void clockOf(ssc).advance(3000);
      await new Promise((r) => setTimeout(r, 10));
      const stopping = ssc.stop(true, graceful);
      g.open();
      await stopping;
      return done;
    }

    it('an output operation may stop its own context', async () => {
      const ssc = manualContext();
      const ran: number[] = [];
      new CountingInputDStream(ssc).foreachRDD(async (_rdd, time) => {
        ran.push(time.milliseconds);
        if (time.milliseconds === 2000) await ssc.stop(false);
      });
      await ssc.start();
      await clockOf(ssc).advance(4000);
      await ssc.awaitTermination();
      expect(ran).toEqual([1000, 2000]);
      expect(ssc.getState()).toBe('STOPPED');
    });

    it('graceful stop gives up waiting after spark.streaming.gracefulStopTimeout', async () => {
      const ssc = track(new StreamingContext(conf().set('spark.streaming.gracefulStopTimeout', '50ms'), Seconds(1)));
      const g = gate();
      const done: number[] = [];
      new CountingInputDStream(ssc).foreachRDD(async (_rdd, time) => { if (time.milliseconds === 1000) await g.wait(); done.push(time.milliseconds); });
      await ssc.start();
      void clockOf(ssc).advance(2000);
      await new Promise((r) => setTimeout(r, 10));
      const started = Date.now();
      await ssc.stop(true, true);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(ssc.getState()).toBe('STOPPED');
      expect(done).toEqual([]);
      g.open();
      await new Promise((r) => setTimeout(r, 10));
      expect(done).toEqual([1000]); // the stuck operation finished in the background; 2000 never ran
    });

    it('graceful stop lets queued batches finish', async () => {
      expect(await queuedBatches(true)).toEqual(['1000', '2000', '3000']);
    });

    it('immediate stop drops queued batches after the running operation', async () => {
      expect(await queuedBatches(false)).toEqual(['1000']);
    });
  });

  describe('listeners', () => {
    it('posts Spark\'s events in order with complete BatchInfos', async () => {
      const ssc = manualContext();
      const events: string[] = [];
      const completed: BatchInfo[] = [];
      const listener: StreamingListener = {
        onStreamingStarted: () => events.push('streamingStarted'),
        onBatchSubmitted: (e) => events.push(`submitted ${e.batchInfo.batchTime}`),
        onBatchStarted: (e) => events.push(`started ${e.batchInfo.batchTime}`),
        onOutputOperationStarted: (e) => events.push(`opStarted ${e.outputOperationInfo.id} ${e.outputOperationInfo.name}`),
        onOutputOperationCompleted: (e) => events.push(`opCompleted ${e.outputOperationInfo.id} ${e.outputOperationInfo.failureReason ?? 'ok'}`),
        onBatchCompleted: (e) => { events.push(`completed ${e.batchInfo.batchTime}`); completed.push(e.batchInfo); },
      };
      ssc.addStreamingListener(listener);
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      input.map((x) => x).print();
      ssc.setConsoleWriter(() => {});
      await ssc.start();
      await clockOf(ssc).advance(1000);
      await clockOf(ssc).advance(1000);
      expect(events).toEqual([
        'streamingStarted',
        'submitted 1000 ms', 'started 1000 ms', 'opStarted 0 foreachRDD', 'opCompleted 0 ok', 'opStarted 1 print', 'opCompleted 1 ok', 'completed 1000 ms',
        'submitted 2000 ms', 'started 2000 ms', 'opStarted 0 foreachRDD', 'opCompleted 0 ok', 'opStarted 1 print', 'opCompleted 1 ok', 'completed 2000 ms',
      ]);
      const info = completed[0]!;
      expect(info.batchTime).toEqual(new Time(1000));
      expect(info.numRecords).toBe(1);
      expect(info.streamIdToInputInfo.get(0)?.numRecords).toBe(1);
      expect(info.processingStartTime).toBeGreaterThanOrEqual(info.submissionTime);
      expect(info.processingEndTime).toBeGreaterThanOrEqual(info.processingStartTime!);
      expect(info.schedulingDelay).toBe(info.processingStartTime! - info.submissionTime);
      expect(info.processingDelay).toBe(info.processingEndTime! - info.processingStartTime!);
      expect(info.totalDelay).toBe(info.schedulingDelay! + info.processingDelay!);
      expect([...info.outputOperationInfos.values()].map((o) => [o.id, o.name, o.description, o.failureReason])).toEqual([
        [0, 'foreachRDD', expect.stringMatching(/^foreachRDD at streaming-context\.test\.ts:\d+$/), undefined],
        [1, 'print', expect.stringMatching(/^print at streaming-context\.test\.ts:\d+$/), undefined],
      ]);
      for (const o of info.outputOperationInfos.values()) expect(o.duration).toBeGreaterThanOrEqual(0);
    });

    it('a failed batch reports its failure reason', async () => {
      const ssc = manualContext();
      const completed: BatchInfo[] = [];
      ssc.addStreamingListener({ onBatchCompleted: (e) => completed.push(e.batchInfo) });
      new CountingInputDStream(ssc).foreachRDD(() => { throw new Error('sink down'); });
      await ssc.start();
      await clockOf(ssc).advance(1000).catch(() => {});
      expect(completed).toHaveLength(1);
      expect(completed[0]!.outputOperationInfos.get(0)?.failureReason).toMatch(/^Error: sink down/);
      expect(completed[0]!.failureReason).toMatch(/sink down/);
    });

    it('batches$ emits completed batches and completes on stop', async () => {
      const ssc = manualContext();
      new CountingInputDStream(ssc).foreachRDD(() => {});
      const times: number[] = [];
      let completedStream = false;
      ssc.batches$.subscribe({ next: (b) => times.push(b.batchTime.milliseconds), complete: () => { completedStream = true; } });
      await ssc.start();
      await clockOf(ssc).advance(3000);
      await ssc.stop();
      expect(times).toEqual([1000, 2000, 3000]);
      expect(completedStream).toBe(true);
    });

    it('a throwing listener does not affect the stream', async () => {
      const ssc = manualContext();
      const input = new CountingInputDStream(ssc);
      input.foreachRDD(() => {});
      ssc.addStreamingListener({ onBatchCompleted: () => { throw new Error('listener bug'); } });
      await ssc.start();
      await clockOf(ssc).advance(2000);
      expect(input.computed).toEqual([1000, 2000]);
    });
  });

  describe('processAllAvailable', () => {
    it('runs batches until the inputs are drained (manual clock)', async () => {
      const ssc = manualContext();
      const out: number[][] = [];
      ssc.queueStream([[1], [2, 3], [4]]).foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
      await ssc.start();
      await ssc.processAllAvailable();
      expect(out).toEqual([[1], [2, 3], [4]]);
    });

    it('runs batches until the inputs are drained (system clock)', async () => {
      const ssc = track(new StreamingContext(conf('system'), Milliseconds(20)));
      const out: number[][] = [];
      ssc.queueStream([[1], [2, 3]]).foreachRDD(async (rdd) => { const xs = await rdd.collect(); if (xs.length > 0) out.push(xs); });
      await ssc.start();
      await ssc.processAllAvailable();
      expect(out).toEqual([[1], [2, 3]]);
    });

    it('needs an active context', async () => {
      const ssc = manualContext();
      await expect(ssc.processAllAvailable()).rejects.toThrow(/needs an active context \(state: INITIALIZED\)/);
    });
  });

  describe('system clock', () => {
    it('fires batches on the wall clock', async () => {
      const ssc = track(new StreamingContext(conf('system'), Milliseconds(20)));
      const times: number[] = [];
      new CountingInputDStream(ssc).foreachRDD((_rdd, time) => { times.push(time.milliseconds); });
      await ssc.start();
      await ssc.awaitTerminationOrTimeout(150);
      await ssc.stop();
      expect(times.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(20);
      expect(times[0]! % 20).toBe(0);
    });
  });
});

describe('JobGenerator recovery entry point', () => {
  it('replays the given batches first, then the missed ones, then continues on the recovered grid', async () => {
    const ssc = manualContext();
    const input = new CountingInputDStream(ssc);
    const ran: number[] = [];
    input.foreachRDD((_rdd, time) => { ran.push(time.milliseconds); });
    clockOf(ssc).setTime(4500);
    const generator = ssc.scheduler.jobGenerator;
    try {
      await generator.start({ zeroTime: new Time(0), replayTimes: [new Time(1000), new Time(2000)], resumeAt: 3000 });
      await clockOf(ssc).advance(0);
      expect(ran).toEqual([1000, 2000, 3000, 4000]);
      await clockOf(ssc).advance(1000);
      expect(ran).toEqual([1000, 2000, 3000, 4000, 5000]);
      expect(input.zeroTime).toEqual(new Time(0));
    } finally {
      generator.stop();
    }
  });

  it('tells checkpointing of every generated and completed batch, in time order, and waits for it before outputs', async () => {
    const ssc = manualContext();
    const order: string[] = [];
    new CountingInputDStream(ssc).foreachRDD((_rdd, time) => { order.push(`output ${time.milliseconds}`); });
    const generator = ssc.scheduler.jobGenerator;
    try {
      await generator.start(undefined, {
        batchGenerated: (js) => order.push(`generated ${js.time.milliseconds}`),
        batchCompleted: (js) => order.push(`completed ${js.time.milliseconds}`),
        whenOutputsMayRun: async (time) => { order.push(`gate ${time}`); },
      });
      await clockOf(ssc).advance(2000);
      // Both batches are generated by the advance; batch 1000's outputs wait at its gate first.
      expect(order.filter((e) => e.startsWith('generated'))).toEqual(['generated 1000', 'generated 2000']);
      expect(order.filter((e) => !e.startsWith('generated'))).toEqual(['gate 1000', 'output 1000', 'completed 1000', 'gate 2000', 'output 2000', 'completed 2000']);
      expect(order.indexOf('generated 1000')).toBeLessThan(order.indexOf('gate 1000'));
    } finally {
      generator.stop();
    }
  });
});
