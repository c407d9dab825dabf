import { getLogger, type RDD, type SparkContext } from '@kindling/core';
import type { LogOffsetBounds } from '../input/log/log-source.ts';
import { DEFAULT_MAX_BATCHES_AHEAD, type GroupGrid, type PartitionBatch, type PartitionLeases, type StateDelta } from '../input/log/partition-leases.ts';
import type { TopicPartition } from '../input/log/topic-partition.ts';
import type { GroupBatchPlan, GroupRuntime, OwnedPartitionBatch } from './group-runtime.ts';
import { GroupStateLostError } from './group-state-lost-error.ts';

const log = getLogger('GroupCoordinator');

/** A partition this instance holds a lease on. */
interface Owned {
  readonly epoch: number;
  /** Next offset to plan. */
  next: number;
  /** Recorded but uncommitted batches of a previous owner, re-run first. */
  readonly pending: PartitionBatch[];
  /**
   * New batches of the partition need a time after this one: its last committed batch, the
   * previous owner's recorded batches, this instance's last recorded one. An instance whose
   * batch clock lags (catching up after a pause, or a slow generator) plans nothing new for
   * the partition until its batches pass it; otherwise it would put the next records into an
   * earlier batch folder than their committed place (and the commit, refused, would leave that
   * copy behind next to the one the next owner writes).
   */
  after: number;
  /** Over the fair share: planned no more, released once its planned batches are committed. */
  releasing: boolean;
  /** The time of the partition's last planned (or, at acquisition, committed) batch; `null`: none. */
  previous: number | null;
  /** Last batch time (the engine's) whose plan includes the partition. */
  lastPlanned: number | undefined;
  /** Last batch time (the engine's) whose commit of the partition succeeded. */
  lastCommitted: number | undefined;
  /**
   * New batches this instance recorded for the partition (not re-runs of a previous owner's)
   * whose commit has not come back yet: at {@link GroupCoordinatorOptions.maxBatchesAhead} the
   * partition plans nothing new (it is held) until one does.
   */
  ahead: number;
  /** Held at the bound on batches ahead: said once per stretch. */
  aheadNoted?: boolean;
  /** A repartition partition behind the batches: its lag was logged. */
  lagNoted?: boolean;
}

/** What the coordinator needs from the log stream. */
export interface GroupCoordinatorOptions {
  readonly ownership: PartitionLeases;
  readonly sc: SparkContext;
  readonly topic: string;
  readonly numPartitions: number;
  readonly leaseMs: number;
  /** The log stream's name, for messages. */
  readonly streamName: string;
  /** The stateful streams whose state lives with the partitions (their names). */
  readonly stateStreams: readonly string[];
  /**
   * A stateful stream's name -> the id its state is stored under in the group, when they differ
   * (the group's state catalog matched it under an earlier name, see `matchStateCatalog`); filled
   * before `join`.
   */
  readonly storedAs?: ReadonlyMap<string, string>;
  /** Where a partition without any commit starts (`undefined`: not known yet, e.g. the log unreachable). */
  readonly initialOffset: (partition: number, bounds: LogOffsetBounds | undefined) => number | undefined;
  /** The most records one batch may read from a partition. */
  readonly maxRecords: (partition: number) => number;
  /**
   * The most new batches of one partition this instance records beyond the partition's last
   * commit (`spark.kindling.group.maxBatchesAhead`, at least 2): at the bound the partition
   * plans nothing new, and the next batch after a commit reads from where the last one ended
   * (a source's backlog in one batch, up to `maxRatePerPartition`). What a new owner re-runs
   * after a kill or a pause is bounded by it, however far the instance's batches queued up.
   * Catch-up batches leave room for one batch: they plan a missed batch time only below the
   * bound minus one. Default {@link DEFAULT_MAX_BATCHES_AHEAD}; `Infinity`: unbounded (a
   * re-keyed graph's coordinators: holding one of its partitions would leave the repartition
   * partitions that read it a batch time no source partition had, or behind at a stop).
   */
  readonly maxBatchesAhead?: number;
  /**
   * A repartition log's coordinator (its offsets are batch times): every new batch of a
   * partition is one step of the grid, `(next, next + stepMs]` at time `next + stepMs`, so a
   * partition that is behind (a new owner catching up on the batches nobody ran) runs each
   * missed source batch time as its own batch, at its own time (in catch-up batches before the
   * engine's next batch, see {@link GroupCoordinator.needsCatchUp}), instead of merging them; batch times at which no source partition has a batch (their markers say
   * so, see {@link GroupRuntime.addSourceBatchProbe}) are skipped. A partition never committed
   * starts with the first source batch its log has a marker of or its source log has recorded
   * (none yet: `(0, t]`). Unset: a
   * source topic (or `spark.kindling.group.catchUp=merge`).
   */
  readonly stepMs?: number;
  /**
   * Records empty batches too (a re-keyed graph: every batch of a partition writes markers,
   * and its chain of batch times must be the recorded one), not only those that read records.
   */
  readonly recordEmpty?: boolean;
  /**
   * The log's offsets now, for a partition never committed that the timer takes between batches
   * (its start depends on them); unset: such partitions are taken by the next batch only.
   */
  readonly readBounds?: () => Promise<readonly LogOffsetBounds[] | undefined>;
  /** Called after each successful commit of a partition's batch (`OK` or `ALREADY`), e.g. to trim what it consumed. */
  readonly committed?: (partition: number, batch: PartitionBatch) => Promise<void>;
  /** Called with every `completeUpTo` a commit answers (besides this coordinator's own listeners). */
  readonly completed?: (upTo: number) => Promise<void>;
  /** Deltas of a partition's state the store keeps before folding them into its snapshot (`spark.kindling.group.stateSnapshotInterval`). */
  readonly snapshotInterval: number;
}

/**
 * The engine side of group mode (one per log stream): joins the group, keeps this instance's
 * partitions (fair share by the live members; leases renewed, free or expired partitions taken
 * and extras given up every batch and, between batches, every third of the lease time), plans each batch (per owned partition: a previous owner's uncommitted
 * batch first, on its recorded range; else a new range recorded before any output), and
 * commits each partition's batch with its state once the batch's outputs succeeded. See
 * `docs/log-sources.md`, "Group mode".
 * @internal
 */
export class GroupCoordinator implements GroupRuntime {
  readonly numPartitions: number;
  readonly #o: GroupCoordinatorOptions;
  readonly #maxAhead: number;
  readonly #owned = new Map<number, Owned>();
  readonly #plans = new Map<number, GroupBatchPlan>();
  /** Per planned batch time, the partitions whose batch counts in their {@link Owned.ahead}. */
  readonly #ahead = new Map<number, Set<number>>();
  /** Per batch time, per stateful stream: its state RDD (`changes`: only the keys the batch changed, see {@link captureStateChanges}). */
  readonly #captured = new Map<number, Map<string, { readonly rdd: RDD<unknown>; readonly changes: boolean }>>();
  /** `stream \0 partition` -> the committed state (key JSON -> state JSON), to compute deltas. */
  readonly #committedState = new Map<string, Map<string, string>>();
  readonly #completeListeners: ((time: number) => Promise<void>)[] = [];
  /** Repartition logs: where to find the next source batch time of a partition behind the batches. */
  readonly #probes: ((partition: number, after: number) => Promise<number | undefined>)[] = [];
  #completedUpTo = Number.NEGATIVE_INFINITY;
  #grid: GroupGrid | undefined;
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  /** The timer's rebalancing and the batches' planning, one after the other. */
  #serial: Promise<unknown> = Promise.resolve();
  /** State restored for partitions the timer took between batches: handed to the next plan. */
  readonly #restoredBetween = new Map<string, Map<number, (readonly [unknown, unknown])[]>>();
  #members: string[] = [];
  #stopped = false;
  /** Set once the store answered that it no longer holds the group this instance joined. */
  #lost: GroupStateLostError | undefined;
  /**
   * Per partition, the epoch under which a commit failed or was refused (`OFFSET_MISMATCH`), with
   * that batch's time: the later batches recorded under the same epoch read on from where it
   * ended, so none of them can commit (the store's next offset is the failed batch's start). They
   * are not sent (their recorded ranges run again under the partition's next owner) and the one
   * line that named the cause stands for them, instead of a refusal per batch.
   */
  readonly #broken = new Map<number, { readonly epoch: number; readonly time: number; skipped: number }>();
  /** The last batch could not coordinate with the store (said once per outage). */
  #unreachable = false;

  constructor(options: GroupCoordinatorOptions) {
    this.#o = options;
    this.#maxAhead = Math.max(2, options.maxBatchesAhead ?? DEFAULT_MAX_BATCHES_AHEAD);
    this.numPartitions = options.numPartitions;
  }

  /** The member id of this instance. */
  get memberId(): string { return this.#o.ownership.memberId; }

  /** The partitions this instance owns now, sorted. */
  get ownedPartitions(): number[] { return [...this.#owned.keys()].sort((a, b) => a - b); }

  /** The live members as last seen (sorted ids). */
  get members(): readonly string[] { return this.#members; }

  /** The store's loss of the group, once met: no batch can be planned or committed after it. */
  get lost(): GroupStateLostError | undefined { return this.#lost; }

  /**
   * Whether `e` says the store lost the group: then, the first time, every partition is dropped
   * (nothing held can be committed, so no output writes it from now on) and the timer stops.
   */
  private noteLost(e: unknown): boolean {
    if (!(e instanceof GroupStateLostError)) return false;
    if (this.#lost !== undefined) return true;
    this.#lost = e;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const owned = this.ownedPartitions;
    this.#owned.clear();
    this.#committedState.clear();
    log.error(`${this.#o.streamName}: member ${this.memberId} drops ${owned.length === 0 ? 'no partitions' : `partitions ${owned.map((p) => `${this.#o.topic}-${p}`).join(', ')}`} and plans no more batches: ${e.message}`);
    return true;
  }

  private tp(p: number): TopicPartition { return { topic: this.#o.topic, partition: p }; }

  /** The id stream `name`'s state is stored under in the group. */
  private storedAs(name: string): string { return this.#o.storedAs?.get(name) ?? name; }

  /**
   * Joins the group: stores the grid when first, else checks this instance against the stored
   * one (same batch interval, same zero time modulo the interval, same partitions), then runs
   * `check` (the group's state catalog against the graph) before any partition is taken.
   * @throws Error naming both values when they differ, or what `check` throws.
   */
  async join(grid: GroupGrid, check?: () => Promise<void>): Promise<void> {
    const stored = await this.#o.ownership.join(grid, this.#o.leaseMs);
    try {
      await this.checkJoined(grid, stored, check);
    } catch (e) {
      // Not a member after all: its heartbeat would shrink the others' fair share until it expired.
      await this.#o.ownership.leave().catch(() => undefined);
      throw e;
    }
    this.#grid = stored;
    this.#members = await this.#o.ownership.heartbeat();
    // What the group completed before this instance came: its outputs mark those folders in their first batch.
    await this.readComplete('join');
    const every = Math.max(200, Math.floor(this.#o.leaseMs / 3));
    // Between batches too: ownership settles (and a dead instance's partitions are taken) without waiting for batches.
    this.#timer = setInterval(() => { this.exclusive(() => this.between()).catch((e: unknown) => { this.noteLost(e); }); }, every);
    this.#timer.unref();
    log.info(`${this.#o.streamName}: member ${this.memberId} joined the group (batches every ${stored.batchMs} ms from ${stored.zeroTime} ms, ${this.numPartitions} partitions, lease ${this.#o.leaseMs} ms)`);
  }

  private async checkJoined(grid: GroupGrid, stored: GroupGrid, check: (() => Promise<void>) | undefined): Promise<void> {
    const name = this.#o.streamName;
    if (stored.batchMs !== grid.batchMs) {
      throw new Error(`${name}: the group's batch interval is ${stored.batchMs} ms but this instance's is ${grid.batchMs} ms; every instance of a group must use the same batch duration (batch t must mean the same thing everywhere).`);
    }
    if ((((grid.zeroTime - stored.zeroTime) % grid.batchMs) + grid.batchMs) % grid.batchMs !== 0) {
      throw new Error(`${name}: this instance's batches (zero time ${grid.zeroTime} ms) are not on the group's grid (zero time ${stored.zeroTime} ms, every ${stored.batchMs} ms).`);
    }
    if (stored.partitions.join(',') !== grid.partitions.join(',')) {
      // A re-keyed graph's repartition logs are named after streams: a changed graph's state catalog says which, more clearly.
      await check?.();
      throw new Error(`${name}: the group reads ${stored.partitions.join(', ')} but this instance reads ${grid.partitions.join(', ')}; every instance of a group must read the same topic partitions.`);
    }
    await check?.();
  }

  /** Heartbeat and lease renewal (every batch and on a timer). Drops the partitions whose lease was lost. */
  private async renewAll(): Promise<void> {
    if (this.#stopped) return;
    this.#members = await this.#o.ownership.heartbeat();
    for (const [p, o] of [...this.#owned]) {
      const ok = await this.#o.ownership.renew(this.tp(p), o.epoch);
      if (!ok && this.#owned.get(p) === o) this.drop(p, `its lease (epoch ${o.epoch}) was taken over by another instance`);
    }
  }

  private exclusive<X>(f: () => Promise<X>): Promise<X> {
    const run = this.#serial.then(f);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /** On the timer: heartbeat, renewals, and rebalancing (the state of partitions taken goes to the next plan). */
  private async between(): Promise<void> {
    if (this.#stopped) return;
    await this.renewAll();
    if (this.#stopped) return;
    let bounds: readonly LogOffsetBounds[] | undefined;
    let read = false;
    await this.rebalance(undefined, async (p) => {
      if (!read) {
        read = true;
        bounds = await this.#o.readBounds?.().catch(() => undefined);
      }
      return bounds?.[p];
    }, this.#restoredBetween);
  }

  private drop(p: number, why: string): void {
    this.#owned.delete(p);
    for (const s of this.#o.stateStreams) this.#committedState.delete(`${s}\u0000${p}`);
    log.warn(`${this.#o.streamName}: member ${this.memberId} dropped partition ${this.#o.topic}-${p}: ${why}.`);
  }

  /** This instance's fair share: the live members sorted, the first `N mod m` get one more. */
  private fairShare(): number {
    const members = this.#members.includes(this.memberId) ? this.#members : [...this.#members, this.memberId].sort();
    const m = members.length;
    const i = members.indexOf(this.memberId);
    return Math.floor(this.numPartitions / m) + (i < this.numPartitions % m ? 1 : 0);
  }

  /**
   * Plans batch `time` (before it is generated): heartbeat, renewals, rebalancing (taking free
   * or expired partitions up to the fair share, restoring their state; giving up extras), then
   * each owned partition's batch, recorded before any output runs.
   */
  prepare(time: number, bounds: readonly LogOffsetBounds[] | undefined, rerunsOnly = false, catchUpBefore?: number): Promise<GroupBatchPlan> {
    return this.exclusive(() => this.planBatch(time, bounds, rerunsOnly, catchUpBefore));
  }

  /**
   * Whether this instance has batch times to catch up on before batch `before`: an owned
   * partition with a previous owner's recorded batches to re-run, or (a repartition log) one
   * behind the batches with a source batch at a time before `before` that it has not run. Such
   * partitions run them in catch-up batches generated before `before` (see {@link prepare}'s
   * `catchUpBefore`), one batch time each, so that they do not stay behind.
   */
  needsCatchUp(before: number): Promise<boolean> {
    return this.exclusive(async () => {
      for (const [p, o] of this.#owned) {
        if (o.releasing) continue;
        if (o.pending.length > 0) return true;
        if (this.roomForCatchUp(o) && (await this.nextMissed(p, o, before)) !== undefined) return true;
      }
      return false;
    });
  }

  /** Whether a catch-up batch may record a missed batch time of the partition: it leaves room for the next batch's one. */
  private roomForCatchUp(o: Owned): boolean { return o.ahead < this.#maxAhead - 1; }

  /**
   * A repartition partition behind the batches: its next batch time before `before` at which a
   * source partition has a batch (its markers, or its source log's recorded batches, say so);
   * `undefined`: none (or not a repartition log, or never committed).
   */
  private async nextMissed(p: number, o: Owned, before: number): Promise<number | undefined> {
    const step = this.#o.stepMs;
    if (step === undefined || o.next <= 0 || o.next + step >= before || this.#probes.length === 0) return undefined;
    const first = await this.firstSourceBatch(p, o.next);
    return first !== undefined && first < before && first > o.after ? first : undefined;
  }

  /**
   * Whether this instance is the group's only live member and holds a previous owner's recorded,
   * uncommitted batches to re-run: its next batch should then re-run them only (see
   * `LogInputDStream.prepareBatch`), so that nobody has a batch at that time and the partitions
   * taken over do not fall one batch time behind the others.
   */
  get rerunsAlone(): boolean {
    if (this.#members.some((m) => m !== this.memberId)) return false;
    for (const o of this.#owned.values()) if (!o.releasing && o.pending.length > 0) return true;
    return false;
  }

  /**
   * `rerunsOnly`: plan a previous owner's recorded batches only. `catchUpBefore` (a catch-up
   * batch before that batch time): recorded batches, and each repartition partition behind the
   * batches its next missed batch time before it; nothing new otherwise.
   */
  private async planBatch(time: number, bounds: readonly LogOffsetBounds[] | undefined, rerunsOnly: boolean, catchUpBefore: number | undefined): Promise<GroupBatchPlan> {
    const owned = new Map<number, OwnedPartitionBatch>();
    const restored = new Map<string, Map<number, (readonly [unknown, unknown])[]>>();
    // The partitions whose batch is a new one recorded here: counted ahead of their commit until it comes back.
    const ahead = new Set<number>();
    this.#ahead.set(time, ahead);
    try {
      if (this.#lost !== undefined) throw this.#lost;
      await this.renewAll();
      // Partitions the timer took since the last batch (and still holds) restore their state in this one.
      for (const [stream, parts] of this.#restoredBetween) restored.set(stream, new Map([...parts].filter(([p]) => this.#owned.has(p))));
      this.#restoredBetween.clear();
      await this.rebalance(time, async (p) => bounds?.[p], restored);
      for (const [p, o] of [...this.#owned]) {
        if (o.releasing) continue;
        let batch = o.pending.shift();
        if (batch === undefined && rerunsOnly) {
          log.debug(`${this.#o.streamName}: batch ${time} ms re-runs a previous owner's recorded batches only: nothing new for ${this.#o.topic}-${p}.`);
          continue;
        }
        let missed: number | undefined;
        if (batch === undefined && catchUpBefore !== undefined) {
          missed = this.roomForCatchUp(o) ? await this.nextMissed(p, o, catchUpBefore) : undefined;
          if (missed === undefined) continue;
        }
        if (batch === undefined && o.ahead >= this.#maxAhead) {
          // Its batches queue up faster than they commit (a loaded or blocked instance): record no more,
          // so that a new owner after a kill or a pause re-runs a bounded number of them.
          if (o.aheadNoted !== true) {
            o.aheadNoted = true;
            log.info(`${this.#o.streamName}: ${this.#o.topic}-${p} has ${o.ahead} batches recorded and not committed yet (spark.kindling.group.maxBatchesAhead): batch ${time} ms plans nothing new for it; its next batch after a commit reads from offset ${o.next}.`);
          } else log.debug(`${this.#o.streamName}: batch ${time} ms plans nothing new for ${this.#o.topic}-${p}: ${o.ahead} batches ahead of its last commit.`);
          continue;
        }
        if (batch === undefined) {
          const step = this.#o.stepMs;
          // A repartition partition's next step of the grid (its time), or the engine batch's time.
          let own = step === undefined ? time : Math.min(time, o.next + step);
          if (missed !== undefined) {
            // A catch-up batch: the next missed batch time (source batches up to it), on its own.
            own = missed;
          } else if (step !== undefined && o.next <= 0) {
            // Never committed: its first batch is the first source batch its log knows of, else everything up to now.
            const first = this.#probes.length > 0 ? await this.firstSourceBatch(p, 0) : undefined;
            own = first === undefined ? time : Math.min(first, time);
          } else if (own < time && this.#probes.length > 0) {
            // Behind: batch times at which no source partition has a batch are no batches; skip to the first one that is.
            const first = await this.firstSourceBatch(p, o.next);
            if (first !== undefined && first > own) own = Math.min(first, time);
          }
          if (own <= o.after) {
            log.debug(`${this.#o.streamName}: batch ${time} ms plans nothing new for ${this.#o.topic}-${p}: the partition's batches went up to ${o.after} ms already.`);
            continue;
          }
          const latest = bounds?.[p]?.latest ?? o.next;
          batch = step === undefined
            ? { time, fromOffset: o.next, untilOffset: Math.max(o.next, Math.min(latest, o.next + this.#o.maxRecords(p))) }
            : { time: own, fromOffset: o.next, untilOffset: own };
          const grid = this.#grid?.batchMs;
          if (step === undefined && this.#probes.length > 0 && grid !== undefined && batch.untilOffset - batch.fromOffset > grid && o.next > 0) {
            // catchUp=merge: one batch stands for several batch times; say what that means for what reads this stage.
            log.warn(`${this.#o.streamName}: ${this.#o.topic}-${p} merges the batch times (${batch.fromOffset}, ${batch.untilOffset}] into its batch ${batch.untilOffset} ms (spark.kindling.group.catchUp=merge): at the batch times merged away this partition has no batch, so a one-partition stage reading its state or window ranks them without it; the default catchUp=batches runs each at its own time.`);
          }
          if (missed !== undefined) log.debug(`${this.#o.streamName}: catch-up batch ${time} ms runs ${this.#o.topic}-${p}'s missed batch time ${own} ms (before batch ${catchUpBefore} ms).`);
          else if (own < time && o.lagNoted !== true) {
            o.lagNoted = true;
            log.info(`${this.#o.streamName}: ${this.#o.topic}-${p} is behind the batches (its next batch is ${own} ms at batch ${time} ms): it runs each missed batch at its own time, in catch-up batches before the next batches.`);
          } else if (own === time) o.lagNoted = false;
          if (batch.untilOffset > batch.fromOffset || this.#o.recordEmpty === true) {
            const recorded = await this.#o.ownership.describe(this.tp(p), o.epoch, batch);
            if (recorded.status === 'FENCED') {
              this.drop(p, `recording batch ${time} was refused: another instance holds a newer epoch (fenced)`);
              continue;
            }
            if (recorded.status === 'STALE') {
              o.after = Math.max(o.after, recorded.after);
              log.info(`${this.#o.streamName}: batch ${time} ms plans nothing new for ${this.#o.topic}-${p}: the partition has batches up to ${recorded.after} ms already (this instance's batches lag); it goes on with a later batch.`);
              continue;
            }
            batch = recorded.batch;
            o.ahead++;
            o.aheadNoted = false;
            ahead.add(p);
          }
        }
        o.after = Math.max(o.after, batch.time);
        o.next = batch.untilOffset;
        o.lastPlanned = time;
        owned.set(p, { epoch: o.epoch, batch, previous: o.previous });
        o.previous = batch.time;
      }
      if (this.#unreachable) {
        this.#unreachable = false;
        log.info(`${this.#o.streamName}: batch ${time} ms coordinates with the group again.`);
      }
    } catch (e) {
      if (this.noteLost(e)) {
        this.#ahead.delete(time);
        throw this.#lost!.atBatch(this.#o.streamName, time);
      }
      if (!this.#unreachable) log.warn(`${this.#o.streamName}: batch ${time} ms could not coordinate with the group (${(e as Error)?.message ?? String(e)}); the partitions it could not plan are read later (said once until the store answers again).`);
      else log.debug(`${this.#o.streamName}: batch ${time} ms could not coordinate with the group either (${(e as Error)?.message ?? String(e)}).`);
      this.#unreachable = true;
    }

    // Owned but not run in this batch: held, their state carried over. A partition being given up
    // counts: until its release the share may grow back (a member's heartbeat lapses) and the
    // instance keep it, and its next batch must go on from its state, not from none.
    const held = new Set<number>();
    for (const p of this.#owned.keys()) if (!owned.has(p)) held.add(p);
    const plan: GroupBatchPlan = { time, owned, restored, held };
    this.#plans.set(time, plan);
    return plan;
  }

  /** `time`: the batch being planned (undefined: between batches, on the timer). */
  private async rebalance(time: number | undefined, boundsOf: (p: number) => Promise<LogOffsetBounds | undefined>, restored: Map<string, Map<number, (readonly [unknown, unknown])[]>>): Promise<void> {
    const target = this.fairShare();
    const active = [...this.#owned].filter(([, o]) => !o.releasing).map(([p]) => p).sort((a, b) => b - a);
    for (let i = 0; i < active.length - target; i++) {
      const o = this.#owned.get(active[i]!)!;
      o.releasing = true;
      log.info(`${this.#o.streamName}: member ${this.memberId} gives up partition ${this.#o.topic}-${active[i]} (fair share ${target} of ${this.numPartitions} among ${this.#members.length} members) once its batches are committed.`);
    }
    // The share grew back (a member left again) before a partition given up was released: keep it.
    let kept = active.length;
    for (const [p, o] of this.#owned) {
      if (kept >= target) break;
      if (!o.releasing) continue;
      o.releasing = false;
      kept++;
      log.info(`${this.#o.streamName}: member ${this.memberId} keeps partition ${this.#o.topic}-${p} (fair share ${target} of ${this.numPartitions} among ${this.#members.length} members).`);
    }
    for (const [p, o] of [...this.#owned]) {
      if (o.releasing && (o.lastPlanned === undefined || (o.lastCommitted !== undefined && o.lastCommitted >= o.lastPlanned))) await this.release(p, o);
    }
    let have = Math.min(kept, target);
    const start = Math.max(0, this.#members.indexOf(this.memberId)) * Math.ceil(this.numPartitions / Math.max(1, this.#members.length));
    for (let j = 0; j < this.numPartitions && have < target; j++) {
      const p = (start + j) % this.numPartitions;
      if (this.#owned.has(p)) continue;
      const a = await this.#o.ownership.acquire(this.tp(p));
      if (a === undefined) continue;
      const next = a.next ?? this.#o.initialOffset(p, await boundsOf(p));
      if (next === undefined) {
        await this.#o.ownership.release(this.tp(p), a.epoch);
        continue;
      }
      const sizes: string[] = [];
      for (const s of this.#o.stateStreams) {
        const rows = await this.#o.ownership.loadState(this.tp(p), this.storedAs(s));
        sizes.push(`${s} ${rows.length} keys`);
        this.#committedState.set(`${s}\u0000${p}`, new Map(rows.map((r) => [r[0], r[1]])));
        let m = restored.get(s);
        if (m === undefined) restored.set(s, m = new Map());
        m.set(p, rows.map((r) => [JSON.parse(r[0]) as unknown, JSON.parse(r[1]) as unknown] as const));
      }
      const after = Math.max(a.lastBatch ?? Number.NEGATIVE_INFINITY, ...a.pending.map((b) => b.time));
      this.#owned.set(p, { epoch: a.epoch, next, pending: [...a.pending], after, previous: a.lastBatch ?? null, releasing: false, lastPlanned: undefined, lastCommitted: undefined, ahead: 0 });
      have++;
      const replays = a.pending.length === 0 ? '' : `; re-runs ${a.pending.length} recorded uncommitted batch(es) (${a.pending.map((b) => `${b.time} ms: ${b.fromOffset} to ${b.untilOffset}`).join(', ')})`;
      log.info(`${this.#o.streamName}: member ${this.memberId} took partition ${this.#o.topic}-${p} ${time === undefined ? 'between batches' : `at batch ${time} ms`} (epoch ${a.epoch}, from offset ${next}, last committed batch ${a.lastBatch ?? 'none'}${sizes.length === 0 ? '' : `, state restored: ${sizes.join(', ')}`})${replays}.`);
    }
  }

  private async release(p: number, o: Owned): Promise<void> {
    if (this.#owned.get(p) === o) this.#owned.delete(p);
    for (const s of this.#o.stateStreams) this.#committedState.delete(`${s}\u0000${p}`);
    try {
      await this.#o.ownership.release(this.tp(p), o.epoch);
      log.info(`${this.#o.streamName}: member ${this.memberId} released partition ${this.#o.topic}-${p}.`);
    } catch (e) {
      log.warn(`${this.#o.streamName}: releasing partition ${this.#o.topic}-${p} failed (${(e as Error)?.message ?? String(e)}); its lease expires instead.`);
    }
  }

  plan(time: number): GroupBatchPlan | undefined { return this.#plans.get(time); }

  addSourceBatchProbe(probe: (partition: number, after: number) => Promise<number | undefined>): void { this.#probes.push(probe); }


  async firstRecordedAfter(after: number): Promise<number | undefined> {
    const read = this.#o.ownership.recordedTimes;
    if (read === undefined) return undefined;
    let first: number | undefined;
    for (let p = 0; p < this.numPartitions; p++) {
      for (const t of await read.call(this.#o.ownership, this.tp(p))) if (t > after && (first === undefined || t < first)) first = t;
    }
    return first;
  }

  /** The earliest source batch time after `after` that partition `p`'s logs have a marker of (undefined: none yet, or a log not reachable). */
  private async firstSourceBatch(p: number, after: number): Promise<number | undefined> {
    let first: number | undefined;
    for (const probe of this.#probes) {
      try {
        const t = await probe(p, after);
        if (t !== undefined && (first === undefined || t < first)) first = t;
      } catch (e) {
        log.debug(`${this.#o.streamName}: looking for the next source batch of ${this.#o.topic}-${p} failed (${(e as Error)?.message ?? String(e)}); it goes on one batch time at a time.`);
        return undefined;
      }
    }
    return first;
  }

  holds(time: number, partition: number): boolean {
    const planned = this.#plans.get(time)?.owned.get(partition);
    return planned !== undefined && this.#owned.get(partition)?.epoch === planned.epoch;
  }

  onSlide(time: number, partition: number, slideMs: number): boolean {
    const batch = this.#plans.get(time)?.owned.get(partition)?.batch;
    const zero = this.#grid?.zeroTime;
    if (batch === undefined || zero === undefined) return false;
    return (((batch.time - zero) % slideMs) + slideMs) % slideMs === 0;
  }

  captureState(stream: string, time: number, rdd: RDD<[unknown, unknown]>): void { this.capture(stream, time, rdd, false); }

  captureStateChanges(stream: string, time: number, rdd: RDD<readonly [unknown, unknown, boolean]>): void { this.capture(stream, time, rdd, true); }

  private capture(stream: string, time: number, rdd: RDD<unknown>, changes: boolean): void {
    let m = this.#captured.get(time);
    if (m === undefined) this.#captured.set(time, m = new Map());
    m.set(stream, { rdd, changes });
  }

  async onBatchComplete(complete: (upTo: number) => Promise<void>): Promise<void> {
    this.#completeListeners.push(complete);
    if (this.#completedUpTo === Number.NEGATIVE_INFINITY) return;
    try {
      await complete(this.#completedUpTo);
    } catch (e) {
      log.warn(`${this.#o.streamName}: marking batches up to ${this.#completedUpTo} ms complete failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  /**
   * Reads how far the group has completed batches (every partition committed them) and tells
   * the outputs, when this coordinator is the one whose outputs mark folders (a repartition
   * log's forwards its commits' answers to the source's, see `completed`). The instance whose
   * commit completes a batch writes its folders' `_SUCCESS` after the commit: killed in
   * between, the folders stay unmarked until another commit answers, which never comes once
   * the whole group has stopped. So a joining instance reads it (its outputs mark those folders
   * in its first batch, before anything of it is committed) and a stopping one reads it again
   * (a member killed after its last commit, the others stopping without another).
   */
  private async readComplete(when: 'join' | 'stop'): Promise<void> {
    const read = this.#o.ownership.completeUpTo;
    if (read === undefined || this.#o.completed !== undefined) return;
    let upTo: number | undefined;
    try {
      upTo = await read.call(this.#o.ownership);
    } catch (e) {
      log.warn(`${this.#o.streamName}: reading which batches the group completed at ${when} failed (${(e as Error)?.message ?? String(e)}); their folders get _SUCCESS with a later commit.`);
      return;
    }
    if (upTo !== undefined) await this.notifyComplete(upTo);
  }

  /**
   * After batch `time` ran: with `ok`, commits each planned partition (state deltas, next
   * offset, batch time; fenced by the epoch), one batch after the other; without, gives the
   * batch's partitions up (their recorded ranges are re-run by their next owner).
   */
  batchDone(time: number, ok: boolean): void {
    const plan = this.#plans.get(time);
    this.#plans.delete(time);
    const ahead = this.#ahead.get(time) ?? new Set<number>();
    this.#ahead.delete(time);
    const captured = this.#captured.get(time);
    this.#captured.delete(time);
    if (plan === undefined) return;
    const parts = [...plan.owned.keys()].sort((a, b) => a - b);
    // Started now, while the batch's state RDDs are still cached.
    const states = ok && captured !== undefined && parts.length > 0
      ? [...captured].map(([stream, c]) => ({ stream, changes: c.changes, data: this.#o.sc.runJob(c.rdd, (d) => d, parts, 'group state commit') }))
      : [];
    for (const s of states) s.data.catch(() => undefined);
    this.#chain = this.#chain.then(() => this.commitBatch(plan, parts, ok, states))
      .catch((e: unknown) => { log.error(`${this.#o.streamName}: committing batch ${time} ms failed`, e); })
      .finally(() => {
        // Whatever the outcome, these batches are no longer ahead of a commit to come (a partition lost or released is not owned any more).
        for (const p of ahead) {
          const o = this.#owned.get(p);
          if (o !== undefined && o.epoch === plan.owned.get(p)?.epoch) o.ahead--;
        }
      });
  }

  private async commitBatch(plan: GroupBatchPlan, parts: number[], ok: boolean, states: { stream: string; changes: boolean; data: Promise<(readonly unknown[])[]> }[]): Promise<void> {
    const name = this.#o.streamName;
    if (!ok) {
      for (const p of parts) {
        const o = this.#owned.get(p);
        if (o !== undefined && o.epoch === plan.owned.get(p)!.epoch) {
          log.warn(`${name}: batch ${plan.time} ms failed; member ${this.memberId} gives partition ${this.#o.topic}-${p} up so that its recorded range runs again.`);
          await this.release(p, o);
        }
      }
      return;
    }
    const data = await Promise.all(states.map(async (s) => ({ stream: s.stream, changes: s.changes, parts: await s.data })));
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const planned = plan.owned.get(p)!;
      const current = this.#owned.get(p);
      // Still attempted when the lease was lost meanwhile: the store decides, by the epoch.
      const o = current !== undefined && current.epoch === planned.epoch ? current : undefined;
      if (o === undefined && planned.batch.untilOffset === planned.batch.fromOffset) continue;
      const broken = this.#broken.get(p);
      if (broken !== undefined && broken.epoch === planned.epoch) {
        broken.skipped++;
        log.debug(`${name}: batch ${planned.batch.time} ms of ${this.#o.topic}-${p} (offsets ${planned.batch.fromOffset} to ${planned.batch.untilOffset}) is not committed: it follows batch ${broken.time} ms, whose commit did not go through under epoch ${broken.epoch}.`);
        if (o !== undefined) await this.release(p, o);
        continue;
      }
      const deltas: StateDelta[] = [];
      const newStates: [string, Map<string, string>][] = [];
      for (const d of data) {
        const key = `${d.stream}\u0000${p}`;
        if (d.changes) {
          // Only the keys the batch changed: O(keys changed), and no copy of the committed state kept.
          const set: [string, string][] = [];
          const removed: string[] = [];
          for (const row of d.parts[i]! as readonly (readonly [unknown, unknown, boolean])[]) {
            if (row[2]) set.push([JSON.stringify(row[0]), JSON.stringify(row[1]) ?? 'null']);
            else removed.push(JSON.stringify(row[0]));
          }
          deltas.push({ stream: this.storedAs(d.stream), set, removed });
          this.#committedState.delete(key);
          continue;
        }
        const before = this.#committedState.get(key) ?? new Map<string, string>();
        const after = new Map<string, string>();
        const set: [string, string][] = [];
        for (const [k, v] of d.parts[i]! as readonly (readonly [unknown, unknown])[]) {
          const ks = JSON.stringify(k);
          const vs = JSON.stringify(v) ?? 'null';
          after.set(ks, vs);
          if (before.get(ks) !== vs) set.push([ks, vs]);
        }
        const removed: string[] = [];
        for (const k of before.keys()) if (!after.has(k)) removed.push(k);
        deltas.push({ stream: this.storedAs(d.stream), set, removed });
        newStates.push([key, after]);
      }
      let outcome;
      try {
        outcome = await this.#o.ownership.commit({ ...this.tp(p), epoch: planned.epoch, ...planned.batch, state: deltas, snapshotInterval: this.#o.snapshotInterval });
      } catch (e) {
        if (this.noteLost(e)) {
          log.error(`${name}: the commit of batch ${planned.batch.time} ms of ${this.#o.topic}-${p} (offsets ${planned.batch.fromOffset} to ${planned.batch.untilOffset}) was refused: ${(e as Error).message}`);
          continue;
        }
        this.#broken.set(p, { epoch: planned.epoch, time: planned.batch.time, skipped: 0 });
        log.warn(`${name}: committing batch ${planned.batch.time} ms of ${this.#o.topic}-${p} (offsets ${planned.batch.fromOffset} to ${planned.batch.untilOffset}, epoch ${planned.epoch}) failed (${(e as Error)?.message ?? String(e)}); member ${this.memberId} gives the partition up: this batch and the ones it recorded after it under that epoch are not committed, and run again on their recorded ranges under the partition's next owner.`);
        if (o !== undefined) await this.release(p, o);
        continue;
      }
      if (outcome.status === 'FENCED') {
        // Epochs only grow: every later batch recorded under this one is refused too.
        this.#broken.set(p, { epoch: planned.epoch, time: planned.batch.time, skipped: 0 });
        const why = `its late commit of batch ${planned.batch.time} ms (offsets ${planned.batch.fromOffset} to ${planned.batch.untilOffset}) was refused: FENCED, another instance took the partition over with epoch ${outcome.epoch} (this instance's epoch was ${planned.epoch})`;
        if (o !== undefined) this.drop(p, why);
        else log.warn(`${name}: member ${this.memberId}: partition ${this.#o.topic}-${p}: ${why}.`);
        continue;
      }
      if (outcome.status === 'OFFSET_MISMATCH') {
        this.#broken.set(p, { epoch: planned.epoch, time: planned.batch.time, skipped: 0 });
        log.error(`${name}: the commit of batch ${planned.batch.time} ms of ${this.#o.topic}-${p} (offsets ${planned.batch.fromOffset} to ${planned.batch.untilOffset}, epoch ${planned.epoch}) was refused: OFFSET_MISMATCH, the committed next offset is ${outcome.expected ?? 'none'}; member ${this.memberId} gives the partition up, and the batches it recorded after it under that epoch are not committed either (they run again under the partition's next owner).`);
        if (o !== undefined) await this.release(p, o);
        continue;
      }
      if (this.#o.committed !== undefined) {
        try {
          await this.#o.committed(p, planned.batch);
        } catch (e) {
          log.warn(`${name}: after the commit of batch ${planned.batch.time} ms of ${this.#o.topic}-${p}: ${(e as Error)?.message ?? String(e)}`);
        }
      }
      if (outcome.completeUpTo !== undefined && this.#o.completed !== undefined) await this.#o.completed(outcome.completeUpTo).catch(() => undefined);
      if (o === undefined) continue;
      for (const [k, m] of newStates) this.#committedState.set(k, m);
      o.lastCommitted = plan.time;
      if (o.releasing && o.lastPlanned !== undefined && o.lastPlanned <= plan.time) await this.release(p, o);
      if (outcome.completeUpTo !== undefined) await this.notifyComplete(outcome.completeUpTo);
    }
  }

  /** Batches up to `upTo` are committed by every partition of the group: tells the registered outputs. */
  async notifyComplete(upTo: number): Promise<void> {
    if (upTo <= this.#completedUpTo) return;
    this.#completedUpTo = upTo;
    for (const l of this.#completeListeners) {
      try {
        await l(upTo);
      } catch (e) {
        log.warn(`${this.#o.streamName}: marking batches up to ${upTo} ms complete failed: ${(e as Error)?.message ?? String(e)}`);
      }
    }
  }

  /** True while an owned partition has records past its planned position. */
  hasPendingInput(bounds: readonly LogOffsetBounds[] | undefined): boolean {
    for (const [p, o] of this.#owned) if (o.pending.length > 0 || (bounds?.[p]?.latest ?? 0) > o.next) return true;
    return false;
  }

  /** Waits for the commits, releases every lease and leaves the group. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#serial;
    await this.#chain;
    if (this.#lost === undefined) await this.readComplete('stop');
    for (const [p, o] of [...this.#owned]) await this.release(p, o);
    try {
      await this.#o.ownership.leave();
    } catch (e) {
      log.warn(`${this.#o.streamName}: leaving the group failed (${(e as Error)?.message ?? String(e)}); the heartbeat expires instead.`);
    }
    log.info(`${this.#o.streamName}: member ${this.memberId} left the group.`);
  }

  /** The grid the group agreed on (after join). */
  get grid(): GroupGrid | undefined { return this.#grid; }
}
