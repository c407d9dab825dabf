import { describe, expect, it } from 'vitest';
import { Time } from '@kindling/core';
import { BatchInfo } from './batch-info.ts';
import { StreamingListenerBus } from './streaming-listener-bus.ts';

describe('StreamingListenerBus.wants', () => {
  const info = new BatchInfo(new Time(1000), new Map(), 1000, 1001, 1002, new Map());

  it('is true exactly while a listener has the callback, or a batches$ subscriber waits for completed batches', () => {
    const bus = new StreamingListenerBus();
    expect(bus.wants('onBatchStarted')).toBe(false);
    expect(bus.wants('onBatchCompleted')).toBe(false);

    const started: number[] = [];
    const listener = { onBatchStarted: (e: { batchInfo: BatchInfo }) => { started.push(e.batchInfo.batchTime.milliseconds); } };
    bus.addListener(listener);
    expect(bus.wants('onBatchStarted')).toBe(true);
    expect(bus.wants('onBatchCompleted')).toBe(false);
    bus.post('onBatchStarted', { batchInfo: info });
    expect(started).toEqual([1000]);
    bus.removeListener(listener);
    expect(bus.wants('onBatchStarted')).toBe(false);

    const seen: number[] = [];
    const a = bus.batches$.subscribe((b) => seen.push(b.batchTime.milliseconds));
    const b = bus.batches$.subscribe(() => undefined);
    expect(bus.wants('onBatchCompleted')).toBe(true);
    expect(bus.wants('onBatchSubmitted')).toBe(false);
    bus.post('onBatchCompleted', { batchInfo: info });
    expect(seen).toEqual([1000]);
    a.unsubscribe();
    expect(bus.wants('onBatchCompleted')).toBe(true);
    b.unsubscribe();
    expect(bus.wants('onBatchCompleted')).toBe(false);
  });

  it('counts no subscriber once the bus has stopped', () => {
    const bus = new StreamingListenerBus();
    let completed = false;
    bus.batches$.subscribe({ complete: () => { completed = true; } });
    expect(bus.wants('onBatchCompleted')).toBe(true);
    bus.stop();
    expect(completed).toBe(true);
    expect(bus.wants('onBatchCompleted')).toBe(false);
    // A subscription after the stop completes at once and leaves nothing behind.
    bus.batches$.subscribe(() => undefined);
    expect(bus.wants('onBatchCompleted')).toBe(false);
  });
});
