import { getLogger, ManualClock, StorageLevel, Time, type Clock, type Duration, type RDD } from '@kindling/core';
import type { DStreamGraph } from '../dstream/dstream-graph.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { BatchFailedError } from './batch-failed-error.ts';
import type { InputInfoTracker } from './input-info-tracker.ts';
import type { Job } from './job.ts';
import { JobSet } from './job-set.ts';
import type { JobScheduler } from './job-scheduler.ts';
import { planSharedRDDs } from './shared-rdd-planner.ts';

const log = getLogger('JobGenerator');

/**
 * Turns time into batches (Spark's `JobGenerator`): at every batch time it generates the
 * jobs of every output operation and queues them with the scheduler, never skipping a time.
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
  /**
   * Called right after a batch's jobs were generated and queued (Spark writes its metadata
   * checkpoint here: the graph's state and each input's assignment for the batch).
   */
  readonly batchGeneratedHooks: ((jobSet: JobSet) => void)[] = [];
  /**
   * Called right after a batch's jobs were generated, before they are queued (so before any of
   * them runs): the worker threads of a replicated graph learn of the batch here.
   */
  readonly jobSetCreatedHooks: ((jobSet: JobSet) => void)[] = [];
  /**
   * Set by checkpoint recovery before `start()`: the zero time of the recovered graph and the
   * batches to run again first (those pending at the checkpoint plus those missed while down),
   * in time order. Later batches continue on the recovered zero time's grid.
   */
  recovery: { zeroTime: Time; replayTimes: readonly Time[] } | undefined;

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
   * Initialises the graph for the first batch after the clock's current time and starts the
   * input streams; then the timer loop runs. Validation errors throw from here.
   */
  async start(): Promise<void> {
    const period = this.period.milliseconds;
    const recovery = this.recovery;
    if (recovery === undefined) {
      const first = (Math.floor(this.clock.getTimeMillis() / period) + 1) * period;
      this.graph.initialize(new Time(first - period), new Time(first));
      this.nextTime = first;
    } else {
      const zero = recovery.zeroTime.milliseconds;
      const now = this.clock.getTimeMillis();
      const next = zero + (Math.floor((now - zero) / period) + 1) * period;
      this.graph.initialize(recovery.zeroTime, recovery.replayTimes[0] ?? new Time(next));
      this.nextTime = next;
    }
    await this.graph.startInputs();
    this.started = true;
    const preparing = this.graph.inputStreams.filter((s) => s.prepareBatch !== undefined);
    for (const t of recovery?.replayTimes ?? []) {
      if (t.milliseconds >= this.nextTime) continue;
      if (preparing.length > 0) await this.prepareInputs(preparing, t);
      this.generateJobs(t);
    }
    if (this.clock instanceof ManualClock) this.clock.setAdvanceHook((t) => this.onAdvance(t));
    this.loop().catch((e: unknown) => {
      log.error('The batch timer stopped on an unexpected error', e);
    });
  }

  /** Stops generating batches. */
  stop(): void {
    this.stopped = true;
    if (this.clock instanceof ManualClock) this.clock.setAdvanceHook(undefined);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.clock.waitTillTime(this.nextTime);
      if (this.stopped) return;
      await this.generateUpTo(this.clock.getTimeMillis());
    }
  }

  private async onAdvance(now: number): Promise<void> {
    await this.generateUpTo(now);
    return this.scheduler().waitForBatchesUpTo(now);
  }

  /**
   * Generates every batch due by `now`, in time order. Synchronous unless an input stream
   * has a `prepareBatch` step: then each batch awaits its inputs' preparation first, and
   * concurrent calls queue behind each other so that batches stay in order.
   */
  generateUpTo(now: number): void | Promise<void> {
    const preparing = this.graph.inputStreams.filter((s) => s.prepareBatch !== undefined);
    if (preparing.length === 0) {
      while (this.started && !this.stopped && this.nextTime <= now) {
        const time = new Time(this.nextTime);
        this.nextTime += this.period.milliseconds;
        this.generateJobs(time);
      }
      return;
    }
    this.generating = this.generating.then(async () => {
      while (this.started && !this.stopped && this.nextTime <= now) {
        const time = new Time(this.nextTime);
        this.nextTime += this.period.milliseconds;
        await this.prepareInputs(preparing, time);
        if (this.stopped) return;
        this.generateJobs(time);
      }
    });
    return this.generating;
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
    try {
      shared = planSharedRDDs(jobs.map((j) => j.rdd));
      for (const rdd of shared) rdd.persist(StorageLevel.MEMORY_ONLY);
    } catch (e) {
      // Sharing is an optimisation: if it fails (e.g. an RDD persisted elsewhere at another
      // level), the batch still runs, recomputing what several outputs share.
      for (const rdd of shared) if (rdd.getStorageLevel() === StorageLevel.MEMORY_ONLY) rdd.unpersist();
      shared = [];
      log.warn(`Batch ${time}: could not keep the RDDs its outputs share (${e instanceof Error ? e.message : String(e)}); they will be recomputed per output`);
    }
    const jobSet = new JobSet(time, jobs, this.inputInfoTracker.getInfo(time), shared);
    for (const hook of this.jobSetCreatedHooks) hook(jobSet);
    this.scheduler().submitJobSet(jobSet);
    for (const hook of this.batchGeneratedHooks) hook(jobSet);
  }

  /** After a batch: release its shared RDDs, forget old RDDs, run the completion hooks. */
  onBatchCompletion(jobSet: JobSet): void {
    for (const rdd of jobSet.sharedRDDs) rdd.unpersist();
    this.graph.clearMetadata(jobSet.time);
    this.inputInfoTracker.cleanup(jobSet.time.plus(this.period));
    for (const hook of this.batchCompletionHooks) hook(jobSet);
  }
}
