// Spark's DirectKafkaStreamSuite vectors for maxMessagesPerPartition (current offsets 0).
import { describe, expect, it } from 'vitest';
import { maxMessagesPerPartition } from './max-messages-per-partition.ts';

describe('maxMessagesPerPartition (Spark DirectKafkaStreamSuite)', () => {
  it('with backpressure disabled: maxRatePerPartition 100 at 100 ms batches gives 10 each', () => {
    expect(maxMessagesPerPartition([0, 0], [50, 50], [100, 100], [1, 1], undefined, 100)).toEqual([10, 10]);
  });

  it('with no lag: no limit', () => {
    expect(maxMessagesPerPartition([0, 0], [0, 0], [100, 100], [1, 1], 100, 100)).toBeUndefined();
  });

  it('respects max rate per partition: a 1000/s estimate split by lag, capped at 50 and 100', () => {
    expect(maxMessagesPerPartition([0, 0], [1000, 1000], [50, 100], [1, 1], 1000, 100)).toEqual([5, 10]);
  });

  it('backpressure.initialRate honours maxRatePerPartition (500 within 1000/s, 500 ms) and vice versa', () => {
    expect(maxMessagesPerPartition([0], [1000], [1000], [1], 500, 500)).toEqual([250]);
    expect(maxMessagesPerPartition([0], [1000], [300], [1], 1000, 500)).toEqual([150]);
  });

  it('gives at least minRatePerPartition per partition (rate 1/s over 60 s, lags 0..300, min 5)', () => {
    expect(maxMessagesPerPartition([0, 0, 0, 0], [0, 100, 200, 300], [100, 100, 100, 100], [5, 5, 5, 5], 1, 60_000)).toEqual([5, 10, 20, 30]);
  });

  it('with neither a rate limit nor an estimate: no limit', () => {
    expect(maxMessagesPerPartition([0, 0], [10, 10], [0, 0], [1, 1], undefined, 1000)).toBeUndefined();
  });
});
