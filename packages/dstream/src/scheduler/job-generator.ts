import { ManualClock, StorageLevel, Time, getLogger, groupMapSides, releaseMapSideGroup, type Clock, type Duration, type MapSideGroup, type RDD } from '@kindling/core';
import type { BatchCheckpointing, GeneratorRecovery } from './batch-checkpointing.ts';
import type { DStreamGraph } from '../dstream/dstream-graph.ts';
import { BatchFailedError } from './batch-failed-error.ts';
import type { InputInfoTracker } from './input-info-tracker.ts';
import type { Job } from './job.ts';
import { JobSet } from './job-set.ts';
import type { JobScheduler } from './job-scheduler.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { planSharedRDDs } from './shared-rdd-planner.ts';
import { planMapSideGroups } from './map-side-planner.ts';

const log = getLogger('JobGenerator');

/** An input stream with an async step before each batch (see `InputDStream.prepareBatch`). */
const hasPrepareBatch = (s: InputDStream<unknown>): boolean => s.prepareBatch !== undefined;

/** While catching up on missed batches, at most this many are queued at once. */
export const CATCH_UP_QUEUE_LIMIT = 4;
/** Catch-up progress is logged at most this often (ms). */
const PROGRESS_EVERY_MS = 10_000;

/**
 * Turns time into batches (Spark's `JobGenerator`): at every batch time it generates the
 * jobs of every output operation and queues them with the scheduler, never skipping a time.
 * Before a batch it also generates the extra batches an input asks for
 * (`InputDStream.catchUpBefore`: group leases catching up), at times between the two batches.
 * The first batch is the start time rounded up to the next multiple of the batch duration.
 * With a `ManualClock` it also drives `advance(ms)`: every batch due by the new time is
 * generated at once and `advance` resolves when they have all run.
 * @internal
 */
export class JobGenerator {
  private nextTime = 0;
  private stopped = false;
  private started = false;
  /** The batches being generated after their inputs' asynchronous preparation (in order). */
  private generating: Promise<void> = Promise.resolve();
  /** Called after a batch's jobs ran (or failed) and its metadata was cleared. */
  readonly batchCompletionHooks: ((jobSet: JobSet) => void)[] = [];
  /** Called right after a batch's jobs were generated and queued. */
  readonly batchGeneratedHooks: ((jobSet: JobSet) => void)[] = [];
  /**
   * Called right after a batch's jobs were generated, before they are queued (so before any of
   * them runs): the worker threads of a replicated graph learn of the batch here.
   */
  readonly jobSetCreatedHooks: ((jobSet: JobSet) => void)[] = [];
  /** Metadata checkpointing, told of every generated and completed batch (given to `start`). */
  private checkpointing: BatchCheckpointing | undefined;
  /**
   * After a recovery, batches up to this time were missed while down: they are generated at
   * most {@link CATCH_UP_QUEUE_LIMIT} queued at a time (lazily, so memory stays bounded
   * whatever the downtime), the next ones as earlier ones complete.
   */
  private catchUpUntil = Number.NEGATIVE_INFINITY;
  private catchUp = { total: 0, done: 0, loggedAt: 0 };
  /** Resolved when a batch completes or the generator stops (a catch-up waiting for room). */
  private roomWaiters: (() => void)[] = [];

  constructor(
    private readonly graph: DStreamGraph,
    private readonly clock: Clock,
    private readonly scheduler: () => JobScheduler,
    private readonly inputInfoTracker: InputInfoTracker,
  ) {}

  private get period(): Duration { return this.graph.batchDuration; }

  /** The time of the next batch to generate. */
  get nextBatchTime(): Time { return new Time(this.nextTime); }

  /**
   * Initialises the graph for the first batch after the clock's current time (or, after a
   * recovery, on the recovered grid) and starts the input streams; then the timer loop runs.
   * Validation errors throw from here. `checkpointing` hears of every batch.
   */
  async start(recovery?: GeneratorRecovery, checkpointing?: BatchCheckpointing): Promise<void> {
    const period = this.period.milliseconds;
    this.checkpointing = checkpointing;
    const now = this.clock.getTimeMillis();
    if (recovery === undefined) {
      const first = (Math.floor(now / period) + 1) * period;
      this.graph.initialize(new Time(first - period), new Time(first));
      this.nextTime = first;
    } else {
      const zero = recovery.zeroTime.milliseconds;
      const next = zero + (Math.floor((now - zero) / period) + 1) * period;
      this.nextTime = Math.min(recovery.resumeAt, next);
      this.graph.initialize(recovery.zeroTime, recovery.replayTimes[0] ?? new Time(this.nextTime));
      this.catchUpUntil = next - period;
      const missed = Math.max(0, (this.catchUpUntil - this.nextTime) / period + 1);
      this.catchUp = { total: missed, done: 0, loggedAt: Date.now() };
      if (missed > 0) {
        log.info(`${missed} missed batches (${this.nextTime} ms to ${this.catchUpUntil} ms, while the application was down) run after the ${recovery.replayTimes.length} recovered ones, ${CATCH_UP_QUEUE_LIMIT} queued at a time. See docs/checkpoint-format.md to skip the output of empty ones.`);
      }
    }
    await this.graph.startInputs();
    this.started = true;
    const preparing = this.graph.inputStreams.filter((s) => s.prepareBatch !== undefined);
    for (const t of recovery?.replayTimes ?? []) {
      if (t.milliseconds >= this.nextTime) continue;
      if (preparing.length > 0) await this.prepareInputs(preparing, t);
      this.generateJobs(t);
    }
    await this.generateUpTo(this.catchUpUntil);
    if (this.clock instanceof ManualClock) this.clock.setAdvanceHook((t) => this.onAdvance(t));
    this.loop().catch((e: unknown) => {
      log.error('The batch timer stopped on an unexpected error', e);
    });
  }

  /** Stops generating batches. */
  stop(): void {
    this.stopped = true;
    if (this.clock instanceof ManualClock) this.clock.setAdvanceHook(undefined);
    this.wakeRoomWaiters();
  }

  // `generateUpTo` is awaited only when it returned a promise (inputs with a preparation
  // step): a batch's generation adds no promise of its own otherwise.
  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.clock.waitTillTime(this.nextTime);
      if (this.stopped) return;
      const generating = this.generateUpTo(this.clock.getTimeMillis());
      if (generating !== undefined) await generating;
      if (this.isCatchingUpFull()) await this.whenRoom();
    }
  }

  private onAdvance(now: number): Promise<void> {
    const generating = this.generateUpTo(now);
    // Missed batches not generated yet are due by `now` too.
    if (generating === undefined && (this.stopped || this.nextTime > now)) return this.scheduler().waitForBatchesUpTo(now);
    return this.finishAdvance(now, generating);
  }

  private async finishAdvance(now: number, generating: Promise<void> | undefined): Promise<void> {
    if (generating !== undefined) await generating;
    while (!this.stopped && this.nextTime <= now) {
      await this.whenRoom();
      await this.generateUpTo(now);
    }
    return this.scheduler().waitForBatchesUpTo(now);
  }

  /** True while missed batches wait for room in the queue. */
  private isCatchingUpFull(): boolean {
    return this.nextTime <= this.catchUpUntil && this.scheduler().pendingBatches >= CATCH_UP_QUEUE_LIMIT;
  }

  private whenRoom(): Promise<void> {
    if (this.stopped || this.scheduler().failure !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Generates every batch due by `now`, in time order; missed batches of a recovery only while
   * fewer than {@link CATCH_UP_QUEUE_LIMIT} batches are queued. Synchronous unless an input
   * stream has a `prepareBatch` step: then each batch awaits its inputs' preparation first,
   * and concurrent calls queue behind each other so that batches stay in order.
   */
  generateUpTo(now: number): Promise<void> | undefined {
    if (!this.graph.inputStreams.some(hasPrepareBatch)) {
      while (this.started && !this.stopped && this.nextTime <= now && !this.isCatchingUpFull()) {
        const time = new Time(this.nextTime);
        this.nextTime += this.period.milliseconds;
        this.generateJobs(time);
      }
      return undefined;
    }
    const preparing = this.graph.inputStreams.filter(hasPrepareBatch);
    const catchingUp = this.graph.inputStreams.filter((s) => s.catchUpBefore !== undefined);
    this.generating = this.generating.then(async () => {
      while (this.started && !this.stopped && this.nextTime <= now && !this.isCatchingUpFull()) {
        const time = new Time(this.nextTime);
        this.nextTime += this.period.milliseconds;
        // Extra batches an input asks for before this one (group leases catching up), each generated in turn.
        for (let extra = await this.catchUpBefore(catchingUp, time); extra !== undefined && !this.stopped; extra = await this.catchUpBefore(catchingUp, time)) {
          await this.prepareInputs(preparing, extra);
          if (this.stopped) return;
          this.generateJobs(extra);
        }
        await this.prepareInputs(preparing, time);
        if (this.stopped) return;
        this.generateJobs(time);
      }
    });
    return this.generating;
  }

  /** The first extra batch an input asks for before `time` (see `InputDStream.catchUpBefore`); a failure asks for none. */
  private async catchUpBefore(inputs: readonly InputDStream<unknown>[], time: Time): Promise<Time | undefined> {
    for (const s of inputs) {
      try {
        const extra = await s.catchUpBefore!(time);
        if (extra !== undefined) return extra;
      } catch (e) {
        log.warn(`Batch ${time}: ${s.name()} could not tell whether it needs a catch-up batch (${e instanceof Error ? e.message : String(e)}); generating the batch without one`);
      }
    }
    return undefined;
  }

  /** Awaits the inputs' `prepareBatch(time)`; a failure is the input's to handle in `compute`. */
  private async prepareInputs(inputs: readonly InputDStream<unknown>[], time: Time): Promise<void> {
    await Promise.all(inputs.map((s) => s.prepareBatch!(time).catch((e: unknown) => {
      log.warn(`Batch ${time}: ${s.name()} could not prepare (${e instanceof Error ? e.message : String(e)}); generating the batch anyway`);
    })));
  }

  private generateJobs(time: Time): void {
    const jobs: Job[] = [];
    for (const out of this.graph.outputStreams) {
      try {
        const job = out.generateJob(time);
        if (job !== undefined) jobs.push(job);
      } catch (e) {
        // Generating the RDDs failed (a transform returned undefined, a parent had no RDD for a
        // union...): the batch fails when this output's turn comes, after the earlier outputs.
        const error = new BatchFailedError(time, out.outputOpId, out.description, e, 'generate');
        jobs.push({ time, outputOpId: out.outputOpId, name: out.opName, description: out.description, rdd: undefined, run: () => { throw error; } });
      }
    }
    let shared: RDD<unknown>[] = [];
    const groups: MapSideGroup[] = [];
    try {
      const roots = new Array<RDD<unknown> | undefined>(jobs.length);
      for (let k = 0; k < jobs.length; k++) roots[k] = jobs[k]!.rdd;
      shared = planSharedRDDs(roots);
      for (const rdd of shared) rdd.persist(StorageLevel.MEMORY_ONLY);
      // A shared RDD read only by shuffles' map sides: computed once for all of them, in one
      // pass, rather than kept from the batch's first job to its last.
      for (const g of planMapSideGroups(roots, shared)) {
        const group = groupMapSides(g.base, g.deps);
        if (group !== undefined) groups.push(group);
      }
    } catch (e) {
      // Sharing is an optimisation: if it fails (e.g. an RDD persisted elsewhere at another
      // level), the batch still runs, recomputing what several outputs share.
      for (const rdd of shared) if (rdd.getStorageLevel() === StorageLevel.MEMORY_ONLY) rdd.unpersist();
      for (const g of groups) releaseMapSideGroup(g);
      shared = [];
      groups.length = 0;
      log.warn(`Batch ${time}: could not keep the RDDs its outputs share (${e instanceof Error ? e.message : String(e)}); they will be recomputed per output`);
    }
    const jobSet = new JobSet(time, jobs, this.inputInfoTracker.getInfo(time), shared, groups);
    for (const hook of this.jobSetCreatedHooks) hook(jobSet);
    // Captured before the batch is queued: its "generated" checkpoint is what its outputs wait for.
    this.checkpointing?.batchGenerated(jobSet);
    this.scheduler().submitJobSet(jobSet, this.checkpointing);
    for (const hook of this.batchGeneratedHooks) hook(jobSet);
  }

  /** After a batch: release its shared RDDs, forget old RDDs, tell checkpointing, catch up. */
  onBatchCompletion(jobSet: JobSet): void {
    for (const rdd of jobSet.sharedRDDs) rdd.unpersist();
    for (const g of jobSet.mapSideGroups) releaseMapSideGroup(g);
    this.graph.clearMetadata(jobSet.time);
    this.inputInfoTracker.cleanup(jobSet.time.plus(this.period));
    this.checkpointing?.batchCompleted(jobSet);
    for (const hook of this.batchCompletionHooks) hook(jobSet);
    const t = jobSet.time.milliseconds;
    if (t <= this.catchUpUntil && this.catchUp.total > 0 && t >= this.catchUpUntil - (this.catchUp.total - 1) * this.period.milliseconds) this.logCatchUp(t);
    if (this.roomWaiters.length > 0) this.wakeRoomWaiters();
    else if (this.nextTime <= this.catchUpUntil) {
      const generating = this.generateUpTo(this.catchUpUntil);
      if (generating !== undefined) generating.catch((e: unknown) => log.error('Generating missed batches failed', e));
    }
  }

  private logCatchUp(time: number): void {
    const c = this.catchUp;
    c.done++;
    const now = Date.now();
    if (c.done === c.total) log.info(`Caught up: the ${c.total} missed batches ran (the last, ${time} ms).`);
    else if (now - c.loggedAt >= PROGRESS_EVERY_MS) {
      c.loggedAt = now;
      log.info(`Catching up: ${c.done} of ${c.total} missed batches ran (up to ${time} ms).`);
    }
  }
}
