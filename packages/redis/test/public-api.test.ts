// The API contract's "Log sources" names (shared/API.md), imported as users import them.
import * as dstream from '@kindling/dstream';
import * as redis from '@kindling/redis';
import { describe, expect, it } from 'vitest';

describe('log sources in the public API contract', () => {
  it('@kindling/dstream exports the log-agnostic vocabulary', () => {
    for (const n of ['ConsumerStrategies', 'LocationStrategies', 'OffsetRange', 'LogInputDStream', 'OffsetOutOfRangeError', 'hasOffsetRanges'] as const) {
      expect(dstream[n], n).toBeDefined();
    }
    expect(dstream.LocationStrategies.PreferConsistent.toString()).toBe('PreferConsistent');
  });

  it('@kindling/redis exports the adapter and re-exports the vocabulary (the same objects)', () => {
    for (const n of ['RedisStreamsAdmin', 'RedisStreamsProducer', 'RedisStreamsUtils', 'ConsumerRecord'] as const) expect(redis[n], n).toBeDefined();
    expect(redis.ConsumerStrategies).toBe(dstream.ConsumerStrategies);
    expect(redis.OffsetRange).toBe(dstream.OffsetRange);
  });

  it('createDirectStream names the missing redis.url', () => {
    expect(() => redis.RedisStreamsUtils.createDirectStream(undefined as never, redis.LocationStrategies.PreferConsistent, redis.ConsumerStrategies.Subscribe(['t'], { 'group.id': 'g' })))
      .toThrow(/the parameter redis\.url is missing/);
  });
});
