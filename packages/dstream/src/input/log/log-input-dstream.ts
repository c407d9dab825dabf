import { Time, getLogger, type RDD } from '@kindling/core';
import type { PartitionAssignment } from '../../exchange/partition-assignment.ts';
import { PIDRateEstimator } from '../../receiver/pid-rate-estimator.ts';
import { RateController } from '../../receiver/rate-controller.ts';
import type { StreamingListener, StreamingListenerBatchCompleted } from '../../scheduler/streaming-listener.ts';
import type { StreamingContext } from '../../streaming-context.ts';
import type { OffsetRangeBatchInput, OffsetRangeDescription } from '../batch-input-description.ts';
import { InputDStream } from '../input-dstream.ts';
import type { CanCommitOffsets, CommittedOffset, OffsetCommitCallback } from './can-commit-offsets.ts';
import type { ConsumerStrategy } from './consumer-strategy.ts';
import { LocationStrategies, type LocationStrategy } from './location-strategy.ts';
import { LogRDD } from './log-rdd.ts';
import type { LogOffsetBounds, LogSource } from './log-source.ts';
import { maxMessagesPerPartition } from './max-messages-per-partition.ts';
import { OffsetOutOfRangeError } from './offset-out-of-range-error.ts';
import { OffsetRange } from './offset-range.ts';
import { DefaultPerPartitionConfig, type PerPartitionConfig } from './per-partition-config.ts';
import { topicPartitionKey, type TopicPartition } from './topic-partition.ts';
import { checkGroupGraph } from '../../group/co-partitioning.ts';
import { GroupCoordinator } from '../../group/group-coordinator.ts';
import { GroupStages } from '../../group/group-stages.ts';
import { GroupStateLostError } from '../../group/group-state-lost-error.ts';
import { NotCoPartitionedError } from '../../group/not-co-partitioned-error.ts';
import { GroupPlanError } from '../../exchange/group-plan-error.ts';
import type { DStream } from '../../dstream/dstream.ts';
import { hasCustomName, structuralKeys } from '../../checkpoint/graph-shape.ts';
import { matchStateCatalog } from '../../group/group-state-catalog.ts';
import type { GroupStateStream, PartitionLeases } from './partition-leases.ts';

const log = getLogger('LogInputDStream');

/** Group leases: at most this many catch-up batches before one batch (see `LogInputDStream.catchUpBefore`). */
const MAX_CATCH_UP_BATCHES = 8;

/** The streams whose keyed state group mode commits with each partition's offsets (see GroupRuntime.captureState). */
const STATE_KINDS = new Set(['updateStateByKey', 'internalMapWithState', 'reduceByKeyAndWindow']);

/** A log stream's own position in a metadata checkpoint: the next offset of every partition. */
export interface LogInputStreamState {
  readonly version: 1;
  /** `topic-partition` -> next offset to read. */
  readonly next: Readonly<Record<string, number>>;
}

/**
 * Spark's `DirectKafkaInputDStream`, for any partitioned log behind a {@link LogSource}: no
 * receiver; each batch reads, per topic partition, the offsets from where the previous batch
 * ended up to the log's end at batch time (limited by `spark.streaming.kafka.maxRatePerPartition`
 * and, with `spark.streaming.backpressure.enabled`, by the PID estimate split over the
 * partitions by lag). The batch's RDD is a {@link LogRDD}: one partition per range, records
 * read when the batch runs.
 *
 * Exactly once with a checkpoint: each batch's ranges are its `{ kind: 'offsets', ranges }`
 * description, recorded before it runs and checkpointed with the batch; the next offsets are
 * the stream's checkpointed position. After a crash, `StreamingContext.getOrCreate` runs every
 * unfinished batch again on exactly its recorded ranges, then goes on from where they ended.
 *
 * Commits to the consumer group (`group.id`): queued by {@link LogInputDStream.commitAsync}
 * (Spark's `CanCommitOffsets`) and, with `enable.auto.commit` = `true`, every batch's ranges;
 * either is written once the batch's outputs all succeeded, never before. Without a
 * checkpoint, a restarted stream starts from the group's committed offsets.
 *
 * The log unreachable: at batch time, the batch runs empty (a warning names the location) and
 * a later batch takes what arrived meanwhile; while a batch reads, it waits (retrying) until
 * the log answers. Nothing is skipped either way.
 *
 * Group mode (`spark.kindling.group.enabled=true` and a `group.id`, with a source that has
 * {@link LogSource.ownership}): instances of one program share the topic's partitions
 * (leases with epochs, a shared batch grid, each partition's batch recorded before its
 * outputs and committed with its state in one fenced, atomic step). The RDD still has one
 * partition per log partition; the partitions this instance does not own in a batch are
 * empty. Only co-partitioned graphs run (see `checkGroupGraph`); no metadata checkpoint
 * recovery (positions and state live in the log's store). Protocol: `docs/log-sources.md`.
 */
export class LogInputDStream<R> extends InputDStream<R, OffsetRangeBatchInput> implements CanCommitOffsets {
  static override kind = 'directStream';
  #partitions: TopicPartition[] = [];
  #current: number[] = [];
  #restored: Map<string, number> | undefined;
  #bounds: { time: number; bounds: LogOffsetBounds[] | undefined } | undefined;
  #lastLatest: number[] | undefined;
  #rateController: RateController | undefined;
  #listener: StreamingListener | undefined;
  #abort = new AbortController();
  #commitQueue: CommittedOffset[] = [];
  #commitCallback: OffsetCommitCallback | undefined;
  #autoCommits = new Map<number, readonly OffsetRangeDescription[]>();
  #committing: Promise<void> = Promise.resolve();
  #started = false;
  #ownership: PartitionAssignment | undefined;
  #group: GroupCoordinator | undefined;
  /** Group leases in a re-keyed graph: the repartition logs' coordinators. */
  #stages: GroupStages | undefined;
  /** Group leases: catch-up batch time -> the batch time it comes before. */
  readonly #catchUpFor = new Map<number, number>();
  readonly #ppc: PerPartitionConfig;

  constructor(
    ssc: StreamingContext,
    /** The log. */
    readonly source: LogSource<R>,
    /** Which partitions, which group, where to start. */
    readonly consumerStrategy: ConsumerStrategy,
    readonly locationStrategy: LocationStrategy = LocationStrategies.PreferConsistent,
    perPartitionConfig?: PerPartitionConfig,
  ) {
    super(ssc);
    this.#ppc = perPartitionConfig ?? new DefaultPerPartitionConfig(ssc.streamingConf.logSourceRates);
    const reset = consumerStrategy.param('auto.offset.reset', 'latest');
    if (!['earliest', 'latest', 'none'].includes(reset)) {
      throw new Error(`${this.sourceLabel()}: auto.offset.reset must be 'earliest', 'latest' or 'none', got '${reset}'.`);
    }
    const outOfRange = consumerStrategy.param('kindling.offsets.outOfRange', 'fail');
    if (outOfRange !== 'fail' && outOfRange !== 'reset') {
      throw new Error(`${this.sourceLabel()}: kindling.offsets.outOfRange must be 'fail' or 'reset', got '${outOfRange}'.`);
    }
  }

  override get isReplayable(): boolean { return true; }

  /**
   * Spark's name for a direct stream (`DirectKafkaInputDStream.name`, `Kafka 0.10 direct
   * stream [0]`): the log's {@link LogSource.systemName}, then `direct stream [id]`, e.g.
   * `Redis direct stream [0]`.
   */
  override get inputStreamName(): string { return `${this.source.systemName ?? 'Log'} direct stream [${this.id}]`; }

  /** The consumer group (`group.id`), if any. */
  get groupId(): string | undefined { return this.consumerStrategy.param('group.id'); }

  /** The topic partitions read (known once started), in RDD partition order. */
  get partitions(): readonly TopicPartition[] { return this.#partitions; }

  /**
   * Several instances share the job: from now on each batch reads only the partitions
   * `ownership` gives this instance (the others get empty ranges, and their offsets are
   * neither advanced nor committed here). Set by the group plan at start. @internal
   */
  assignPartitions(ownership: PartitionAssignment): void { this.#ownership = ownership; }

  /** Whether this instance reads RDD partition `index` (topic partition `partitions[index]`) in batch `time`. */
  ownsPartitionIndex(index: number, time: Time): boolean {
    const tp = this.#partitions[index];
    if (tp === undefined) return false;
    return this.#ownership === undefined || this.#ownership.owns(tp.topic, tp.partition, time);
  }

  /** The backpressure controller, when `spark.streaming.backpressure.enabled`. */
  get rateController(): RateController | undefined { return this.#rateController; }

  private get autoCommit(): boolean { return this.consumerStrategy.param('enable.auto.commit', 'false') === 'true'; }

  private sourceLabel(): string { return `${this.name()}(${this.consumerStrategy} at ${this.source.location})`; }

  async start(): Promise<void> {
    try {
      await this.source.open();
    } catch (e) {
      throw new Error(`${this.name()}: cannot connect to ${this.source.location}: ${(e as Error)?.message ?? String(e)}. Start the server or fix the URL.`, { cause: e });
    }
    this.#partitions = await this.discoverPartitions();
    // Lease group mode; a fixed split (spark.kindling.group.instances) is the group plan's (assignOwnership).
    if (this.ssc.streamingConf.group.enabled && this.ssc.streamingConf.group.instances === undefined) {
      await this.startGroup();
      this.#started = true;
      return;
    }
    this.#current = await this.startingOffsets();
    log.info(`${this.name()} reads ${this.#partitions.map((tp, i) => `${topicPartitionKey(tp)}@${this.#current[i]}`).join(', ')} from ${this.source.location}`);
    const backpressure = this.ssc.streamingConf.backpressure;
    const bus = this.ssc.scheduler.listenerBus;
    if (backpressure.enabled) {
      this.#rateController = new RateController(this.id, PIDRateEstimator.fromConf(backpressure, this.slideDuration.milliseconds), () => undefined);
      bus.addListener(this.#rateController);
    }
    this.#listener = { onBatchCompleted: (e) => this.onBatchCompleted(e) };
    bus.addListener(this.#listener);
    this.#started = true;
  }

  async stop(): Promise<void> {
    const bus = this.ssc.scheduler.listenerBus;
    const group = this.#group;
    if (group !== undefined) {
      if (this.#listener !== undefined) bus.removeListener(this.#listener);
      this.#group = undefined;
      this.#started = false;
      const stages = this.#stages?.stages ?? [];
      this.#stages = undefined;
      try {
        for (const st of stages) await st.coordinator.stop();
        await group.stop();
      } finally {
        this.groupSession?.left();
        await this.source.close();
      }
      return;
    }
    if (this.#rateController !== undefined) bus.removeListener(this.#rateController);
    if (this.#listener !== undefined) bus.removeListener(this.#listener);
    this.#abort.abort();
    if (this.#started) {
      this.commitQueued();
      await this.#committing;
    }
    this.#started = false;
    await this.source.close();
  }

  /** True while the log has records past the stream's position (as of the last batch). */
  override hasPendingInput(): boolean {
    if (this.#group !== undefined) return this.#group.hasPendingInput(this.#bounds?.bounds);
    const latest = this.#lastLatest;
    if (latest === undefined) return false;
    for (let i = 0; i < latest.length; i++) if (latest[i]! > this.#current[i]!) return true;
    return false;
  }

  /**
   * Group leases: a catch-up batch before batch `validTime` when a partition this instance owns
   * has a previous owner's recorded batch to re-run, or (a repartition log) is behind the batches
   * with a source batch it has not run before `validTime`. A catch-up batch, at `validTime -
   * batch + i` (i = 1, 2, ..., at most `MAX_CATCH_UP_BATCHES`, 8), runs those partitions' next
   * batch each, at its own time, and nothing new on any log: so the re-runs and missed batch
   * times of a take-over do not take batch times from what follows, and a partition behind
   * catches up instead of staying behind (see docs/log-sources.md, "Re-keying under leases").
   */
  override async catchUpBefore(validTime: Time): Promise<Time | undefined> {
    const group = this.#group;
    if (group === undefined || !this.#started) return undefined;
    const t = validTime.milliseconds;
    const batchMs = this.slideDuration.milliseconds;
    let done = 0;
    for (const before of this.#catchUpFor.values()) if (before === t) done++;
    if (done >= MAX_CATCH_UP_BATCHES || done + 1 >= batchMs) return undefined;
    let need = await group.needsCatchUp(t);
    for (const st of this.#stages?.stages ?? []) if (!need) need = await st.coordinator.needsCatchUp(t);
    if (!need) return undefined;
    const extra = t - batchMs + done + 1;
    this.groupSession?.catchUp.added(extra);
    this.#catchUpFor.set(extra, t);
    for (const k of this.#catchUpFor.keys()) if (k < t - 4 * batchMs) this.#catchUpFor.delete(k);
    if (done === 0) log.info(`${this.name()}: catch-up batches before batch ${validTime}: partitions this instance took over or that are behind the batches run their re-runs and missed batch times, each at its own time.`);
    return new Time(extra);
  }

  /** Asks the log for its offsets before a new batch (awaited by the job generator). */
  override async prepareBatch(validTime: Time): Promise<void> {
    if (this.assignedInput(validTime) !== undefined || !this.#started) return;
    const t = validTime.milliseconds;
    if (this.#group !== undefined) this.groupSession?.catchUp.prepared(t);
    const catchUpFor = this.#catchUpFor.get(t);
    try {
      const bounds = await withTimeout(this.source.offsetBounds(this.#partitions), Math.max(1000, Math.min(this.slideDuration.milliseconds, 10_000)), this.source.location);
      this.#bounds = { time: t, bounds };
    } catch (e) {
      log.warn(`${this.name()}: batch ${validTime} cannot reach ${this.source.location} (${(e as Error)?.message ?? String(e)}); it reads nothing from the log and a later batch takes what arrived meanwhile.`);
      this.#bounds = { time: t, bounds: undefined };
    }
    if (this.#group !== undefined) {
      const stages = this.#stages?.stages ?? [];
      // The only live member, taking a dead one's recorded batches over: this batch re-runs them and
      // plans nothing new on any log, so that no partition has a batch at this time (nobody else runs
      // one) and the partitions taken over are not left one batch time behind the others for good.
      const rerunsOnly = catchUpFor === undefined && (this.#group.rerunsAlone || stages.some((st) => st.coordinator.rerunsAlone));
      if (rerunsOnly) log.info(`${this.name()}: batch ${validTime} re-runs the recorded batches of the partitions this instance, alone in the group, took over, and plans nothing new.`);
      try {
        await this.#group.prepare(t, this.#bounds.bounds, rerunsOnly, catchUpFor);
        // A repartition partition's batch covers the source batches up to this batch time (a catch-up batch: its next missed one).
        for (const st of stages) {
          await st.coordinator.prepare(t, Array.from({ length: st.coordinator.numPartitions }, () => ({ earliest: 0, latest: t })), rerunsOnly, catchUpFor);
        }
      } catch (e) {
        // The store lost the group: `compute` fails this batch with it (the context stops).
        if (!(e instanceof GroupStateLostError)) throw e;
      }
    }
  }

  /** The store's loss of the group, met by the source's or a stage's coordinator (see {@link GroupStateLostError}). */
  private groupLost(): GroupStateLostError | undefined {
    if (this.#group === undefined) return undefined;
    return this.#group.lost ?? this.#stages?.stages.find((st) => st.coordinator.lost !== undefined)?.coordinator.lost;
  }

  compute(validTime: Time): RDD<R> | undefined {
    let input = this.assignedInput(validTime);
    const lost = input === undefined ? this.groupLost() : undefined;
    if (lost !== undefined) throw lost.atBatch(this.name(), validTime.milliseconds);
    if (input === undefined && this.#group !== undefined) {
      const plan = this.#group.plan(validTime.milliseconds);
      input = {
        kind: 'offsets',
        ranges: this.#partitions.map((tp, i) => {
          const b = plan?.owned.get(i)?.batch;
          return b === undefined ? new OffsetRange(tp.topic, tp.partition, 0, 0) : new OffsetRange(tp.topic, tp.partition, b.fromOffset, b.untilOffset);
        }),
      };
      this.assignInput(validTime, input);
    } else if (input === undefined) {
      input = { kind: 'offsets', ranges: this.nextRanges(validTime) };
      // Recorded before anything reads it: a replayed batch reads exactly these ranges.
      this.assignInput(validTime, input);
      const untils = new Map(input.ranges.map((r) => [topicPartitionKey(r), r.untilOffset]));
      this.#current = this.#partitions.map((tp, i) => untils.get(topicPartitionKey(tp)) ?? this.#current[i]!);
      // Only owned partitions: another instance commits the others.
      if (this.autoCommit) this.#autoCommits.set(validTime.milliseconds, this.#ownership === undefined ? input.ranges : input.ranges.filter((r) => this.#ownership!.owns(r.topic, r.partition, validTime)));
      this.commitQueued();
    }
    const ranges = input.ranges.map((r) => OffsetRange.from(r));
    const rdd = new LogRDD<R>(this.ssc.sparkContext, this.source, ranges, {
      batchTime: validTime,
      streamName: this.name(),
      onMissing: this.consumerStrategy.param('kindling.offsets.outOfRange', 'fail') === 'reset' ? 'skip' : 'fail',
      signal: this.#abort.signal,
    });
    this.reportInputInfo(validTime, rdd.numRecords, { offsets: input.ranges, description: inputInfoDescription(ranges) });
    return rdd;
  }

  /** Queues offsets to commit for the group once the current batch succeeded (Spark's `commitAsync`). */
  commitAsync(offsetRanges: readonly OffsetRangeDescription[], callback?: OffsetCommitCallback): void {
    if (this.groupId === undefined) throw new Error(`${this.name()}: commitAsync needs a consumer group: set the parameter group.id.`);
    if (callback !== undefined) this.#commitCallback = callback;
    for (const r of offsetRanges) this.#commitQueue.push({ topic: r.topic, partition: r.partition, offset: r.untilOffset });
  }

  /** The stream's position for the metadata checkpoint: the next offset of every partition. */
  snapshotState(): LogInputStreamState {
    const next: Record<string, number> = {};
    if (this.#started || this.#restored === undefined) this.#partitions.forEach((tp, i) => { next[topicPartitionKey(tp)] = this.#current[i]!; });
    else for (const [k, v] of this.#restored) next[k] = v;
    return { version: 1, next };
  }

  /** Restores {@link LogInputDStream.snapshotState} output before the context starts. */
  restoreState(state: unknown): void {
    if (this.#started) throw new Error(`${this.name()}: restoreState() must be called before the context starts.`);
    const s = state as Partial<LogInputStreamState> | undefined;
    if (s?.version !== 1 || typeof s.next !== 'object' || s.next === null) {
      throw new Error(`${this.name()}: not a log stream state (version ${String(s?.version)}); the checkpoint is damaged or from an incompatible version.`);
    }
    const m = new Map<string, number>();
    for (const [k, v] of Object.entries(s.next)) {
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${this.name()}: checkpointed offset of ${k} is not an offset (${String(v)}); the checkpoint is damaged.`);
      m.set(k, v);
    }
    this.#restored = m;
  }

  private async discoverPartitions(): Promise<TopicPartition[]> {
    const assigned = this.consumerStrategy.assignment;
    if (assigned !== undefined) return [...assigned];
    const out: TopicPartition[] = [];
    for (const topic of this.consumerStrategy.topics ?? []) {
      const n = await this.source.partitionsFor(topic);
      if (n === 0) throw new Error(`${this.name()}: topic '${topic}' does not exist at ${this.source.location}. Create it first (e.g. RedisStreamsAdmin.createTopic('${topic}', numPartitions)).`);
      for (let p = 0; p < n; p++) out.push({ topic, partition: p });
    }
    return out;
  }

  /** Group mode: checks the graph, joins the group on the shared batch grid, installs the runtime. */
  private async startGroup(): Promise<void> {
    const name = this.name();
    const group = this.groupId;
    const topics = new Set(this.#partitions.map((tp) => tp.topic));
    if (group === undefined) throw new Error(`${name}: spark.kindling.group.enabled needs a consumer group: set the parameter group.id (every instance of the application uses the same).`);
    if (this.source.ownership === undefined) throw new Error(`${name}: spark.kindling.group.enabled: the log at ${this.source.location} has no partition ownership (group mode needs an adapter that implements LogSource.ownership).`);
    if (topics.size !== 1) throw new Error(`${name}: group mode reads exactly one topic (co-partitioned with the state), got ${[...topics].join(', ')}.`);
    if (this.#restored !== undefined || this.assignedInputs().size > 0) {
      throw new Error(`${name}: group mode keeps positions and state in the log's store, not in the metadata checkpoint: start with a new StreamingContext (ssc.checkpoint(dir) for RDD checkpoints is fine), not StreamingContext.getOrCreate.`);
    }
    const n = this.#partitions.length;
    const outputs = this.ssc.graph.outputStreams as unknown as DStream<unknown>[];
    // A co-partitioned graph runs locally; any other is routed through repartition logs owned by leases too.
    const planner = this.groupSession?.stagePlanner;
    let routed = false;
    let refusal: NotCoPartitionedError | undefined;
    try {
      checkGroupGraph(outputs, this as unknown as DStream<unknown>, n);
    } catch (e) {
      if (!(e instanceof NotCoPartitionedError) || planner === undefined) throw e;
      refusal = e;
      routed = true;
    }
    const stateStreams = new Set<string>();
    /** Each stateful stream, with the `mapWithState` it belongs to (whose name the user gives). */
    const stateful = new Map<DStream<unknown>, DStream<unknown> | undefined>();
    const walk = (s: DStream<unknown>, child: DStream<unknown> | undefined): void => {
      if (STATE_KINDS.has(s.kind)) {
        stateStreams.add(s.name());
        if (!stateful.has(s) || child?.kind === 'mapWithState') stateful.set(s, child);
      }
      for (const d of s.dependencies) walk(d, s);
    };
    for (const o of outputs) walk(o, undefined);
    // Filled from the group's state catalog before joining: the ids states are stored under when a changed graph shifted their names.
    const storedAs = new Map<string, string>();
    const reset = this.consumerStrategy.param('auto.offset.reset', 'latest');
    const given = new Map(this.consumerStrategy.offsets.map((o) => [topicPartitionKey(o), o.offset]));
    const batchMs = this.slideDuration.milliseconds;
    const ownership = this.source.ownership(group);
    const coordinator = new GroupCoordinator({
      ownership,
      recordEmpty: routed,
      sc: this.ssc.sparkContext,
      topic: [...topics][0]!,
      numPartitions: n,
      leaseMs: this.ssc.streamingConf.group.leaseTimeoutMs,
      snapshotInterval: this.ssc.streamingConf.group.stateSnapshotInterval,
      streamName: name,
      // Routed, every state lives with a repartition log's partitions (registered by the plan).
      stateStreams: routed ? [] : [...stateStreams].sort(),
      storedAs,
      initialOffset: (p, bounds) => {
        const g = given.get(topicPartitionKey(this.#partitions[p]!));
        if (g !== undefined) return g;
        if (bounds === undefined) return undefined;
        if (reset === 'none') throw new Error(`${name}: no committed offset for ${topicPartitionKey(this.#partitions[p]!)} in group ${group} and auto.offset.reset is 'none'.`);
        return reset === 'earliest' ? bounds.earliest : bounds.latest;
      },
      readBounds: () => withTimeout(this.source.offsetBounds(this.#partitions), Math.max(1000, Math.min(batchMs, 10_000)), this.source.location),
      maxRecords: (p) => {
        const rate = this.#ppc.maxRatePerPartition(this.#partitions[p]!);
        return rate > 0 ? Math.max(1, Math.floor(rate * batchMs / 1000)) : Number.POSITIVE_INFINITY;
      },
      // Co-partitioned graphs only: a held partition of a re-keyed graph would leave the repartition
      // partitions reading it either a batch time no source partition had or behind at a stop.
      maxBatchesAhead: routed ? Number.POSITIVE_INFINITY : this.ssc.streamingConf.group.maxBatchesAhead,
    });
    const zero = this.zeroTime?.milliseconds ?? 0;
    const gridPartitions = this.#partitions.map(topicPartitionKey);
    if (routed) {
      const stages: GroupStages = new GroupStages([...topics][0]!, coordinator, (logName, partitions, stateStreams): GroupCoordinator => new GroupCoordinator({
        ownership,
        sc: this.ssc.sparkContext,
        topic: logName,
        numPartitions: partitions,
        leaseMs: this.ssc.streamingConf.group.leaseTimeoutMs,
        streamName: `${name} via ${logName}`,
        stateStreams,
        storedAs,
        // Offsets of a repartition partition are batch times: nothing consumed yet is "up to 0".
        initialOffset: () => 0,
        maxRecords: () => Number.POSITIVE_INFINITY,
        maxBatchesAhead: Number.POSITIVE_INFINITY,
        // One source batch time per batch, each at its own time (a partition behind catches up step by step), unless merging is asked for.
        stepMs: this.ssc.streamingConf.group.catchUp === 'batches' ? batchMs : undefined,
        snapshotInterval: this.ssc.streamingConf.group.stateSnapshotInterval,
        completed: (upTo) => coordinator.notifyComplete(upTo),
        committed: (j, batch) => stages.committed(logName, j, batch.untilOffset),
      }));
      try {
        planner!(stages);
      } catch (e) {
        // Routing cannot run it either: the co-partitioning rules say what lease mode can keep, the routing's error why it cannot move it.
        if (e instanceof GroupPlanError && refusal !== undefined) throw Object.assign(refusal, { cause: e });
        throw e;
      }
      this.#stages = stages;
      // Every partition of every log counts for a batch's completeness (folders' _SUCCESS).
      for (const st of stages.stages) for (let j = 0; j < st.coordinator.numPartitions; j++) gridPartitions.push(`${st.log}-${j}`);
    }
    const grid = { zeroTime: zero, batchMs, partitions: gridPartitions };
    const topic = [...topics][0]!;
    let catalog: readonly GroupStateStream[] | undefined;
    // Once the grid matched, before any partition is taken (the timer restores partitions from then on): the state the group keeps must match this graph's.
    await coordinator.join(grid, async () => {
      catalog = await this.matchGroupStates(ownership, group, stateful, (stream) => (routed ? this.#stages?.stateLog(stream) : undefined) ?? topic, storedAs);
    });
    for (const st of this.#stages?.stages ?? []) await st.coordinator.join(grid);
    if (catalog !== undefined) await ownership.storeStateCatalog?.(catalog);
    this.#group = coordinator;
    this.groupSession?.joined(coordinator);
    this.#listener = { onBatchCompleted: (e) => this.onBatchCompleted(e) };
    this.ssc.scheduler.listenerBus.addListener(this.#listener);
    log.info(`${name} reads ${[...topics][0]} (${n} partitions) in group ${group} as member ${coordinator.memberId} from ${this.source.location}`);
  }

  /**
   * Group mode: matches this graph's stateful streams to the group's state catalog (see
   * `matchStateCatalog`) and fills `storedAs` with the ids their states are stored under.
   * Returns the catalog to store once joined (`undefined`: the store keeps none).
   * @throws GroupStateMismatchError when the group keeps state this graph cannot restore.
   */
  private async matchGroupStates(ownership: PartitionLeases, group: string, stateful: ReadonlyMap<DStream<unknown>, DStream<unknown> | undefined>, logOf: (stream: string) => string, storedAs: Map<string, string>): Promise<readonly GroupStateStream[] | undefined> {
    if (ownership.loadStateCatalog === undefined) return undefined;
    const keys = structuralKeys(this.ssc.graph);
    const current: GroupStateStream[] = [];
    for (const [s, owner] of stateful) {
      // A mapWithState's state belongs to its internal stream; the user names the outer one.
      const named = owner?.kind === 'mapWithState' && hasCustomName(owner) ? owner : s;
      const windowMs = (s as { windowDuration?: { milliseconds?: unknown } }).windowDuration?.milliseconds;
      current.push({
        id: s.name(),
        name: named.name(),
        named: hasCustomName(named),
        structuralKey: keys.get(s) ?? s.name(),
        kind: s.kind,
        slideMs: s.slideDuration.milliseconds,
        ...(typeof windowMs === 'number' ? { windowMs } : {}),
        log: logOf(s.name()),
      });
    }
    const match = matchStateCatalog(group, this.name(), await ownership.loadStateCatalog(), current);
    for (const [name, id] of match.storedAs) if (name !== id) storedAs.set(name, id);
    for (const note of match.notes) log.warn(`${this.name()}: group ${group}: ${note}.`);
    return match.catalog;
  }

  /** Group mode: the partitions this instance owns now (empty otherwise). */
  get ownedPartitions(): readonly number[] { return this.#group?.ownedPartitions ?? []; }

  /** Group mode: this instance's member id (undefined otherwise). */
  get memberId(): string | undefined { return this.#group?.memberId; }

  /** Checkpoint, then offsets given in code, then the group's commits, then auto.offset.reset. */
  private async startingOffsets(): Promise<number[]> {
    const tps = this.#partitions;
    const given = new Map(this.consumerStrategy.offsets.map((o) => [topicPartitionKey(o), o.offset]));
    const out: (number | undefined)[] = tps.map((tp) => this.#restored?.get(topicPartitionKey(tp)) ?? given.get(topicPartitionKey(tp)));
    const group = this.groupId;
    if (out.some((o) => o === undefined) && group !== undefined) {
      const committed = await this.source.committed(group, tps);
      for (let i = 0; i < tps.length; i++) out[i] ??= committed[i];
    }
    if (out.some((o) => o === undefined)) {
      const reset = this.consumerStrategy.param('auto.offset.reset', 'latest');
      const bounds = await this.source.offsetBounds(tps);
      for (let i = 0; i < tps.length; i++) {
        if (out[i] !== undefined) continue;
        if (reset === 'none') throw new Error(`${this.name()}: no offset for ${topicPartitionKey(tps[i]!)} (none committed for group ${group ?? '(no group.id)'}) and auto.offset.reset is 'none'. Commit offsets, pass starting offsets, or set auto.offset.reset to 'earliest' or 'latest'.`);
        out[i] = reset === 'earliest' ? bounds[i]!.earliest : bounds[i]!.latest;
      }
    }
    return out as number[];
  }

  /** The ranges of a new batch: from the current offsets to the log's end, rate-limited. */
  private nextRanges(validTime: Time): OffsetRange[] {
    const tps = this.#partitions;
    const current = this.#current;
    const fresh = this.#bounds?.time === validTime.milliseconds ? this.#bounds.bounds : undefined;
    if (fresh === undefined) return tps.map((tp, i) => new OffsetRange(tp.topic, tp.partition, current[i]!, current[i]!));
    const from = current.slice();
    const latest = fresh.map((b) => b.latest);
    this.#lastLatest = latest;
    const reset = this.consumerStrategy.param('kindling.offsets.outOfRange', 'fail') === 'reset';
    const owned = tps.map((_, i) => this.ownsPartitionIndex(i, validTime));
    for (let i = 0; i < tps.length; i++) {
      const b = fresh[i]!;
      if (!owned[i]) continue;
      if (from[i]! >= b.earliest && from[i]! <= b.latest) continue;
      const tp = tps[i]!;
      const e = new OffsetOutOfRangeError(tp.topic, tp.partition, from[i]!, Math.max(from[i]!, b.latest), b.earliest, b.latest, this.source.location, validTime, this.name());
      if (!reset) throw e;
      const to = this.consumerStrategy.param('auto.offset.reset', 'latest') === 'earliest' ? b.earliest : b.latest;
      log.warn(`${e.message} Continuing at offset ${to} (auto.offset.reset).`);
      from[i] = to;
    }
    const limits = maxMessagesPerPartition(
      from, latest,
      tps.map((tp) => this.#ppc.maxRatePerPartition(tp)),
      tps.map((tp) => this.#ppc.minRatePerPartition(tp)),
      this.#rateController === undefined ? undefined : (this.#rateController.latestRate ?? this.ssc.streamingConf.backpressure.initialRateIfSet),
      this.slideDuration.milliseconds,
    );
    return tps.map((tp, i) => {
      if (!owned[i]) return new OffsetRange(tp.topic, tp.partition, from[i]!, from[i]!);
      const until = limits === undefined ? latest[i]! : Math.min(from[i]! + limits[i]!, latest[i]!);
      return new OffsetRange(tp.topic, tp.partition, from[i]!, Math.max(until, from[i]!));
    });
  }

  private onBatchCompleted({ batchInfo }: StreamingListenerBatchCompleted): void {
    if (this.#group !== undefined) {
      let ok = true;
      for (const info of batchInfo.outputOperationInfos.values()) if (info.failureReason !== undefined) ok = false;
      this.#group.batchDone(batchInfo.batchTime.milliseconds, ok);
      for (const st of this.#stages?.stages ?? []) st.coordinator.batchDone(batchInfo.batchTime.milliseconds, ok);
      return;
    }
    for (const info of batchInfo.outputOperationInfos.values()) if (info.failureReason !== undefined) return;
    const t = batchInfo.batchTime.milliseconds;
    for (const [time, ranges] of this.#autoCommits) {
      if (time > t) continue;
      for (const r of ranges) this.#commitQueue.push({ topic: r.topic, partition: r.partition, offset: r.untilOffset });
      this.#autoCommits.delete(time);
    }
    this.commitQueued();
  }

  /** Writes the queued commits (greatest offset per partition), one commit at a time, in order. */
  private commitQueued(): void {
    const group = this.groupId;
    if (this.#commitQueue.length === 0 || group === undefined) return;
    const byTp = new Map<string, CommittedOffset>();
    for (const c of this.#commitQueue) {
      const k = topicPartitionKey(c);
      const prev = byTp.get(k);
      if (prev === undefined || c.offset > prev.offset) byTp.set(k, c);
    }
    this.#commitQueue = [];
    const offsets = [...byTp.values()];
    const callback = this.#commitCallback;
    this.#committing = this.#committing.then(async () => {
      try {
        await this.source.commit({ groupId: group, offsets });
        callback?.(offsets, undefined);
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        log.warn(`${this.name()}: committing offsets ${offsets.map((o) => `${topicPartitionKey(o)}@${o.offset}`).join(', ')} for group ${group} to ${this.source.location} failed; retried with the next commit: ${error.message}`);
        // Retried with the next commit (the greatest offset per partition wins).
        this.#commitQueue.push(...offsets);
        callback?.(offsets, error);
      }
    });
  }
}

/** Spark's input-info text: one line per non-empty range, most records first. */
export function inputInfoDescription(ranges: readonly OffsetRange[]): string {
  return ranges.filter((r) => r.fromOffset !== r.untilOffset)
    .sort((a, b) => b.count() - a.count())
    .map((r) => `topic: ${r.topic}\tpartition: ${r.partition}\toffsets: ${r.fromOffset} to ${r.untilOffset}\tcount: ${r.count()}`)
    .join('\n');
}

function withTimeout<X>(p: Promise<X>, ms: number, location: string): Promise<X> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer from ${location} within ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
