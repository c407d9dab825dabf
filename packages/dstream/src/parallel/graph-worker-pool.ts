import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { HashPartitioner, OwnedPartitionsRDD, ReliableCheckpointRDD, ReplicatedRDDs, ShuffleDependency, Time, WorkerRpc, reviveError, type RDD, type SerializedError, type WorkerReply, type WorkerTaskScheduler } from '@kindling/core';
import type { DStream } from '../dstream/dstream.ts';
import type { DStreamGraph } from '../dstream/dstream-graph.ts';
import type { JobSet } from '../scheduler/job-set.ts';
import type { StreamInputInfo } from '../scheduler/stream-input-info.ts';
import { dstreamClasses } from '../dstream/registry.ts';
import type { StreamingContext } from '../streaming-context.ts';
import { GraphDivergenceError } from './graph-divergence-error.ts';
import { typeScriptLoaderFor, workerEntryUrl, workerExecArgv } from './worker-bootstrap.ts';
import { WorkerThreadPool, type PooledThread } from './worker-thread-pool.ts';

/** What a graph worker thread gets at start. @internal */
export interface GraphWorkerData {
  readonly rank: number;
  readonly size: number;
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly args: unknown;
  readonly conf: readonly (readonly [string, string])[];
  readonly batchMs: number;
  readonly peers: readonly (MessagePort | undefined)[];
}

/**
 * Posted on a pooled thread's own port to give it a context: it builds the graph and then talks
 * to the driver over `control` only (transferred with the peers' ports). @internal
 */
export interface ContextMessage {
  readonly type: 'context';
  readonly kindling: GraphWorkerData;
  readonly control: MessagePort;
}

/** Posted on a pooled thread's own port when its context is done: it drops the context and waits for the next. @internal */
export interface ReleaseMessage {
  readonly type: 'release';
}

/** A stream's RDD restored from a checkpoint, as the workers rebuild it. @internal */
export interface RestoredRDD {
  readonly stream: string;
  readonly time: number;
  readonly path: string;
  readonly numPartitions: number;
  readonly hashPartitions: number | undefined;
  /** The CRC-32 of every part, as recorded in the checkpoint (each part read is verified). */
  readonly checksums: readonly number[] | undefined;
}

/**
 * How much lineage a thread holds: the distinct RDDs reachable through dependencies from the
 * RDDs its streams still remember, and the longest dependency path among them. Checkpoints
 * cut lineages, so both stay bounded however many batches ran. @internal
 */
export interface LineageCounts {
  readonly rdds: number;
  readonly depth: number;
}

/** The driver's message announcing a generated batch. @internal */
export interface BatchMessage {
  readonly type: 'batch';
  readonly time: number;
  readonly zeroTime: number;
  readonly startTime: number;
  /** `[input stream index, batch time, description]` of replayable inputs not sent before. */
  readonly inputs: readonly (readonly [number, number, unknown])[];
  /** `[root stream index, time]` of the root streams' RDDs generated since the last batch, in key order. */
  readonly generated: readonly (readonly [number, number])[];
  /** First batch only: the setup the workers copy. */
  readonly setup?: BatchSetup;
  /**
   * Receiver data: `[input stream index, batch time, partitions]` of the receiver streams' RDDs
   * generated since the last batch, with only the partitions the addressed worker owns filled.
   */
  readonly blocks: readonly (readonly [number, number, readonly (readonly unknown[] | undefined)[]])[];
  /**
   * The driver's fingerprint of the RDDs it numbered for this batch (one line per RDD). The
   * worker compares its own with it before it answers anything else: a worker whose lines
   * differ refuses every task from then on, so the driver can send a job's stages right
   * after the batch without waiting for the worker's answer, and no wrong data is computed.
   */
  readonly expect: readonly string[];
}

/**
 * What a worker read for a batch from the inputs it reads itself (file streams: the files of
 * the partitions it owns): `[input stream index, records, files read, problems]`. @internal
 */
export type OwnedInputInfo = readonly [number, number, readonly string[], readonly { readonly path: string; readonly reason: string }[]];

/**
 * Posted by every worker once per announced batch, after it computed what it could of the
 * batch's map sides ahead: the shuffles `[child key, dependency index]` whose buckets it sent
 * its peers then. @internal
 */
export interface AheadReport {
  readonly type: 'ahead';
  readonly time: number;
  readonly shuffles: readonly (readonly [number, number])[];
}

/** A worker's answer to a batch message. @internal */
export interface BatchReply {
  /**
   * The fingerprint of the RDDs it generated (one line per newly numbered RDD) when it differs
   * from the driver's ({@link BatchMessage.expect}); absent when they are equal.
   */
  readonly lines?: readonly string[];
  readonly inputs: readonly OwnedInputInfo[];
}

/** The {@link OwnedInputInfo}s a worker reports for batch `time`. @internal */
export function ownedInputInfos(ssc: StreamingContext, time: number): OwnedInputInfo[] {
  const out: OwnedInputInfo[] = [];
  const infos = ssc.scheduler.inputInfoTracker.getInfo(new Time(time));
  ssc.graph.inputStreams.forEach((s, i) => {
    if (!(s instanceof dstreamClasses.FileInputDStream)) return;
    const info = infos.get(s.id);
    if (info === undefined) return;
    const meta = info.metadata as { files?: string[]; problems?: { path: string; reason: string }[] };
    out.push([i, info.numRecords, meta.files ?? [], meta.problems ?? []]);
  });
  return out;
}

/** What the workers copy from the driver before their first batch. @internal */
export interface BatchSetup {
  /**
   * The graph's streams that the driver's output operations read (directly, or through
   * streams built outside the graph module), by name: the workers generate their RDDs.
   */
  readonly roots: readonly string[];
  /** Every graph stream's remember duration on the driver (outputs added outside the module may extend it). */
  readonly remember: readonly (readonly [string, number])[];
  /** The RDDs restored from a checkpoint. */
  readonly restored: readonly RestoredRDD[];
  readonly checkpointDir: string | undefined;
}

/** The RDD each stream generated for `time`. @internal */
export function streamsByRDD(graph: DStreamGraph, time: number, only?: ReadonlySet<string>): Map<RDD<unknown>, string> {
  const out = new Map<RDD<unknown>, string>();
  for (const s of graph.createdStreams) {
    if (only !== undefined && !only.has(s.name())) continue;
    const r = s.generatedRDDs.get(time);
    if (r !== undefined && !out.has(r)) out.set(r, s.name());
  }
  return out;
}

/**
 * The driver's side of the worker threads of a replicated graph, for one context: takes them
 * from the process's {@link WorkerThreadPool} (each imports the graph module and builds the
 * same graph), checks their graphs against the driver's,
 * announces every generated batch (with its replayable input descriptions) and checks the
 * fingerprint each worker sends back, tells them when a batch completed, and gives them back
 * to the pool when the context's SparkContext stops.
 * @internal
 */
export class GraphWorkerPool {
  readonly registry = new ReplicatedRDDs();
  private readonly checks = new Set<Promise<void>>();
  private failure: Error | undefined;
  /** The scheduler running this pool's tasks, once installed. */
  taskScheduler: WorkerTaskScheduler | undefined;
  private roots: DStream<unknown>[] | undefined;
  private readonly sentInputs = new Map<number, Set<number>>();
  private readonly sentBlocks = new Map<number, Set<number>>();
  private graph: DStreamGraph | undefined;
  /** The batches announced and not completed yet. */
  private readonly jobSets = new Map<number, JobSet>();

  private constructor(readonly threads: readonly PooledThread[], readonly rpc: WorkerRpc, private readonly controls: readonly MessagePort[], private readonly graphStreams: ReadonlySet<string>, private readonly idleTimeoutMs: number) {
    this.workers = threads.map((t) => t.worker);
  }

  /** The worker threads, by rank. */
  readonly workers: readonly Worker[];

  /**
   * Takes `threads` worker threads from the process's {@link WorkerThreadPool} (warm ones
   * first), has each import the graph module and build the same graph, and waits until each has
   * (checked against `streams`). Each thread talks to this context over its own control port
   * and to its peers over ports made for this context, so nothing of an earlier context reaches
   * this one.
   */
  static async start(o: { moduleUrl: URL; exportName: string; args: unknown; threads: number; conf: readonly (readonly [string, string])[]; batchMs: number; streams: readonly string[]; idleTimeoutMs: number }): Promise<GraphWorkerPool> {
    const entry = workerEntryUrl();
    const spec = { entry: entry.href, tsLoader: typeScriptLoaderFor([entry, o.moduleUrl]), execArgv: workerExecArgv() };
    const n = o.threads;
    const peers: (MessagePort | undefined)[][] = Array.from({ length: n }, () => new Array<MessagePort | undefined>(n).fill(undefined));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ch = new MessageChannel();
        peers[i]![j] = ch.port1;
        peers[j]![i] = ch.port2;
      }
    }
    const channels = Array.from({ length: n }, () => new MessageChannel());
    const controls = channels.map((c) => c.port1);
    const rpc = new WorkerRpc(controls);
    const readiness = Array.from({ length: n }, () => {
      let resolve!: (streams: readonly string[]) => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<readonly string[]>((res, rej) => { resolve = res; reject = rej; });
      return { promise, resolve, reject, ready: false };
    });
    let pool: GraphWorkerPool | undefined;
    const threads = WorkerThreadPool.shared.acquire(n, spec, (rank) => ({
      onMessage: (m) => {
        const failed = m as { type?: string; error?: SerializedError };
        if (failed.type === 'buildFailed') readiness[rank]!.reject(new Error(`Worker thread ${rank} could not build the graph: ${failed.error?.message}`, { cause: failed.error === undefined ? undefined : reviveError(failed.error, rank) }));
      },
      onError: (e) => {
        if (!readiness[rank]!.ready) readiness[rank]!.reject(new Error(`Worker thread ${rank} failed while building the graph: ${e.message}`, { cause: e }));
        rpc.workerLost(rank, `${e.name}: ${e.message}`);
        pool?.settleAheadReports();
      },
      onExit: (code) => {
        if (!readiness[rank]!.ready) readiness[rank]!.reject(new Error(`Worker thread ${rank} exited with code ${code} while building the graph`));
        if (pool?.released !== true) rpc.workerLost(rank, `exited with code ${code}`);
        pool?.settleAheadReports();
      },
    }));
    pool = new GraphWorkerPool(threads, rpc, controls, new Set(o.streams), o.idleTimeoutMs);
    for (let rank = 0; rank < n; rank++) {
      const r = readiness[rank]!;
      controls[rank]!.on('message', (m: { type?: string; streams?: string[]; error?: SerializedError }) => {
        if (rpc.onMessage(m)) return;
        if (m.type === 'ahead') {
          pool?.onAheadReport(m as AheadReport);
        } else if (m.type === 'buildFailed') {
          r.reject(new Error(`Worker thread ${rank} could not build the graph: ${m.error?.message}`, { cause: m.error === undefined ? undefined : reviveError(m.error, rank) }));
        } else if (m.type === 'ready') {
          r.ready = true;
          r.resolve(m.streams ?? []);
        }
      });
      const kindling: GraphWorkerData = { rank, size: n, moduleUrl: o.moduleUrl.href, exportName: o.exportName, args: o.args, conf: o.conf, batchMs: o.batchMs, peers: peers[rank]! };
      const transferList = [channels[rank]!.port2, ...peers[rank]!.filter((p): p is MessagePort => p !== undefined)];
      const message: ContextMessage = { type: 'context', kindling, control: channels[rank]!.port2 };
      threads[rank]!.worker.postMessage(message, transferList);
    }
    try {
      await Promise.all(readiness.map(async (r, rank) => pool.checkStreams(rank, await r.promise, o.streams)));
    } catch (e) {
      pool.terminate();
      throw e;
    }
    return pool;
  }

  /**
   * Throws when the driver's graph has an input stream the graph module did not build (one
   * created in the main program): the workers have no such input, so they could read none of
   * its batches. Called by `start()`, before any batch.
   */
  checkInputsBuiltByModule(graph: DStreamGraph): void {
    const outside = graph.inputStreams.filter((s) => !this.graphStreams.has(s.name())).map((s) => s.name());
    if (outside.length === 0) return;
    throw new Error(
      `${outside.join(', ')}: ${outside.length === 1 ? 'an input stream' : 'input streams'} created outside the graph module; under local[N] the graph module's worker threads read every input, and they have none of ${outside.length === 1 ? 'it' : 'them'}. ` +
      'Create every input stream inside the graph module (transformations and output operations of its streams may stay in the main program), or build the graph inline to run on one thread.',
    );
  }

  private checkStreams(rank: number, theirs: readonly string[], streams: readonly string[]): void {
    for (let i = 0; i < Math.max(theirs.length, streams.length); i++) {
      if (theirs[i] !== streams[i]) throw new GraphDivergenceError(undefined, streams[i] ?? theirs[i]!, rank, streams[i] ?? '(no stream)', theirs[i] ?? '(no stream)');
    }
  }

  /** Announces a generated batch to every worker and checks their fingerprints against the driver's. */
  onJobSetCreated(ssc: StreamingContext, jobSet: JobSet): void {
    const time = jobSet.time.milliseconds;
    this.jobSets.set(time, jobSet);
    const graph = ssc.graph;
    this.graph = graph;
    let setup: BatchSetup | undefined;
    if (this.roots === undefined) {
      this.roots = rootStreams(graph, this.graphStreams);
      setup = {
        roots: this.roots.map((r) => r.name()),
        remember: graph.createdStreams.filter((s) => this.graphStreams.has(s.name())).map((s) => [s.name(), s.rememberDuration?.milliseconds ?? 0] as const),
        restored: restoredRDDs(graph),
        checkpointDir: ssc.checkpointDir,
      };
    }
    const generated: [number, number][] = [];
    const rdds: RDD<unknown>[] = [];
    this.roots.forEach((stream, i) => {
      for (const [t, rdd] of stream.generatedRDDs) {
        if (this.registry.keyOf(rdd as RDD<unknown>) !== undefined) continue;
        generated.push([i, t]);
        rdds.push(rdd as RDD<unknown>);
      }
    });
    const byRDD = streamsByRDD(graph, time, this.graphStreams);
    const lines = this.registry.register(rdds, (r) => byRDD.get(r));
    const inputs: [number, number, unknown][] = [];
    graph.inputStreams.forEach((s, i) => {
      let sent = this.sentInputs.get(i);
      if (sent === undefined) this.sentInputs.set(i, (sent = new Set()));
      for (const [t, d] of s.assignedInputs()) {
        if (sent.has(t)) continue;
        sent.add(t);
        inputs.push([i, t, d]);
      }
      for (const t of sent) if (!s.assignedInputs().has(t)) sent.delete(t);
    });
    const blocks = this.receivedBlocks(graph);
    for (let w = 0; w < this.workers.length; w++) {
      const message: BatchMessage = { type: 'batch', time, zeroTime: graph.zeroTime!.milliseconds, startTime: graph.startTime!.milliseconds, inputs, generated, setup, blocks: blocks[w]!, expect: lines };
      const check = this.rpc.request(w, message as unknown as Record<string, unknown>).then((reply) => this.compare(jobSet, w, lines, reply));
      const tracked: Promise<void> = check.then(
        () => { this.checks.delete(tracked); },
        (e: unknown) => {
          this.failure ??= e as Error;
          this.checks.delete(tracked);
        },
      );
      this.checks.add(tracked);
    }
  }

  /**
   * Per worker, the receiver blocks of the partitions it owns (partition `p` -> worker
   * `p mod N`) of every receiver stream RDD generated since the last batch: the receivers run
   * here, and each block goes to its owner only.
   */
  private receivedBlocks(graph: DStreamGraph): [number, number, (readonly unknown[] | undefined)[]][][] {
    const n = this.workers.length;
    const out: [number, number, (readonly unknown[] | undefined)[]][][] = Array.from({ length: n }, () => []);
    graph.inputStreams.forEach((s, i) => {
      if (!(s instanceof dstreamClasses.ReceiverInputDStream)) return;
      let sent = this.sentBlocks.get(i);
      if (sent === undefined) this.sentBlocks.set(i, (sent = new Set()));
      for (const [t, rdd] of s.generatedRDDs) {
        if (sent.has(t) || !(rdd instanceof OwnedPartitionsRDD)) continue;
        sent.add(t);
        const parts = rdd.getNumPartitions();
        for (let w = 0; w < n; w++) {
          const mine = new Array<readonly unknown[] | undefined>(parts).fill(undefined);
          for (let p = w; p < parts; p += n) mine[p] = rdd.compute(p) as readonly unknown[];
          out[w]!.push([i, t, mine]);
        }
      }
      for (const t of sent) if (!s.generatedRDDs.has(t)) sent.delete(t);
    });
    return out;
  }

  private compare(jobSet: JobSet, worker: number, lines: readonly string[], reply: WorkerReply): void {
    if (!reply.ok) {
      throw new GraphDivergenceError(jobSet.time, '(generating the batch)', worker, 'generated its RDDs', `failed: ${reply.error?.message}`);
    }
    const result = reply.result as BatchReply;
    const theirs = result.lines;
    if (theirs !== undefined) {
      for (let i = 0; i < Math.max(theirs.length, lines.length); i++) {
        if (theirs[i] === lines[i]) continue;
        const ours = lines[i] ?? theirs[i]!;
        const stream = ours.slice(ours.lastIndexOf('@') + 1);
        throw new GraphDivergenceError(jobSet.time, stream, worker, lines[i] ?? '(no RDD)', theirs[i] ?? '(no RDD)');
      }
      throw new GraphDivergenceError(jobSet.time, '(generating the batch)', worker, 'the same RDDs', 'reported a difference');
    }
    this.addOwnedInputs(jobSet, result.inputs);
  }

  /**
   * Adds what a worker read for the batch to its input infos (the driver read nothing):
   * records add up; files a worker could not read move from `files` to `problems`.
   */
  private addOwnedInputs(jobSet: JobSet, inputs: readonly OwnedInputInfo[]): void {
    if (inputs.length === 0 || this.graph === undefined) return;
    const infos = jobSet.inputInfos as Map<number, StreamInputInfo>;
    for (const [index, records, , problems] of inputs) {
      const id = this.graph.inputStreams[index]!.id;
      const cur = infos.get(id);
      const meta = (cur?.metadata ?? {}) as { files?: string[]; problems?: { path: string; reason: string }[] };
      const unreadable = new Set(problems.map((p) => p.path));
      infos.set(id, {
        inputStreamId: id,
        numRecords: (cur?.numRecords ?? 0) + records,
        metadata: { ...meta, files: (meta.files ?? []).filter((f) => !unreadable.has(f)), problems: [...(meta.problems ?? []), ...problems] },
      });
    }
  }

  /** Resolves once every announced batch was checked; throws the first divergence or loss. */
  async awaitChecks(): Promise<void> {
    if (this.checks.size > 0) await Promise.all([...this.checks]);
    if (this.failure !== undefined) throw this.failure;
    if (this.rpc.lostError !== undefined) throw this.rpc.lostError;
  }

  /**
   * Batch `time`'s output operations start: the scheduler sends their jobs to the workers in
   * one message at once ({@link WorkerTaskScheduler.startBatch}); the workers install the map
   * stages every worker computed and exchanged ahead instead of running them (each learns
   * which from its peers), and jobs outside that message wait for the workers' reports.
   */
  onBatchStarted(ssc: StreamingContext, time: number): void {
    const jobSet = this.jobSets.get(time);
    if (jobSet === undefined || this.taskScheduler === undefined) return;
    const sc = ssc.sparkContext;
    this.taskScheduler.startBatch(time, jobSet.jobs.map((j) => ({ outputOpId: j.outputOpId, rdd: j.rdd })), (root, planned) => sc.planJob(root, planned), this.exchangedAhead(time));
  }

  /** Per batch time, the workers' {@link AheadReport}s so far, and who waits for all of them. */
  private readonly aheadReports = new Map<number, { reports: AheadReport[]; waiters: ((shuffles: ReadonlySet<string>) => void)[] }>();
  /** Batches up to this time are over: later reports of them are dropped. */
  private completedUpTo = Number.NEGATIVE_INFINITY;

  /** @internal */
  onAheadReport(report: AheadReport): void {
    if (report.time <= this.completedUpTo) return;
    const entry = this.aheadEntry(report.time);
    entry.reports.push(report);
    if (entry.reports.length < this.workers.length) return;
    const shuffles = exchangedByAll(entry.reports);
    for (const w of entry.waiters.splice(0)) w(shuffles);
  }

  /** A worker was lost: nobody waits for reports any more (the batch fails on its own). @internal */
  settleAheadReports(): void {
    for (const entry of this.aheadReports.values()) for (const w of entry.waiters.splice(0)) w(new Set());
  }

  private aheadEntry(time: number): { reports: AheadReport[]; waiters: ((shuffles: ReadonlySet<string>) => void)[] } {
    let entry = this.aheadReports.get(time);
    if (entry === undefined) this.aheadReports.set(time, (entry = { reports: [], waiters: [] }));
    return entry;
  }

  /** The shuffles (`childKey:depIndex`) of batch `time` that every worker computed and sent to its peers ahead, once all reported. */
  private exchangedAhead(time: number): Promise<ReadonlySet<string>> {
    if (this.rpc.lostError !== undefined) return Promise.resolve(new Set());
    const entry = this.aheadEntry(time);
    if (entry.reports.length >= this.workers.length) return Promise.resolve(exchangedByAll(entry.reports));
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  /** Tells the workers that batch `time` completed (they forget what the driver forgets). */
  onBatchCompleted(time: number): void {
    this.jobSets.delete(time);
    this.completedUpTo = Math.max(this.completedUpTo, time);
    for (const t of this.aheadReports.keys()) if (t <= time) this.aheadReports.delete(t);
    this.taskScheduler?.endBatch(time);
    // A later batch already announced (a stream behind its clock) starts its map sides on the
    // clear: sent at once. Otherwise the clear is held for the next message to each worker (the
    // next batch's announcement), so a worker between batches wakes once, not for the clear
    // and then again for its next work.
    let later = false;
    for (const t of this.jobSets.keys()) if (t > time) later = true;
    for (let w = 0; w < this.workers.length; w++) {
      if (later) this.rpc.post(w, { type: 'clear', time });
      else this.rpc.postWithNext(w, { type: 'clear', time });
    }
  }

  /** Each worker's {@link ThreadStats} (for tests: bounded lineages, files read once). */
  async stats(): Promise<ThreadStats[]> {
    const replies = await Promise.all(this.workers.map((_, w) => this.rpc.request(w, { type: 'stats' })));
    return replies.map((r) => r.result as ThreadStats);
  }

  /** Tasks run in each worker so far. */
  tasksPerWorker(): number[] { return this.taskScheduler?.counts.perWorker.slice() ?? this.workers.map(() => 0); }

  /** True once this context gave its threads back. */
  private released = false;

  /**
   * The context is done with its threads: each drops everything of it (after the task it may be
   * running) and goes back to the process's pool for the next context (see
   * {@link WorkerThreadPool}); a thread that died is not given back.
   */
  terminate(): void {
    if (this.released) return;
    this.released = true;
    for (const c of this.controls) c.close();
    for (const t of this.threads) if (t.alive) t.worker.postMessage({ type: 'release' } satisfies ReleaseMessage);
    WorkerThreadPool.shared.release(this.threads, this.idleTimeoutMs);
  }
}

/** The shuffles (`childKey:depIndex`) every report lists. */
function exchangedByAll(reports: readonly AheadReport[]): ReadonlySet<string> {
  const counts = new Map<string, number>();
  for (const r of reports) for (const [k, d] of r.shuffles) counts.set(`${k}:${d}`, (counts.get(`${k}:${d}`) ?? 0) + 1);
  const out = new Set<string>();
  for (const [key, n] of counts) if (n === reports.length) out.add(key);
  return out;
}

/**
 * The graph module's streams the driver's outputs read: each output's parent if the module
 * built it, else the nearest module-built ancestors of the streams built outside it.
 */
function rootStreams(graph: DStreamGraph, graphStreams: ReadonlySet<string>): DStream<unknown>[] {
  const roots: DStream<unknown>[] = [];
  const seen = new Set<DStream<unknown>>();
  for (const out of graph.outputStreams) {
    const stack: DStream<unknown>[] = [...out.dependencies].reverse();
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (graphStreams.has(s.name())) roots.push(s);
      else for (let i = s.dependencies.length - 1; i >= 0; i--) stack.push(s.dependencies[i]!);
    }
  }
  return roots;
}

function restoredRDDs(graph: DStreamGraph): RestoredRDD[] {
  const out: RestoredRDD[] = [];
  for (const s of graph.createdStreams) {
    for (const [time, rdd] of s.generatedRDDs) {
      if (!(rdd instanceof ReliableCheckpointRDD)) continue;
      const p = rdd.partitioner;
      out.push({ stream: s.name(), time, path: rdd.checkpointPath, numPartitions: rdd.getNumPartitions(), hashPartitions: p instanceof HashPartitioner ? p.numPartitions : undefined, checksums: rdd.partChecksums });
    }
  }
  return out;
}

/**
 * What a thread holds and has read: its {@link LineageCounts}, per file stream (in input
 * stream order) the files, bytes and records it read, and the map outputs it computed ahead
 * of their own stages (in one pass over a shared partition, or when the batch was announced:
 * `atBatch`) and later took for those stages. @internal
 */
export interface ThreadStats {
  readonly lineage: LineageCounts;
  readonly fileReads: readonly { readonly files: number; readonly bytes: number; readonly records: number }[];
  readonly mapSidesAhead: { readonly computed: number; readonly taken: number; readonly atBatch: number };
  /** The shuffle map outputs (one per map partition held) of the RDDs its streams remember: see {@link heldMapOutputs}. */
  readonly mapOutputs: number;
  /** Steps of the batches' job messages it started while another lane of the message was still running. */
  readonly stepsOverlapped: number;
  /**
   * Messages from the driver it handled (`messages`, the `stats` request asking included) and
   * the `postMessage` deliveries that brought them (`deliveries`): fewer deliveries than
   * messages when a message carried held ones (a batch's `clear` with the next batch's message).
   */
  readonly control: { readonly messages: number; readonly deliveries: number };
  /** Map-side keys it sent its peers by their slot alone, and as strings (see exchange-key-dictionary.ts in @kindling/core). */
  readonly keysSent: { readonly bySlot: number; readonly asStrings: number };
}

/** This thread's {@link ThreadStats}, with its executor's counts of map outputs computed ahead. @internal */
export function threadStats(ssc: StreamingContext, mapSidesAhead: ThreadStats['mapSidesAhead'], stepsOverlapped = 0, control: ThreadStats['control'] = { messages: 0, deliveries: 0 }, keysSent: ThreadStats['keysSent'] = { bySlot: 0, asStrings: 0 }): ThreadStats {
  const fileReads = ssc.graph.inputStreams.filter((s) => s instanceof dstreamClasses.FileInputDStream).map((s) => ({ ...s.readStats }));
  return { lineage: lineageCounts(ssc.graph.createdStreams), fileReads, mapSidesAhead: { ...mapSidesAhead }, mapOutputs: heldMapOutputs(ssc.graph.createdStreams), stepsOverlapped, control: { ...control }, keysSent: { ...keysSent } };
}

/**
 * How many shuffle map outputs (one per map partition whose buckets are held) the lineages of
 * the RDDs `streams` remember keep alive: the blocks nothing reads any more once the RDD
 * above them is stored are released, so this stays bounded. @internal
 */
export function heldMapOutputs(streams: readonly DStream<unknown>[]): number {
  const seen = new Set<RDD<unknown>>();
  const stack: RDD<unknown>[] = [];
  for (const s of streams) for (const r of s.generatedRDDs.values()) stack.push(r as RDD<unknown>);
  let held = 0;
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    for (const d of r.dependencies) {
      if (d instanceof ShuffleDependency) for (const out of d.mapOutputs) if (out !== undefined && out.length > 0) held++;
      stack.push(d.rdd as RDD<unknown>);
    }
  }
  return held;
}

/** The {@link LineageCounts} of the RDDs `streams` remember. @internal */
export function lineageCounts(streams: readonly DStream<unknown>[]): LineageCounts {
  const depthOf = new Map<RDD<unknown>, number>();
  // Iterative post-order: a lineage may be thousands of RDDs deep.
  const stack: { rdd: RDD<unknown>; next: number }[] = [];
  let depth = 0;
  for (const s of streams) {
    for (const root of s.generatedRDDs.values()) {
      if (depthOf.has(root as RDD<unknown>)) continue;
      stack.push({ rdd: root as RDD<unknown>, next: 0 });
      depthOf.set(root as RDD<unknown>, 0);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const deps = top.rdd.dependencies;
        if (top.next < deps.length) {
          const parent = deps[top.next++]!.rdd as RDD<unknown>;
          if (!depthOf.has(parent)) {
            depthOf.set(parent, 0);
            stack.push({ rdd: parent, next: 0 });
          }
          continue;
        }
        stack.pop();
        let d = 1;
        for (const dep of deps) d = Math.max(d, 1 + depthOf.get(dep.rdd as RDD<unknown>)!);
        depthOf.set(top.rdd, d);
        depth = Math.max(depth, d);
      }
    }
  }
  return { rdds: depthOf.size, depth };
}
