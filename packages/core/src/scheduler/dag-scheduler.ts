import { ShuffleDependency } from '../rdd/dependency.ts';
import type { Dependency } from '../rdd/dependency.ts';
import { RDDComputeError } from '../rdd/rdd-compute-error.ts';
import { PartitionEvaluator } from './partition-evaluator.ts';
import { ResultTask, type ResultSlots } from './result-task.ts';
import { groupedMapSideOutputs, runShuffleMapTask } from './shuffle-writer.ts';
import type { PartitionData } from '../rdd/pair-columns.ts';
import { LocalTaskScheduler } from './local-task-scheduler.ts';
import { fusedChain } from '../rdd/record-pipeline.ts';
import type { MapSideGroup } from './map-side-group.ts';
import type { RDD } from '../rdd/rdd.ts';
import type { Task } from './task.ts';
import type { ResultStageSpec, StageSpec } from './stage-spec.ts';
import type { TaskContext } from './task-context.ts';
import type { JobPreparation } from './job-preparation.ts';
import type { TaskScheduler } from './task-scheduler.ts';
import type { JobListener, StageInfo } from './job-listener.ts';
import type { BlockManager } from '../storage/block-manager.ts';
import { missingMapOutputIn } from './missing-map-output-error.ts';
import { unwrittenCheckpoints } from '../checkpoint/unwritten-checkpoints.ts';
import { getLogger } from '../util/logger.ts';
import { unstoredDependencies } from './stored-parents.ts';
import { isNarrowLine } from './lineage-line.ts';
import { ActiveJobs } from './active-jobs.ts';

const log = getLogger('DAGScheduler');

/** A result stage's name in listeners' events: the action and where its RDD was made. */
function resultStageName(root: RDD<unknown>, callSite: string): string {
  const site = root.creationSite;
  return site === undefined ? callSite : `${callSite} (from ${site.shortForm})`;
}

/** Attempts of a job's stages when map outputs turn out missing (Spark's `spark.stage.maxConsecutiveAttempts`). */
const MAX_STAGE_ATTEMPTS = 4;
/** Fully stored RDDs whose shuffles wait for the running jobs to end before release. */
const MAX_DEFERRED_RELEASES = 256;
const NO_PROPERTIES: ReadonlyMap<string, string> = new Map();
const NO_DEPENDENCIES: readonly Dependency[] = [];
/** Shared by every job without preparations (never added to). */
const NO_PREPARATIONS: readonly JobPreparation[] = [];

/** Resolves on the event loop's next turn (after the code that submitted a job has run on). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A shuffle map stage about to run: its tasks write `outputs`, which become the dependency's map outputs. */
interface MapStage {
  readonly stageId: number;
  readonly dep: ShuffleDependency;
  readonly outputs: PartitionData[][];
  readonly tasks: Task<void>[];
  readonly done: { tasks: number };
  /** Other shuffles of `dep`'s map-side group whose outputs the same tasks compute. */
  readonly siblings: readonly SiblingOutputs[];
  /** The group, when the stage runs its siblings too. */
  readonly group: MapSideGroup | undefined;
}

/** What a grouped map stage computes for one sibling shuffle; `failed` drops it. */
interface SiblingOutputs {
  readonly dep: ShuffleDependency;
  readonly outputs: PartitionData[][];
  failed: boolean;
}

/** A shuffle whose map outputs a job must compute first. @internal */
export interface MissingShuffle {
  dep: ShuffleDependency;
  /** The RDD reading the shuffle (named in errors: its functions run on the map side). */
  child: RDD<unknown>;
}

/**
 * Turns a job into stages, as Spark's `DAGScheduler`: walks the lineage from the final RDD
 * (iteratively), finds the shuffle dependencies whose map outputs are missing, runs their map
 * stages parents-first, then the result stage, one task per partition. Shuffle outputs kept by
 * their dependency and fully persisted RDDs are not recomputed. After the job, RDDs marked for
 * checkpointing are written and their lineage cut.
 * @internal
 */
export class DAGScheduler {
  private nextJobId = 0;
  private nextStageId = 0;
  private activeJobs = 0;
  /** Persisted RDDs that stored a partition during the running jobs. */
  private readonly stored = new Set<RDD<unknown>>();
  /** Bases of map-side groups whose every shuffle ran: released as if stored in full. */
  private readonly consumed = new Set<RDD<unknown>>();
  /** Shuffles whose map side a running grouped stage computes as a sibling. */
  private readonly computingAsSibling = new Set<ShuffleDependency>();
  readonly listeners: JobListener[] = [];
  /** The running jobs with their local properties, and their cancellations. */
  readonly jobs = new ActiveJobs();
  /**
   * Whether the running job checkpoints every marked RDD of its lineage, not only the nearest
   * ones (Spark's `spark.checkpoint.checkpointAllMarkedAncestors` job property; see
   * `SparkContext.setCheckpointAllMarkedAncestors`). Asked once per job, inside the job's
   * asynchronous context.
   */
  checkpointAllMarkedAncestors: () => boolean = () => false;

  constructor(private taskScheduler: TaskScheduler, private readonly blockManager: BlockManager) {
    taskScheduler.watchCancellations?.(this.jobs);
  }

  /** Replaces where tasks run (`local[N]` with a replicated graph: worker threads). */
  setTaskScheduler(taskScheduler: TaskScheduler): void {
    this.taskScheduler = taskScheduler;
    taskScheduler.watchCancellations?.(this.jobs);
  }

  /**
   * Runs a job. `properties` are the local properties it is submitted with (its group and
   * description). With `submitted`, the job is asynchronous (Spark's `submitJob`): its id is
   * handed to `submitted` at once and its stages start on the event loop's next turn, so the
   * submitter can cancel it before any task runs.
   */
  async runJob<T, U>(
    rdd: RDD<T>,
    func: (data: readonly T[], ctx: TaskContext) => U,
    partitions: readonly number[],
    callSite: string,
    properties: ReadonlyMap<string, string> = NO_PROPERTIES,
    submitted?: (jobId: number) => void,
  ): Promise<U[]> {
    const jobId = this.nextJobId++;
    const root = rdd as RDD<unknown>;
    for (const l of this.listeners) l.onJobStart?.({ jobId, rdd: root, callSite, time: Date.now(), properties });
    this.jobs.register(jobId, properties);
    let shuffleStagesRun = 0;
    this.activeJobs++;
    // The shuffles whose map stage this job ran (the post-job checkpoint walk crosses only those).
    const ran = new Set<ShuffleDependency>();
    try {
      if (submitted !== undefined) {
        submitted(jobId);
        await nextTurn();
      }
      this.jobs.throwIfCancelled(jobId);
      // Results of the partitions done so far: a retry after a missing map output (Spark's
      // FetchFailed) re-runs only the others.
      const results = new Array<U>(partitions.length);
      const finished = new Array<boolean>(partitions.length).fill(false);
      for (let attempt = 1; ; attempt++) {
        try {
          shuffleStagesRun += await this.runStages(jobId, root, func, partitions, callSite, results, finished, ran);
          break;
        } catch (e) {
          const missing = missingMapOutputIn(e);
          if (missing === undefined || attempt >= MAX_STAGE_ATTEMPTS) throw e;
          log.info(`Job ${jobId} (${callSite}): ${missing.message.split(';')[0]}; re-running the map stage from lineage (attempt ${attempt + 1} of ${MAX_STAGE_ATTEMPTS})`);
        }
      }
      // No walk (and no await) while no RDD of the process waits for its checkpoint.
      if (unwrittenCheckpoints.count > 0) await this.checkpointMarked(root, ran);
      for (const l of this.listeners) l.onJobEnd?.({ jobId, callSite, time: Date.now(), shuffleStagesRun });
      return results;
    } catch (error) {
      for (const l of this.listeners) l.onJobEnd?.({ jobId, callSite, time: Date.now(), shuffleStagesRun, error });
      throw error;
    } finally {
      this.activeJobs--;
      this.jobs.end(jobId);
      this.releaseCoveredShuffles();
    }
  }

  /**
   * Notes that a partition of a persisted RDD was stored: once the RDD is stored in full, the
   * map outputs of the shuffles it was computed from are released at the end of the job
   * (see {@link releaseCoveredShuffles}). @internal
   */
  partitionStored(rdd: RDD<unknown>): void {
    if (this.activeJobs > 0) this.stored.add(rdd);
  }

  /**
   * The map stages whose outputs are missing, then the result stage's unfinished partitions.
   * Returns the number of map stages run.
   */
  private async runStages<T, U>(
    jobId: number,
    root: RDD<unknown>,
    func: (data: readonly T[], ctx: TaskContext) => U,
    partitions: readonly number[],
    callSite: string,
    results: U[],
    finished: boolean[],
    ran: Set<ShuffleDependency>,
  ): Promise<number> {
    let shuffleStagesRun = 0;
    const lineage = { unavailableShuffles: false };
    const preparations = this.preparations(root, lineage);
    // A scheduler that computes the preparations between the job's own stages (worker threads)
    // takes them with the job; otherwise each runs first, as a job of its own.
    const inJob = preparations.length > 0 && (this.taskScheduler.preparesInJob?.(root, preparations) ?? false);
    if (!inJob) for (const p of preparations) await p.run();
    this.jobs.throwIfCancelled(jobId);
    const maps: MapStage[] = [];
    const grouped = new Set<ShuffleDependency>();
    // The preparations' walk crossed the same RDDs as missingShuffles' would: when it met no
    // shuffle without map outputs and nothing ran since, no map stage is missing (one walk
    // per job instead of two for jobs without shuffles, such as a filter's count).
    const missing = lineage.unavailableShuffles || preparations.length > 0 ? this.missingShuffles(root) : [];
    for (const { dep, child } of missing) {
      if (dep.isAvailable || grouped.has(dep)) continue;
      const stage = this.shuffleMapStage(jobId, dep, child);
      for (const s of stage.siblings) grouped.add(s.dep);
      maps.push(stage);
    }
    const stageId = this.nextStageId++;
    const stage: ResultStageSpec = { kind: 'result', rdd: root, func: func as unknown as ResultStageSpec['func'], callSite };
    const slots: ResultSlots<U> = { results, finished, done: { tasks: 0 } };
    const indices: number[] = [];
    const tasks: Task<U>[] = [];
    for (let i = 0; i < partitions.length; i++) {
      if (finished[i]) continue;
      indices.push(i);
      tasks.push(new ResultTask<T, U>(jobId, stageId, partitions[i]!, stage, func, slots, i));
    }
    // A scheduler that can take the whole job at once (worker threads: one message per
    // worker for all its stages) gets it here; the stages still complete in order below.
    const submitted = this.taskScheduler.submitJob?.([...maps.map((m) => m.tasks), tasks], inJob ? preparations : undefined);
    if (inJob && submitted === undefined) throw new Error(`Job ${jobId} (${callSite}): the task scheduler took its preparations but not its stages (internal scheduler error)`);
    if (submitted !== undefined) for (const p of submitted) p.catch(() => undefined);
    try {
      for (let k = 0; k < maps.length; k++) {
        const m = maps[k]!;
        // Named only for listeners: the name formats the map side's creation site.
        await this.runStage(jobId, m.stageId, 'ShuffleMapStage', this.listeners.length === 0 ? '' : m.dep.rdd.describeForError(), m.tasks, m.done, submitted?.[k]);
        m.dep.mapOutputs = m.outputs;
        ran.add(m.dep);
        shuffleStagesRun++;
        this.completeSiblings(m, ran);
        this.jobs.throwIfCancelled(jobId);
      }
    } finally {
      for (const m of maps) for (const s of m.siblings) this.computingAsSibling.delete(s.dep);
    }
    // Named only for listeners: the name formats the RDD's creation site.
    const name = this.listeners.length === 0 ? callSite : resultStageName(root, callSite);
    const out = (await this.runStage(jobId, stageId, 'ResultStage', name, tasks, slots.done, submitted?.[maps.length])) as U[];
    // A scheduler running the tasks elsewhere (worker threads) returns the results instead.
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!finished[i]) {
        results[i] = out[k]!;
        finished[i] = true;
      }
    }
    return shuffleStagesRun;
  }

  /**
   * Releases the map outputs of the shuffles below every RDD stored in full during the jobs
   * that just ended, once no job is running. Spark keeps shuffle files until the shuffle is
   * garbage collected, but its scheduler re-runs a map stage whose outputs are missing; here
   * the outputs are heap, and an RDD whose partitions are all persisted (or checkpointed) no
   * longer needs them: `updateStateByKey`'s state RDDs, each kept for the stream's remember
   * duration, would otherwise hold every batch's shuffled values as long. A later job that
   * reads the shuffle again (the reader was unpersisted, or another RDD reads the same
   * shuffle) re-runs its map stage from lineage, as Spark does after losing shuffle files.
   */
  private releaseCoveredShuffles(): void {
    // Deferred while jobs overlap (one may be about to read them); bounded all the same, as
    // a job that then finds them missing re-runs the map stage.
    const pending = this.stored.size + this.consumed.size;
    if (pending === 0 || (this.activeJobs > 0 && pending < MAX_DEFERRED_RELEASES)) return;
    const roots = [...this.stored, ...this.consumed];
    const consumed = new Set(this.consumed);
    this.stored.clear();
    this.consumed.clear();
    const seen = new Set<RDD<unknown>>();
    for (const top of roots) {
      if (!(consumed.has(top) || this.isFullyStored(top)) || seen.has(top)) continue;
      seen.add(top);
      const stack: RDD<unknown>[] = [top];
      while (stack.length > 0) {
        const r = stack.pop()!;
        for (const d of r.dependencies) {
          if (d instanceof ShuffleDependency) {
            if (d.mapOutputs.length > 0) d.clearMapOutputs();
            continue;
          }
          const parent = d.rdd as RDD<unknown>;
          // A stored ancestor released its own shuffles when it was stored in full.
          if (seen.has(parent) || this.isFullyStored(parent)) continue;
          seen.add(parent);
          stack.push(parent);
        }
      }
    }
  }

  /**
   * What a job over `root` would run, without running it: its preparations (deepest first) and
   * its missing shuffles (each after those it depends on), counting the shuffles in `planned`
   * as available (an earlier job of the same plan computes them). The worker-thread scheduler
   * plans a batch's output jobs with it, to send them in one message. @internal
   */
  planJob(root: RDD<unknown>, planned: ReadonlySet<ShuffleDependency>): { preparations: readonly JobPreparation[]; missing: MissingShuffle[] } {
    const preparations = this.preparations(root, { unavailableShuffles: false }, planned);
    const missing = this.missingShuffles(root, planned).filter((m) => !m.dep.isAvailable && !planned.has(m.dep));
    return { preparations, missing };
  }

  /**
   * Lineage walk that stops at available shuffles (and those `planned`) and fully persisted
   * RDDs, and does not enter the fully persisted parents of an RDD of many parents (see
   * `unstoredDependencies`: a stored RDD needs no preparation nor map stage): `visit` sees each
   * RDD once, depth first, with the dependencies the walk crosses from it. A loop with a
   * callback rather than a generator: no iterator objects per job.
   */
  private walk(root: RDD<unknown>, planned: ReadonlySet<ShuffleDependency> | undefined, visit: (r: RDD<unknown>, deps: readonly Dependency[]) => void): void {
    const seen = new Set<RDD<unknown>>([root]);
    const stack: RDD<unknown>[] = [root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      const stored = this.isFullyStored(r);
      // A stored RDD is visited with all its dependencies, and its parents are not walked.
      const deps = stored ? r.dependencies : unstoredDependencies(r);
      visit(r, deps);
      if (stored) continue;
      for (const d of deps) {
        if (d instanceof ShuffleDependency && (d.isAvailable || planned?.has(d) === true)) continue;
        if (!seen.has(d.rdd)) {
          seen.add(d.rdd);
          stack.push(d.rdd);
        }
      }
    }
  }

  private isFullyStored(r: RDD<unknown>): boolean {
    return r.getStorageLevel().isValid && this.blockManager.hasAll(r.id, r.getNumPartitions());
  }

  /**
   * The async preparations (range bounds, zipWithIndex offsets) the lineage needs, deepest
   * first; sets `lineage.unavailableShuffles` when the walk met a shuffle without map outputs.
   */
  private preparations(root: RDD<unknown>, lineage: { unavailableShuffles: boolean }, planned?: ReadonlySet<ShuffleDependency>): readonly JobPreparation[] {
    // A narrow line (every batch of a program of narrow operators and an action) has neither:
    // the walk below would visit a subset of the same RDDs and find nothing.
    if (isNarrowLine(root)) return NO_PREPARATIONS;
    const todo: JobPreparation[] = [];
    this.walk(root, planned, (r, deps) => {
      if (r.prepareForJob) todo.push({ kind: 'rdd', rdd: r, run: () => r.prepareForJob!() });
      for (const d of deps) {
        if (d instanceof ShuffleDependency && !d.isAvailable && planned?.has(d) !== true) {
          lineage.unavailableShuffles = true;
          if (d.partitioner.prepare) {
            const p = d.partitioner;
            todo.push({ kind: 'partitioner', dep: d, child: r, run: () => p.prepare!() });
          }
        }
      }
    });
    // Deepest first: a preparation's own job then finds its ancestors already prepared.
    return todo.reverse();
  }

  /** The missing shuffles, each after every shuffle it depends on (iterative post-order). */
  private missingShuffles(root: RDD<unknown>, planned?: ReadonlySet<ShuffleDependency>): MissingShuffle[] {
    const order: MissingShuffle[] = [];
    const seen = new Set<RDD<unknown>>([root]);
    const stack: { rdd: RDD<unknown>; next: number; children: RDD<unknown>[]; deps: readonly Dependency[] }[] = [];
    const open = (r: RDD<unknown>): void => {
      const children: RDD<unknown>[] = [];
      const stored = this.isFullyStored(r);
      // Stored parents (a window's batches) have no missing shuffle to contribute.
      const deps = stored ? NO_DEPENDENCIES : unstoredDependencies(r);
      for (const d of deps) {
        if (d instanceof ShuffleDependency && (d.isAvailable || planned?.has(d) === true)) continue;
        children.push(d.rdd);
      }
      stack.push({ rdd: r, next: 0, children, deps });
    };
    open(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.children.length) {
        const c = top.children[top.next++]!;
        if (!seen.has(c)) {
          seen.add(c);
          open(c);
        }
        continue;
      }
      stack.pop();
      if (this.isFullyStored(top.rdd)) continue;
      // Every shuffle dependency is among those crossed (only stored narrow parents are left out).
      for (const d of top.deps) {
        if (d instanceof ShuffleDependency && !d.isAvailable) order.push({ dep: d, child: top.rdd });
      }
    }
    return order;
  }

  /**
   * The tasks of the map side of `dep` (task `m` writes `outputs[m]`), not run yet. When
   * `dep` is in a map-side group (see {@link MapSideGroup}) and tasks run in this thread, the
   * same tasks compute the group's other unavailable map sides from one evaluation of the
   * group's base partition, which is not stored.
   */
  private shuffleMapStage(jobId: number, dep: ShuffleDependency, child: RDD<unknown>): MapStage {
    const stageId = this.nextStageId++;
    const n = dep.rdd.getNumPartitions();
    const outputs: PartitionData[][] = [];
    const tasks: Task<void>[] = [];
    const stage: StageSpec = { kind: 'shuffleMap', dep, child, outputs };
    const done = { tasks: 0 };
    const group = this.runnableGroup(dep);
    const siblings: SiblingOutputs[] = [];
    if (group !== undefined) {
      for (const d of group.deps) {
        if (d === dep || d.isAvailable || this.computingAsSibling.has(d)) continue;
        this.computingAsSibling.add(d);
        siblings.push({ dep: d, outputs: [], failed: false });
      }
    }
    for (let m = 0; m < n; m++) {
      tasks.push({
        jobId,
        stageId,
        partitionId: m,
        stage,
        run: () => {
          const ev = new PartitionEvaluator(jobId, stageId, m);
          try {
            if (siblings.length === 0) outputs[m] = runShuffleMapTask(dep, m, ev);
            else this.runGroupedMapTask(dep, group!, siblings, m, ev, outputs);
          } catch (e) {
            if (e instanceof RDDComputeError) throw e;
            throw new RDDComputeError(child.describeForError(), m, 'shuffle (map side of) map', e);
          }
          done.tasks++;
        },
      });
    }
    return { stageId, dep, outputs, tasks, done, siblings, group: siblings.length > 0 ? group : undefined };
  }

  /** `dep`'s map-side group, when its map sides can run together here (tasks in this thread). */
  private runnableGroup(dep: ShuffleDependency): MapSideGroup | undefined {
    const group = dep.mapSideGroup;
    if (group === undefined || !(this.taskScheduler instanceof LocalTaskScheduler)) return undefined;
    // A base marked for checkpointing must see its partitions stored.
    if (group.base.checkpointData !== undefined || fusedChain(dep.rdd).base !== group.base) return undefined;
    return group;
  }

  /**
   * One task of a grouped map stage: the base partition once, unstored, then `dep`'s map side
   * (whose failure fails the task, as before) and each sibling's (whose failure only drops
   * that sibling: its own job computes it again and fails there, as it would have).
   */
  private runGroupedMapTask(dep: ShuffleDependency, group: MapSideGroup, siblings: readonly SiblingOutputs[], m: number, ev: PartitionEvaluator, outputs: PartitionData[][]): void {
    const live = siblings.filter((s) => !s.failed);
    const deps = [dep, ...live.map((s) => s.dep)];
    const out = groupedMapSideOutputs(group.base, deps, m, ev, (failed, e) => {
      const s = live.find((x) => x.dep === failed)!;
      s.failed = true;
      s.outputs.length = 0;
      log.debug(`Map side of shuffle ${s.dep.shuffleId} failed beside shuffle ${dep.shuffleId}'s; it will run in its own job (${e instanceof Error ? e.message : String(e)})`);
    });
    outputs[m] = out[0]!;
    for (let i = 0; i < live.length; i++) {
      const s = live[i]!;
      if (!s.failed) s.outputs[m] = out[i + 1]!;
    }
  }

  /**
   * After a grouped map stage: publishes the outputs of the siblings that ran in full, and,
   * once every shuffle of the group is available, lets the shuffles below the group's base be
   * released as if the base were stored in full (nothing reads it any more).
   */
  private completeSiblings(m: MapStage, ran: Set<ShuffleDependency>): void {
    if (m.group === undefined) return;
    const n = m.dep.rdd.getNumPartitions();
    for (const s of m.siblings) {
      if (s.failed || s.dep.isAvailable || s.outputs.length < n) continue;
      let complete = true;
      for (let i = 0; i < n; i++) if (s.outputs[i] === undefined) complete = false;
      if (!complete) continue;
      s.dep.mapOutputs = s.outputs;
      ran.add(s.dep);
    }
    if (m.group.deps.every((d) => d.isAvailable)) this.consumed.add(m.group.base);
  }

  /**
   * Runs a stage's tasks between its submitted and completed events. `done.tasks` counts the
   * tasks that ran to completion in this thread; a scheduler running them elsewhere (worker
   * threads) reports only success or the first failure, so on success every task counts.
   */
  private runStage<R>(
    jobId: number,
    stageId: number,
    kind: StageInfo['kind'],
    name: string,
    tasks: readonly Task<R>[],
    done: { tasks: number },
    /** The stage's results when the task scheduler took the whole job already. */
    pending?: Promise<unknown[]>,
  ): Promise<R[]> {
    // Without listeners, the task scheduler's promise itself: no async frame (nor closure) per stage.
    if (this.listeners.length === 0) return (pending as Promise<R[]> | undefined) ?? this.taskScheduler.runTasks(tasks);
    const run = (): Promise<R[]> => (pending as Promise<R[]> | undefined) ?? this.taskScheduler.runTasks(tasks);
    return this.runStageWithEvents({ stageId, jobId, kind, name, numTasks: tasks.length }, done, run);
  }

  /** {@link DAGScheduler.runStage} between its listeners' submitted and completed events. */
  private async runStageWithEvents<R>(
    stage: Pick<StageInfo, 'stageId' | 'jobId' | 'kind' | 'name' | 'numTasks'>,
    done: { tasks: number },
    run: () => Promise<R[]>,
  ): Promise<R[]> {
    const listeners = this.listeners;
    const submitted: StageInfo = { ...stage, numCompletedTasks: 0, numFailedTasks: 0, submissionTime: Date.now() };
    for (const l of listeners) l.onStageSubmitted?.({ stageInfo: submitted });
    try {
      const results = await run();
      const completed: StageInfo = { ...submitted, numCompletedTasks: stage.numTasks, completionTime: Date.now() };
      for (const l of listeners) l.onStageCompleted?.({ stageInfo: completed });
      return results;
    } catch (e) {
      const failed: StageInfo = {
        ...submitted,
        numCompletedTasks: Math.min(done.tasks, stage.numTasks - 1),
        numFailedTasks: 1,
        completionTime: Date.now(),
        failureReason: e instanceof Error ? e.message : String(e),
      };
      for (const l of listeners) l.onStageCompleted?.({ stageInfo: failed });
      throw e;
    }
  }

  /**
   * Writes the checkpoints of the marked RDDs this job computed: the nearest marked ones only,
   * as Spark's core, or every marked one when `checkpointAllMarkedAncestors` says so (Spark
   * Streaming's jobs: a checkpointed stream over another, such as two chained
   * `updateStateByKey`, must cut both lineages, or the inner one grows by a batch every batch;
   * SPARK-6847), parents first as Spark's `RDD.doCheckpoint`.
   * The walk does not cross shuffles that were available before the job (`ran`: those whose
   * map stage this job ran): nothing behind them was computed by it. A streaming job's
   * lineage reaches every batch of a window through such shuffles, so walking behind them
   * visited every batch's lineage on every job. No walk at all while no RDD of the process
   * waits for its checkpoint (see `unwrittenCheckpoints`).
   */
  private async checkpointMarked(root: RDD<unknown>, ran: ReadonlySet<ShuffleDependency>): Promise<void> {
    const all = this.checkpointAllMarkedAncestors();
    const marked: RDD<unknown>[] = [];
    const seen = new Set<RDD<unknown>>([root]);
    const stack: RDD<unknown>[] = [root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      const cd = r.checkpointData;
      if (cd !== undefined) {
        if (cd.isPending) marked.push(r);
        // A written checkpoint has nothing behind it (its dependency is its files).
        if (!all || cd.checkpointRDD !== undefined) continue;
      }
      for (const d of r.dependencies) {
        if (d instanceof ShuffleDependency && d.isAvailable && !ran.has(d)) continue;
        if (!seen.has(d.rdd)) {
          seen.add(d.rdd);
          stack.push(d.rdd);
        }
      }
    }
    // Found from the root down: the reverse writes parents before the RDDs over them.
    for (let i = marked.length - 1; i >= 0; i--) {
      const r = marked[i]!;
      await r.checkpointData!.doCheckpoint(this.taskScheduler.checkpointWriter?.(r));
    }
  }
}
