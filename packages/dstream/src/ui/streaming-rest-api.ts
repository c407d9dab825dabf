import type { BatchStatus, StreamingUIStore, UIBatch } from './streaming-ui-store.ts';

/** The application the API describes (Spark's live UI serves one). */
export interface UIApplication {
  readonly id: string;
  readonly name: string;
  readonly startTime: number;
  readonly sparkUser: string;
  readonly appSparkVersion: string;
}

/**
 * A REST answer: an HTTP status and its body. A 200's body is the JSON value; an error's is the
 * message itself, sent as text, as Spark's `JacksonMessageWriter` writes the `ErrorWrapper` of its
 * `NotFoundException` (`unknown batch: 123`).
 */
export interface RestResponse {
  readonly status: number;
  readonly body: unknown;
}

const STATUSES: readonly BatchStatus[] = ['COMPLETED', 'QUEUED', 'PROCESSING'];

/**
 * Dates as Spark's REST API writes them (`JacksonMessageWriter`): `yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'`
 * in UTC, e.g. `2015-05-14T22:56:24.107GMT`.
 */
export function sparkDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', 'GMT');
}

/**
 * Answers Spark's monitoring REST API under `/api/v1` for one live streaming application:
 * `applications`, `applications/{appId}` and the streaming resources of
 * `ApiStreamingRootResource` (statistics, receivers, batches, output operations), with Spark's
 * field names; absent optional fields are left out, as Spark's JSON writer does. Unknown ids
 * give 404 with `{ "message": ... }`.
 */
export class StreamingRestApi {
  constructor(
    private readonly store: StreamingUIStore,
    private readonly app: UIApplication,
    /**
     * Where the user's code registered output operation `outputOpId` (Spark's call site: the
     * REST `name` is its short form, e.g. `saveAsTextFiles at pipeline.ts:101`, and
     * `description` its long form, the stack). Without one, the operation's own name and
     * description are used.
     */
    private readonly callSite: (outputOpId: number) => { shortForm: string; longForm: string } | undefined = () => undefined,
  ) {}

  /** `path` starts after `/api/v1` (e.g. `/applications`); `query` is the URL's search params. */
  handle(path: string, query: URLSearchParams): RestResponse {
    const parts = path.split('/').filter((p) => p.length > 0).map((p) => decodeURIComponent(p));
    if (parts[0] !== 'applications') return notFound(`no such resource: /api/v1${path}`);
    if (parts.length === 1) return ok([this.applicationInfo()]);
    if (parts[1] !== this.app.id) return notFound(`no such app: ${parts[1]}`);
    if (parts.length === 2) return ok(this.applicationInfo());
    // Spark's ApiStreamingApp also serves applications/{appId}/{attemptId}/streaming, and a live
    // UI answers whatever the attempt id: skip it.
    if (parts[2] !== 'streaming' && parts[3] === 'streaming') parts.splice(2, 1);
    if (parts[2] !== 'streaming') return notFound(`no such resource: /api/v1${path} (this UI serves the streaming resources only)`);
    const [, , , resource, id, sub, subId, ...rest] = parts;
    if (rest.length > 0) return notFound(`no such resource: /api/v1${path}`);
    switch (resource) {
      case 'statistics':
        return id === undefined ? ok(this.statistics()) : notFound(`no such resource: /api/v1${path}`);
      case 'receivers': {
        if (id === undefined) return ok(this.receivers());
        if (sub !== undefined || !/^\d+$/.test(id)) return notFound(`no such resource: /api/v1${path}`);
        const receiver = this.receivers().find((r) => r.streamId === Number(id));
        return receiver === undefined ? notFound(`unknown receiver: ${id}`) : ok(receiver);
      }
      case 'batches':
        return this.batchesResource(path, query, id, sub, subId);
      default:
        return notFound(`no such resource: /api/v1${path}`);
    }
  }

  private batchesResource(path: string, query: URLSearchParams, id: string | undefined, sub: string | undefined, subId: string | undefined): RestResponse {
    if (id === undefined) {
      // As Spark's BatchStatus.fromString: the name, whatever its case. A value it rejects fails
      // the conversion of a @QueryParam, which JAX-RS answers with 404.
      const asked = query.getAll('status').map((st) => { const up = st.toUpperCase(); return STATUSES.includes(up as BatchStatus) ? up : st; });
      const bad = asked.filter((s) => !STATUSES.includes(s as BatchStatus));
      if (bad.length > 0) return notFound(`unknown batch status '${bad[0]}': use COMPLETED, PROCESSING or QUEUED`);
      return ok(this.batches(asked.length === 0 ? STATUSES : (asked as BatchStatus[])));
    }
    if (!/^\d+$/.test(id)) return notFound(`no such resource: /api/v1${path}`);
    const found = this.store.batch(Number(id));
    if (found === undefined) return notFound(`unknown batch: ${id}`);
    if (sub === undefined) return ok(this.batchInfo(found.batch, found.status));
    if (sub !== 'operations') return notFound(`no such resource: /api/v1${path}`);
    const ops = this.outputOperations(found.batch);
    if (subId === undefined) return ok(ops);
    if (!/^\d+$/.test(subId)) return notFound(`no such resource: /api/v1${path}`);
    const op = ops.find((o) => o.outputOpId === Number(subId));
    return op === undefined ? notFound(`unknown output operation: ${subId}`) : ok(op);
  }

  /**
   * Spark's `ApplicationInfo` as a live UI lists it (`SparkUI.getApplicationInfoList`): one
   * attempt, not completed, ending at -1, with a `duration` of 0 while it runs.
   */
  applicationInfo(): Record<string, unknown> {
    return {
      id: this.app.id,
      name: this.app.name,
      attempts: [{
        startTime: sparkDate(this.app.startTime),
        endTime: sparkDate(-1),
        lastUpdated: sparkDate(this.app.startTime),
        duration: 0,
        sparkUser: this.app.sparkUser,
        completed: false,
        appSparkVersion: this.app.appSparkVersion,
        startTimeEpoch: this.app.startTime,
        endTimeEpoch: -1,
        lastUpdatedEpoch: this.app.startTime,
      }],
    };
  }

  /** Spark's `StreamingStatistics`: averages over the retained batches. */
  statistics(): Record<string, unknown> {
    const s = this.store;
    const batches = s.retained();
    const rates: number[] = [];
    const sched: number[] = [];
    const proc: number[] = [];
    const total: number[] = [];
    for (const b of batches) {
      rates.push((b.info.numRecords * 1000) / s.batchDuration);
      const i = b.info;
      if (i.schedulingDelay !== undefined) sched.push(i.schedulingDelay);
      if (i.processingDelay !== undefined) proc.push(i.processingDelay);
      if (i.totalDelay !== undefined) total.push(i.totalDelay);
    }
    return {
      startTime: sparkDate(s.startTime),
      batchDuration: s.batchDuration,
      numReceivers: s.numReceivers,
      numActiveReceivers: s.numActiveReceivers,
      numInactiveReceivers: s.numInactiveReceivers,
      numTotalCompletedBatches: s.numTotalCompletedBatches,
      numRetainedCompletedBatches: s.completedBatches().length,
      numActiveBatches: s.numUnprocessedBatches,
      numProcessedRecords: s.numTotalProcessedRecords,
      numReceivedRecords: s.numTotalReceivedRecords,
      avgInputRate: rates.length === 0 ? undefined : sum(rates) / rates.length,
      // Spark averages Longs with integer division.
      avgSchedulingDelay: avgLong(sched),
      avgProcessingTime: avgLong(proc),
      avgTotalDelay: avgLong(total),
    };
  }

  /** Spark's `ReceiverInfo` for every input stream, by stream id. */
  receivers(): ReceiverJson[] {
    const batches = this.store.retained();
    return this.store.streams().sort((a, b) => a.id - b.id).map((stream) => {
      const info = this.store.receiverInfo(stream.id);
      const eventRates = this.store.eventRates(stream.id, batches);
      return {
        streamId: stream.id,
        streamName: stream.name,
        isActive: info?.active,
        executorId: info?.executorId,
        executorHost: info?.location,
        lastErrorTime: info !== undefined && info.lastErrorTime >= 0 ? sparkDate(info.lastErrorTime) : undefined,
        lastErrorMessage: info !== undefined && info.lastErrorMessage.length > 0 ? info.lastErrorMessage : undefined,
        lastError: info !== undefined && info.lastError.length > 0 ? info.lastError : undefined,
        avgEventRate: eventRates.length === 0 ? undefined : sum(eventRates.map((r) => r[1])) / eventRates.length,
        eventRates,
      };
    });
  }

  /** Spark's `BatchInfo` list: the batches of the given statuses, newest first. */
  batches(statuses: readonly BatchStatus[]): BatchJson[] {
    const out: BatchJson[] = [];
    if (statuses.includes('COMPLETED')) for (const b of this.store.completedBatches()) out.push(this.batchInfo(b, 'COMPLETED'));
    if (statuses.includes('QUEUED')) for (const b of this.store.waitingBatches()) out.push(this.batchInfo(b, 'QUEUED'));
    if (statuses.includes('PROCESSING')) for (const b of this.store.runningBatches()) out.push(this.batchInfo(b, 'PROCESSING'));
    return out.sort((a, b) => b.batchId - a.batchId);
  }

  /** Spark's `BatchInfo` of one batch. */
  batchInfo(b: UIBatch, status: BatchStatus): BatchJson {
    const i = b.info;
    return {
      batchId: b.batchTime,
      batchTime: sparkDate(b.batchTime),
      status,
      batchDuration: this.store.batchDuration,
      inputSize: i.numRecords,
      schedulingDelay: i.schedulingDelay,
      processingTime: i.processingDelay,
      totalDelay: i.totalDelay,
      numActiveOutputOps: b.numActiveOutputOps,
      numCompletedOutputOps: b.numCompletedOutputOps,
      numFailedOutputOps: b.numFailedOutputOps,
      numTotalOutputOps: b.ops.size,
      firstFailureReason: b.firstFailureReason,
    };
  }

  /** Spark's `OutputOperationInfo` list of a batch, by id. */
  outputOperations(b: UIBatch): OutputOperationJson[] {
    return [...b.ops.values()].sort((x, y) => x.id - y.id).map((op) => {
      const site = this.callSite(op.id);
      return {
      outputOpId: op.id,
      name: site?.shortForm ?? op.name,
      description: site?.longForm ?? op.description,
      startTime: op.startTime === undefined ? undefined : sparkDate(op.startTime),
      endTime: op.endTime === undefined ? undefined : sparkDate(op.endTime),
      duration: op.duration,
      failureReason: op.failureReason,
      jobIds: (b.jobs.get(op.id) ?? []).map((j) => j.jobId).sort((x, y) => x - y),
      };
    });
  }
}

/** A `ReceiverInfo` as JSON. */
export interface ReceiverJson {
  streamId: number;
  streamName: string;
  isActive: boolean | undefined;
  executorId: string | undefined;
  executorHost: string | undefined;
  lastErrorTime: string | undefined;
  lastErrorMessage: string | undefined;
  lastError: string | undefined;
  avgEventRate: number | undefined;
  eventRates: [number, number][];
}

/** A `BatchInfo` as JSON. */
export interface BatchJson {
  batchId: number;
  batchTime: string;
  status: BatchStatus;
  batchDuration: number;
  inputSize: number;
  schedulingDelay: number | undefined;
  processingTime: number | undefined;
  totalDelay: number | undefined;
  numActiveOutputOps: number;
  numCompletedOutputOps: number;
  numFailedOutputOps: number;
  numTotalOutputOps: number;
  firstFailureReason: string | undefined;
}

/** An `OutputOperationInfo` as JSON. */
export interface OutputOperationJson {
  outputOpId: number;
  name: string;
  description: string;
  startTime: string | undefined;
  endTime: string | undefined;
  duration: number | undefined;
  failureReason: string | undefined;
  jobIds: number[];
}

function ok(body: unknown): RestResponse { return { status: 200, body }; }
function notFound(message: string): RestResponse { return { status: 404, body: message }; }
function sum(xs: readonly number[]): number { let s = 0; for (const x of xs) s += x; return s; }
function avgLong(xs: readonly number[]): number | undefined { return xs.length === 0 ? undefined : Math.trunc(sum(xs) / xs.length); }
