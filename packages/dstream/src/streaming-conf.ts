import { availableParallelism } from 'node:os';
import { IllegalConfigValueError, type SparkConf } from '@kindling/core';
import { DEFAULT_MAX_BATCHES_AHEAD, DEFAULT_STATE_SNAPSHOT_INTERVAL } from './input/log/partition-leases.ts';

/** Settings of the backpressure rate estimator (`spark.streaming.backpressure.*`). */
export interface BackpressureConf {
  /** `spark.streaming.backpressure.enabled` (false). */
  readonly enabled: boolean;
  /** `spark.streaming.backpressure.initialRate`: records/s before the first estimate (default: `receiverMaxRate`). */
  readonly initialRate: number;
  /** `spark.streaming.backpressure.rateEstimator` (`pid`, the only one). */
  readonly rateEstimator: 'pid';
  /** `spark.streaming.backpressure.pid.proportional` (1.0). */
  readonly proportional: number;
  /** `spark.streaming.backpressure.pid.integral` (0.2). */
  readonly integral: number;
  /** `spark.streaming.backpressure.pid.derived` (0.0). */
  readonly derived: number;
  /** `spark.streaming.backpressure.pid.minRate` (100 records/s). */
  readonly minRate: number;
  /**
   * `spark.streaming.backpressure.initialRate` as set (undefined when unset): log sources
   * start unlimited without it, where receivers start at `receiverMaxRate`.
   */
  readonly initialRateIfSet: number | undefined;
}

/** Several instances sharing one job (`spark.kindling.group.*`, see docs/log-sources.md). */
export interface GroupConf {
  /** `spark.kindling.group.enabled` (false). */
  readonly enabled: boolean;
  /** `spark.kindling.group.instances`: how many instances split the partitions (unset: group leases assign them). */
  readonly instances: number | undefined;
  /** `spark.kindling.group.instance`: this instance's index, `0` to `instances - 1` (0). */
  readonly instance: number;
  /**
   * `spark.kindling.group.leaseTimeout` in ms (10s): how long a partition's lease and a member's
   * heartbeat last without renewal (renewed every batch and every third of it); after it, a
   * silent instance's partitions are taken over. At least 1 s.
   */
  readonly leaseTimeoutMs: number;
  /**
   * `spark.kindling.group.trimRepartitionLogs` (true): the owner of a repartition partition
   * deletes the entries of a batch once that batch completed and left the stream's remember
   * window (a recovery from the checkpoint no longer regenerates it). False keeps every entry
   * (to inspect the logs, or to replay a run from scratch).
   */
  readonly trimRepartitionLogs: boolean;
  /**
   * `spark.kindling.group.stateSnapshotInterval` (10): a partition's keyed state lives in the
   * log's store as a snapshot plus the deltas of the commits after it; every this many deltas
   * the commit folds them into the snapshot. Restoring costs the snapshot plus at most this
   * many deltas. At least 1.
   */
  readonly stateSnapshotInterval: number;
  /**
   * `spark.kindling.group.catchUp` (`batches`): how a repartition partition behind the batches
   * (a new owner after a take-over) catches up on the batch times nobody ran: `batches` runs each
   * at its own time on its own range, in catch-up batches the engine runs before its next batch
   * (up to 8 per batch; every batch time stays one batch, as in a single run, and the partition
   * catches up); `merge` runs them all in its next batch (one batch then stands for several
   * batch times).
   */
  readonly catchUp: 'batches' | 'merge';
  /**
   * `spark.kindling.group.maxBatchesAhead` (10): under leases, in a co-partitioned graph, the
   * most new batches an instance records for one partition beyond that partition's last commit
   * (a re-keyed graph records every batch: see docs/log-sources.md). Batches are generated on the
   * clock whether or not the earlier ones ran (as Spark's); when they queue up (a loaded
   * instance, a slow output), the partition plans nothing new at the bound, and its first batch
   * after a commit reads everything since (up to `spark.streaming.kafka.maxRatePerPartition`):
   * so a new owner after a kill or a pause re-runs at most this many of its batches, not the
   * whole queue. Catch-up batches plan a missed batch time only below the bound minus one. At
   * least 2.
   */
  readonly maxBatchesAhead: number;
}

/** The rate limits of log sources (`spark.streaming.kafka.*`, honoured by every log source). */
export interface LogSourceRateConf {
  /** `spark.streaming.kafka.maxRatePerPartition`: records/s per partition (0: unlimited, the default). */
  readonly maxRatePerPartition: number;
  /** `spark.streaming.kafka.minRatePerPartition`: records/s per partition a limited batch still takes (1). */
  readonly minRatePerPartition: number;
}

/** The default of `spark.kindling.receiver.maxLineLength`: 8 MiB. */
export const DEFAULT_MAX_LINE_LENGTH = 8 * 1024 * 1024;

/**
 * Every `spark.streaming.*` and `spark.kindling.*` setting of a streaming context, read and
 * checked once, when the context is created (`ssc.streamingConf`): a bad value fails there,
 * naming the key, instead of in the middle of a run. Durations take Spark's units
 * (`SparkConf.getTimeAsMs`: `200ms`, `30s`, `2min`; a bare number is milliseconds), sizes
 * Spark's binary units (`SparkConf.getSizeAsBytes`: `64k`, `8m`; a bare number is bytes).
 *
 * | key | default | |
 * |---|---|---|
 * | `spark.streaming.clock` | `system` | `manual` (or Spark's class names) for tests |
 * | `spark.streaming.unpersist` | `true` | unpersist RDDs streams forget |
 * | `spark.streaming.stopGracefullyOnShutdown` | `false` | SIGTERM/SIGINT stop gracefully |
 * | `spark.streaming.stopSparkContextByDefault` | `true` | `stop()` stops the SparkContext |
 * | `spark.streaming.gracefulStopTimeout` | 10 batches | how long a graceful stop waits for received data |
 * | `spark.streaming.blockInterval` | `200ms` | receivers cut blocks this often |
 * | `spark.streaming.receiver.maxRate` | unlimited | records/s per receiver |
 * | `spark.streaming.receiverRestartDelay` | `2000` (ms) | before a receiver restarts |
 * | `spark.streaming.backpressure.*` | see {@link BackpressureConf} | |
 * | `spark.streaming.receiver.writeAheadLog.enable` | `false` | receiver write-ahead log |
 * | `spark.streaming.receiver.writeAheadLog.rollingIntervalSecs` | `60` | log segment length |
 * | `spark.streaming.manualClock.jump` | `0` (ms) | tests: time passed while down |
 * | `spark.streaming.kafka.maxRatePerPartition`, `minRatePerPartition` | `0` (unlimited), `1` | log source rates, see {@link LogSourceRateConf} |
 * | `spark.streaming.ui.retainedBatches` | `1000` | completed batches the web UI keeps |
 * | `spark.kindling.receiver.maxLineLength` | `8m` | longest socket text line, in UTF-8 bytes |
 * | `spark.kindling.output.skipEmptyBatches` | `false` | `saveAs*Files` writes no folder for an empty batch |
 * | `spark.kindling.group.enabled`, `.instances`, `.instance` | `false`, unset, `0` | several instances share the job, see {@link GroupConf} |
 * | `spark.kindling.group.leaseTimeout` | `10s` | group mode: a partition's lease (and a member's heartbeat) lasts this long without renewal |
 * | `spark.kindling.group.trimRepartitionLogs` | `true` | group mode: consumed repartition log entries are deleted once their batch is done for good |
 * | `spark.kindling.group.stateSnapshotInterval` | `10` | group mode: state deltas kept per partition before they are folded into its snapshot |
 * | `spark.kindling.group.maxBatchesAhead` | `10` | group leases: new batches of a partition an instance records beyond its last commit; at the bound the partition plans nothing new until a commit (bounds what a new owner re-runs after a kill or pause) |
 * | `spark.kindling.group.catchUp` | `batches` | group leases: a repartition partition behind the batches runs each missed batch time on its own, in catch-up batches before the next batch (`batches`), or all at once (`merge`) |
 * | `spark.kindling.workers.idleTimeout` | `60s` | `local[N]` with `buildGraph`: how long a worker thread stays warm for the next context after its context stopped (`0`: it ends at once) |
 * | `spark.kindling.workers.maxThreads` | `os.availableParallelism()` | `local[N]` with `buildGraph`: at most this many worker threads; `local[N]` above it keeps its N partitions per stage, each thread owning several (more isolates than cores only add heaps, garbage collectors and hand-overs) |
 */
export class StreamingConf {
  /** `spark.streaming.clock`, as given. */
  readonly clock: string;
  readonly unpersist: boolean;
  readonly stopGracefullyOnShutdown: boolean;
  readonly stopSparkContextByDefault: boolean;
  /** `spark.streaming.gracefulStopTimeout` in ms (default: 10 batch durations, as Spark). */
  readonly gracefulStopTimeoutMs: number;
  readonly blockIntervalMs: number;
  /** Records/s per receiver; `Infinity` when unlimited (unset, or not positive as in Spark). */
  readonly receiverMaxRate: number;
  readonly receiverRestartDelayMs: number;
  readonly backpressure: BackpressureConf;
  readonly writeAheadLogEnabled: boolean;
  readonly writeAheadLogRollingIntervalMs: number;
  readonly manualClockJumpMs: number;
  readonly logSourceRates: LogSourceRateConf;
  /** `spark.streaming.ui.retainedBatches`: completed batches the web UI keeps. */
  readonly uiRetainedBatches: number;
  /**
   * `spark.kindling.receiver.maxLineLength`: a socket text line longer than this many UTF-8
   * bytes is dropped while it streams in (never held whole) and reported as a receiver error
   * naming the server and the limit; the stream goes on with the next line.
   */
  readonly maxLineLength: number;
  readonly skipEmptyBatches: boolean;
  readonly group: GroupConf;
  /**
   * `spark.kindling.workers.idleTimeout` in ms (60s): under `local[N]` with `buildGraph`, the
   * worker threads of a stopped context wait this long, warm, for the next context of the
   * process, then end; 0 ends them when their context stops.
   */
  readonly workersIdleTimeoutMs: number;
  /**
   * `spark.kindling.workers.maxThreads` (`os.availableParallelism()`): under `local[N]` with
   * `buildGraph`, the graph runs on `min(N, maxThreads)` worker threads; N still sets the
   * partitions (`defaultParallelism`), and partition `p` runs on thread `p mod threads`.
   */
  readonly workersMaxThreads: number;

  /**
   * @param conf the SparkContext's configuration.
   * @param batchDurationMs the context's batch interval (defaults derived from it).
   * @throws {IllegalConfigValueError} naming the key when a value is malformed or out of range.
   */
  constructor(conf: SparkConf, batchDurationMs: number) {
    this.clock = conf.get('spark.streaming.clock', 'system');
    this.unpersist = conf.getBoolean('spark.streaming.unpersist', true);
    this.stopGracefullyOnShutdown = conf.getBoolean('spark.streaming.stopGracefullyOnShutdown', false);
    this.stopSparkContextByDefault = conf.getBoolean('spark.streaming.stopSparkContextByDefault', true);
    this.gracefulStopTimeoutMs = atLeast(conf, 'spark.streaming.gracefulStopTimeout', conf.getTimeAsMs('spark.streaming.gracefulStopTimeout', `${10 * batchDurationMs}ms`), 0, 'ms');
    this.blockIntervalMs = atLeast(conf, 'spark.streaming.blockInterval', conf.getTimeAsMs('spark.streaming.blockInterval', '200ms'), 1, 'ms');
    const maxRate = conf.getDouble('spark.streaming.receiver.maxRate', Number.POSITIVE_INFINITY);
    this.receiverMaxRate = maxRate > 0 ? maxRate : Number.POSITIVE_INFINITY;
    this.receiverRestartDelayMs = atLeast(conf, 'spark.streaming.receiverRestartDelay', conf.getTimeAsMs('spark.streaming.receiverRestartDelay', '2000'), 0, 'ms');
    const estimator = conf.get('spark.streaming.backpressure.rateEstimator', 'pid');
    if (estimator !== 'pid') throw new IllegalConfigValueError('spark.streaming.backpressure.rateEstimator', estimator, "'pid' (the only rate estimator)");
    this.backpressure = {
      enabled: conf.getBoolean('spark.streaming.backpressure.enabled', false),
      initialRate: conf.getDouble('spark.streaming.backpressure.initialRate', this.receiverMaxRate),
      rateEstimator: estimator,
      proportional: conf.getDouble('spark.streaming.backpressure.pid.proportional', 1.0),
      integral: conf.getDouble('spark.streaming.backpressure.pid.integral', 0.2),
      derived: conf.getDouble('spark.streaming.backpressure.pid.derived', 0.0),
      minRate: conf.getDouble('spark.streaming.backpressure.pid.minRate', 100),
      initialRateIfSet: conf.contains('spark.streaming.backpressure.initialRate') ? conf.getDouble('spark.streaming.backpressure.initialRate', 0) : undefined,
    };
    this.writeAheadLogEnabled = conf.getBoolean('spark.streaming.receiver.writeAheadLog.enable', false);
    this.writeAheadLogRollingIntervalMs = atLeast(conf, 'spark.streaming.receiver.writeAheadLog.rollingIntervalSecs', conf.getInt('spark.streaming.receiver.writeAheadLog.rollingIntervalSecs', 60), 1, 's') * 1000;
    this.manualClockJumpMs = conf.getInt('spark.streaming.manualClock.jump', 0);
    this.logSourceRates = {
      maxRatePerPartition: atLeast(conf, 'spark.streaming.kafka.maxRatePerPartition', conf.getDouble('spark.streaming.kafka.maxRatePerPartition', 0), 0, 'record/s'),
      minRatePerPartition: above(conf, 'spark.streaming.kafka.minRatePerPartition', conf.getDouble('spark.streaming.kafka.minRatePerPartition', 1), 0, 'record/s'),
    };
    this.uiRetainedBatches = atLeast(conf, 'spark.streaming.ui.retainedBatches', conf.getInt('spark.streaming.ui.retainedBatches', 1000), 1, 'batch');
    this.maxLineLength = atLeast(conf, 'spark.kindling.receiver.maxLineLength', conf.getSizeAsBytes('spark.kindling.receiver.maxLineLength', DEFAULT_MAX_LINE_LENGTH), 1, 'byte');
    this.skipEmptyBatches = conf.getBoolean('spark.kindling.output.skipEmptyBatches', false);
    const instances = conf.contains('spark.kindling.group.instances') ? atLeast(conf, 'spark.kindling.group.instances', conf.getInt('spark.kindling.group.instances', 1), 1, 'instance') : undefined;
    const instance = atLeast(conf, 'spark.kindling.group.instance', conf.getInt('spark.kindling.group.instance', 0), 0, '(an index)');
    if (instances !== undefined && instance >= instances) throw new IllegalConfigValueError('spark.kindling.group.instance', String(instance), `an index below spark.kindling.group.instances (${instances})`);
    const leaseTimeoutMs = atLeast(conf, 'spark.kindling.group.leaseTimeout', conf.getTimeAsMs('spark.kindling.group.leaseTimeout', '10s'), 1000, 'ms');
    const stateSnapshotInterval = atLeast(conf, 'spark.kindling.group.stateSnapshotInterval', conf.getInt('spark.kindling.group.stateSnapshotInterval', DEFAULT_STATE_SNAPSHOT_INTERVAL), 1, 'delta');
    const catchUp = conf.get('spark.kindling.group.catchUp', 'batches');
    if (catchUp !== 'batches' && catchUp !== 'merge') throw new IllegalConfigValueError('spark.kindling.group.catchUp', catchUp, "'batches' or 'merge'");
    const maxBatchesAhead = atLeast(conf, 'spark.kindling.group.maxBatchesAhead', conf.getInt('spark.kindling.group.maxBatchesAhead', DEFAULT_MAX_BATCHES_AHEAD), 2, 'batch');
    this.group = {
      enabled: conf.getBoolean('spark.kindling.group.enabled', false), instances, instance, leaseTimeoutMs,
      trimRepartitionLogs: conf.getBoolean('spark.kindling.group.trimRepartitionLogs', true), stateSnapshotInterval, catchUp, maxBatchesAhead,
    };
    this.workersIdleTimeoutMs = atLeast(conf, 'spark.kindling.workers.idleTimeout', conf.getTimeAsMs('spark.kindling.workers.idleTimeout', '60s'), 0, 'ms');
    this.workersMaxThreads = atLeast(conf, 'spark.kindling.workers.maxThreads', conf.getInt('spark.kindling.workers.maxThreads', availableParallelism()), 1, 'thread');
  }
}

function above(conf: SparkConf, key: string, value: number, min: number, unit: string): number {
  if (!(value > min)) throw new IllegalConfigValueError(key, conf.getOption(key) ?? String(value), `more than ${min} ${unit}`);
  return value;
}

function atLeast(conf: SparkConf, key: string, value: number, min: number, unit: string): number {
  if (value < min) throw new IllegalConfigValueError(key, conf.getOption(key) ?? String(value), `at least ${min} ${unit}`);
  return value;
}
