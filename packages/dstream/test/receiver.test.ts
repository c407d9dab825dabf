// Issue #4 item 3: the Receiver contract, blocks and partitions, restarts and events, the
// block-store hook, and Observable streams.
import { afterEach, describe, expect, it } from 'vitest';
import { Observable, Subject } from 'rxjs';
import { InMemoryBlockStore, Receiver, type ReceivedBlockInfo, type ReceivedBlockStore } from '../src/index.ts';
import { InputTestKit, batchInfos, clockOf, collectPartitions, eventually, flat, receiverEvents } from './support/input-test-kit.ts';

const kit = new InputTestKit();
afterEach(() => kit.cleanup());
// A block interval long enough that only batch boundaries cut blocks in these tests.
const quiet = (): void => undefined;
const noTicks = { 'spark.streaming.blockInterval': '1h', 'spark.streaming.receiverRestartDelay': '10ms' };

/** A receiver the test drives by hand, recording its lifecycle. */
class ManualReceiver<T> extends Receiver<T> {
  events: string[] = [];
  failStarts = 0;
  onStart(): void {
    this.events.push('start');
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error('cannot open the source');
    }
  }
  onStop(): void { this.events.push('stop'); }
}

describe('receiverStream', () => {
  it('puts what was stored in (t - batch, t] into batch t, one partition per block, and counts it', async () => {
    const ssc = kit.context(noTicks);
    const r = new ManualReceiver<string>();
    const stream = ssc.receiverStream(r, { log: quiet });
    const out = collectPartitions(stream);
    const infos = batchInfos(ssc);
    await ssc.start();
    expect(r.isStarted()).toBe(true);
    r.store('a');
    r.store('b');
    await clockOf(ssc).advance(1000);
    r.store(['c', 'd']); // an array is a block of its own
    r.store(['e']);
    r.store('f');
    await clockOf(ssc).advance(1000);
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([['a', 'b']]);
    expect(out.get(2000)).toEqual([['c', 'd'], ['e'], ['f']]);
    expect(out.get(3000)).toEqual([]);
    expect(infos.map((i) => i.numRecords)).toEqual([2, 4, 0]);
    // The replayable description of each batch: its blocks, in order.
    const blocks = stream.assignedInputs().get(3000);
    expect(blocks).toEqual({ kind: 'blocks', blocks: [] });
  });

  it('processAllAvailable runs batches until what was stored is in a batch', async () => {
    const ssc = kit.context(noTicks);
    const r = new ManualReceiver<string>();
    const stream = ssc.receiverStream(r, { log: quiet });
    const out = collectPartitions(stream);
    await ssc.start();
    r.store('x');
    r.store(['y', 'z']);
    expect(stream.hasPendingInput()).toBe(true);
    await ssc.processAllAvailable();
    expect(flat(out)).toEqual(['x', 'y', 'z']);
    expect(stream.hasPendingInput()).toBe(false);
  });

  it('cuts blocks every spark.streaming.blockInterval', async () => {
    const ssc = kit.context({ 'spark.streaming.blockInterval': '20ms' });
    const r = new ManualReceiver<number>();
    const out = collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    r.store(1);
    await new Promise((res) => setTimeout(res, 80));
    r.store(2);
    await new Promise((res) => setTimeout(res, 80));
    r.store(3);
    await clockOf(ssc).advance(1000);
    // 1 and 2 were cut by the timer into their own blocks, 3 by the batch boundary.
    expect(out.get(1000)).toEqual([[1], [2], [3]]);
  });

  it('storeItem stores an array as one record', async () => {
    const ssc = kit.context(noTicks);
    const r = new ManualReceiver<number[]>();
    const out = collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    r.storeItem([1, 2]);
    r.storeItem([3]);
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([[[1, 2], [3]]]);
  });

  it('restart stops then starts the receiver again after the delay, posting stopped then started (Spark\'s deregister, register); data stored meanwhile is kept', async () => {
    const ssc = kit.context(noTicks);
    const events = receiverEvents(ssc);
    const r = new ManualReceiver<string>();
    const out = collectPartitions(ssc.receiverStream(r, { log: quiet }).setName('manual'));
    await ssc.start();
    r.store('before');
    r.restart('source hiccup', new Error('boom'));
    await eventually(() => r.events.length === 3, () => r.events.join(','));
    expect(r.events).toEqual(['start', 'stop', 'start']);
    r.store('after');
    await clockOf(ssc).advance(1000);
    expect(flat(out)).toEqual(['before', 'after']);
    expect(events.map((e) => e[0])).toEqual(['started', 'stopped', 'started']);
    expect(events[1]![1].lastErrorMessage).toBe('Restarting receiver with delay 10ms: source hiccup');
    expect(events[1]![1].lastError).toContain('boom');
    expect(events[1]![1].name).toBe('ManualReceiver-0'); // Spark's ReceiverInfo.name: the receiver's class and stream id
    expect(events[1]![1].active).toBe(false);
  });

  it('posts each event where Spark does: started before onStart (registration), stopped after onStop (deregistration)', async () => {
    const ssc = kit.context(noTicks);
    const timeline: string[] = [];
    ssc.addStreamingListener({
      onReceiverStarted: () => timeline.push('event:started'),
      onReceiverError: () => timeline.push('event:error'),
      onReceiverStopped: () => timeline.push('event:stopped'),
    });
    class Logged extends Receiver<string> {
      onStart(): void { timeline.push('onStart'); }
      onStop(): void { timeline.push('onStop'); }
    }
    const r = new Logged();
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    r.restart('reconnect', new Error('reset'));
    await eventually(() => timeline.length === 6, () => timeline.join(','));
    await ssc.stop();
    expect(timeline).toEqual(['event:started', 'onStart', 'onStop', 'event:stopped', 'event:started', 'onStart', 'onStop', 'event:stopped']);
  });

  it('an onStart that throws stops the receiver, which is started again after the delay (the context keeps running)', async () => {
    const ssc = kit.context(noTicks);
    const events = receiverEvents(ssc);
    const r = new ManualReceiver<string>();
    r.failStarts = 2;
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    await eventually(() => r.isStarted() && r.events.length >= 5, () => r.events.join(','));
    expect(r.events).toEqual(['start', 'stop', 'start', 'stop', 'start']);
    expect(events.map((e) => e[0])).toEqual(['started', 'stopped', 'started', 'stopped', 'started']);
    expect(events[1]![1].lastErrorMessage).toMatch(/^Error starting receiver /);
    expect(events[1]![1].lastError).toContain('cannot open the source');
    expect(ssc.getState()).toBe('ACTIVE');
  });

  it('stop(message) stops the receiver and, as Spark\'s ReceiverTracker, starts it again while the context runs', async () => {
    const ssc = kit.context(noTicks);
    const events = receiverEvents(ssc);
    const r = new ManualReceiver<string>();
    const out = collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    r.store('last');
    r.stop('no more input');
    await eventually(() => r.events.length === 3 && r.isStarted(), () => r.events.join(','));
    expect(r.events).toEqual(['start', 'stop', 'start']);
    await clockOf(ssc).advance(1000);
    r.store('again');
    r.stop('no more input', new Error('EOF'));
    await eventually(() => r.events.length === 5 && r.isStarted(), () => r.events.join(','));
    r.store('and again');
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([['last']]);
    expect(out.get(2000)).toEqual([['again', 'and again']]);
    expect(events.map((e) => [e[0], e[1].lastErrorMessage])).toEqual([
      ['started', ''], ['stopped', 'no more input'], ['started', ''], ['stopped', 'no more input'], ['started', ''],
    ]);
    expect(events[3]![1].lastError).toContain('EOF');
    await ssc.stop();
    expect(r.events).toEqual(['start', 'stop', 'start', 'stop', 'start', 'stop']);
    expect(events.at(-1)![0]).toBe('stopped');
    expect(events.at(-1)![1].lastErrorMessage).toBe('Stopped by driver');
  });

  it('a receiver that stops itself inside onStart is started again after the restart delay, not in a loop', async () => {
    const ssc = kit.context({ ...noTicks, 'spark.streaming.receiverRestartDelay': '1h' });
    class Quits extends Receiver<string> {
      starts = 0;
      onStart(): void { this.starts++; this.stop('nothing to read'); }
      onStop(): void {}
    }
    const r = new Quits();
    const events = receiverEvents(ssc);
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    await eventually(() => events.length === 2, () => JSON.stringify(events.map((e) => e[0])));
    await new Promise((res) => setTimeout(res, 50));
    expect(r.starts).toBe(1);
    expect(r.isStopped()).toBe(true);
    await ssc.stop();
    expect(events.map((e) => e[0])).toEqual(['started', 'stopped']);
  });

  it('stopping the context stops the receiver (onStop once) and posts onReceiverStopped', async () => {
    const ssc = kit.context(noTicks);
    const events = receiverEvents(ssc);
    const r = new ManualReceiver<string>();
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    await ssc.stop();
    expect(r.events).toEqual(['start', 'stop']);
    expect(events.map((e) => e[0])).toEqual(['started', 'stopped']);
  });

  it('reportError informs listeners without stopping', async () => {
    const ssc = kit.context(noTicks);
    const events = receiverEvents(ssc);
    const r = new ManualReceiver<string>();
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    r.reportError('a record was malformed', new Error('bad record'));
    expect(events.map((e) => e[0])).toEqual(['started', 'error']);
    expect(events[1]![1].active).toBe(true);
    expect(r.isStarted()).toBe(true);
  });

  it('store before the stream starts is an error that says what to do', () => {
    const r = new ManualReceiver<string>();
    expect(() => r.store('x')).toThrow(/before the receiver was started: pass it to ssc.receiverStream/);
  });

  it('one receiver instance cannot feed two streams', async () => {
    const ssc = kit.context(noTicks);
    const r = new ManualReceiver<string>();
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await expect(ssc.start()).rejects.toThrow(/one receiver instance per receiverStream/);
  });

  it('every block goes through the block store hook before a batch can take it; forgotten batches remove their blocks', async () => {
    const ssc = kit.context(noTicks);
    const r = new ManualReceiver<string>();
    const stream = ssc.receiverStream(r, { log: quiet });
    const put: ReceivedBlockInfo[] = [];
    const removed: string[] = [];
    let release: (() => void) | undefined;
    class SlowStore extends InMemoryBlockStore {
      override put(info: ReceivedBlockInfo, records: readonly unknown[]): Promise<void> {
        put.push(info);
        super.put(info, records);
        return new Promise((res) => { release = res; });
      }
      override remove(ids: readonly string[]): void {
        removed.push(...ids);
        super.remove(ids);
      }
    }
    const store = new SlowStore();
    stream.useBlockStore(store);
    const out = collectPartitions(stream);
    await ssc.start();
    r.store(['x', 'y']);
    await clockOf(ssc).advance(1000); // the block is not stored yet: not in this batch
    release!();
    await new Promise((res) => setImmediate(res));
    await clockOf(ssc).advance(1000);
    await clockOf(ssc).advance(1000);
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([]);
    expect(out.get(2000)).toEqual([['x', 'y']]);
    expect(put.map((b) => [b.blockId, b.numRecords])).toEqual([['input-0-0', 2]]);
    expect(removed).toEqual(['input-0-0']);
    expect(store.size).toBe(0);
  });

  it('a replayed batch whose blocks are gone (no durable store) reads what is left and logs the rest', async () => {
    const logs: string[] = [];
    const ssc = kit.context(noTicks);
    const r = new ManualReceiver<string>();
    const stream = ssc.receiverStream(r, { log: quiet });
    (stream as unknown as { options: { log: (m: string) => void } }).options.log = (m) => logs.push(m);
    stream.restoreAssignedInputs([[1000, { kind: 'blocks', blocks: [{ blockId: 'input-0-99', streamId: 0, numRecords: 3, createdAtMs: 0 }] }]]);
    const out = collectPartitions(stream);
    await ssc.start();
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([]);
    expect(logs.some((l) => l.includes('input-0-99') && l.includes('write-ahead log'))).toBe(true);
  });

  it('a replayed batch whose blocks its durable store lacks (a damaged write-ahead log) says that store lacks them, not that none is configured', async () => {
    const logs: string[] = [];
    const ssc = kit.context(noTicks);
    const r = new ManualReceiver<string>();
    const stream = ssc.receiverStream(r, { log: quiet });
    (stream as unknown as { options: { log: (m: string) => void } }).options.log = (m) => logs.push(m);
    // A stand-in for a write-ahead log store whose segment was damaged: it has none of the recorded blocks.
    class DamagedLogStore implements ReceivedBlockStore {
      put(): void {}
      get(): undefined { return undefined; }
      remove(): void {}
    }
    stream.useBlockStore(new DamagedLogStore());
    stream.restoreAssignedInputs([[1000, { kind: 'blocks', blocks: [{ blockId: 'input-0-99', streamId: 0, numRecords: 3, createdAtMs: 0 }] }]]);
    const out = collectPartitions(stream);
    await ssc.start();
    await clockOf(ssc).advance(1000);
    expect(out.get(1000)).toEqual([]);
    const line = logs.find((l) => l.includes('input-0-99'));
    expect(line).toContain('its durable block store does not have them');
    expect(line).not.toContain('unless a durable block store');
  });
});

describe('observableStream', () => {
  it('stores every value of an Observable; an error restarts (resubscribes) the receiver', async () => {
    const ssc = kit.context(noTicks);
    // First subscription: 1, 2, then an error when the test says so; second: 3.
    const fail = new Subject<void>();
    let subscriptions = 0;
    const obs = new Observable<number>((sub) => {
      subscriptions++;
      if (subscriptions === 1) {
        sub.next(1);
        sub.next(2);
        const s = fail.subscribe(() => sub.error(new Error('upstream failed')));
        return () => s.unsubscribe();
      }
      sub.next(3);
      return undefined;
    });
    const events = receiverEvents(ssc);
    const out = collectPartitions(ssc.observableStream(obs, undefined, { log: quiet }));
    await ssc.start();
    await clockOf(ssc).advance(1000);
    fail.next();
    await eventually(() => events.filter((e) => e[0] === 'started').length === 2, () => JSON.stringify(events.map((e) => e[0])));
    await clockOf(ssc).advance(1000);
    expect(subscriptions).toBe(2);
    expect(out.get(1000)).toEqual([[1, 2]]);
    expect(out.get(2000)).toEqual([[3]]);
    expect(events.map((e) => e[0])).toEqual(['started', 'stopped', 'started']);
    expect(events[1]![1].lastError).toContain('upstream failed');
  });
});

describe('stopReceiving (the graceful-stop hook)', () => {
  it('stops the receiver and leaves what it stored for the next batches', async () => {
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h' });
    class Stored extends Receiver<string> {
      stops = 0;
      onStart(): void { this.store('a'); }
      onStop(): void { this.stops++; }
    }
    const r = new Stored();
    const stream = ssc.receiverStream(r, { log: () => undefined });
    const out = collectPartitions(stream);
    await ssc.start();
    r.store('b');
    await stream.stopReceiving();
    expect(r.isStopped()).toBe(true);
    expect(stream.hasPendingInput()).toBe(true);
    await ssc.processAllAvailable();
    expect(flat(out)).toEqual(['a', 'b']);
    await ssc.stop();
    expect(r.stops).toBe(1);
  });
});
