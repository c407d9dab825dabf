import type { JobEndEvent, JobListener, JobStartEvent, StageCompletedEvent, StageInfo, StageSubmittedEvent } from '@kindling/core';
import type { BatchInfo } from '../scheduler/batch-info.ts';
import { JobScheduler } from '../scheduler/job-scheduler.ts';
import type { OutputOperationInfo } from '../scheduler/output-operation-info.ts';
import type {
  ReceiverInfo,
  StreamingListener,
  StreamingListenerBatchCompleted,
  StreamingListenerBatchStarted,
  StreamingListenerBatchSubmitted,
  StreamingListenerOutputOperationCompleted,
  StreamingListenerOutputOperationStarted,
  StreamingListenerReceiverError,
  StreamingListenerReceiverStarted,
  StreamingListenerReceiverStopped,
  StreamingListenerStreamingStarted,
} from '../scheduler/streaming-listener.ts';

/** Where a batch is: Spark's `BatchStatus`. */
export type BatchStatus = 'COMPLETED' | 'PROCESSING' | 'QUEUED';

/** One Spark job run by an output operation, as the batch page lists them. */
export interface UIJob {
  readonly jobId: number;
  /** The action (`collect`, `saveAsTextFile`, ...). */
  readonly callSite: string;
  /** The job's group (`sc.setJobGroup`), as Spark's `JobData.jobGroup`. */
  readonly jobGroup: string | undefined;
  /** The job's description (`sc.setJobGroup`, `sc.setJobDescription`), as Spark's `JobData.description`. */
  readonly description: string | undefined;
  readonly startTime: number;
  endTime: number | undefined;
  /**
   * The stages the job ran, in submission order, as the scheduler reported them: the shuffle
   * map stages whose outputs were missing, then the result stage. Each is the latest
   * `StageInfo` (submitted, then completed with its task counts).
   */
  readonly stages: StageInfo[];
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  error: string | undefined;
}

/** What the UI keeps of one batch (Spark's `BatchUIData`). */
export class UIBatch {
  /** Output operations by id, updated as they start and complete. */
  readonly ops = new Map<number, OutputOperationInfo>();
  /** Spark jobs by output operation id. */
  readonly jobs = new Map<number, UIJob[]>();

  constructor(public info: BatchInfo) { this.absorb(info); }

  /** The batch time in ms: Spark's `batchId`. */
  get batchTime(): number { return this.info.batchTime.milliseconds; }

  /** Takes a newer snapshot of the batch; operation updates already seen are kept. */
  absorb(info: BatchInfo): void {
    this.info = info;
    for (const [id, op] of info.outputOperationInfos) {
      const known = this.ops.get(id);
      if (known === undefined || (op.endTime !== undefined || known.startTime === undefined)) this.ops.set(id, op);
    }
  }

  /** Operations not ended yet (queued ones too, as Spark counts them). */
  get numActiveOutputOps(): number { let n = 0; for (const op of this.ops.values()) if (op.endTime === undefined) n++; return n; }
  get numCompletedOutputOps(): number { let n = 0; for (const op of this.ops.values()) if (op.endTime !== undefined && op.failureReason === undefined) n++; return n; }
  get numFailedOutputOps(): number { let n = 0; for (const op of this.ops.values()) if (op.failureReason !== undefined) n++; return n; }

  /** The first failure reason in output-operation order. */
  get firstFailureReason(): string | undefined {
    const ids = [...this.ops.keys()].sort((a, b) => a - b);
    for (const id of ids) { const r = this.ops.get(id)!.failureReason; if (r !== undefined) return r; }
    return undefined;
  }
}

/** An input stream as the UI names it. */
export interface UIInputStream {
  readonly id: number;
  /** Spark's input stream name (`Socket stream [0]`); `streams()` puts the receiver's name in its place once one is known. */
  readonly name: string;
  /** True for receiver-based streams (they have a status, a location and errors). */
  readonly isReceiver: boolean;
}

/**
 * The facts the Streaming UI and the REST API show, fed by the listener bus and the job
 * listener (Spark's `StreamingJobProgressListener`). Waiting and running batches are kept until
 * they complete; completed batches are kept up to `retainedBatches` (oldest dropped first), so
 * memory does not grow with the run's length. Totals count every batch.
 */
export class StreamingUIStore implements StreamingListener, JobListener {
  /** When the context started (epoch ms); -1 before. */
  startTime = -1;
  private readonly waiting = new Map<number, UIBatch>();
  private readonly running = new Map<number, UIBatch>();
  private readonly completed: UIBatch[] = [];
  private readonly receivers = new Map<number, ReceiverInfo>();
  private readonly activeJobs = new Map<number, UIJob>();
  private currentOp: { batch: UIBatch; opId: number } | undefined;
  private totalCompleted = 0;
  private totalReceivedRecords = 0;
  private totalProcessedRecords = 0;
  private changes = 0;

  constructor(
    /** The batch interval in ms. */
    readonly batchDuration: number,
    /** `spark.streaming.ui.retainedBatches`. */
    readonly retainedBatches: number,
    /** The context's input streams, read when asked (the graph is fixed once started). */
    private readonly inputStreams: () => readonly UIInputStream[],
  ) {
    if (!Number.isInteger(retainedBatches) || retainedBatches < 1) {
      throw new RangeError(`spark.streaming.ui.retainedBatches must be a positive integer, got ${retainedBatches}`);
    }
  }

  /** Increases on every event: lets pollers skip unchanged state. */
  get version(): number { return this.changes; }

  // --- StreamingListener ---

  onStreamingStarted(e: StreamingListenerStreamingStarted): void { this.startTime = e.time; this.changes++; }

  onBatchSubmitted(e: StreamingListenerBatchSubmitted): void {
    this.waiting.set(e.batchInfo.batchTime.milliseconds, new UIBatch(e.batchInfo));
    this.changes++;
  }

  onBatchStarted(e: StreamingListenerBatchStarted): void {
    const t = e.batchInfo.batchTime.milliseconds;
    const batch = this.waiting.get(t) ?? new UIBatch(e.batchInfo);
    batch.absorb(e.batchInfo);
    this.waiting.delete(t);
    this.running.set(t, batch);
    this.totalReceivedRecords += e.batchInfo.numRecords;
    this.changes++;
  }

  onBatchCompleted(e: StreamingListenerBatchCompleted): void {
    const t = e.batchInfo.batchTime.milliseconds;
    const batch = this.running.get(t) ?? this.waiting.get(t) ?? new UIBatch(e.batchInfo);
    batch.absorb(e.batchInfo);
    this.waiting.delete(t);
    this.running.delete(t);
    this.completed.push(batch);
    if (this.completed.length > this.retainedBatches) this.completed.shift();
    this.totalCompleted++;
    this.totalProcessedRecords += e.batchInfo.numRecords;
    if (this.currentOp?.batch === batch) this.currentOp = undefined;
    this.changes++;
  }

  onOutputOperationStarted(e: StreamingListenerOutputOperationStarted): void {
    const op = e.outputOperationInfo;
    const batch = this.activeBatch(op.batchTime.milliseconds);
    if (batch === undefined) return;
    batch.ops.set(op.id, op);
    this.currentOp = { batch, opId: op.id };
    this.changes++;
  }

  onOutputOperationCompleted(e: StreamingListenerOutputOperationCompleted): void {
    const op = e.outputOperationInfo;
    const batch = this.activeBatch(op.batchTime.milliseconds);
    if (batch !== undefined) batch.ops.set(op.id, op);
    this.currentOp = undefined;
    this.changes++;
  }

  onReceiverStarted(e: StreamingListenerReceiverStarted): void { this.receivers.set(e.receiverInfo.streamId, e.receiverInfo); this.changes++; }
  onReceiverError(e: StreamingListenerReceiverError): void { this.receivers.set(e.receiverInfo.streamId, e.receiverInfo); this.changes++; }
  onReceiverStopped(e: StreamingListenerReceiverStopped): void { this.receivers.set(e.receiverInfo.streamId, e.receiverInfo); this.changes++; }

  // --- JobListener: the Spark jobs each output operation runs ---

  onJobStart(e: JobStartEvent): void {
    const current = this.currentOp;
    // Only jobs started from inside the running output operation belong to it.
    if (current === undefined || !JobScheduler.isInsideOutputOperation()) return;
    const job: UIJob = {
      jobId: e.jobId,
      callSite: e.callSite,
      jobGroup: e.properties?.get('spark.jobGroup.id'),
      description: e.properties?.get('spark.job.description'),
      startTime: e.time,
      endTime: undefined,
      stages: [],
      status: 'RUNNING',
      error: undefined,
    };
    let list = current.batch.jobs.get(current.opId);
    if (list === undefined) current.batch.jobs.set(current.opId, (list = []));
    list.push(job);
    this.activeJobs.set(e.jobId, job);
    this.changes++;
  }

  onJobEnd(e: JobEndEvent): void {
    const job = this.activeJobs.get(e.jobId);
    if (job === undefined) return;
    this.activeJobs.delete(e.jobId);
    job.endTime = e.time;
    job.status = e.error === undefined ? 'SUCCEEDED' : 'FAILED';
    if (e.error !== undefined) job.error = e.error instanceof Error ? e.error.message : String(e.error);
    this.changes++;
  }

  onStageSubmitted(e: StageSubmittedEvent): void {
    const job = this.activeJobs.get(e.stageInfo.jobId);
    if (job === undefined) return;
    job.stages.push(e.stageInfo);
    this.changes++;
  }

  onStageCompleted(e: StageCompletedEvent): void {
    const job = this.activeJobs.get(e.stageInfo.jobId);
    if (job === undefined) return;
    const i = job.stages.findIndex((s) => s.stageId === e.stageInfo.stageId);
    if (i >= 0) job.stages[i] = e.stageInfo;
    else job.stages.push(e.stageInfo);
    this.changes++;
  }

  // --- queries ---

  /** Batches submitted and not started, oldest first. */
  waitingBatches(): UIBatch[] { return [...this.waiting.values()].sort(byTime); }
  /** Batches running, oldest first. */
  runningBatches(): UIBatch[] { return [...this.running.values()].sort(byTime); }
  /** The retained completed batches, oldest first. */
  completedBatches(): readonly UIBatch[] { return this.completed; }
  /** Waiting, running and retained completed batches, oldest first. */
  retained(): UIBatch[] { return [...this.completed, ...this.runningBatches(), ...this.waitingBatches()].sort(byTime); }

  /** A retained batch by time, with its status. */
  batch(batchTime: number): { batch: UIBatch; status: BatchStatus } | undefined {
    const w = this.waiting.get(batchTime);
    if (w !== undefined) return { batch: w, status: 'QUEUED' };
    const r = this.running.get(batchTime);
    if (r !== undefined) return { batch: r, status: 'PROCESSING' };
    const c = this.completedByTime(batchTime);
    return c === undefined ? undefined : { batch: c, status: 'COMPLETED' };
  }

  get numTotalCompletedBatches(): number { return this.totalCompleted; }
  get numTotalReceivedRecords(): number { return this.totalReceivedRecords; }
  get numTotalProcessedRecords(): number { return this.totalProcessedRecords; }
  get numUnprocessedBatches(): number { return this.waiting.size + this.running.size; }

  /**
   * The input streams with the names Spark's receivers list shows: the receiver's name once it
   * reported (`SocketReceiver-0`), else the input stream's (`Queue stream [0]`).
   */
  streams(): UIInputStream[] {
    return this.inputStreams().map((s) => ({ ...s, name: this.receivers.get(s.id)?.name || s.name || `Stream-${s.id}` }));
  }

  /** The input streams with their own names (`Socket stream [0]`), as Spark's batch page lists inputs. */
  inputStreamNames(): Map<number, string> {
    return new Map(this.inputStreams().map((s) => [s.id, s.name || `Stream-${s.id}`]));
  }

  /** The last receiver state reported for `streamId`. */
  receiverInfo(streamId: number): ReceiverInfo | undefined { return this.receivers.get(streamId); }

  get numReceivers(): number { let n = 0; for (const s of this.inputStreams()) if (s.isReceiver) n++; return n; }
  get numActiveReceivers(): number { let n = 0; for (const r of this.receivers.values()) if (r.active) n++; return n; }
  get numInactiveReceivers(): number { return this.numReceivers - this.numActiveReceivers; }

  /** Records/s of `streamId` in every retained batch, oldest first: `[batchTime, rate]`. */
  eventRates(streamId: number, batches: readonly UIBatch[] = this.retained()): [number, number][] {
    return batches.map((b) => [b.batchTime, ((b.info.streamIdToInputInfo.get(streamId)?.numRecords ?? 0) * 1000) / this.batchDuration]);
  }

  private activeBatch(t: number): UIBatch | undefined { return this.running.get(t) ?? this.waiting.get(t); }

  /** Binary search: completed batches are appended in time order. */
  private completedByTime(t: number): UIBatch | undefined {
    const c = this.completed;
    let lo = 0;
    let hi = c.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = c[mid]!.batchTime;
      if (m === t) return c[mid];
      if (m < t) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

function byTime(a: UIBatch, b: UIBatch): number { return a.batchTime - b.batchTime; }
