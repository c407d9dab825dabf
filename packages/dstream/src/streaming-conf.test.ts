import { availableParallelism } from 'node:os';
import { IllegalConfigValueError, SparkConf } from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { StreamingConf } from './streaming-conf.ts';

const read = (settings: Record<string, string> = {}, batchMs = 1000) => new StreamingConf(new SparkConf().setAll(Object.entries(settings)), batchMs);

describe('StreamingConf', () => {
  it("has Spark's defaults (graceful stop timeout: 10 batches) and an 8 MiB maximum socket line", () => {
    const c = read({}, 500);
    expect(c).toMatchObject({
      clock: 'system',
      unpersist: true,
      stopGracefullyOnShutdown: false,
      stopSparkContextByDefault: true,
      gracefulStopTimeoutMs: 5000,
      blockIntervalMs: 200,
      receiverMaxRate: Number.POSITIVE_INFINITY,
      receiverRestartDelayMs: 2000,
      writeAheadLogEnabled: false,
      writeAheadLogRollingIntervalMs: 60_000,
      manualClockJumpMs: 0,
      maxLineLength: 8 * 1024 * 1024,
      skipEmptyBatches: false,
      uiRetainedBatches: 1000,
      group: { enabled: false, instances: undefined, instance: 0, maxBatchesAhead: 10 },
      workersIdleTimeoutMs: 60_000,
      // One worker thread per core at most under local[N].
      workersMaxThreads: availableParallelism(),
    });
    expect(c.backpressure).toEqual({ enabled: false, initialRate: Number.POSITIVE_INFINITY, rateEstimator: 'pid', proportional: 1, integral: 0.2, derived: 0, minRate: 100, initialRateIfSet: undefined });
    expect(c.logSourceRates).toEqual({ maxRatePerPartition: 0, minRatePerPartition: 1 });
  });

  it('reads durations and sizes with units, and numbers', () => {
    const c = read({
      'spark.streaming.blockInterval': '1s',
      'spark.streaming.gracefulStopTimeout': '2min',
      'spark.streaming.receiverRestartDelay': '50',
      'spark.streaming.receiver.maxRate': '2000',
      'spark.streaming.backpressure.enabled': 'true',
      'spark.streaming.backpressure.pid.minRate': '7',
      'spark.streaming.receiver.writeAheadLog.rollingIntervalSecs': '2',
      'spark.kindling.receiver.maxLineLength': '64k',
      'spark.kindling.output.skipEmptyBatches': 'true',
      'spark.streaming.backpressure.initialRate': '300',
      'spark.streaming.kafka.maxRatePerPartition': '40',
      'spark.streaming.kafka.minRatePerPartition': '0.5',
      'spark.streaming.ui.retainedBatches': '25',
      'spark.kindling.group.enabled': 'true',
      'spark.kindling.group.instances': '3',
      'spark.kindling.group.instance': '2',
      'spark.kindling.group.leaseTimeout': '1500ms',
      'spark.kindling.group.trimRepartitionLogs': 'false',
      'spark.kindling.group.stateSnapshotInterval': '4',
      'spark.kindling.group.maxBatchesAhead': '3',
      'spark.kindling.workers.idleTimeout': '5min',
      'spark.kindling.workers.maxThreads': '3',
    });
    expect([c.blockIntervalMs, c.gracefulStopTimeoutMs, c.receiverRestartDelayMs, c.receiverMaxRate]).toEqual([1000, 120_000, 50, 2000]);
    expect([c.backpressure.enabled, c.backpressure.initialRate, c.backpressure.initialRateIfSet, c.backpressure.minRate]).toEqual([true, 300, 300, 7]);
    expect(c.logSourceRates).toEqual({ maxRatePerPartition: 40, minRatePerPartition: 0.5 });
    expect(c.uiRetainedBatches).toBe(25);
    expect(c.workersIdleTimeoutMs).toBe(300_000);
    expect(c.workersMaxThreads).toBe(3);
    expect(c.group).toEqual({ enabled: true, instances: 3, instance: 2, leaseTimeoutMs: 1500, trimRepartitionLogs: false, stateSnapshotInterval: 4, catchUp: 'batches', maxBatchesAhead: 3 });
    expect([c.writeAheadLogRollingIntervalMs, c.maxLineLength, c.skipEmptyBatches]).toEqual([2000, 65_536, true]);
  });

  it('treats a receiver.maxRate that is not positive as unlimited, as Spark', () => {
    expect(read({ 'spark.streaming.receiver.maxRate': '0' }).receiverMaxRate).toBe(Number.POSITIVE_INFINITY);
  });

  it('fails on a malformed or out-of-range value, naming the key', () => {
    const cases: [string, string, RegExp][] = [
      ['spark.streaming.blockInterval', '1.5s', /expected a duration/],
      ['spark.streaming.blockInterval', '0', /at least 1 ms/],
      ['spark.kindling.receiver.maxLineLength', '0', /at least 1 byte/],
      ['spark.kindling.receiver.maxLineLength', 'lots', /expected a size/],
      ['spark.streaming.backpressure.pid.integral', 'high', /expected a number/],
      ['spark.streaming.backpressure.rateEstimator', 'magic', /'pid'/],
      ['spark.streaming.kafka.maxRatePerPartition', '-1', /at least 0 record\/s/],
      ['spark.streaming.kafka.minRatePerPartition', '0', /more than 0 record\/s/],
      ['spark.streaming.ui.retainedBatches', '0', /at least 1 batch/],
      ['spark.kindling.group.instances', '0', /at least 1 instance/],
      ['spark.kindling.group.leaseTimeout', '500ms', /at least 1000 ms/],
      ['spark.kindling.group.instance', '-1', /at least 0/],
      ['spark.kindling.group.stateSnapshotInterval', '0', /at least 1 delta/],
      ['spark.kindling.group.maxBatchesAhead', '1', /at least 2 batch/],
      ['spark.kindling.workers.idleTimeout', 'soon', /expected a duration/],
      ['spark.kindling.workers.maxThreads', '0', /at least 1 thread/],
    ];
    for (const [key, value, expected] of cases) {
      let error: unknown;
      try {
        read({ [key]: value });
      } catch (e) {
        error = e;
      }
      expect(error, `${key}=${value}`).toBeInstanceOf(IllegalConfigValueError);
      expect((error as Error).message).toContain(`${key} has an illegal value '${value}'`);
      expect((error as Error).message).toMatch(expected);
    }
    expect(() => read({ 'spark.streaming.unpersist': 'yes' })).toThrow(/spark.streaming.unpersist must be true or false/);
    expect(() => read({ 'spark.kindling.group.instances': '2', 'spark.kindling.group.instance': '2' })).toThrow(/spark\.kindling\.group\.instance has an illegal value '2': expected an index below spark\.kindling\.group\.instances \(2\)/);
  });
});
