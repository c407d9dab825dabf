// The entry module of a graph worker thread (started by WorkerThreadPool). For each context the
// driver gives it (one at a time; the thread outlives them, so its compiled code stays warm), it
// builds the replicated graph from the graph module, then generates every batch the driver
// announces and runs the tasks the driver sends, until the driver releases it. Never imported
// by the driver.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { HashPartitioner, Milliseconds, ReliableCheckpointRDD, ReplicatedRDDs, SparkConf, StorageLevel, Time, WorkerExecutor, groupMapSides, releaseMapSideGroup, serializeError } from '@kindling/core';
import type { CheckpointCommitted, ThreadAccumulator, MapSideGroup, PeerMessage, RDD, TaskRequest } from '@kindling/core';
import { StreamingContext } from '../index.ts';
import type { DStream, ReceiverInputDStream } from '../index.ts';
import { planSharedRDDs } from '../scheduler/shared-rdd-planner.ts';
import { planMapSideGroups } from '../scheduler/map-side-planner.ts';
import { trackAccumulators } from './accumulator-tracker.ts';
import type { BatchMessage, ContextMessage, GraphWorkerData, ReleaseMessage } from './graph-worker-pool.ts';
import { ownedInputInfos, threadStats, streamsByRDD, type AheadReport, type BatchReply } from './graph-worker-pool.ts';
import { workerThreadState } from './worker-thread-flag.ts';

const own = parentPort!;
workerThreadState.isGraphWorker = true;

/**
 * Serves one context: builds its graph, answers its driver over `port` until released. Returns
 * what drops the context (its SparkContext stopped, its ports closed, so that everything it
 * held can be collected and the next context starts clean).
 */
async function serve(data: GraphWorkerData, port: MessagePort): Promise<() => void> {
  const closePorts = (): void => {
    port.close();
    for (const p of data.peers) p?.close();
  };
  let ssc: StreamingContext | undefined;
  try {
    ssc = new StreamingContext(new SparkConf().setAll(data.conf), Milliseconds(data.batchMs));
    const built = ssc;
    // This thread stores the partitions it owns; its peers store the others.
    built.sparkContext.blockManager.storesOwnedPartitions(data.size, data.rank);
    const tracker = trackAccumulators(built.sparkContext);
    try {
      const mod = (await import(data.moduleUrl)) as Record<string, unknown>;
      await (mod[data.exportName] as (ssc: StreamingContext, args: unknown) => unknown)(built, data.args);
      const ownership = { size: data.size, rank: data.rank };
      for (const s of built.graph.inputStreams) s.readOwnedPartitions(ownership);
    } finally {
      tracker.stop();
    }
    listen(built, data, port, tracker.list);
  } catch (e) {
    port.postMessage({ type: 'buildFailed', error: serializeError(e) });
    ssc?.sparkContext.stop();
    closePorts();
    return () => {};
  }
  const sc = ssc.sparkContext;
  return () => {
    closePorts();
    sc.stop();
  };
}

function listen(ssc: StreamingContext, data: GraphWorkerData, port: MessagePort, accumulators: readonly ThreadAccumulator[]): void {
  const registry = new ReplicatedRDDs();
  const executor = new WorkerExecutor(data.rank, data.size, registry, data.peers, () => accumulators);
  // The driver learns from the replies what this thread stored, so its walks stop there too.
  executor.reportStores(ssc.sparkContext);
  for (const p of data.peers) p?.on('message', (m: PeerMessage) => executor.onPeerMessage(m));
  const shared = new Map<number, RDD<unknown>[]>();
  const mapSideGroups = new Map<number, MapSideGroup[]>();
  /** Each batch's generated RDDs, until the batch is over. */
  const batchRDDs = new Map<number, RDD<unknown>[]>();
  let initialized = false;

  let roots: DStream<unknown>[] = [];
  const generate = (m: BatchMessage): string[] => {
    const graph = ssc.graph;
    if (m.setup !== undefined) {
      const setup = m.setup;
      if (setup.checkpointDir !== undefined && ssc.checkpointDir === undefined) ssc.checkpoint(setup.checkpointDir);
      const byName = new Map(graph.createdStreams.map((s) => [s.name(), s]));
      const named = (n: string): DStream<unknown> => {
        const s = byName.get(n);
        if (s === undefined) throw new Error(`worker ${data.rank} has no stream named ${n}`);
        return s;
      };
      roots = setup.roots.map(named);
      const zero = new Time(m.zeroTime);
      for (const r of roots) r.initialize(zero);
      graph.initialize(zero, new Time(m.startTime));
      for (const [n, ms] of setup.remember) named(n).remember(Milliseconds(ms));
      for (const r of setup.restored) {
        const partitioner = r.hashPartitions === undefined ? undefined : new HashPartitioner(r.hashPartitions);
        (named(r.stream).generatedRDDs as Map<number, RDD<unknown>>).set(r.time, new ReliableCheckpointRDD(ssc.sparkContext, r.path, r.numPartitions, partitioner, r.checksums));
      }
    }
    for (const [i, t, d] of m.inputs) graph.inputStreams[i]!.restoreAssignedInputs([[t, d as never]]);
    for (const [i, t, parts] of m.blocks) (graph.inputStreams[i] as ReceiverInputDStream<unknown>).acceptBlocks(t, parts as (readonly unknown[] | undefined)[]);
    const rdds: RDD<unknown>[] = [];
    for (const [i, t] of m.generated) {
      const rdd = roots[i]!.getOrCompute(new Time(t));
      if (rdd !== undefined) rdds.push(rdd as RDD<unknown>);
    }
    try {
      const s = planSharedRDDs(rdds);
      for (const rdd of s) rdd.persist(StorageLevel.MEMORY_ONLY);
      shared.set(m.time, s);
      // As on the driver's thread under local[1]: the map sides that are a shared RDD's only
      // readers run in one pass over each of its partitions, which is then not kept for the
      // batch's later jobs (the executor holds the siblings' buckets for their own stages).
      const groups: MapSideGroup[] = [];
      mapSideGroups.set(m.time, groups);
      for (const g of planMapSideGroups(rdds, s)) {
        const group = groupMapSides(g.base, g.deps);
        if (group !== undefined) groups.push(group);
      }
    } catch {
      // Sharing is an optimisation, as on the driver.
    }
    batchRDDs.set(m.time, rdds);
    const byRDD = streamsByRDD(graph, m.time);
    return registry.register(rdds, (r) => byRDD.get(r));
  };

  // Batches announced and not yet over, oldest first. A batch's map sides are computed ahead
  // (executor.computeBatchAhead) once every earlier batch is over, so that they never delay an
  // earlier batch's jobs: at its announcement, or when the batch before it is cleared.
  const open: number[] = [];
  const ahead = new Set<number>();
  // Each announced batch gets one report to the driver of the shuffles this thread computed and
  // sent to its peers ahead (none when it computed nothing ahead), and the same list to every
  // peer: the batch's output jobs, sent when the batch starts, install the shuffles every worker
  // exchanged (from the peers' lists), and a job outside that message waits for every report.
  const computeAhead = (): void => {
    const t = open[0];
    if (t === undefined || !ahead.has(t)) return;
    ahead.delete(t);
    const shuffles = diverged === undefined ? executor.computeBatchAhead(t, batchRDDs.get(t) ?? []) : [];
    // To the peers first: the batch's output jobs may be waiting here already, and each
    // worker's turn to install them depends on every peer's list.
    executor.announceAhead(t, shuffles);
    port.postMessage({ type: 'ahead', time: t, shuffles } satisfies AheadReport);
  };

  const clear = (t: number): void => {
    // Before the shared RDDs are unpersisted and the streams forget: from every RDD the batch
    // generated (a checkpointed one no longer leads to the RDDs it was computed from).
    executor.releaseCoveredShuffles([...(batchRDDs.get(t) ?? []), ...streamsByRDD(ssc.graph, t).keys()]);
    batchRDDs.delete(t);
    for (const rdd of shared.get(t) ?? []) rdd.unpersist();
    shared.delete(t);
    for (const g of mapSideGroups.get(t) ?? []) {
      executor.forgetMapSideGroup(g);
      releaseMapSideGroup(g);
    }
    mapSideGroups.delete(t);
    executor.forgetBatchAhead(t);
    ahead.delete(t);
    const i = open.indexOf(t);
    if (i >= 0) open.splice(i, 1);
    const time = new Time(t);
    ssc.graph.clearMetadata(time);
    for (const r of roots) r.clearMetadata(time);
    ssc.scheduler.inputInfoTracker.cleanup(time.plus(ssc.batchDuration));
  };

  // Set once this thread's RDDs differed from the driver's (or generating a batch failed):
  // from then on it computes nothing, since its RDD numbers may name other RDDs than the driver's.
  let diverged: string | undefined;
  /** Messages from the driver handled, counting those carried in another's `before` list (see {@link ThreadStats}). */
  let controlMessages = 0;
  /** `postMessage` events that delivered them: each wakes this thread if it sleeps. */
  let controlDeliveries = 0;
  // A message may carry earlier ones the driver held back (`WorkerRpc.postWithNext`: the
  // previous batch's `clear`), handled first, in order, so the thread wakes once for all.
  const onMessage = (m: { type: string; id?: number; time?: number; before?: { type: string; id?: number; time?: number }[] }): void => {
    if (m.before !== undefined) for (const b of m.before) onMessage(b);
    controlMessages++;
    if (m.type === 'batch') {
      try {
        const batch = m as unknown as BatchMessage;
        const lines = generate(batch);
        const same = lines.length === batch.expect.length && lines.every((l, i) => l === batch.expect[i]);
        if (!same) diverged ??= `worker thread ${data.rank} generated different RDDs than the driver for batch ${batch.time} ms`;
        port.postMessage({ type: 'reply', id: m.id, ok: true, result: { lines: same ? undefined : lines, inputs: ownedInputInfos(ssc, batch.time) } satisfies BatchReply });
        open.push(batch.time);
        ahead.add(batch.time);
      } catch (e) {
        diverged ??= `worker thread ${data.rank} could not generate batch ${m.time} ms: ${e instanceof Error ? e.message : String(e)}`;
        port.postMessage({ type: 'reply', id: m.id, ok: false, error: serializeError(e) });
        executor.announceAhead(m.time!, []);
        port.postMessage({ type: 'ahead', time: m.time!, shuffles: [] } satisfies AheadReport);
      }
      // After the reply: the driver's check of the batch does not wait for it.
      computeAhead();
    } else if (m.type === 'clear') {
      clear(m.time!);
      computeAhead();
    } else if (m.type === 'checkpointCommitted') {
      executor.onCheckpointCommitted(m as unknown as CheckpointCommitted);
    } else if (m.type === 'stats') {
      port.postMessage({ type: 'reply', id: m.id, ok: true, result: threadStats(ssc, executor.mapSidesAhead, executor.stepsOverlapped, { messages: controlMessages, deliveries: controlDeliveries }, executor.sentKeys.counts) });
    } else if (diverged !== undefined) {
      port.postMessage({ type: 'reply', id: m.id, ok: false, error: serializeError(new Error(`Refusing ${m.type}: ${diverged}`)) });
    } else {
      void executor.handle(m as TaskRequest).then(({ reply, transfer }) => port.postMessage(reply, transfer));
    }
  };
  port.on('message', (m: Parameters<typeof onMessage>[0]) => {
    controlDeliveries++;
    onMessage(m);
  });
  port.postMessage({ type: 'ready', streams: ssc.graph.createdStreams.map((s) => s.name()) });
}

// One context at a time, in the order the driver sent them: a release always follows its
// context's build, and the next context is built only once the previous one was dropped.
let queue: Promise<void> = Promise.resolve();
let drop: (() => void) | undefined;
own.on('message', (m: ContextMessage | ReleaseMessage) => {
  queue = queue.then(async () => {
    if (m.type === 'context') {
      drop?.();
      drop = await serve(m.kindling, m.control);
    } else {
      drop?.();
      drop = undefined;
    }
  });
});
