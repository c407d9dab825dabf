import { NarrowDependency, ShuffleDependency } from '../rdd/dependency.ts';
import { RDDComputeError } from '../rdd/rdd-compute-error.ts';
import type { RDD } from '../rdd/rdd.ts';
import type { PartitionData } from '../rdd/pair-columns.ts';
import { applyAccumulatorUpdates, type AccumulatorUpdate, type ThreadAccumulator } from '../util/accumulator-update.ts';
import { runAsTask } from '../util/task-updates.ts';
import { RangePartitioner } from '../rdd/range-partitioner.ts';
import { ZippedWithIndexRDD } from '../rdd/zipped-with-index-rdd.ts';
import type { JobPreparation } from './job-preparation.ts';
import { LocalTaskScheduler } from './local-task-scheduler.ts';
import { PartitionEvaluator } from './partition-evaluator.ts';
import type { ReplicatedRDDs } from './replicated-rdds.ts';
import { decodeBlock, type EncodedBlock } from './shuffle-block-codec.ts';
import { runShuffleMapTask } from './shuffle-writer.ts';
import type { ResultStageSpec, ShuffleMapStageSpec, StageSpec } from './stage-spec.ts';
import type { Task } from './task.ts';
import type { TaskContext } from './task-context.ts';
import type { RemoteCheckpointWriter, TaskScheduler } from './task-scheduler.ts';
import { reviveError } from './worker-errors.ts';
import { getLogger } from '../util/logger.ts';
import type { CheckpointPartsResult, EvaluateResult, JobResult, PreparedResult, PreparedState, JobStage, WorkerReply } from './worker-protocol.ts';
import type { WorkerRpc } from './worker-rpc.ts';

const log = getLogger('WorkerTaskScheduler');

/** Counters of where tasks ran (for tests and the driver-overhead figures). @internal */
export interface WorkerTaskCounts {
  /** Tasks run in worker threads, per worker. */
  readonly perWorker: number[];
  /** Tasks run on the driver (RDDs created in output operations, and what they gathered). */
  driver: number;
  /** Stages sent to the workers. */
  remoteStages: number;
  /**
   * Requests sent to the workers (one message to each worker and one reply from each): a job
   * whose stages all run in the workers goes as one request, whatever its number of stages.
   */
  requests: number;
  /** Output jobs sent to the workers ahead, in one message per batch ({@link WorkerTaskScheduler.startBatch}). */
  outputJobsSent: number;
  /** Jobs that took their results from the batch's output jobs sent ahead (no round trip of their own). */
  outputJobsTaken: number;
  /** Map stages not sent with a batch's output jobs: every worker computed and exchanged their map sides when the batch was announced. */
  stagesExchangedAhead: number;
  /**
   * Each worker thread's event-loop active time since it built its graph (ms), as of its latest reply:
   * with the driver's own `performance.eventLoopUtilization()`, how busy each thread was.
   */
  readonly workerActiveMs: number[];
  /** Checkpoint part files written by each worker (the partitions it owns). */
  readonly checkpointParts: number[];
  /**
   * Union combines (a window re-reduced without an inverse) each worker folded over the
   * batches it held while it waited for its peers' shuffle blocks, and then used.
   */
  readonly foldedAhead: number[];
}

/** A preparation the workers compute inside a job: a sort's range bounds, or zipWithIndex's offsets. */
type InJobPreparation =
  | { readonly kind: 'range'; readonly partitioner: RangePartitioner<unknown>; readonly dep: ShuffleDependency; readonly child: RDD<unknown>; readonly source: RDD<unknown> }
  | { readonly kind: 'offsets'; readonly rdd: ZippedWithIndexRDD<unknown>; readonly prev: RDD<unknown> };

/** A stage of a job sent to the workers: its ids and the partitions it computes. */
interface RemoteStage {
  readonly jobId: number;
  readonly stageId: number;
  readonly partitions: readonly number[];
}

/** Where one job's steps went in a job request (see `buildSteps`). */
interface BuiltJob {
  /** The job's steps: a stage (its index) or a preparation. */
  readonly order: readonly (number | InJobPreparation)[];
  /** The request's index of the job's first step. */
  readonly first: number;
  /** The request's step index of each stage. */
  readonly stepOf: readonly number[];
  /** Per worker, per stage: the partitions it was asked for. */
  readonly asked: readonly (readonly (readonly number[])[])[];
}

type Outcome = { ok: true; value: unknown[] } | { ok: false; error: unknown };

/**
 * A batch's output jobs sent to the workers in one message when the batch started, and what
 * came back: the result partitions of each output's RDD (encoded, taken once), the shuffles
 * whose map outputs the workers hold, the preparations' values.
 */
interface OutputJobs {
  readonly time: number;
  /** Settled (never rejected) once the workers answered, or the request failed. */
  readonly answered: Promise<void>;
  readonly results: Map<RDD<unknown>, Map<number, EncodedBlock>>;
  /** With accumulators: what computing each result partition added to them, taken with the partition. */
  readonly resultDeltas: Map<RDD<unknown>, Map<number, readonly AccumulatorUpdate[]>>;
  readonly shuffles: Set<ShuffleDependency>;
  readonly prepared: Map<ShuffleDependency | RDD<unknown>, readonly unknown[]>;
  /**
   * With accumulators: what each shuffle's map stage added to them, until a job takes the
   * shuffle; and what the other steps of each output's job added, until the job is taken.
   */
  readonly shuffleDeltas: Map<ShuffleDependency, readonly AccumulatorUpdate[]>;
  readonly jobDeltas: Map<RDD<unknown>, readonly AccumulatorUpdate[]>;
}

/**
 * An output's job planned for a batch's message: its RDD, the preparations and the map stages
 * it runs itself, and the earlier jobs of the message whose map stages it reads (`after`).
 */
interface OutputJob {
  readonly rdd: RDD<unknown>;
  readonly preps: InJobPreparation[];
  readonly missing: { dep: ShuffleDependency; child: RDD<unknown> }[];
  readonly after: ReadonlySet<number>;
}

/**
 * The earlier jobs of a batch's message whose planned map stages (`plannedBy`: shuffle -> job)
 * the lineage of `root` reads, up to the shuffles whose map outputs are available.
 */
function jobsReading(root: RDD<unknown>, plannedBy: ReadonlyMap<ShuffleDependency, number>): Set<number> {
  const out = new Set<number>();
  const seen = new Set<RDD<unknown>>([root]);
  const stack = [root];
  while (stack.length > 0) {
    const r = stack.pop()!;
    for (const d of r.dependencies) {
      if (d instanceof ShuffleDependency) {
        const job = plannedBy.get(d);
        if (job !== undefined) {
          out.add(job);
          continue;
        }
        if (d.isAvailable) continue;
      }
      const parent = d.rdd as RDD<unknown>;
      if (!seen.has(parent)) {
        seen.add(parent);
        stack.push(parent);
      }
    }
  }
  return out;
}

/**
 * The independent lanes of a batch's message (`JobRequest.lanes`): the first step of
 * each, given each job's first step. A job that reads no earlier job's map stages starts a
 * lane; one that reads only jobs of the last lane joins it (after them); one that reads an
 * earlier lane's makes the whole message one lane (undefined), as is a message of one lane.
 */
function jobLanes(jobs: readonly OutputJob[], firsts: readonly number[]): number[] | undefined {
  const lanes: number[] = [];
  /** The first job of the last lane. */
  let laneStart = 0;
  for (let j = 0; j < jobs.length; j++) {
    const after = jobs[j]!.after;
    if (j === 0 || after.size === 0) {
      lanes.push(firsts[j]!);
      laneStart = j;
      continue;
    }
    for (const k of after) if (k < laneStart) return undefined;
  }
  return lanes.length > 1 ? lanes : undefined;
}

/** An output operation of the running batch: its id and the RDD it consumes. @internal */
export interface BatchOutput {
  readonly outputOpId: number;
  readonly rdd: RDD<unknown> | undefined;
}

/** Gives the driver's objects a preparation's value computed in the workers. */
function adopt(step: InJobPreparation, value: readonly unknown[]): void {
  if (step.kind === 'range') step.partitioner.adoptBounds(value);
  else step.rdd.offsetsFromCounts(value as number[]);
}

/** The driver's partitions gathered from the workers, read before computing. */
class GatheringEvaluator extends PartitionEvaluator {
  constructor(private readonly gathered: ReadonlyMap<RDD<unknown>, readonly (readonly unknown[])[]>, jobId: number, stageId: number, partitionId: number) {
    super(jobId, stageId, partitionId);
  }

  protected override storedPartition(rdd: RDD<unknown>, split: number): PartitionData | undefined {
    return this.gathered.get(rdd)?.[split] ?? rdd.getStoredData(split);
  }
}

/**
 * The driver side of `local[N]` with a replicated graph: a `TaskScheduler` that runs a stage
 * in the worker threads when its RDD belongs to the replicated graph (the workers hold the
 * same RDD under the same key), each worker computing the partitions it owns (`p mod N`).
 * Shuffle map stages exchange their blocks between workers directly; result stages send the
 * partitions back and the action's function runs here, in partition order, so every action
 * behaves as on one thread. A stage whose RDD exists only on the driver (created inside an
 * output operation, whose closures the workers do not have) runs here, after gathering the
 * partitions of the nearest replicated RDDs it reads from the workers. Accumulator deltas come
 * back with every reply and are added to the driver's accumulators.
 * @internal
 */
export class WorkerTaskScheduler implements TaskScheduler {
  private readonly local = new LocalTaskScheduler();
  /** Where tasks ran. */
  readonly counts: WorkerTaskCounts;

  constructor(
    private readonly rpc: WorkerRpc,
    private readonly registry: ReplicatedRDDs,
    /** The driver's accumulators created while building the graph, in creation order (as in every worker). */
    private readonly accumulators: readonly ThreadAccumulator[],
    /** Awaited before a stage's replies are used (the batch's graph check). */
    private readonly beforeRemoteStage: () => Promise<void>,
    private readonly onStop: () => void,
  ) {
    this.counts = { perWorker: new Array<number>(rpc.size).fill(0), driver: 0, remoteStages: 0, requests: 0, outputJobsSent: 0, outputJobsTaken: 0, stagesExchangedAhead: 0, checkpointParts: new Array<number>(rpc.size).fill(0), foldedAhead: new Array<number>(rpc.size).fill(0), workerActiveMs: new Array<number>(rpc.size).fill(0) };
  }

  /** The running batch's output jobs sent ahead, until the batch is over. */
  private outputJobs: OutputJobs | undefined;
  /** The running batch's outputs, and the partitions of each RDD its jobs read. */
  private batch: { readonly time: number; readonly outputs: readonly BatchOutput[]; readonly read: Map<RDD<unknown>, Set<number>> } | undefined;
  /** Per output operation: whether its jobs read every partition of its RDD in its latest batch (sent ahead while they do). */
  private readonly readsAll = new Map<number, boolean>();
  private nextOutputJobsId = 0;
  /**
   * The running batch's shuffles every worker computed and sent to its peers when the batch
   * was announced (`childKey:depIndex`, once all reported), and those a request has listed
   * already (each is installed once: a later job finds its map outputs available).
   */
  private exchanged: { readonly time: number; readonly shuffles: Promise<ReadonlySet<string>>; readonly listed: Set<string> } | undefined;

  /**
   * A batch's output operations start (in order, one after the other, on the driver). Each
   * output's job over a replicated RDD would cost a round trip; instead, the jobs the outputs
   * will run are planned here, as the DAG scheduler would plan them one after the other, and go to each
   * worker in **one message**: their shuffle map stages (each once), preparations and result
   * stages, in output order. Each output's job then takes its results from the one reply
   * instead of a round trip of its own; a job the plan does not cover (another RDD, a stage
   * not in it, a partition already taken) waits for the reply and runs as before. Only the
   * outputs whose jobs read every partition of their RDD in the previous batch are planned
   * (all of them in the first batch), so an output that reads none (or `take`s a few) costs
   * one batch of work at most. The jobs run in the workers in the outputs' order; a job that
   * fails there is left to its output, whose own job fails the same way. With accumulators,
   * each step's updates come back apart and count when the job that needs them takes them
   * (see `takeShuffle`), as on one thread, where each output's job runs after the one before.
   */
  startBatch(time: number, outputs: readonly BatchOutput[], plan: (root: RDD<unknown>, planned: ReadonlySet<ShuffleDependency>) => { preparations: readonly JobPreparation[]; missing: { dep: ShuffleDependency; child: RDD<unknown> }[] }, exchangedAhead?: Promise<ReadonlySet<string>>): void {
    this.batch = { time, outputs, read: new Map() };
    this.outputJobs = undefined;
    this.exchanged = undefined;
    if (this.rpc.lostError !== undefined) return;
    if (exchangedAhead !== undefined) this.exchanged = { time, shuffles: exchangedAhead, listed: new Set() };
    // Planned now, as the DAG scheduler sees the lineage when the outputs start.
    const planned = new Set<ShuffleDependency>();
    /** The job (index in `roots`) whose steps run each planned shuffle's map stage. */
    const plannedBy = new Map<ShuffleDependency, number>();
    const roots: OutputJob[] = [];
    try {
      for (const o of outputs) {
        const rdd = o.rdd;
        if (rdd === undefined || this.registry.keyOf(rdd) === undefined || this.readsAll.get(o.outputOpId) === false || roots.some((r) => r.rdd === rdd)) continue;
        const { preparations, missing } = plan(rdd, planned);
        const preps: InJobPreparation[] = [];
        let runnable = true;
        for (const p of preparations) {
          const prep = this.inJob(p);
          if (prep === undefined) runnable = false;
          else if (prep !== 'done') preps.push(prep);
        }
        for (const m of missing) if (this.registry.keyOf(m.child) === undefined) runnable = false;
        // Later outputs' plans count on this one's shuffles: stop at the first the workers cannot run.
        if (!runnable) break;
        const own = missing.filter((m) => !planned.has(m.dep));
        const after = plannedBy.size === 0 ? new Set<number>() : jobsReading(rdd, plannedBy);
        for (const m of own) {
          planned.add(m.dep);
          plannedBy.set(m.dep, roots.length);
        }
        roots.push({ rdd, preps, missing: own, after });
      }
    } catch (e) {
      log.debug(`Batch ${time} ms: its output jobs go to the workers one by one (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    if (roots.length === 0) return;
    const jobs: OutputJobs = { time, answered: Promise.resolve(), results: new Map(), resultDeltas: new Map(), shuffles: new Set(), prepared: new Map(), shuffleDeltas: new Map(), jobDeltas: new Map() };
    this.counts.outputJobsSent += roots.length;
    // Sent now, not once the workers reported what they exchanged ahead: each finds that out
    // from its peers (`aheadOf`), so the message is there when a worker is done with the map
    // sides, without a round trip through this thread.
    const answered = this.sendOutputJobs(time, roots, exchangedAhead !== undefined, jobs).catch((e: unknown) => {
      log.debug(`Batch ${time} ms: its output jobs sent ahead failed (${e instanceof Error ? e.message : String(e)}); each output runs its own`);
    });
    this.outputJobs = { ...jobs, answered };
  }

  /**
   * Sends the planned output jobs, every map stage included: with `aheadOf`, each worker
   * installs the shuffles every worker exchanged ahead at their map stage's step instead of
   * running it (the reply lists them), and keeps what the jobs that ran everywhere returned,
   * for the outputs' own jobs to take.
   */
  private async sendOutputJobs(time: number, roots: readonly OutputJob[], aheadOf: boolean, jobs: OutputJobs): Promise<void> {
    const size = this.rpc.size;
    const perWorker: JobStage[][] = Array.from({ length: size }, () => []);
    const jobId = -1 - this.nextOutputJobsId++;
    let stageId = 0;
    let sentStages = 0;
    const built: { rdd: RDD<unknown>; built: BuiltJob; specs: StageSpec[] }[] = [];
    for (const { rdd, preps, missing } of roots) {
      const specs: StageSpec[] = [];
      const stages: RemoteStage[] = [];
      for (const m of missing) {
        // Installed (or run) by this request: a later job's request never lists it as exchanged ahead.
        if (aheadOf) this.exchanged?.listed.add(`${this.registry.keyOf(m.child)!}:${m.child.dependencies.indexOf(m.dep)}`);
        specs.push({ kind: 'shuffleMap', dep: m.dep, child: m.child, outputs: [] });
        stages.push({ jobId, stageId: stageId++, partitions: Array.from({ length: m.dep.rdd.getNumPartitions() }, (_, i) => i) });
      }
      specs.push({ kind: 'result', rdd, func: () => undefined, callSite: 'output job' });
      stages.push({ jobId, stageId: stageId++, partitions: Array.from({ length: rdd.getNumPartitions() }, (_, i) => i) });
      sentStages += specs.length;
      built.push({ rdd, built: this.buildSteps(stages, specs, preps, perWorker), specs });
    }
    const byWorker = new Map<number, Record<string, unknown>>();
    // With accumulators, each step's updates come back apart: a job's count when its output
    // takes it, as on one thread, where each output's job runs after the one before.
    const stepDeltas = this.accumulators.length > 0;
    const lanes = stepDeltas ? undefined : jobLanes(roots, built.map((b) => b.built.first));
    for (let w = 0; w < size; w++) {
      const request: Record<string, unknown> = { type: 'job', stages: perWorker[w]! };
      if (aheadOf) request.aheadOf = time;
      if (stepDeltas) request.stepDeltas = true;
      if (lanes !== undefined) request.lanes = lanes;
      byWorker.set(w, request);
    }
    const replies = await this.send(byWorker, sentStages);
    this.account(replies, [...byWorker.keys()]);
    // Every worker installed the same steps (from the same lists): stages exchanged ahead, not run.
    const installed = (replies[0]?.result as JobResult | undefined)?.installedAhead?.length ?? 0;
    this.counts.stagesExchangedAhead += installed;
    this.counts.remoteStages -= installed;
    const { failedStep } = this.firstFailure(replies, perWorker[0]!.length);
    if (failedStep < 0) return;
    for (const { rdd, built: b, specs } of built) {
      // A job is kept only if every one of its steps ran everywhere; the others' outputs run them again (and fail there).
      if (b.first + b.order.length > failedStep) break;
      const ownDeltas: AccumulatorUpdate[] = [];
      for (let s = 0; s < b.order.length; s++) {
        const step = b.order[s]!;
        const deltas = stepDeltas ? WorkerTaskScheduler.stepDeltas(replies, b.first + s) : [];
        if (typeof step === 'number' && specs[step]!.kind === 'shuffleMap') {
          if (deltas.length > 0) jobs.shuffleDeltas.set((specs[step] as ShuffleMapStageSpec).dep, deltas);
        } else {
          for (const d of deltas) ownDeltas.push(d);
        }
        if (typeof step !== 'number') {
          jobs.prepared.set(step.kind === 'range' ? step.dep : step.rdd, (WorkerTaskScheduler.stepResult(replies, 0, b.first + s) as PreparedResult).value);
          continue;
        }
        const spec = specs[step]!;
        if (spec.kind === 'shuffleMap') {
          jobs.shuffles.add(spec.dep);
          continue;
        }
        const blocks = new Map<number, EncodedBlock>();
        const held = new Map<number, readonly AccumulatorUpdate[]>();
        for (let w = 0; w < size; w++) {
          const ps = b.asked[w]![step]!;
          const result = WorkerTaskScheduler.stepResult(replies, w, b.stepOf[step]!) as EvaluateResult;
          for (let k = 0; k < ps.length; k++) blocks.set(ps[k]!, result.partitions[k]!);
          holdDeltas(held, ps, result);
        }
        jobs.results.set(rdd, blocks);
        if (held.size > 0) jobs.resultDeltas.set(rdd, held);
      }
      if (ownDeltas.length > 0) jobs.jobDeltas.set(rdd, ownDeltas);
    }
  }

  /** Every worker's accumulator updates of step `s` of a job request sent with `stepDeltas`. */
  private static stepDeltas(replies: readonly WorkerReply[], s: number): AccumulatorUpdate[] {
    const out: AccumulatorUpdate[] = [];
    for (const r of replies) for (const d of (r.result as JobResult | undefined)?.deltas?.[s] ?? []) out.push(d);
    return out;
  }

  /** Adds accumulator updates from the workers to the driver's accumulators. */
  private addDeltas(deltas: readonly AccumulatorUpdate[] | undefined): void {
    applyAccumulatorUpdates(this.accumulators, deltas);
  }

  /**
   * A job of its own ran the map stage of `dep`: when the batch's output jobs computed a shuffle
   * of its map-side group (a planned job whose output then ran none), the workers' stage took
   * those map sides instead of computing them, so their accumulator updates count now, in this
   * job, where one thread's first job over the group counts them.
   */
  private mapStageRan(dep: ShuffleDependency): void {
    if (this.outputJobs !== undefined) this.takeShuffle(this.outputJobs, dep);
  }

  /**
   * A job takes shuffle `dep` from the batch's output jobs: what its map stage added to
   * accumulators counts now, and so does what the map stages of its map-side group's other
   * shuffles added (a group's map sides are computed in one pass, by whichever of its stages
   * runs first, as one thread's first job over any of them computes them all).
   */
  private takeShuffle(jobs: OutputJobs, dep: ShuffleDependency): void {
    if (jobs.shuffleDeltas.size === 0) return;
    for (const d of new Set([dep, ...(dep.mapSideGroup?.deps ?? [])])) {
      this.addDeltas(jobs.shuffleDeltas.get(d));
      jobs.shuffleDeltas.delete(d);
    }
  }

  /** The running batch is over: what its output jobs sent ahead left is dropped, and each output's reads are noted for the next batch. */
  endBatch(time: number): void {
    const batch = this.batch;
    if (batch === undefined || batch.time !== time) return;
    for (const o of batch.outputs) {
      if (o.rdd === undefined || this.registry.keyOf(o.rdd) === undefined) continue;
      const read = batch.read.get(o.rdd);
      this.readsAll.set(o.outputOpId, read !== undefined && read.size >= o.rdd.getNumPartitions());
    }
    this.batch = undefined;
    this.outputJobs = undefined;
    this.exchanged = undefined;
  }

  /**
   * Of a job's stages, the shuffle map stages of the running batch whose map sides every
   * worker computed and sent to its peers when the batch was announced, and no request listed
   * yet: the request lists them (`ahead`, installed by each worker from what it kept and what
   * its peers sent) instead of sending their stages, so each map side crosses threads once.
   * The batch's output jobs sent in one message list theirs; this is for the jobs that message
   * did not cover (an output not planned: one that read only some partitions, or none, in the
   * batch before).
   */
  private async exchangedIn(stages: readonly (readonly Task<unknown>[])[], specs: readonly StageSpec[]): Promise<{ ahead: [number, number, number][]; skipped: Set<number> }> {
    const ahead: [number, number, number][] = [];
    const skipped = new Set<number>();
    const exchanged = this.exchanged;
    if (exchanged === undefined || this.batch?.time !== exchanged.time || !specs.some((s) => s.kind === 'shuffleMap')) return { ahead, skipped };
    const shuffles = await exchanged.shuffles;
    // The batch may have ended meanwhile.
    if (this.exchanged !== exchanged) return { ahead, skipped };
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      if (spec.kind !== 'shuffleMap' || stages[i]!.length !== spec.dep.rdd.getNumPartitions()) continue;
      const childKey = this.registry.keyOf(spec.child);
      if (childKey === undefined) continue;
      const depIndex = spec.child.dependencies.indexOf(spec.dep);
      const key = `${childKey}:${depIndex}`;
      if (!shuffles.has(key) || exchanged.listed.has(key)) continue;
      exchanged.listed.add(key);
      ahead.push([exchanged.time, childKey, depIndex]);
      skipped.add(i);
    }
    return { ahead, skipped };
  }

  /** Notes that a job of the running batch read these partitions of `rdd`. */
  private noteRead(rdd: RDD<unknown>, partitions: readonly number[]): void {
    if (this.batch === undefined) return;
    let set = this.batch.read.get(rdd);
    if (set === undefined) this.batch.read.set(rdd, (set = new Set()));
    for (const p of partitions) set.add(p);
  }

  /** Waits for the answer to the batch's output jobs sent ahead, so that nothing else runs in the workers meanwhile. */
  private async afterOutputJobs(): Promise<OutputJobs | undefined> {
    const jobs = this.outputJobs;
    if (jobs === undefined) return undefined;
    await jobs.answered;
    return jobs;
  }

  /**
   * A job's stages from the batch's output jobs sent ahead, when they cover it: every map
   * stage's shuffle computed there, every preparation's value known, every result partition
   * there and not taken yet. Undefined otherwise (the job then runs in the workers).
   */
  private fromOutputJobs(jobs: OutputJobs | undefined, stages: readonly (readonly Task<unknown>[])[], specs: readonly StageSpec[], preps: readonly InJobPreparation[]): Outcome[] | undefined {
    if (jobs === undefined) return undefined;
    const last = specs[specs.length - 1]!;
    if (last.kind !== 'result') return undefined;
    const blocks = jobs.results.get(last.rdd);
    if (blocks === undefined) return undefined;
    for (const t of stages[stages.length - 1]!) if (!blocks.has(t.partitionId)) return undefined;
    for (const spec of specs) if (spec.kind === 'shuffleMap' && !jobs.shuffles.has(spec.dep)) return undefined;
    for (const p of preps) if (!jobs.prepared.has(p.kind === 'range' ? p.dep : p.rdd)) return undefined;
    for (const p of preps) adopt(p, jobs.prepared.get(p.kind === 'range' ? p.dep : p.rdd)!);
    // What the job's steps added to accumulators counts now, as its tasks complete.
    for (const spec of specs) if (spec.kind === 'shuffleMap') this.takeShuffle(jobs, spec.dep);
    this.addDeltas(jobs.jobDeltas.get(last.rdd));
    jobs.jobDeltas.delete(last.rdd);
    const outcome: Outcome[] = [];
    for (let i = 0; i < specs.length - 1; i++) {
      const spec = specs[i] as ShuffleMapStageSpec;
      for (const t of stages[i]!) spec.outputs[t.partitionId] = [];
      outcome.push({ ok: true, value: new Array<unknown>(stages[i]!.length) });
    }
    const tasks = stages[stages.length - 1]!;
    const data = new Map<number, unknown[]>();
    const held = new Map<number, readonly AccumulatorUpdate[]>();
    for (const t of tasks) {
      data.set(t.partitionId, decodeBlock(blocks.get(t.partitionId)!));
      // Taken once: the action's function may keep (and change) the records it is given.
      blocks.delete(t.partitionId);
      takeHeld(jobs.resultDeltas.get(last.rdd), t.partitionId, held);
    }
    this.counts.outputJobsTaken++;
    outcome.push(this.resultOutcome(tasks, last, data, held));
    return outcome;
  }

  async runTasks<R>(tasks: readonly Task<R>[]): Promise<R[]> {
    const stage = tasks[0]?.stage;
    if (stage === undefined) return this.runHere(tasks);
    await this.afterOutputJobs();
    if (stage.kind === 'result') {
      if (this.registry.keyOf(stage.rdd) !== undefined) return this.runResultStage(tasks, stage);
      return this.runGathered(tasks, stage.rdd);
    }
    if (this.registry.keyOf(stage.child) !== undefined) {
      await this.runShuffleMapStage(tasks, stage);
      return new Array<R>(tasks.length);
    }
    return this.runGathered(tasks, stage.dep.rdd as RDD<unknown>);
  }

  stop(): void { this.onStop(); }

  /**
   * A job whose stages all run in the workers goes to each worker as one message carrying
   * every stage (shuffle map stages, then the result stage), and comes back as one reply: one
   * round trip per job instead of one per stage. A job with a stage over RDDs that exist only
   * here runs stage by stage.
   */
  submitJob(stages: readonly (readonly Task<unknown>[])[], preparations?: readonly JobPreparation[]): readonly Promise<unknown[]>[] | undefined {
    const specs: StageSpec[] = [];
    for (const tasks of stages) {
      const spec = tasks[0]?.stage;
      if (spec === undefined) return undefined;
      if (this.registry.keyOf(spec.kind === 'result' ? spec.rdd : spec.child) === undefined) return undefined;
      specs.push(spec);
    }
    const deferred = stages.map(() => {
      let resolve!: (r: unknown[]) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<unknown[]>((res, rej) => { resolve = res; reject = rej; });
      return { promise, resolve, reject };
    });
    const preps: InJobPreparation[] = [];
    for (const p of preparations ?? []) {
      const prep = this.inJob(p);
      if (prep === undefined) throw new Error(`${p.kind === 'rdd' ? p.rdd.toString() : p.child.toString()}: a preparation the workers cannot compute was handed to them (internal scheduler error)`);
      if (prep !== 'done') preps.push(prep);
    }
    void this.afterOutputJobs().then((jobs) => this.fromOutputJobs(jobs, stages, specs, preps) ?? this.runJobRemote(stages, specs, preps)).then(
      (outcome) => {
        for (let i = 0; i < deferred.length; i++) {
          const o = outcome[i]!;
          if (o.ok) deferred[i]!.resolve(o.value);
          else deferred[i]!.reject(o.error);
        }
      },
      (e: unknown) => { for (const d of deferred) d.reject(e); },
    );
    return deferred.map((d) => d.promise);
  }

  /**
   * Whether the workers compute every preparation of a job over `root` inside the job: sorts'
   * range bounds and zipWithIndex offsets over replicated RDDs (each worker samples or counts
   * the partitions it owns and the workers exchange the results, one message each way, instead
   * of a job of its own that gathers those partitions to the driver).
   */
  preparesInJob(root: RDD<unknown>, preparations: readonly JobPreparation[]): boolean {
    if (this.registry.keyOf(root) === undefined) return false;
    for (const p of preparations) if (this.inJob(p) === undefined) return false;
    return true;
  }

  /** What the workers compute for a preparation; `done` when there is nothing left to learn, undefined when they cannot. */
  private inJob(p: JobPreparation): InJobPreparation | 'done' | undefined {
    if (p.kind === 'rdd') {
      if (!(p.rdd instanceof ZippedWithIndexRDD)) return undefined;
      if (!p.rdd.needsOffsets) return 'done';
      const prev = p.rdd.dependencies[0]!.rdd as RDD<unknown>;
      if (this.registry.keyOf(p.rdd) === undefined || this.registry.keyOf(prev) === undefined) return undefined;
      return { kind: 'offsets', rdd: p.rdd as ZippedWithIndexRDD<unknown>, prev };
    }
    const partitioner = p.dep.partitioner;
    if (!(partitioner instanceof RangePartitioner)) return undefined;
    const source = (partitioner as RangePartitioner<unknown>).sampledRDD as RDD<unknown> | undefined;
    if (source === undefined) return 'done';
    if (this.registry.keyOf(source) === undefined || this.registry.keyOf(p.child) === undefined) return undefined;
    return { kind: 'range', partitioner: partitioner as RangePartitioner<unknown>, dep: p.dep, child: p.child, source };
  }

  /**
   * The order of a job's steps: each stage (`number`: its index) after the preparations it
   * needs (a map stage its range bounds; a stage, and a preparation, the offsets of the
   * zipWithIndex RDDs in the lineage it computes), each preparation after those it needs.
   * Stages keep their order (parents first), so a preparation comes after the map stages
   * its own input needs.
   */
  private stepOrder(specs: readonly StageSpec[], preps: readonly InJobPreparation[]): (number | InJobPreparation)[] {
    const offsets = new Map<RDD<unknown>, InJobPreparation>();
    const ranges = new Map<ShuffleDependency, InJobPreparation>();
    for (const p of preps) {
      if (p.kind === 'offsets') offsets.set(p.rdd, p);
      else ranges.set(p.dep, p);
    }
    const offsetsIn = (start: RDD<unknown>): InJobPreparation[] => {
      const out: InJobPreparation[] = [];
      const seen = new Set<RDD<unknown>>([start]);
      const stack = [start];
      while (stack.length > 0) {
        const r = stack.pop()!;
        const o = offsets.get(r);
        if (o !== undefined) out.push(o);
        for (const d of r.dependencies) {
          if (!(d instanceof NarrowDependency) || seen.has(d.rdd)) continue;
          seen.add(d.rdd);
          stack.push(d.rdd);
        }
      }
      return out;
    };
    const needs = (p: InJobPreparation): InJobPreparation[] => offsetsIn(p.kind === 'range' ? p.source : p.prev);
    const order: (number | InJobPreparation)[] = [];
    const placed = new Set<InJobPreparation>();
    const place = (p: InJobPreparation): void => {
      if (placed.has(p)) return;
      placed.add(p);
      for (const q of needs(p)) place(q);
      order.push(p);
    };
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      if (spec.kind === 'shuffleMap') {
        for (const q of offsetsIn(spec.dep.rdd as RDD<unknown>)) place(q);
        const r = ranges.get(spec.dep);
        if (r !== undefined) place(r);
      } else {
        for (const q of offsetsIn(spec.rdd)) place(q);
      }
      // Anything no stage reads (not expected) still runs before the result stage.
      if (i === specs.length - 1) for (const p of preps) place(p);
      order.push(i);
    }
    return order;
  }

  /**
   * Appends the steps of one job (its preparations and stages, in {@link stepOrder}) to each
   * worker's list; returns where they went, to read the replies.
   */
  private buildSteps(stages: readonly RemoteStage[], specs: readonly StageSpec[], preps: readonly InJobPreparation[], perWorker: JobStage[][]): BuiltJob {
    const size = this.rpc.size;
    const order = this.stepOrder(specs, preps);
    const first = perWorker[0]!.length;
    const asked: number[][][] = Array.from({ length: size }, () => []);
    /** The step index of each stage. */
    const stepOf = new Array<number>(stages.length);
    for (let s = 0; s < order.length; s++) {
      const step = order[s]!;
      const i = typeof step === 'number' ? step : order.slice(s).find((x): x is number => typeof x === 'number')!;
      const { jobId, stageId } = stages[i]!;
      if (typeof step !== 'number') {
        const rdd = step.kind === 'range' ? step.source : step.prev;
        const n = step.kind === 'range' ? rdd.getNumPartitions() : Math.max(rdd.getNumPartitions() - 1, 0);
        const prepared = this.preparedState(rdd);
        for (let w = 0; w < size; w++) {
          const partitions: number[] = [];
          for (let p = w; p < n; p += size) partitions.push(p);
          perWorker[w]!.push(step.kind === 'range'
            ? { type: 'rangeBounds', jobId, stageId, childKey: this.registry.keyOf(step.child)!, depIndex: step.child.dependencies.indexOf(step.dep), sourceKey: this.registry.keyOf(step.source)!, sourcePartitions: rdd.getNumPartitions(), partitions, prepared }
            : { type: 'indexOffsets', jobId, stageId, key: this.registry.keyOf(step.rdd)!, partitions, prepared });
        }
        continue;
      }
      stepOf[i] = first + s;
      const spec = specs[i]!;
      for (let w = 0; w < size; w++) {
        const partitions = stages[i]!.partitions.filter((p) => p % size === w);
        asked[w]!.push(partitions);
        if (spec.kind === 'result') {
          perWorker[w]!.push({ type: 'evaluate', jobId, stageId, key: this.registry.keyOf(spec.rdd)!, partitions, prepared: this.preparedState(spec.rdd) });
        } else {
          perWorker[w]!.push({ type: 'shuffleMap', jobId, stageId, childKey: this.registry.keyOf(spec.child)!, depIndex: spec.child.dependencies.indexOf(spec.dep), partitions, prepared: this.preparedState(spec.child) });
        }
      }
    }
    return { order, first, stepOf, asked };
  }

  /** The first step that failed in any worker (the request's length when none did), and that worker's own error. */
  private firstFailure(replies: readonly WorkerReply[], steps: number): { failedStep: number; failure: unknown } {
    let failedStep = steps;
    for (const r of replies) if (!r.ok) failedStep = Math.min(failedStep, r.failedStage ?? 0);
    if (failedStep >= steps) return { failedStep, failure: undefined };
    // Its error is the worker's own, not a peer's "a peer failed".
    const failed = replies.map((r, w) => [r, w] as const).filter(([r]) => !r.ok && (r.failedStage ?? 0) === failedStep);
    const own = failed.find(([r]) => r.error?.name !== 'PeerStageFailed') ?? failed[0]!;
    return { failedStep, failure: reviveError(own[0].error!, own[1]) };
  }

  /** What step `s` of a job request returned (every worker that ran it returns the same preparation values). */
  private static stepResult(replies: readonly WorkerReply[], w: number, s: number): unknown {
    return (replies[w]!.result as JobResult | undefined)?.results[s];
  }

  private async runJobRemote(stages: readonly (readonly Task<unknown>[])[], specs: readonly StageSpec[], preps: readonly InJobPreparation[]): Promise<Outcome[]> {
    const size = this.rpc.size;
    const perWorker: JobStage[][] = Array.from({ length: size }, () => []);
    // The map stages exchanged ahead are not sent (the request lists them); `sent[k]` is the
    // index in `stages` of the k-th stage sent.
    const { ahead, skipped } = await this.exchangedIn(stages, specs);
    const sent: number[] = [];
    for (let i = 0; i < stages.length; i++) if (!skipped.has(i)) sent.push(i);
    const remote = sent.map((i) => ({ jobId: stages[i]![0]!.jobId, stageId: stages[i]![0]!.stageId, partitions: stages[i]!.map((t) => t.partitionId) }));
    const built = this.buildSteps(remote, sent.map((i) => specs[i]!), preps, perWorker);
    const byWorker = new Map<number, Record<string, unknown>>();
    for (let w = 0; w < size; w++) byWorker.set(w, ahead.length > 0 ? { type: 'job', stages: perWorker[w]!, ahead } : { type: 'job', stages: perWorker[w]! });
    this.counts.stagesExchangedAhead += ahead.length;
    const replies = await this.send(byWorker, sent.length);
    this.account(replies, [...byWorker.keys()]);
    const { failedStep, failure } = this.firstFailure(replies, built.order.length);
    // The preparations the workers computed (every worker the same values): the driver's objects learn them.
    for (let s = 0; s < failedStep; s++) {
      const step = built.order[s]!;
      if (typeof step !== 'number') adopt(step, (WorkerTaskScheduler.stepResult(replies, 0, s) as PreparedResult).value);
    }
    const outcome: Outcome[] = [];
    for (let i = 0, k = 0; i < stages.length; i++) {
      const tasks = stages[i]!;
      const spec = specs[i]!;
      // A stage exchanged ahead ran unless installing the shuffles failed (step -1).
      const ran = skipped.has(i) ? failedStep >= 0 : built.stepOf[k]! < failedStep;
      const at = skipped.has(i) ? -1 : k++;
      if (!ran) {
        outcome.push({ ok: false, error: failure });
        continue;
      }
      if (spec.kind === 'shuffleMap') {
        // The blocks live in the workers; an empty array per map partition marks them available.
        for (const t of tasks) spec.outputs[t.partitionId] = [];
        this.mapStageRan(spec.dep);
        outcome.push({ ok: true, value: new Array<unknown>(tasks.length) });
        continue;
      }
      const data = new Map<number, unknown[]>();
      const held = new Map<number, readonly AccumulatorUpdate[]>();
      for (let w = 0; w < size; w++) {
        const ps = built.asked[w]![at]!;
        const result = WorkerTaskScheduler.stepResult(replies, w, built.stepOf[at]!) as EvaluateResult;
        for (let k2 = 0; k2 < ps.length; k2++) data.set(ps[k2]!, decodeBlock(result.partitions[k2]!));
        holdDeltas(held, ps, result);
      }
      outcome.push(this.resultOutcome(tasks, spec, data, held));
    }
    return outcome;
  }

  private resultOutcome(tasks: readonly Task<unknown>[], spec: ResultStageSpec, data: ReadonlyMap<number, unknown[]>, held: HeldDeltas): Outcome {
    this.noteRead(spec.rdd, tasks.map((t) => t.partitionId));
    try {
      return { ok: true, value: this.applyResult(tasks, spec, data, held) };
    } catch (e) {
      return { ok: false, error: e };
    }
  }

  /**
   * The action's function over each gathered partition, here, in task order. A partition's
   * task ends with the function: what computing the partition added to accumulators (`held`)
   * counts once the function succeeded on it, and not when it threw (nor for the partitions
   * after, which the job never gave it, as on one thread).
   */
  private applyResult<R>(tasks: readonly Task<R>[], stage: ResultStageSpec, data: ReadonlyMap<number, unknown[]>, held: HeldDeltas): R[] {
    const { jobId, stageId } = tasks[0]!;
    const results = new Array<R>(tasks.length);
    for (let i = 0; i < tasks.length; i++) {
      const p = tasks[i]!.partitionId;
      try {
        // The result task's last part: its accumulator additions count only if it succeeds.
        results[i] = runAsTask(() => stage.func(data.get(p)!, resultContext(jobId, stageId, p)) as R);
      } catch (e) {
        throw new RDDComputeError(stage.rdd.describeForError(), p, `run ${stage.callSite} on`, e);
      }
      this.addDeltas(held?.get(p));
    }
    return results;
  }

  /**
   * The checkpoint of a replicated RDD is written by the workers, each the parts of the
   * partitions it owns (captured when the job computed them), into the staging folder the
   * driver then commits; then every worker cuts its copy's lineage at the checkpoint, so
   * state streams keep bounded lineages in the workers as on the driver.
   */
  checkpointWriter(rdd: RDD<unknown>): RemoteCheckpointWriter | undefined {
    const key = this.registry.keyOf(rdd);
    if (key === undefined) return undefined;
    return {
      writeParts: async (staging) => {
        await this.afterOutputJobs();
        // A marked RDD the job did not reach through its shuffles (below a persisted RDD)
        // gets its map outputs first, as Spark's checkpoint job would.
        if (hasMissingShuffle(rdd)) await rdd.context.runJob(rdd, () => 0, rdd.partitions, 'checkpoint');
        const n = rdd.getNumPartitions();
        const prepared = this.preparedState(rdd);
        const asked = new Map<number, number[]>();
        for (let p = 0; p < n; p++) {
          const w = p % this.rpc.size;
          let list = asked.get(w);
          if (list === undefined) asked.set(w, (list = []));
          list.push(p);
        }
        const byWorker = new Map<number, Record<string, unknown>>();
        for (const [w, partitions] of asked) byWorker.set(w, { type: 'checkpointParts', key, staging, partitions, prepared });
        const { replies } = await this.request(byWorker);
        const checksums = new Array<number>(n);
        for (const r of replies) for (const [p, crc] of (r.result as CheckpointPartsResult).checksums) checksums[p] = crc;
        for (let p = 0; p < n; p++) if (checksums[p] === undefined) throw new Error(`No worker wrote checkpoint part ${p} of ${rdd.toString()} (internal scheduler error)`);
        return checksums;
      },
      committed: (path, checksums) => {
        for (let w = 0; w < this.rpc.size; w++) this.rpc.post(w, { type: 'checkpointCommitted', key, path, checksums });
      },
    };
  }

  private async runHere<R>(tasks: readonly Task<R>[]): Promise<R[]> {
    this.counts.driver += tasks.length;
    return this.local.runTasks(tasks);
  }

  /** Adds the replies' accumulator deltas and task counts. */
  private account(replies: readonly WorkerReply[], workers: readonly number[]): void {
    for (let i = 0; i < replies.length; i++) {
      const r = replies[i]!;
      applyAccumulatorUpdates(this.accumulators, r.accumulators);
      this.counts.perWorker[workers[i]!]! += r.tasks ?? 0;
      if (r.activeMs !== undefined) this.counts.workerActiveMs[workers[i]!] = r.activeMs;
      this.counts.checkpointParts[workers[i]!]! += r.checkpointParts ?? 0;
      this.counts.foldedAhead[workers[i]!]! += r.foldedAhead ?? 0;
      if (r.stored !== undefined) this.noteStored(r.stored);
    }
  }

  /** Partitions the workers stored (`key, split` pairs): the driver's lineage walks then stop at those RDDs, as the workers' do. */
  private noteStored(stored: readonly number[]): void {
    for (let k = 0; k < stored.length; k += 2) {
      const rdd = this.registry.get(stored[k]!);
      // Unpersisted here meanwhile: the workers drop it too, in step with this graph.
      if (rdd !== undefined && rdd.getStorageLevel().isValid) rdd.context.blockManager.putElsewhere(rdd.id, stored[k + 1]!);
    }
  }

  private merge(replies: readonly WorkerReply[], workers: readonly number[]): void {
    this.account(replies, workers);
    // The first worker's own error, not a peer's "a peer failed".
    const failed = replies.map((r, i) => [r, workers[i]!] as const).filter(([r]) => !r.ok);
    if (failed.length === 0) return;
    const own = failed.find(([r]) => r.error?.name !== 'PeerStageFailed') ?? failed[0]!;
    throw reviveError(own[0].error!, own[1]);
  }

  /**
   * Sends one request to each worker and waits for every reply. The batch's graph check is
   * awaited after sending, not before: each worker checks its fingerprint against the
   * driver's before it answers anything else (and refuses every request once it differs), so
   * a divergence fails the stage with the check's error and no wrong data is computed.
   */
  private async send(byWorker: Map<number, Record<string, unknown>>, stages: number): Promise<WorkerReply[]> {
    this.counts.remoteStages += stages;
    this.counts.requests++;
    const workers = [...byWorker.keys()];
    const sent = Promise.allSettled(workers.map((w) => this.rpc.request(w, byWorker.get(w)!)));
    await this.beforeRemoteStage();
    const settled = await sent;
    const lost = settled.find((s) => s.status === 'rejected');
    if (lost !== undefined) throw (lost as PromiseRejectedResult).reason;
    return settled.map((s) => (s as PromiseFulfilledResult<WorkerReply>).value);
  }

  private async request(byWorker: Map<number, Record<string, unknown>>): Promise<{ replies: WorkerReply[]; workers: number[] }> {
    const replies = await this.send(byWorker, 1);
    const workers = [...byWorker.keys()];
    this.merge(replies, workers);
    return { replies, workers };
  }

  /** Partitions of a replicated RDD, computed by their owners, in the order asked. */
  /**
   * Partitions of a replicated RDD, computed by their owners, in the order asked. What
   * computing each added to accumulators goes into `held` when given (the caller adds it as
   * each partition's task ends), else counts now.
   */
  private async gather(rdd: RDD<unknown>, partitions: readonly number[], jobId: number, stageId: number, held?: Map<number, readonly AccumulatorUpdate[]>): Promise<Map<number, unknown[]>> {
    this.noteRead(rdd, partitions);
    const into = held ?? new Map<number, readonly AccumulatorUpdate[]>();
    try {
      return await this.gatherHeld(rdd, partitions, jobId, stageId, into);
    } finally {
      if (held === undefined) for (const d of into.values()) this.addDeltas(d);
    }
  }

  private async gatherHeld(rdd: RDD<unknown>, partitions: readonly number[], jobId: number, stageId: number, held: Map<number, readonly AccumulatorUpdate[]>): Promise<Map<number, unknown[]>> {
    const ahead = this.outputJobs?.results.get(rdd);
    if (ahead !== undefined && partitions.every((p) => ahead.has(p))) {
      const out = new Map<number, unknown[]>();
      const deltas = this.outputJobs?.resultDeltas.get(rdd);
      for (const p of partitions) {
        out.set(p, decodeBlock(ahead.get(p)!));
        ahead.delete(p);
        takeHeld(deltas, p, held);
      }
      this.counts.outputJobsTaken++;
      return out;
    }
    const key = this.registry.keyOf(rdd)!;
    const byWorker = new Map<number, Record<string, unknown>>();
    const prepared = this.preparedState(rdd);
    const asked = new Map<number, number[]>();
    for (const p of partitions) {
      const w = p % this.rpc.size;
      let list = asked.get(w);
      if (list === undefined) asked.set(w, (list = []));
      list.push(p);
    }
    for (const [w, ps] of asked) byWorker.set(w, { type: 'evaluate', jobId, stageId, key, partitions: ps, prepared });
    const { replies, workers } = await this.request(byWorker);
    const out = new Map<number, unknown[]>();
    for (let i = 0; i < replies.length; i++) {
      const ps = asked.get(workers[i]!)!;
      const result = replies[i]!.result as EvaluateResult;
      for (let k = 0; k < ps.length; k++) out.set(ps[k]!, decodeBlock(result.partitions[k]!));
      holdDeltas(held, ps, result);
    }
    return out;
  }

  private async runResultStage<R>(tasks: readonly Task<R>[], stage: ResultStageSpec): Promise<R[]> {
    const { jobId, stageId } = tasks[0]!;
    const held = new Map<number, readonly AccumulatorUpdate[]>();
    const data = await this.gather(stage.rdd, tasks.map((t) => t.partitionId), jobId, stageId, held);
    return this.applyResult(tasks, stage, data, held);
  }

  private async runShuffleMapStage<R>(tasks: readonly Task<R>[], stage: ShuffleMapStageSpec): Promise<void> {
    if (this.outputJobs?.shuffles.has(stage.dep) === true) {
      this.takeShuffle(this.outputJobs, stage.dep);
      for (const t of tasks) stage.outputs[t.partitionId] = [];
      return;
    }
    const { jobId, stageId } = tasks[0]!;
    const childKey = this.registry.keyOf(stage.child)!;
    const depIndex = stage.child.dependencies.indexOf(stage.dep);
    const prepared = this.preparedState(stage.child);
    const byWorker = new Map<number, Record<string, unknown>>();
    for (let w = 0; w < this.rpc.size; w++) {
      const partitions = tasks.map((t) => t.partitionId).filter((m) => m % this.rpc.size === w);
      byWorker.set(w, { type: 'shuffleMap', jobId, stageId, childKey, depIndex, partitions, prepared });
    }
    await this.request(byWorker);
    // The blocks live in the workers; an empty array per map partition marks them available.
    for (const t of tasks) stage.outputs[t.partitionId] = [];
    this.mapStageRan(stage.dep);
  }

  /**
   * A stage of RDDs that exist only here: gather the partitions of the nearest replicated
   * RDDs its narrow lineage reads, then run the tasks here over them.
   */
  private async runGathered<R>(tasks: readonly Task<R>[], root: RDD<unknown>): Promise<R[]> {
    const frontier = this.replicatedFrontier(root);
    if (frontier.length === 0) return this.runHere(tasks);
    const { jobId, stageId } = tasks[0]!;
    const gathered = new Map<RDD<unknown>, (readonly unknown[])[]>();
    for (const rdd of frontier) {
      const n = rdd.getNumPartitions();
      const parts = await this.gather(rdd, Array.from({ length: n }, (_, i) => i), jobId, stageId);
      gathered.set(rdd, Array.from({ length: n }, (_, i) => parts.get(i)!));
    }
    const stage = tasks[0]!.stage!;
    const rewritten: Task<R>[] = tasks.map((t) => ({
      jobId: t.jobId,
      stageId: t.stageId,
      partitionId: t.partitionId,
      run: (): R => {
        const p = t.partitionId;
        const ev = new GatheringEvaluator(gathered, t.jobId, t.stageId, p);
        if (stage.kind === 'result') {
          const data = ev.evaluate(stage.rdd, p);
          try {
            return stage.func(data, ev) as R;
          } catch (e) {
            throw new RDDComputeError(stage.rdd.describeForError(), p, `run ${stage.callSite} on`, e);
          }
        }
        try {
          stage.outputs[p] = runShuffleMapTask(stage.dep, p, ev);
        } catch (e) {
          if (e instanceof RDDComputeError) throw e;
          throw new RDDComputeError(stage.child.describeForError(), p, 'shuffle (map side of) map', e);
        }
        return undefined as R;
      },
    }));
    return this.runHere(rewritten);
  }

  /** The replicated RDDs reached from `root` through narrow dependencies of driver-only RDDs. */
  private replicatedFrontier(root: RDD<unknown>): RDD<unknown>[] {
    const out: RDD<unknown>[] = [];
    const seen = new Set<RDD<unknown>>([root]);
    const stack = [root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (this.registry.keyOf(r) !== undefined) {
        out.push(r);
        continue;
      }
      for (const d of r.dependencies) {
        if (!(d instanceof NarrowDependency)) continue;
        const parent = d.rdd as RDD<unknown>;
        if (!seen.has(parent)) {
          seen.add(parent);
          stack.push(parent);
        }
      }
    }
    return out;
  }

  /**
   * What the driver's job preparation computed in the replicated lineage of `root` (a range
   * partitioner's bounds, a zipWithIndex's offsets): the workers hold the same objects,
   * unprepared, and get these values before computing.
   */
  private preparedState(root: RDD<unknown>): PreparedState[] {
    const out: PreparedState[] = [];
    const seen = new Set<RDD<unknown>>([root]);
    const stack = [root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      const key = this.registry.keyOf(r);
      if (key === undefined) continue;
      const own = r as unknown as { startIndices?: unknown };
      if (Array.isArray(own.startIndices)) out.push({ key, field: 'startIndices', value: own.startIndices });
      const deps = r.dependencies;
      for (let i = 0; i < deps.length; i++) {
        const d = deps[i]!;
        if (d instanceof ShuffleDependency) {
          const bounds = (d.partitioner as unknown as { bounds?: unknown }).bounds;
          if (d.partitioner.prepare !== undefined && Array.isArray(bounds)) out.push({ key, depIndex: i, field: 'bounds', value: bounds });
          if (d.isAvailable) continue;
        }
        const parent = d.rdd as RDD<unknown>;
        if (!seen.has(parent)) {
          seen.add(parent);
          stack.push(parent);
        }
      }
    }
    return out;
  }
}

function resultContext(jobId: number, stageId: number, partitionId: number): TaskContext {
  const unavailable = (): never => { throw new Error('An action function reads its partition through its data argument; parent partitions and shuffle blocks are not available to it'); };
  return { jobId, stageId, partitionId, parent: unavailable, shuffleRead: unavailable };
}

/** Whether computing `rdd` needs a shuffle whose map outputs are not available. */
function hasMissingShuffle(rdd: RDD<unknown>): boolean {
  const seen = new Set<RDD<unknown>>([rdd]);
  const stack = [rdd];
  while (stack.length > 0) {
    const r = stack.pop()!;
    for (const d of r.dependencies) {
      if (d instanceof ShuffleDependency) {
        if (!d.isAvailable) return true;
        continue;
      }
      const parent = d.rdd as RDD<unknown>;
      if (!seen.has(parent)) {
        seen.add(parent);
        stack.push(parent);
      }
    }
  }
  return false;
}

/** Each result partition's accumulator additions, computed in a worker, until its task ends on the driver. */
type HeldDeltas = ReadonlyMap<number, readonly AccumulatorUpdate[]> | undefined;

/** Keeps what computing partitions `ps` (in request order) added, from an evaluate step's result. */
function holdDeltas(held: Map<number, readonly AccumulatorUpdate[]>, ps: readonly number[], result: EvaluateResult): void {
  const deltas = result.deltas;
  if (deltas === undefined) return;
  for (let k = 0; k < ps.length; k++) if (deltas[k]!.length > 0) held.set(ps[k]!, deltas[k]!);
}

/** Moves partition `p`'s held additions from the batch's output jobs to a job's `held` (taken once, as its block). */
function takeHeld(from: Map<number, readonly AccumulatorUpdate[]> | undefined, p: number, held: Map<number, readonly AccumulatorUpdate[]>): void {
  const d = from?.get(p);
  if (d === undefined) return;
  held.set(p, d);
  from!.delete(p);
}
