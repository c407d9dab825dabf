import { crc32 } from 'node:zlib';
import { encodeValues, stagedPartName, writeStagedFile } from '@kindling/io';
import { RDDCheckpointData } from '../checkpoint/rdd-checkpoint-data.ts';
import { NarrowDependency, ShuffleDependency } from '../rdd/dependency.ts';
import { OwnedPartitionsRDD } from '../rdd/owned-partitions-rdd.ts';
import { RDDComputeError } from '../rdd/rdd-compute-error.ts';
import type { RDD } from '../rdd/rdd.ts';
import { PairColumns, type PartitionData } from '../rdd/pair-columns.ts';
import { applyAccumulatorUpdates, drainAccumulatorUpdates, type AccumulatorUpdate, type ThreadAccumulator } from '../util/accumulator-update.ts';
import { runAsTask } from '../util/task-updates.ts';
import { BlockPrefixes, PrefixedEvaluator } from './block-prefixes.ts';
import { PartitionEvaluator } from './partition-evaluator.ts';
import type { ReplicatedRDDs } from './replicated-rdds.ts';
import { decodeBlock, decodeBlockData, encodeBlock, type EncodedBlock } from './shuffle-block-codec.ts';
import { ReceivedKeyTables, SentKeySlots } from './exchange-key-dictionary.ts';
import { mapSideOutput, runShuffleMapTask } from './shuffle-writer.ts';
import { fusedChain } from '../rdd/record-pipeline.ts';
import type { MapSideGroup } from './map-side-group.ts';
import { getLogger } from '../util/logger.ts';
import { serializeError } from './worker-errors.ts';
import { RangePartitioner } from '../rdd/range-partitioner.ts';
import { ZippedWithIndexRDD } from '../rdd/zipped-with-index-rdd.ts';
import type { BlocksMessage, CheckpointCommitted, CheckpointPartsRequest, CheckpointPartsResult, EvaluateRequest, EvaluateResult, FetchedMessage, FetchInputMessage, FetchMessage, FetchStoredMessage, IndexOffsetsStep, JobRequest, JobResult, PeerMessage, PreparedResult, PreparedState, RangeBoundsStep, ShuffleMapRequest, TaskRequest, ValuesMessage, WorkerReply } from './worker-protocol.ts';

const log = getLogger('WorkerExecutor');

/** A port to another worker thread (a `MessagePort`). @internal */
export interface PeerPort {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
}

/**
 * The task side of a worker thread of a replicated graph. It owns the partitions `p` with
 * `p mod size === rank` (so one-to-one chains stay on one thread): it computes the partitions
 * of replicated RDDs the driver asks for, and runs the map side of shuffles for the map
 * partitions it owns, sending each reduce partition's block straight to that partition's
 * owner (all-to-all over `MessagePort`s, columnar where it can). A reduce partition read by a
 * thread that does not own it is fetched from its owner first.
 * @internal
 */
export class WorkerExecutor {
  private readonly received = new Map<string, (BlocksMessage | ValuesMessage)[]>();
  private readonly receivedWaiters = new Map<string, () => void>();
  private nextFetchId = 0;
  private readonly fetches = new Map<number, { resolve: (b: readonly (EncodedBlock | undefined)[]) => void; reject: (e: Error) => void }>();
  /**
   * The shuffle map stages running here, by `childKey:depIndex`: a peer that finished such a
   * stage (the driver sends a job's stages together, so it may move on to the next one first)
   * can ask for a reduce partition owned here before this thread has stored the blocks it
   * received; the answer waits for the stage.
   */
  private readonly mapStagesRunning = new Map<string, Promise<void>>();
  /** The running job's union combines folded while this thread waited for its peers' blocks. */
  private readonly prefixes = new BlockPrefixes();
  /**
   * Map outputs computed ahead of their own stage, in one pass over a shared base partition
   * with another shuffle of their map-side group (see {@link MapSideGroup}): shuffle -> map
   * partition -> one bucket per reduce partition. Taken by that shuffle's own map stage.
   */
  private readonly aheadOutputs = new Map<ShuffleDependency, Map<number, AheadOutput>>();
  /** Per batch time, the shuffles this thread exchanged ahead (`childKey:depIndex`), and those every thread did once the peers' lists came ({@link announceAhead}). */
  private readonly aheadLists = new Map<number, { readonly own: readonly string[]; all: Promise<ReadonlySet<string>> | undefined }>();
  /** Batches up to this time are over here: their peers' late lists are dropped. */
  private forgottenUpTo = Number.NEGATIVE_INFINITY;
  /** The shuffles given outputs by {@link computeBatchAhead}, per batch time, until the batch is over. */
  private readonly aheadByBatch = new Map<number, Set<ShuffleDependency>>();
  /** Stored RDDs whose lineage {@link releaseCoveredShuffles} released. */
  private readonly releasedBelow = new WeakSet<RDD<unknown>>();
  /** Tasks run so far (the driver's tests check that work really happened here). */
  tasksRun = 0;
  /** Union combines folded ahead and then taken by their task (tests check that waits were used). */
  prefixesTaken = 0;
  /** Checkpoint part files written so far. */
  checkpointPartsWritten = 0;
  /** Steps of a job request started while a step of another of its lanes was still running (waiting for its peers): see `JobRequest.lanes`. */
  stepsOverlapped = 0;
  /**
   * Map outputs (shuffle, map partition) computed ahead in a grouped pass, and those a later
   * map stage then took instead of computing them (for tests: the base partition was
   * evaluated once for the whole group).
   */
  readonly mapSidesAhead = { computed: 0, taken: 0, atBatch: 0 };
  private readonly startedLoop = performance.eventLoopUtilization();
  /** What each peer holds of this thread's map-side keys, and what this thread holds of theirs: map outputs cross by key slot (see exchange-key-dictionary.ts). */
  readonly sentKeys = new SentKeySlots();
  private readonly receivedKeys = new ReceivedKeyTables();

  /** Partitions of replicated RDDs stored since the last reply: `key, split` pairs. */
  #stored: number[] = [];

  constructor(
    readonly rank: number,
    readonly size: number,
    private readonly registry: ReplicatedRDDs,
    private readonly peers: readonly (PeerPort | undefined)[],
    private readonly accumulators: () => readonly ThreadAccumulator[],
  ) {}

  /** Notes every partition of a replicated RDD that `sc` stores, for the next reply to the driver. */
  reportStores(sc: { onPartitionStored: ((rdd: RDD<unknown>, split: number) => void) | undefined }): void {
    sc.onPartitionStored = (rdd, split) => {
      const key = this.registry.keyOf(rdd);
      if (key !== undefined) this.#stored.push(key, split);
    };
  }

  /** The stores since the last reply, once. */
  private drainStored(): number[] | undefined {
    if (this.#stored.length === 0) return undefined;
    const out = this.#stored;
    this.#stored = [];
    return out;
  }

  /** Runs a request from the driver; never throws (errors go into the reply). */
  async handle(request: TaskRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
    const transfer: ArrayBuffer[] = [];
    const before = this.tasksRun;
    const partsBefore = this.checkpointPartsWritten;
    const foldedBefore = this.prefixesTaken;
    const stage = { index: 0 };
    const partial: { results: unknown[]; deltas?: AccumulatorUpdate[][]; installedAhead?: number[] } = { results: [] };
    try {
      const result =
        request.type === 'evaluate' ? await this.evaluate(request, transfer)
        : request.type === 'shuffleMap' ? await this.shuffleMap(request)
        : request.type === 'job' ? await this.runJob(request, transfer, stage, partial)
        : await this.writeCheckpointParts(request);
      return { reply: this.reply(request.id, before, partsBefore, foldedBefore, { ok: true, result }), transfer };
    } catch (e) {
      // A job request's stages before the failed one ran: their results come back too.
      const job = request.type === 'job';
      // With deltas per step, the failed step's updates are dropped (its job runs again on its own).
      if (job && request.stepDeltas === true) this.drainAccumulators();
      return { reply: this.reply(request.id, before, partsBefore, foldedBefore, { ok: false, error: serializeError(e), failedStage: job ? stage.index : undefined, result: job ? { results: partial.results, deltas: partial.deltas, installedAhead: partial.installedAhead } satisfies JobResult : undefined }), transfer: job ? transfer : [] };
    }
  }

  /**
   * Runs a request's stages in order; `stage.index` is the stage running (the failed one, on a
   * throw). A request may carry several jobs one after the other (a batch's output jobs, each
   * ending with its result stage): while a shuffle map stage waits for its peers' blocks, this
   * thread folds the union combines of the next result stage over the blocks it holds already
   * (a window's older batches; see {@link BlockPrefixes}), and while it takes the blocks of the
   * shuffles exchanged ahead (`req.ahead`), those of every result stage. After a failed stage, the later
   * stages that exchange with the peers are answered with a failure (and the peers' messages
   * for them taken), so that no peer waits for this thread; `partial` keeps the results of the
   * stages that ran.
   */
  private async runJob(req: JobRequest, transfer: ArrayBuffer[], stage: { index: number }, partial: { results: unknown[]; deltas?: AccumulatorUpdate[][]; installedAhead?: number[] }): Promise<JobResult> {
    const results = partial.results;
    let deltas: AccumulatorUpdate[][] | undefined;
    if (req.stepDeltas === true) partial.deltas = deltas = [];
    const installed: number[] | undefined = req.aheadOf === undefined ? undefined : (partial.installedAhead = []);
    const folded = new Set<number>();
    const fold = (k: number): void => {
      const target = req.stages[k];
      if (folded.has(k) || target?.type !== 'evaluate') return;
      folded.add(k);
      const root = this.registry.get(target.key);
      if (root !== undefined) this.prefixes.fold(root, target.partitions);
    };
    const foldAhead = (i: number) => (): void => {
      let next = i;
      while (next < req.stages.length && req.stages[next]!.type !== 'evaluate') next++;
      fold(next);
    };
    // While the peers' blocks of a shuffle exchanged ahead may still be in flight: every later
    // result stage's folds, as for the shuffles listed in `ahead`.
    const foldAll = (i: number) => (): void => { for (let k = i; k < req.stages.length; k++) fold(k); };
    const step = (i: number): Promise<unknown> => {
      const s = req.stages[i]!;
      return s.type === 'evaluate' ? this.evaluate(s, transfer)
        : s.type === 'shuffleMap' ? this.shuffleMapOrAhead(s, req.aheadOf, i, installed, foldAhead(i), foldAll(i))
        : s.type === 'rangeBounds' ? this.rangeBounds(s, `prep:${s.jobId}:${i}`)
        : this.indexOffsets(s, `prep:${s.jobId}:${i}`);
    };
    // Folds of an earlier job that failed before its result stage took them are dropped here.
    this.prefixes.clear();
    const lanes = req.lanes;
    if (lanes !== undefined && lanes.length > 1 && deltas === undefined && req.ahead === undefined) {
      try {
        await this.runLanes(req, lanes, stage, results, step);
      } finally {
        this.prefixes.clear();
      }
      installed?.sort((a, b) => a - b);
      return installed === undefined ? { results } : { results, installedAhead: installed };
    }
    try {
      if (req.ahead !== undefined && req.ahead.length > 0) {
        stage.index = -1;
        // While the peers' blocks of the shuffles exchanged ahead may still be in flight: every
        // result stage's folds (their map stages, where this happened, were not sent).
        await this.installAhead(req.ahead, () => { for (let k = 0; k < req.stages.length; k++) fold(k); });
      }
      for (let i = 0; i < req.stages.length; i++) {
        stage.index = i;
        results.push(await step(i));
        deltas?.push(this.drainAccumulators());
      }
      this.prefixes.clear();
    } catch (e) {
      this.prefixes.clear();
      await this.failExchanges(req, stage.index + 1);
      throw e;
    }
    const out: JobResult = deltas === undefined ? { results } : { results, deltas };
    return installed === undefined ? out : { ...out, installedAhead: installed };
  }

  /**
   * Step `i` of a job request, a shuffle map stage: with `aheadOf` (the batch's output jobs
   * sent before the workers reported what they exchanged ahead), installed from what this
   * thread kept and its peers sent when every worker exchanged it ahead (listed in
   * `installed`), otherwise run as sent.
   */
  private async shuffleMapOrAhead(s: Omit<ShuffleMapRequest, 'id'>, aheadOf: number | undefined, i: number, installed: number[] | undefined, whileRunning: () => void, whileInstalling: () => void): Promise<undefined> {
    if (aheadOf !== undefined && installed !== undefined && (await this.exchangedByAll(aheadOf)).has(`${s.childKey}:${s.depIndex}`)) {
      await this.installAhead([[aheadOf, s.childKey, s.depIndex]], whileInstalling);
      installed.push(i);
      return undefined;
    }
    return this.shuffleMap(s, whileRunning);
  }

  /**
   * Tells every peer which shuffles of batch `time` this thread computed and sent ahead
   * ({@link computeBatchAhead}'s answer; empty when it sent none), once per batch: with the
   * peers' lists, every thread finds the same shuffles exchanged by all
   * ({@link JobRequest.aheadOf}).
   */
  announceAhead(time: number, shuffles: readonly (readonly [number, number])[]): void {
    if (this.aheadLists.has(time) || time <= this.forgottenUpTo) return;
    this.aheadLists.set(time, { own: shuffles.map(([k, d]) => `${k}:${d}`), all: undefined });
    const values: [number, number][] = shuffles.map(([k, d]) => [k, d]);
    for (let w = 0; w < this.size; w++) {
      if (w === this.rank) continue;
      const msg: ValuesMessage = { type: 'values', token: `aheadList:${time}`, from: this.rank, failed: false, values };
      this.peers[w]!.postMessage(msg);
    }
  }

  /** The shuffles (`childKey:depIndex`) of batch `time` that this thread and every peer exchanged ahead. */
  private exchangedByAll(time: number): Promise<ReadonlySet<string>> {
    // A batch this thread computed nothing ahead for (its job came first): it exchanged none.
    if (!this.aheadLists.has(time)) this.announceAhead(time, []);
    const entry = this.aheadLists.get(time);
    if (entry === undefined) return Promise.resolve(new Set());
    entry.all ??= this.receiveAll(`aheadList:${time}`).then((messages) => {
      const counts = new Map<string, number>();
      for (const key of entry.own) counts.set(key, 1);
      for (const m of messages) for (const [k, d] of (m as ValuesMessage).values) {
        const key = `${k}:${String(d)}`;
        const n = counts.get(key);
        if (n !== undefined) counts.set(key, n + 1);
      }
      const all = new Set<string>();
      for (const [key, n] of counts) if (n === this.size) all.add(key);
      return all;
    });
    return entry.all;
  }

  /**
   * The steps of `req` in independent lanes ({@link JobRequest.lanes}), all at once: each lane
   * runs its steps in order, and while one waits for its peers' blocks or values, another
   * computes. Results go to their step's index. After a failure at step `f` (the lowest, if
   * several lanes fail), a lane runs no step after `f` and answers its remaining exchanges
   * with a failure (so no peer waits for this thread); steps before `f` all run, so the reply
   * holds every result before the failed step, as one lane's would. `stage.index` is `f`.
   */
  private async runLanes(req: JobRequest, lanes: readonly number[], stage: { index: number }, results: unknown[], step: (i: number) => Promise<unknown>): Promise<void> {
    let failedAt = Number.POSITIVE_INFINITY;
    let failure: unknown;
    let running = 0;
    const lane = async (from: number, to: number): Promise<void> => {
      let i = from;
      for (; i < to && i <= failedAt; i++) {
        if (running > 0) this.stepsOverlapped++;
        running++;
        try {
          results[i] = await step(i);
          running--;
        } catch (e) {
          running--;
          if (i < failedAt) {
            failedAt = i;
            failure = e;
          }
          i++;
          break;
        }
      }
      if (i < to) await this.failExchanges(req, i, to);
    };
    const n = req.stages.length;
    await Promise.all(lanes.map((from, k) => lane(from, k + 1 < lanes.length ? lanes[k + 1]! : n)));
    if (failedAt !== Number.POSITIVE_INFINITY) {
      stage.index = failedAt;
      results.length = failedAt;
      throw failure;
    }
    stage.index = n - 1;
  }

  /** Tells the peers that this thread runs none of the exchanging stages of `req` from `from` on (up to `to`), and takes their messages for them. */
  private async failExchanges(req: JobRequest, from: number, to = req.stages.length): Promise<void> {
    for (let i = from; i < to; i++) {
      const s = req.stages[i]!;
      if (s.type === 'evaluate') continue;
      const token = s.type === 'shuffleMap' ? `${s.jobId}:${s.stageId}` : `prep:${s.jobId}:${i}`;
      for (let w = 0; w < this.size; w++) {
        if (w === this.rank) continue;
        const msg: BlocksMessage | ValuesMessage = s.type === 'shuffleMap' ? { type: 'blocks', token, from: this.rank, failed: true, blocks: [] } : { type: 'values', token, from: this.rank, failed: true, values: [] };
        this.peers[w]!.postMessage(msg);
      }
      await this.receiveAll(token);
    }
  }

  /** A reply with what the request did in this thread: accumulator deltas, tasks, checkpoint parts and folds taken since the counts given, active time. */
  private reply(id: number, tasksBefore: number, partsBefore: number, foldedBefore: number, outcome: Pick<WorkerReply, 'ok' | 'result' | 'error' | 'failedStage'>): WorkerReply {
    return { type: 'reply', id, ...outcome, accumulators: this.drainAccumulators(), tasks: this.tasksRun - tasksBefore, checkpointParts: this.checkpointPartsWritten - partsBefore, foldedAhead: this.prefixesTaken - foldedBefore, activeMs: this.activeMs(), stored: this.drainStored() };
  }

  /**
   * The driver committed the checkpoint of a replicated RDD: this thread's copy reads it from
   * there and drops its lineage (so state streams keep a bounded lineage in every worker).
   */
  onCheckpointCommitted(m: CheckpointCommitted): void {
    const rdd = this.registry.get(m.key);
    if (rdd === undefined) return;
    const data = rdd.checkpointData ?? (rdd.checkpointData = new RDDCheckpointData(rdd));
    data.adopt(m.path, m.checksums);
  }

  /** Time this thread's event loop spent running code (not waiting) since this executor was created, in ms. */
  private activeMs(): number { return performance.eventLoopUtilization(this.startedLoop).active; }

  /** Handles a message from worker `from`. */
  onPeerMessage(message: PeerMessage): void {
    if (message.type === 'blocks' || message.type === 'values') {
      // Every block's new keys are taken in as it arrives, in order, also when no stage reads it.
      if (message.type === 'blocks') this.resolveKeys(message);
      // A peer's list of what it exchanged ahead for a batch that is over here.
      if (message.type === 'values' && message.token.startsWith('aheadList:') && Number(message.token.slice(10)) <= this.forgottenUpTo) return;
      let list = this.received.get(message.token);
      if (list === undefined) this.received.set(message.token, (list = []));
      list.push(message);
      this.receivedWaiters.get(message.token)?.();
    } else if (message.type === 'fetch') {
      this.answerFetch(message);
    } else if (message.type === 'fetchInput') {
      this.answerInputFetch(message);
    } else if (message.type === 'fetchStored') {
      this.answerStoredFetch(message);
    } else {
      const f = this.fetches.get(message.reqId);
      if (f === undefined) return;
      this.fetches.delete(message.reqId);
      if (message.error !== undefined) f.reject(new Error(message.error));
      else f.resolve(message.blocks ?? []);
    }
  }

  /** Replaces the message's dictionary-coded blocks by the keys they name (see exchange-key-dictionary.ts). */
  private resolveKeys(message: BlocksMessage): void {
    const blocks = message.blocks as { m: number; j: number; block: EncodedBlock }[];
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!.block;
      if (b.kind === 'string-number-slots') blocks[i] = { m: blocks[i]!.m, j: blocks[i]!.j, block: { kind: 'string-number-keys', keys: this.receivedKeys.resolve(message.from, b), values: b.values } };
    }
  }

  private drainAccumulators(): AccumulatorUpdate[] {
    return drainAccumulatorUpdates(this.accumulators());
  }

  private lookup(key: number, what: string): RDD<unknown> {
    const rdd = this.registry.get(key);
    if (rdd === undefined) throw new Error(`Worker ${this.rank} no longer holds replicated RDD ${key} (${what}): it was forgotten by its stream; keep it with ssc.remember() if output operations use it later`);
    return rdd;
  }

  private applyPrepared(states: readonly PreparedState[]): void {
    for (const s of states) {
      // An RDD this worker already forgot is not computed here any more.
      const rdd = this.registry.get(s.key);
      if (rdd === undefined) continue;
      const target = s.depIndex === undefined ? rdd : (rdd.dependencies[s.depIndex] as ShuffleDependency).partitioner;
      (target as unknown as Record<string, unknown>)[s.field] = s.value;
    }
  }

  /**
   * Computes the partitions of a result stage. A result task is the partition's computation
   * here and the action's function on the driver: each partition's accumulator additions come
   * back apart with it (`deltas`), for the driver to add once the function succeeded on that
   * partition, as Spark drops the updates of a task whose function threw.
   */
  private async evaluate(req: Omit<EvaluateRequest, 'id'>, transfer: ArrayBuffer[]): Promise<EvaluateResult> {
    this.applyPrepared(req.prepared);
    const rdd = this.lookup(req.key, 'evaluate');
    const partitions: EncodedBlock[] = [];
    const accumulators = this.accumulators();
    const held: AccumulatorUpdate[][] | undefined = accumulators.length > 0 ? [] : undefined;
    // Additions not drained yet belong to the request's other steps: kept out, put back after.
    const before = held === undefined ? undefined : this.drainAccumulators();
    try {
      for (const p of req.partitions) {
        await this.ensureShuffleBlocks(rdd, p);
        const taken = this.prefixes.taken;
        // A task: its accumulator additions count only if it succeeds (see task-updates.ts).
        const data = runAsTask(() => new PrefixedEvaluator(this.prefixes, req.jobId, req.stageId, p).evaluateData(rdd, p));
        this.prefixesTaken += this.prefixes.taken - taken;
        this.tasksRun++;
        partitions.push(encodeBlock(data, transfer));
        held?.push(this.drainAccumulators());
      }
    } catch (e) {
      // The request fails: the partitions computed before count with the reply, as before.
      if (held !== undefined) for (const d of held) applyAccumulatorUpdates(accumulators, d);
      throw e;
    } finally {
      if (before !== undefined) applyAccumulatorUpdates(accumulators, before);
    }
    return held === undefined ? { partitions } : { partitions, deltas: held };
  }

  /**
   * A sort's range bounds, inside the job: this thread samples the partitions of the source it
   * owns, exchanges the samples with its peers, and every thread sets the same bounds from
   * all of them in partition order (what the driver's sampling job computes on one thread).
   */
  private async rangeBounds(req: RangeBoundsStep, token: string): Promise<PreparedResult> {
    const child = this.lookup(req.childKey, 'range bounds');
    const partitioner = (child.dependencies[req.depIndex] as ShuffleDependency | undefined)?.partitioner;
    if (!(partitioner instanceof RangePartitioner)) throw new Error(`Worker ${this.rank}: dependency ${req.depIndex} of ${child.toString()} is not range-partitioned (the replicated graphs differ)`);
    const source = this.lookup(req.sourceKey, 'range bounds') as RDD<[unknown, unknown]>;
    const samples = await this.perPartition(req, token, source, (data, p) => partitioner.samplePartition(data, p, req.sourcePartitions));
    partitioner.boundsFromSamples(samples as Parameters<RangePartitioner<unknown>['boundsFromSamples']>[0]);
    return { value: partitioner.rangeBounds! };
  }

  /** `zipWithIndex`'s partition offsets, inside the job: counts of the owned parent partitions, exchanged, then the same offsets everywhere. */
  private async indexOffsets(req: IndexOffsetsStep, token: string): Promise<PreparedResult> {
    const rdd = this.lookup(req.key, 'index offsets');
    if (!(rdd instanceof ZippedWithIndexRDD)) throw new Error(`Worker ${this.rank}: ${rdd.toString()} is not a zipWithIndex RDD (the replicated graphs differ)`);
    const counts = (await this.perPartition(req, token, rdd.dependencies[0]!.rdd as RDD<unknown>, (data) => data.length)) as number[];
    rdd.offsetsFromCounts(counts);
    return { value: counts };
  }

  /**
   * `f` over each partition of `rdd` this thread was asked for, exchanged with every peer (one
   * message each way, failed or not, as a shuffle's blocks); returns every thread's values in
   * partition order.
   */
  private async perPartition<T>(req: Omit<RangeBoundsStep | IndexOffsetsStep, 'type'>, token: string, rdd: RDD<T>, f: (data: readonly T[], partition: number) => unknown): Promise<unknown[]> {
    const own: [number, unknown][] = [];
    let failure: unknown;
    try {
      this.applyPrepared(req.prepared);
      for (const p of req.partitions) {
        await this.ensureShuffleBlocks(rdd as RDD<unknown>, p);
        own.push([p, runAsTask(() => f(new PartitionEvaluator(req.jobId, req.stageId, p).evaluate(rdd, p), p))]);
        this.tasksRun++;
      }
    } catch (e) {
      failure = e;
    }
    for (let w = 0; w < this.size; w++) {
      if (w === this.rank) continue;
      const msg: ValuesMessage = { type: 'values', token, from: this.rank, failed: failure !== undefined, values: failure === undefined ? own : [] };
      this.peers[w]!.postMessage(msg);
    }
    const messages = await this.receiveAll(token);
    if (failure !== undefined) throw failure;
    const all = own.slice();
    for (const m of messages) {
      if (m.failed) throw new PeerStageFailed(m.from);
      for (const v of (m as ValuesMessage).values) all.push([v[0], v[1]]);
    }
    all.sort((a, b) => a[0] - b[0]);
    return all.map((v) => v[1]);
  }

  /** Writes the owned partitions' checkpoint parts: those captured by the job, else computed now. */
  private async writeCheckpointParts(req: CheckpointPartsRequest): Promise<CheckpointPartsResult> {
    this.applyPrepared(req.prepared);
    const rdd = this.lookup(req.key, 'checkpoint');
    const checksums: [number, number][] = [];
    for (const p of req.partitions) {
      let data = rdd.checkpointData?.captured(p) ?? rdd.getStoredPartition(p);
      if (data === undefined) {
        await this.ensureShuffleBlocks(rdd, p);
        data = runAsTask(() => new PartitionEvaluator(-1, -1, p).evaluate(rdd, p));
        this.tasksRun++;
      }
      const bytes = encodeValues(data);
      await writeStagedFile(req.staging, stagedPartName(p), bytes);
      checksums.push([p, crc32(bytes)]);
      this.checkpointPartsWritten++;
    }
    return { checksums };
  }

  /** Runs a shuffle map stage; `whileWaiting` runs once its blocks went out, before its peers' are awaited. */
  private async shuffleMap(req: Omit<ShuffleMapRequest, 'id'>, whileWaiting?: () => void): Promise<undefined> {
    const token = `${req.jobId}:${req.stageId}`;
    const running = `${req.childKey}:${req.depIndex}`;
    let stageDone!: () => void;
    this.mapStagesRunning.set(running, new Promise<void>((resolve) => { stageDone = resolve; }));
    try {
      return await this.runShuffleMap(req, token, whileWaiting);
    } finally {
      this.mapStagesRunning.delete(running);
      stageDone();
    }
  }

  private async runShuffleMap(req: Omit<ShuffleMapRequest, 'id'>, token: string, whileWaiting?: () => void): Promise<undefined> {
    // Encoded for the peers only once every map partition ran, in one synchronous pass right
    // before the posts: no other step's message to a peer can come between a block that
    // names a key by slot and the one that sent the key (see exchange-key-dictionary.ts).
    const pending: { m: number; j: number; bucket: PartitionData }[][] = Array.from({ length: this.size }, () => []);
    let outgoing: { m: number; j: number; block: EncodedBlock }[][] = [];
    let buffers: ArrayBuffer[][] = [];
    let failure: unknown;
    let dep: ShuffleDependency | undefined;
    try {
      this.applyPrepared(req.prepared);
      const child = this.lookup(req.childKey, 'shuffle');
      const d = child.dependencies[req.depIndex];
      if (!(d instanceof ShuffleDependency)) throw new Error(`Worker ${this.rank}: dependency ${req.depIndex} of ${child.toString()} is not a shuffle (the replicated graphs differ)`);
      dep = d;
      const numReduce = d.partitioner.numPartitions;
      for (const m of req.partitions) {
        await this.ensureShuffleBlocks(d.rdd as RDD<unknown>, m);
        let buckets: PartitionData[];
        try {
          buckets = runAsTask(() => this.mapSideBuckets(d, m, new PartitionEvaluator(req.jobId, req.stageId, m)));
        } catch (e) {
          if (e instanceof RDDComputeError) throw e;
          throw new RDDComputeError(child.describeForError(), m, 'shuffle (map side of) map', e);
        }
        this.tasksRun++;
        const local = new Array<PartitionData>(numReduce);
        for (let j = 0; j < numReduce; j++) {
          const owner = j % this.size;
          if (owner === this.rank) local[j] = keptBucket(buckets[j]!);
          else pending[owner]!.push({ m, j, bucket: buckets[j]! });
        }
        d.mapOutputs[m] = local;
      }
      ({ outgoing, buffers } = this.encodeForPeers(pending));
    } catch (e) {
      failure = e;
    }
    // Every peer waits for one message from every worker per stage, failed or not.
    for (let w = 0; w < this.size; w++) {
      if (w === this.rank) continue;
      const msg: BlocksMessage = { type: 'blocks', token, from: this.rank, failed: failure !== undefined, blocks: failure === undefined ? outgoing[w]! : [] };
      this.peers[w]!.postMessage(msg, failure === undefined ? buffers[w]! : []);
    }
    if (failure === undefined) whileWaiting?.();
    const messages = await this.receiveAll(token);
    if (failure !== undefined) throw failure;
    const failedPeer = messages.find((m) => m.failed);
    if (failedPeer !== undefined) throw new PeerStageFailed(failedPeer.from);
    const numReduce = dep!.partitioner.numPartitions;
    for (const msg of messages as BlocksMessage[]) {
      for (const { m, j, block } of msg.blocks) {
        let out = dep!.mapOutputs[m];
        if (out === undefined) dep!.mapOutputs[m] = out = new Array<unknown[]>(numReduce);
        out[j] = decodeBlockData(block);
      }
    }
    return undefined;
  }

  /**
   * The buckets of map partition `m` of `dep`: computed ahead by a sibling's stage, or now.
   * When `dep` is in a map-side group (the worker grouped the batch's shuffles as the driver
   * does on one thread), the group's base partition is evaluated once and not stored, and
   * every sibling without an output for `m` here gets its buckets computed from it too, kept
   * for its own stage (so the base partition, the book's parsed orders, lives for one task
   * instead of from the batch's first job to its last). A sibling that fails is left out: its
   * own stage computes it again and fails there, as it would have.
   */
  private mapSideBuckets(dep: ShuffleDependency, m: number, ev: PartitionEvaluator): PartitionData[] {
    const ahead = this.aheadOutputs.get(dep);
    const done = ahead?.get(m);
    if (done !== undefined) {
      ahead!.delete(m);
      if (ahead!.size === 0) this.aheadOutputs.delete(dep);
      this.mapSidesAhead.taken++;
      const pass = done.pass;
      if (pass?.deltas !== undefined) {
        // What the pass's user functions added to accumulators counts in the job that first
        // takes one of its outputs, as it would have had that job computed them.
        applyAccumulatorUpdates(this.accumulators(), pass.deltas);
        pass.deltas = undefined;
      }
      return done.buckets;
    }
    const group = dep.mapSideGroup;
    if (group === undefined || group.base.checkpointData !== undefined || fusedChain(dep.rdd).base !== group.base) return runShuffleMapTask(dep, m, ev);
    const base = ev.evaluateData(group.base, m, false);
    const out = mapSideOutput(dep, fusedChain(dep.rdd), m, base);
    this.siblingsAhead(group, dep, m, base, undefined);
    return out;
  }

  /**
   * Computes, from `base` (partition `m` of `group.base`), the buckets of every shuffle of the
   * group other than `except` that has no output for `m` yet, and keeps them for their own
   * stages. A sibling whose map side throws is left out: its own stage runs it again and
   * fails there, as it would have.
   */
  private siblingsAhead(group: MapSideGroup, except: ShuffleDependency | undefined, m: number, base: PartitionData, pass: AheadPass | undefined): ShuffleDependency[] {
    const done: ShuffleDependency[] = [];
    for (const s of group.deps) {
      if (s === except || s.mapOutputs[m] !== undefined || this.aheadOutputs.get(s)?.has(m) === true) continue;
      let buckets: PartitionData[];
      try {
        // Its additions count with the pass only if it succeeds (its own stage runs it again otherwise).
        buckets = runAsTask(() => mapSideOutput(s, fusedChain(s.rdd), m, base));
      } catch (e) {
        log.debug(`Map side of shuffle ${s.shuffleId} failed ahead of its stage in worker ${this.rank}; its own stage runs it again (${e instanceof Error ? e.message : String(e)})`);
        continue;
      }
      this.keepAhead(s, m, buckets, pass);
      done.push(s);
    }
    return done;
  }

  private keepAhead(dep: ShuffleDependency, m: number, buckets: PartitionData[], pass: AheadPass | undefined): void {
    let list = this.aheadOutputs.get(dep);
    if (list === undefined) this.aheadOutputs.set(dep, (list = new Map()));
    list.set(m, { buckets, pass });
    this.mapSidesAhead.computed++;
    if (pass !== undefined) this.mapSidesAhead.atBatch++;
  }

  /**
   * Right after a batch was generated here, before the driver asks for any of its stages (the
   * driver meanwhile records the batch's checkpoint and plans its first job): computes the map
   * sides this thread owns of the batch's shuffles that need nothing it does not hold (no
   * other shuffle's blocks, no peer's partition, no preparation such as a sort's sampling), and
   * keeps their buckets for the stages that will ask for them (which then only exchange
   * them). Each map side still runs once per record: a shuffle's stage takes what was
   * computed here; the shuffles of a map-side group are computed in one pass over the group's
   * base partition, as the group's first stage does. Accumulator updates made here are
   * reported with the reply of the job that first takes one of the outputs. A map side that
   * throws is left to its own stage, which runs it again and fails there as it would have.
   * What no stage took is dropped with the batch ({@link forgetBatchAhead}).
   */
  computeBatchAhead(time: number, roots: readonly RDD<unknown>[]): [number, number][] {
    let shuffles: [ShuffleDependency, RDD<unknown>][];
    try {
      shuffles = this.batchShuffles(roots);
    } catch (e) {
      // An optimisation only: the stages compute everything as they would have.
      log.debug(`Worker ${this.rank} computes nothing of batch ${time} ms ahead (${e instanceof Error ? e.message : String(e)})`);
      return [];
    }
    if (shuffles.length === 0) return [];
    let kept = this.aheadByBatch.get(time);
    if (kept === undefined) this.aheadByBatch.set(time, (kept = new Set()));
    const before = this.drainAccumulators();
    try {
      for (const [dep] of shuffles) {
        try {
          this.depAhead(dep, kept);
        } catch (e) {
          // An optimisation only: the stages compute what is missing as they would have.
          this.drainAccumulators();
          log.debug(`Worker ${this.rank} computes shuffle ${dep.shuffleId}'s map side of batch ${time} ms in its stage (${e instanceof Error ? e.message : String(e)})`);
        }
      }
    } finally {
      applyAccumulatorUpdates(this.accumulators(), before);
    }
    // With accumulators the driver sends every output's job on its own, stages included
    // (an update must count in the job that makes it): nothing to exchange ahead then.
    return this.accumulators().length === 0 ? this.exchangeAhead(time, shuffles) : [];
  }

  /**
   * Sends each peer its buckets of the shuffles whose every map partition owned here was
   * computed ahead (one message per shuffle, token `ahead:<time>:<child key>:<dependency>`);
   * returns those shuffles. When every worker sent a shuffle's buckets this way, the driver
   * does not send its map stage: the request that reads it installs them
   * ({@link installAhead}). Otherwise its stage runs as before, and what was sent is dropped
   * with the batch.
   */
  private exchangeAhead(time: number, shuffles: readonly [ShuffleDependency, RDD<unknown>][]): [number, number][] {
    const sent: [number, number][] = [];
    for (const [dep, child] of shuffles) {
      const childKey = this.registry.keyOf(child);
      const ahead = this.aheadOutputs.get(dep);
      if (childKey === undefined) continue;
      const n = dep.rdd.getNumPartitions();
      let complete = true;
      for (let m = this.rank; m < n && complete; m += this.size) if (dep.mapOutputs[m] !== undefined || ahead?.has(m) !== true) complete = false;
      if (!complete) continue;
      const depIndex = child.dependencies.indexOf(dep);
      const pending: { m: number; j: number; bucket: PartitionData }[][] = Array.from({ length: this.size }, () => []);
      const numReduce = dep.partitioner.numPartitions;
      let outgoing: { m: number; j: number; block: EncodedBlock }[][];
      let buffers: ArrayBuffer[][];
      try {
        for (let m = this.rank; m < n; m += this.size) {
          const buckets = ahead!.get(m)!.buckets;
          for (let j = 0; j < numReduce; j++) {
            const owner = j % this.size;
            if (owner !== this.rank) pending[owner]!.push({ m, j, bucket: buckets[j]! });
          }
        }
        ({ outgoing, buffers } = this.encodeForPeers(pending));
      } catch (e) {
        log.debug(`Worker ${this.rank} exchanges shuffle ${dep.shuffleId} of batch ${time} ms in its stage (${e instanceof Error ? e.message : String(e)})`);
        continue;
      }
      const token = `ahead:${time}:${childKey}:${depIndex}`;
      for (let w = 0; w < this.size; w++) {
        if (w === this.rank) continue;
        const msg: BlocksMessage = { type: 'blocks', token, from: this.rank, failed: false, blocks: outgoing[w]! };
        this.peers[w]!.postMessage(msg, buffers[w]!);
      }
      sent.push([childKey, depIndex]);
    }
    return sent;
  }

  /**
   * Each peer's buckets encoded for it (by key slot where the bucket has them), with the
   * buffers to transfer; what the peers were recorded to know is forgotten when an encoding
   * fails (nothing is sent then). Must be posted before anything else is encoded for a peer.
   */
  private encodeForPeers(pending: readonly (readonly { m: number; j: number; bucket: PartitionData }[])[]): { outgoing: { m: number; j: number; block: EncodedBlock }[][]; buffers: ArrayBuffer[][] } {
    const outgoing: { m: number; j: number; block: EncodedBlock }[][] = Array.from({ length: this.size }, () => []);
    const buffers: ArrayBuffer[][] = Array.from({ length: this.size }, () => []);
    try {
      for (let w = 0; w < this.size; w++) {
        const dictionary = { sent: this.sentKeys, peer: w };
        for (const { m, j, bucket } of pending[w]!) outgoing[w]!.push({ m, j, block: encodeBlock(bucket, buffers[w]!, dictionary) });
      }
    } catch (e) {
      for (let w = 0; w < this.size; w++) this.sentKeys.forgetPeer(w);
      throw e;
    }
    return { outgoing, buffers };
  }

  /**
   * The shuffles `[batch time, child key, dependency]` every worker computed and exchanged
   * ahead ({@link exchangeAhead}), whose map stages the driver did not send: this thread takes
   * its own buckets (and their accumulator updates) and its peers' blocks, as their stages
   * would have.
   */
  private async installAhead(list: readonly (readonly [number, number, number])[], whileWaiting: () => void): Promise<void> {
    let waited = false;
    for (const [time, childKey, depIndex] of list) {
      const child = this.lookup(childKey, 'shuffle');
      const dep = child.dependencies[depIndex];
      if (!(dep instanceof ShuffleDependency)) throw new Error(`Worker ${this.rank}: dependency ${depIndex} of ${child.toString()} is not a shuffle (the replicated graphs differ)`);
      const running = `${childKey}:${depIndex}`;
      let stageDone!: () => void;
      this.mapStagesRunning.set(running, new Promise<void>((resolve) => { stageDone = resolve; }));
      try {
        const n = dep.rdd.getNumPartitions();
        const numReduce = dep.partitioner.numPartitions;
        for (let m = this.rank; m < n; m += this.size) {
          if (this.aheadOutputs.get(dep)?.has(m) !== true) throw new Error(`Worker ${this.rank}: map partition ${m} of ${child.toString()} was not computed ahead (internal scheduler error)`);
          const buckets = this.mapSideBuckets(dep, m, new PartitionEvaluator(-1, -1, m));
          this.tasksRun++;
          const local = new Array<PartitionData>(numReduce);
          for (let j = this.rank; j < numReduce; j += this.size) local[j] = keptBucket(buckets[j]!);
          dep.mapOutputs[m] = local;
        }
        if (!waited) {
          waited = true;
          whileWaiting();
        }
        for (const msg of await this.receiveAll(`ahead:${time}:${childKey}:${depIndex}`)) {
          if (msg.failed) throw new PeerStageFailed(msg.from);
          for (const { m, j, block } of (msg as BlocksMessage).blocks) {
            let out = dep.mapOutputs[m];
            if (out === undefined) dep.mapOutputs[m] = out = new Array<unknown[]>(numReduce);
            out[j] = decodeBlockData(block);
          }
        }
      } finally {
        this.mapStagesRunning.delete(running);
        stageDone();
      }
    }
  }

  /** {@link computeBatchAhead} for one shuffle: each map partition owned here, in its own pass. */
  private depAhead(dep: ShuffleDependency, kept: Set<ShuffleDependency>): void {
    const n = dep.rdd.getNumPartitions();
    const group = dep.mapSideGroup;
    const grouped = group !== undefined && group.base.checkpointData === undefined && fusedChain(dep.rdd).base === group.base;
    for (let m = this.rank; m < n; m += this.size) {
      if (dep.mapOutputs[m] !== undefined || this.aheadOutputs.get(dep)?.has(m) === true) continue;
      if (!this.readyHere(grouped ? group.base : dep.rdd as RDD<unknown>, m)) continue;
      const pass: AheadPass = { deltas: undefined };
      try {
        // A task: a pass that throws adds nothing (see task-updates.ts).
        runAsTask(() => {
          if (grouped) {
            const base = new PartitionEvaluator(-1, -1, m).evaluateData(group.base, m, false);
            for (const s of this.siblingsAhead(group, undefined, m, base, pass)) kept.add(s);
          } else {
            this.keepAhead(dep, m, runShuffleMapTask(dep, m, new PartitionEvaluator(-1, -1, m)), pass);
            kept.add(dep);
          }
        });
        pass.deltas = this.drainAccumulators();
      } catch (e) {
        // Left to the stage, which computes it again (and fails there): nothing counted twice.
        this.drainAccumulators();
        log.debug(`Map side of shuffle ${dep.shuffleId}, partition ${m}, failed ahead of its stage in worker ${this.rank}; its own stage runs it again (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  }

  /** Drops the outputs {@link computeBatchAhead} kept for batch `time` that no stage took. */
  forgetBatchAhead(time: number): void {
    for (const d of this.aheadByBatch.get(time) ?? []) this.aheadOutputs.delete(d);
    this.aheadByBatch.delete(time);
    // Buckets peers sent ahead for shuffles whose stages ran instead.
    const prefix = `ahead:${time}:`;
    for (const token of this.received.keys()) if (token.startsWith(prefix)) this.received.delete(token);
    this.aheadLists.delete(time);
    this.received.delete(`aheadList:${time}`);
    this.receivedWaiters.delete(`aheadList:${time}`);
    this.forgottenUpTo = Math.max(this.forgottenUpTo, time);
  }

  /**
   * The shuffles read by the lineage of `roots` whose map outputs this thread lacks, stopping
   * at RDDs stored (every partition owned here) or checkpointed, and leaving out those whose
   * partitioner must first be prepared (a sort's range bounds, sampled inside the job).
   */
  private batchShuffles(roots: readonly RDD<unknown>[]): [ShuffleDependency, RDD<unknown>][] {
    const out: [ShuffleDependency, RDD<unknown>][] = [];
    const listed = new Set<ShuffleDependency>();
    const seen = new Set<RDD<unknown>>();
    const stack = roots.slice();
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (seen.has(r)) continue;
      seen.add(r);
      if (r.isCheckpointed || this.storedHere(r)) continue;
      for (const d of r.dependencies) {
        if (d instanceof ShuffleDependency && d.partitioner.prepare === undefined && !listed.has(d)) {
          listed.add(d);
          out.push([d, r]);
        }
        stack.push(d.rdd as RDD<unknown>);
      }
    }
    return out;
  }

  /**
   * Whether partition `split` of `root` can be computed here now without waiting: every
   * partition its narrow lineage reads is stored, or computable from inputs this thread holds
   * and shuffle blocks it has, with no preparation pending (zipWithIndex's offsets).
   */
  private readyHere(root: RDD<unknown>, split: number): boolean {
    const walk = narrowLineage(root, split);
    for (let node = walk.next(true); !node.done;) {
      const [rdd, s] = node.value;
      let walkOn = true;
      if (rdd.getStoredPartition(s) !== undefined || rdd.isCheckpointed) walkOn = false;
      else if (rdd instanceof OwnedPartitionsRDD) {
        if (!rdd.holds(s)) return false;
        walkOn = false;
      } else if (rdd instanceof ZippedWithIndexRDD && rdd.needsOffsets) return false;
      else {
        for (const dep of rdd.dependencies) {
          if (dep instanceof NarrowDependency) continue;
          if (!(dep instanceof ShuffleDependency)) return false;
          const n = dep.rdd.getNumPartitions();
          for (let m = 0; m < n; m++) if (dep.mapOutputs[m]?.[s] === undefined) return false;
        }
      }
      node = walk.next(walkOn);
    }
    return true;
  }

  /** Drops what was computed ahead for the shuffles of `group` (its batch is over). */
  forgetMapSideGroup(group: MapSideGroup): void {
    for (const d of group.deps) this.aheadOutputs.delete(d);
  }

  private receiveAll(token: string): Promise<(BlocksMessage | ValuesMessage)[]> {
    const expected = this.size - 1;
    const done = (): (BlocksMessage | ValuesMessage)[] | undefined => {
      const list = this.received.get(token) ?? [];
      if (list.length < expected) return undefined;
      this.received.delete(token);
      this.receivedWaiters.delete(token);
      return list;
    };
    const now = done();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      this.receivedWaiters.set(token, () => {
        const r = done();
        if (r !== undefined) resolve(r);
      });
    });
  }

  /**
   * Before computing partition `split` of `root`: every shuffle block its narrow lineage reads
   * that this thread does not hold (a reduce partition owned by another worker) is fetched.
   */
  private async ensureShuffleBlocks(root: RDD<unknown>, split: number): Promise<void> {
    const walk = narrowLineage(root, split);
    for (let node = walk.next(true); !node.done;) {
      const [rdd, s] = node.value;
      let walkOn = true;
      if (rdd.getStoredData(s) !== undefined) walkOn = false;
      else if (rdd instanceof OwnedPartitionsRDD && !rdd.isCheckpointed) {
        if (!rdd.holds(s)) await this.fetchInput(rdd, s);
        walkOn = false;
      } else if (s % this.size !== this.rank && rdd.getStorageLevel().isValid && !rdd.isCheckpointed && await this.fetchStored(rdd, s)) {
        // A persisted partition owned by a peer: its stored copy, when the owner has one (the
        // owner may have dropped the shuffle blocks it was computed from, see releaseCoveredShuffles).
        walkOn = false;
      } else {
        const deps = rdd.dependencies;
        for (let d = 0; d < deps.length; d++) {
          const dep = deps[d]!;
          if (dep instanceof ShuffleDependency) await this.ensureReduceBlocks(rdd, d, dep, s);
        }
      }
      node = walk.next(walkOn);
    }
  }

  private async ensureReduceBlocks(child: RDD<unknown>, depIndex: number, dep: ShuffleDependency, split: number): Promise<void> {
    const numMap = dep.rdd.getNumPartitions();
    let missing = false;
    for (let m = 0; m < numMap && !missing; m++) if (dep.mapOutputs[m]?.[split] === undefined) missing = true;
    if (!missing) return;
    const owner = split % this.size;
    const childKey = this.registry.keyOf(child);
    if (owner === this.rank || childKey === undefined) {
      throw new Error(`Worker ${this.rank}: the shuffle blocks of reduce partition ${split} of ${child.toString()} are missing (internal scheduler error: the map stage did not run in the workers)`);
    }
    const blocks = await this.askPeer(owner, (reqId): FetchMessage => ({ type: 'fetch', reqId, from: this.rank, childKey, depIndex, split }));
    for (let m = 0; m < numMap; m++) {
      const b = blocks[m];
      if (b === undefined) throw new Error(`Worker ${owner} has no shuffle block for map partition ${m}, reduce partition ${split} of ${child.toString()}`);
      let out = dep.mapOutputs[m];
      if (out === undefined) dep.mapOutputs[m] = out = new Array<unknown[]>(dep.partitioner.numPartitions);
      out[split] = decodeBlockData(b);
    }
  }

  /** Fetches partition `split` of an input RDD from the worker that owns (read or received) it. */
  private async fetchInput(rdd: OwnedPartitionsRDD<unknown>, split: number): Promise<void> {
    const owner = split % this.size;
    const key = this.registry.keyOf(rdd);
    if (owner === this.rank || key === undefined) {
      throw new Error(`Worker ${this.rank}: input partition ${split} of ${rdd.toString()} is missing (internal scheduler error: its owner did not generate it)`);
    }
    const blocks = await this.askPeer(owner, (reqId): FetchInputMessage => ({ type: 'fetchInput', reqId, from: this.rank, key, split }));
    const b = blocks[0];
    if (b === undefined) throw new Error(`Worker ${owner} sent no data for input partition ${split} of ${rdd.toString()}`);
    rdd.fill(split, decodeBlock(b));
  }

  /** Asks the owner of partition `split` of a persisted RDD for its stored copy, and stores it here; false when the owner has none. */
  private async fetchStored(rdd: RDD<unknown>, split: number): Promise<boolean> {
    const key = this.registry.keyOf(rdd);
    if (key === undefined) return false;
    const blocks = await this.askPeer(split % this.size, (reqId): FetchStoredMessage => ({ type: 'fetchStored', reqId, from: this.rank, key, split }));
    const b = blocks[0];
    if (b === undefined) return false;
    rdd.context.blockManager.put(rdd.id, split, decodeBlock(b));
    return true;
  }

  /**
   * Once a batch is over (no job of it runs any more): the map outputs of the shuffles below
   * the persisted RDDs of its lineage whose every partition owned here is stored are dropped,
   * as the driver's DAGScheduler drops them on one thread once such an RDD is stored in full
   * (the state stream's new pairs, otherwise kept in every worker until the state RDD is
   * forgotten, and collected as old objects). A peer that later needs a partition of such an
   * RDD it does not own takes the owner's stored copy (`fetchStored`) instead of the blocks.
   */
  releaseCoveredShuffles(roots: readonly RDD<unknown>[]): void {
    // [rdd, covered]: covered when it is stored here, or is only read (through narrow
    // dependencies) to compute an RDD that is.
    const stack: [RDD<unknown>, boolean][] = roots.map((r) => [r, false]);
    const seen = [new Set<RDD<unknown>>(), new Set<RDD<unknown>>()];
    while (stack.length > 0) {
      const [r, below] = stack.pop()!;
      if (this.releasedBelow.has(r)) continue;
      const stored = this.storedHere(r);
      const covered = below || stored;
      const visited = seen[covered ? 1 : 0]!;
      if (visited.has(r)) continue;
      visited.add(r);
      for (const d of r.dependencies) {
        if (d instanceof ShuffleDependency) {
          if (covered && d.mapOutputs.length > 0) d.clearMapOutputs();
          stack.push([d.rdd as RDD<unknown>, false]);
        } else {
          stack.push([d.rdd as RDD<unknown>, covered]);
        }
      }
      // Everything below a stored RDD was released: later walks stop there.
      if (stored) this.releasedBelow.add(r);
    }
  }

  /** Whether `rdd` is persisted with every partition this thread owns stored here. */
  private storedHere(rdd: RDD<unknown>): boolean {
    if (!rdd.getStorageLevel().isValid || rdd.isCheckpointed) return false;
    const n = rdd.getNumPartitions();
    if (n <= this.rank) return false;
    for (let p = this.rank; p < n; p += this.size) if (rdd.getStoredData(p) === undefined) return false;
    return true;
  }

  /** Sends a fetch to worker `owner` and waits for its `fetched` answer (rejected with the owner's error). */
  private askPeer(owner: number, message: (reqId: number) => FetchMessage | FetchInputMessage | FetchStoredMessage): Promise<readonly (EncodedBlock | undefined)[]> {
    const reqId = this.nextFetchId++;
    return new Promise((resolve, reject) => {
      this.fetches.set(reqId, { resolve, reject });
      this.peers[owner]!.postMessage(message(reqId));
    });
  }

  /** Answers a peer's fetch with the blocks `encode` makes (transferring their buffers), or with its error's message. */
  private answerPeer(req: FetchMessage | FetchInputMessage | FetchStoredMessage, encode: (transfer: ArrayBuffer[]) => (EncodedBlock | undefined)[]): void {
    const port = this.peers[req.from]!;
    try {
      const transfer: ArrayBuffer[] = [];
      const msg: FetchedMessage = { type: 'fetched', reqId: req.reqId, blocks: encode(transfer) };
      port.postMessage(msg, transfer);
    } catch (e) {
      const msg: FetchedMessage = { type: 'fetched', reqId: req.reqId, error: e instanceof Error ? e.message : String(e) };
      port.postMessage(msg);
    }
  }

  private answerInputFetch(req: FetchInputMessage): void {
    this.answerPeer(req, (transfer) => {
      const rdd = this.lookup(req.key, 'input fetch');
      if (!(rdd instanceof OwnedPartitionsRDD) || !rdd.holds(req.split)) throw new Error(`worker ${this.rank} does not hold input partition ${req.split} of ${rdd.toString()}`);
      return [encodeBlock(rdd.compute(req.split), transfer)];
    });
  }

  private answerStoredFetch(req: FetchStoredMessage): void {
    this.answerPeer(req, (transfer) => {
      const stored = this.registry.get(req.key)?.getStoredData(req.split);
      return stored === undefined ? [] : [encodeBlock(stored, transfer)];
    });
  }

  private answerFetch(req: FetchMessage): void {
    const running = this.mapStagesRunning.get(`${req.childKey}:${req.depIndex}`);
    if (running !== undefined) {
      void running.then(() => this.answerFetch(req));
      return;
    }
    this.answerPeer(req, (transfer) => {
      const child = this.lookup(req.childKey, 'shuffle fetch');
      const dep = child.dependencies[req.depIndex] as ShuffleDependency;
      const n = dep.rdd.getNumPartitions();
      const blocks: (EncodedBlock | undefined)[] = [];
      for (let m = 0; m < n; m++) {
        const b = dep.mapOutputs[m]?.[req.split];
        // Copy before encoding: the owner keeps its own records.
        blocks.push(b === undefined ? undefined : encodeBlock(b, transfer));
      }
      return blocks;
    });
  }
}

/**
 * The partitions that computing partition `split` of `root` reads through narrow
 * dependencies, each once, depth first: the caller answers each with `next(true)` to walk on
 * into its parents, `next(false)` to stop there (stored, held, or handled by the caller). One
 * walk for the worker's checks (`readyHere`, synchronous) and its fetches
 * (`ensureShuffleBlocks`, asynchronous), which differ only in what they do at each partition.
 */
function* narrowLineage(root: RDD<unknown>, split: number): Generator<readonly [RDD<unknown>, number], void, boolean> {
  const seen = new Set<string>();
  const stack: [RDD<unknown>, number][] = [[root, split]];
  while (stack.length > 0) {
    const [rdd, s] = stack.pop()!;
    const id = `${rdd.id}:${s}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!(yield [rdd, s])) continue;
    for (const dep of rdd.dependencies) {
      if (dep instanceof NarrowDependency) for (const ps of dep.getParents(s)) stack.push([dep.rdd as RDD<unknown>, ps]);
    }
  }
}

/** One pass of {@link WorkerExecutor.computeBatchAhead}: the accumulator updates it made, until a stage takes one of its outputs. */
interface AheadPass {
  deltas: AccumulatorUpdate[] | undefined;
}

/** Buckets of one map partition computed ahead of their stage; `pass` when computed at batch time. */
interface AheadOutput {
  readonly buckets: PartitionData[];
  readonly pass: AheadPass | undefined;
}

/** A peer's map tasks failed; the driver reports that worker's own error. @internal */
export class PeerStageFailed extends Error {
  override readonly name = 'PeerStageFailed';
  constructor(readonly peer: number) { super(`the map stage failed in worker ${peer}`); }
}

/** A bucket kept as this thread's map output: without the key slots that only sending it needed. */
function keptBucket(bucket: PartitionData): PartitionData {
  if (bucket instanceof PairColumns) bucket.keySlots = undefined;
  return bucket;
}
