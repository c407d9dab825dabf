import { statSync } from 'node:fs';
import type { StreamingContext } from '../streaming-context.ts';
import type { BatchStatus, StreamingUIStore, UIBatch, UIJob } from './streaming-ui-store.ts';
import type { StreamingRestApi } from './streaming-rest-api.ts';

/** One batch as the Streaming page draws and lists it (short keys: the page polls it). */
export interface PageBatch {
  /** Batch time in ms (Spark's batch id). */
  id: number;
  status: BatchStatus;
  records: number;
  /** Records per input stream id. */
  perStream: Record<number, number>;
  schedulingDelay: number | undefined;
  processingTime: number | undefined;
  totalDelay: number | undefined;
  opsCompleted: number;
  opsFailed: number;
  opsActive: number;
  opsTotal: number;
  failure: string | undefined;
}

/** A node of the DStream graph drawing. */
export interface PageGraphNode {
  name: string;
  /** The operator kind its class declares, e.g. `combineByKey`. */
  kind: string;
  parents: string[];
  input: boolean;
  /** For output operations: `print`, `saveAsTextFiles`, ... */
  output: string | undefined;
  window: boolean;
  state: boolean;
  shuffle: boolean;
  slideMs: number;
  /** Where the user's code created it, e.g. `map at app.ts:12`. */
  site: string;
}

/**
 * Everything the Streaming page shows, in one answer: the summary, the statistics, each input
 * stream with its receiver state, every retained batch (oldest first) and the DStream graph.
 */
export function streamingPageData(ssc: StreamingContext, store: StreamingUIStore, api: StreamingRestApi): unknown {
  const batches: PageBatch[] = [];
  const add = (b: UIBatch, status: BatchStatus): void => { batches.push(pageBatch(b, status)); };
  for (const b of store.completedBatches()) add(b, 'COMPLETED');
  for (const b of store.runningBatches()) add(b, 'PROCESSING');
  for (const b of store.waitingBatches()) add(b, 'QUEUED');
  batches.sort((a, b) => a.id - b.id);
  const sc = ssc.sparkContext;
  return {
    appName: sc.appName,
    appId: sc.applicationId,
    now: Date.now(),
    state: ssc.getState(),
    retainedBatches: store.retainedBatches,
    statistics: api.statistics(),
    streams: store.streams().map((s) => {
      const r = store.receiverInfo(s.id);
      return {
        id: s.id,
        name: s.name,
        isReceiver: s.isReceiver,
        active: r?.active,
        location: r === undefined ? undefined : `${r.executorId} / ${r.location}`,
        lastErrorTime: r !== undefined && r.lastErrorTime >= 0 ? r.lastErrorTime : undefined,
        lastErrorMessage: r !== undefined && r.lastErrorMessage.length > 0 ? r.lastErrorMessage : undefined,
      };
    }),
    batches,
    graph: graphNodes(ssc),
    checkpoint: lastCheckpoint(ssc),
  };
}

/** The last metadata checkpoint written (batch, time, size, duration), when checkpointing. */
function lastCheckpoint(ssc: StreamingContext): unknown {
  if (ssc.checkpointDir === undefined) return undefined;
  const last = ssc.checkpointWriter?.lastWritten;
  if (last === undefined) return { dir: ssc.checkpointDir };
  let bytes: number | undefined;
  try { bytes = statSync(last.file).size; } catch { bytes = undefined; } // pruned since
  return { dir: ssc.checkpointDir, batchTime: last.batchTime, writtenAt: last.writtenAt, durationMs: last.durationMs, bytes };
}

/** The batch page's extras beyond the REST API: input metadata and each operation's jobs. */
export function batchPageData(ssc: StreamingContext, store: StreamingUIStore, batchTime: number): unknown {
  const found = store.batch(batchTime);
  if (found === undefined) return undefined;
  const names = store.inputStreamNames();
  const inputs = [...found.batch.info.streamIdToInputInfo.values()].sort((a, b) => a.inputStreamId - b.inputStreamId).map((i) => ({
    id: i.inputStreamId,
    name: names.get(i.inputStreamId) ?? `Stream-${i.inputStreamId}`,
    records: i.numRecords,
    metadata: i.metadata,
  }));
  const jobs: Record<number, PageJob[]> = {};
  for (const [opId, list] of found.batch.jobs) jobs[opId] = list.map(pageJob);
  return { appId: ssc.sparkContext.applicationId, batchDuration: store.batchDuration, status: found.status, inputs, jobs };
}

/**
 * One Spark job of an output operation as the batch page shows it (Spark's `BatchPage` job
 * row): its stages and their tasks, summed over the stages it ran.
 */
export interface PageJob {
  jobId: number;
  callSite: string;
  /** Set by `sc.setJobGroup` in the output operation (Spark's `JobData.jobGroup`). */
  jobGroup: string | undefined;
  /** Set by `sc.setJobGroup` or `sc.setJobDescription` (Spark's `JobData.description`). */
  description: string | undefined;
  startTime: number;
  endTime: number | undefined;
  status: UIJob['status'];
  error: string | undefined;
  stageIds: number[];
  numStages: number;
  numCompletedStages: number;
  numFailedStages: number;
  numActiveStages: number;
  numTasks: number;
  numCompletedTasks: number;
  numFailedTasks: number;
  /** Tasks of stages still running that have not finished. */
  numActiveTasks: number;
}

function pageJob(j: UIJob): PageJob {
  let numCompletedStages = 0;
  let numFailedStages = 0;
  let numActiveStages = 0;
  let numTasks = 0;
  let numCompletedTasks = 0;
  let numFailedTasks = 0;
  let numActiveTasks = 0;
  for (const s of j.stages) {
    numTasks += s.numTasks;
    numCompletedTasks += s.numCompletedTasks;
    numFailedTasks += s.numFailedTasks;
    if (s.completionTime === undefined) { numActiveStages++; numActiveTasks += s.numTasks - s.numCompletedTasks - s.numFailedTasks; }
    else if (s.failureReason !== undefined) numFailedStages++;
    else numCompletedStages++;
  }
  return {
    jobId: j.jobId,
    callSite: j.callSite,
    jobGroup: j.jobGroup,
    description: j.description,
    startTime: j.startTime,
    endTime: j.endTime,
    status: j.status,
    error: j.error,
    stageIds: j.stages.map((s) => s.stageId),
    numStages: j.stages.length,
    numCompletedStages,
    numFailedStages,
    numActiveStages,
    numTasks,
    numCompletedTasks,
    numFailedTasks,
    numActiveTasks,
  };
}

function pageBatch(b: UIBatch, status: BatchStatus): PageBatch {
  const i = b.info;
  const perStream: Record<number, number> = {};
  for (const [id, input] of i.streamIdToInputInfo) perStream[id] = input.numRecords;
  return {
    id: b.batchTime,
    status,
    records: i.numRecords,
    perStream,
    schedulingDelay: i.schedulingDelay,
    processingTime: i.processingDelay,
    totalDelay: i.totalDelay,
    opsCompleted: b.numCompletedOutputOps,
    opsFailed: b.numFailedOutputOps,
    opsActive: b.numActiveOutputOps,
    opsTotal: b.ops.size,
    failure: b.firstFailureReason,
  };
}

function graphNodes(ssc: StreamingContext): PageGraphNode[] {
  const inputs = new Set<unknown>(ssc.graph.inputStreams);
  return ssc.graph.allStreams().map((s) => {
    const kind = s.kind;
    const opName = (s as { opName?: unknown }).opName;
    return {
      name: s.name(),
      kind,
      parents: s.dependencies.map((d) => d.name()),
      input: inputs.has(s),
      output: typeof opName === 'string' ? opName : undefined,
      window: /^window$|Window/.test(kind),
      state: /State/.test(kind),
      shuffle: /ByKey|Window|State|cogroup/.test(kind),
      slideMs: s.slideDuration.milliseconds,
      site: s.creationSite.shortForm,
    };
  });
}
