import { AsyncLocalStorage } from 'node:async_hooks';
import { getLogger } from '@kindling/core';
import { BatchFailedError } from './batch-failed-error.ts';
import type { BatchCheckpointing } from './batch-checkpointing.ts';
import type { Job } from './job.ts';
import type { JobSet } from './job-set.ts';
import type { StreamingListenerBus } from './streaming-listener-bus.ts';

const log = getLogger('JobScheduler');

interface Waiter { time: number; resolve: () => void; reject: (e: Error) => void }

/** Set while an output operation runs, so that `ssc.stop()` called from one does not wait for itself. */
const insideOutputOperation = new AsyncLocalStorage<boolean>();

/**
 * Runs batches one at a time in time order, each batch's output operations one after another
 * in registration order (Spark's `JobScheduler` with `concurrentJobs = 1`). Batches that fall
 * behind wait in the queue; none is skipped. The first failure stops the scheduler and is
 * reported to `onError` (the context stops itself).
 * @internal
 */
export class JobScheduler {
  private readonly queue: JobSet[] = [];
  private current: JobSet | undefined;
  private running = false;
  private drained: Promise<void> = Promise.resolve();
  private stopped = false;
  private waiters: Waiter[] = [];
  /** The error that failed a batch, once one has. */
  failure: Error | undefined;
  /**
   * Per queued batch, what its output operations wait for first (metadata checkpointing: for
   * the first batch of a run, its "generated" checkpoint fsynced, so that no output is
   * written for a batch that recovery would re-run with other input).
   */
  private readonly gates = new Map<JobSet, BatchCheckpointing>();

  constructor(
    private readonly bus: StreamingListenerBus,
    private readonly onBatchDone: (jobSet: JobSet) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Queues a batch; with `checkpointing`, its outputs wait for {@link BatchCheckpointing.whenOutputsMayRun}. */
  submitJobSet(jobSet: JobSet, checkpointing?: BatchCheckpointing): void {
    if (this.stopped) return;
    if (checkpointing !== undefined) this.gates.set(jobSet, checkpointing);
    // Spark posts nothing for a batch without jobs (every output's parent had no RDD).
    if (jobSet.jobs.length > 0 && this.bus.wants('onBatchSubmitted')) this.bus.post('onBatchSubmitted', { batchInfo: jobSet.toBatchInfo() });
    this.queue.push(jobSet);
    if (!this.running) {
      this.running = true;
      this.drained = this.drain();
    }
  }

  /** Batches queued or running. */
  get pendingBatches(): number { return this.queue.length + (this.current ? 1 : 0); }

  /**
   * Resolves once no batch with time <= `time` is queued or running; rejects if a batch failed.
   */
  waitForBatchesUpTo(time: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.isDoneUpTo(time)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ time, resolve, reject }));
  }

  /** Resolves when the queue is empty and nothing runs. */
  whenIdle(): Promise<void> { return this.waitForBatchesUpTo(Number.POSITIVE_INFINITY); }

  /**
   * Stops the scheduler. Graceful: every queued batch runs first. Otherwise queued batches are
   * dropped and the running batch stops after its current output operation.
   */
  async stop(graceful: boolean, timeoutMs = graceful ? 3_600_000 : 2000): Promise<void> {
    if (JobScheduler.isInsideOutputOperation()) {
      // Called from an output operation: waiting for the running batch would wait for itself.
      // Graceful: the queue still drains, then stops; otherwise nothing new starts.
      if (graceful) void this.drained.then(() => { this.stopped = true; this.settleWaiters(true); });
      else {
        this.stopped = true;
        this.queue.length = 0;
        this.gates.clear();
      }
      return;
    }
    if (!graceful) {
      this.stopped = true;
      this.queue.length = 0;
      this.gates.clear();
    }
    // An operation cannot be interrupted: after the timeout, stop waiting for it (as Spark
    // stops waiting for its job threads) and let it finish in the background.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), timeoutMs); });
    const late = await Promise.race([this.drained.then(() => false), timedOut]);
    clearTimeout(timer);
    this.stopped = true;
    this.queue.length = 0;
    this.gates.clear();
    if (late) {
      log.warn(`Stopping the StreamingContext: ${graceful ? 'queued batches' : 'the running output operation'} did not finish within ${timeoutMs} ms; stopped waiting for ${this.current ? `batch ${this.current.time}` : 'it'}.`);
    }
    this.settleWaiters(true);
  }

  /** True when called (synchronously or asynchronously) from a running output operation. */
  static isInsideOutputOperation(): boolean { return insideOutputOperation.getStore() === true; }

  private isDoneUpTo(time: number): boolean {
    if (this.current && this.current.time.milliseconds <= time) return false;
    for (const js of this.queue) if (js.time.milliseconds <= time) return false;
    return true;
  }

  private settleWaiters(all = false): void {
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.failure) w.reject(this.failure);
      else if (all || this.isDoneUpTo(w.time)) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const jobSet = this.queue.shift()!;
        this.current = jobSet;
        try {
          await this.runJobSet(jobSet);
        } finally {
          this.current = undefined;
        }
        if (this.failure) break;
        this.settleWaiters();
      }
    } finally {
      this.running = false;
      this.settleWaiters();
    }
  }

  private async runJobSet(jobSet: JobSet): Promise<void> {
    let error: Error | undefined;
    // Taken out first: a dropped queue (stop, failure) must not keep batches alive here.
    const gate = this.gates.get(jobSet);
    this.gates.delete(jobSet);
    if (jobSet.jobs.length > 0) {
      if (gate !== undefined) await gate.whenOutputsMayRun(jobSet.time.milliseconds);
      jobSet.processingStartTime = Date.now();
      // Events nobody listens to are not built (the times are recorded all the same).
      const bus = this.bus;
      if (bus.wants('onBatchStarted')) bus.post('onBatchStarted', { batchInfo: jobSet.toBatchInfo() });
      const jobs = jobSet.jobs;
      for (let k = 0; k < jobs.length; k++) {
        const job = jobs[k]!;
        jobSet.markOpStarted(k);
        if (bus.wants('onOutputOperationStarted')) bus.post('onOutputOperationStarted', { outputOperationInfo: jobSet.opInfo(k) });
        let failureReason: string | undefined;
        try {
          await insideOutputOperation.run(true, runJob, job);
        } catch (e) {
          error = e instanceof BatchFailedError ? e : new BatchFailedError(job.time, job.outputOpId, job.description, e);
          failureReason = describe(e);
        }
        jobSet.markOpCompleted(k, failureReason);
        if (bus.wants('onOutputOperationCompleted')) bus.post('onOutputOperationCompleted', { outputOperationInfo: jobSet.opInfo(k) });
        if (error || this.stopped) break;
      }
      jobSet.processingEndTime = Date.now();
      if (bus.wants('onBatchCompleted')) bus.post('onBatchCompleted', { batchInfo: jobSet.toBatchInfo() });
      // Spark says this at INFO for every batch; here DEBUG, so that INFO stays quiet while running.
      if (log.isDebugEnabled()) {
        const info = jobSet.toBatchInfo();
        log.debug(`Total delay: ${info.totalDelay ?? '?'} ms for time ${jobSet.time} (execution: ${info.processingDelay ?? '?'} ms, ${jobSet.jobs.length} output operation(s))`);
      }
    }
    try {
      this.onBatchDone(jobSet);
    } catch (e) {
      // After a stop that stopped waiting for this batch, cleanup may meet a stopped context.
      if (!this.stopped) error ??= new BatchFailedError(jobSet.time, -1, 'cleaning up after the batch', e);
    }
    if (error) {
      // As Spark's "Error running job": said here once, whether or not the program awaits termination.
      log.error(error.message);
      this.failure = error;
      this.stopped = true;
      this.queue.length = 0;
      this.gates.clear();
      this.settleWaiters();
      this.onError(error);
    }
  }
}

/** Runs an output operation's job (a function shared by every job: no closure per batch). */
function runJob(job: Job): void | Promise<void> {
  return job.run();
}

function describe(e: unknown): string {
  if (e instanceof BatchFailedError && e.cause !== undefined) return describe(e.cause);
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
