import { getLogger, type Partitioner, type Time } from '@kindling/core';
import type { DStream } from '../dstream/dstream.ts';
import type { ForEachDStream } from '../dstream/for-each-dstream.ts';
import type { MapPartitionedDStream } from '../dstream/map-partitioned-dstream.ts';
import type { ReducedWindowedDStream } from '../dstream/reduced-windowed-dstream.ts';
import type { ShuffledDStream } from '../dstream/shuffled-dstream.ts';
import type { TransformedDStream } from '../dstream/transformed-dstream.ts';
import type { WindowedDStream } from '../dstream/windowed-dstream.ts';
import type { LogInputDStream } from '../input/log/log-input-dstream.ts';
import type { GroupRuntime } from '../group/group-runtime.ts';
import type { InternalMapWithStateDStream } from '../state/internal-map-with-state-dstream.ts';
import type { StateDStream } from '../state/state-dstream.ts';
import type { GroupConf } from '../streaming-conf.ts';
import { Exchange } from './exchange.ts';
import { GroupPlanError } from './group-plan-error.ts';
import { isLeaseAssignment, StaticPartitionAssignment, type PartitionAssignment } from './partition-assignment.ts';
import type { RepartitionLog, RepartitionLogProvider } from './repartition-log.ts';

const log = getLogger('GroupPlan');

/**
 * Where a stream's RDD partitions live when several instances share the job: `owns(i, t)`
 * says whether this instance holds partition i of batch t (undefined: the partitions are not
 * those of one log, e.g. after a `union` or a `transform`); `partitioner` is set when records
 * are placed by key; `single` when the whole batch sits in one partition on one instance.
 */
interface Placement {
  readonly owns: ((i: number, t: Time) => boolean) | undefined;
  readonly partitioner: Partitioner | undefined;
  readonly single: boolean;
  /** What produced it, for messages. */
  readonly origin: string;
  /** Under group leases: the log whose partitions these are (the topic, or a repartition log's owner name). */
  readonly stage?: string;
  /** How many partitions the log of `stage` has (undefined: not known here). */
  readonly partitions?: number;
  /** The stream whose shuffle was routed through a repartition log to give these partitions (only on that stream's own placement). */
  readonly routedBy?: { readonly stream: DStream<unknown>; readonly exchange: Exchange };
  /** Under group leases: set on a window sliding slower than the batches and everything after it (see {@link SlowerSlide}). */
  readonly slower?: SlowerSlide;
  /**
   * Set on a `union` or `transform` (not placed) whose inputs are all on the partitions of one
   * log: a window of it is routed through a repartition log of its own, its input seen as that
   * log's partitions again (see `LogAlignedRDD`).
   */
  readonly onLog?: { readonly stage: string; readonly partitions: number; readonly owns: (i: number, t: Time) => boolean };
}

/**
 * Under group leases, a window sliding slower than the batches: it (and what follows it) is
 * generated every batch, and a partition of its stage has a batch of it only when the
 * partition's own batch time is a slide time.
 */
interface SlowerSlide {
  /** The window (its name or where it was created), for messages. */
  readonly stream: string;
  readonly slideMs: number;
  /** The runtime of its stage's partitions, and how many. */
  readonly runtime: GroupRuntime;
  readonly partitions: number;
}

/** What may follow a window sliding slower than the batches under group leases: operators that stay on its partitions. */
const AFTER_SLOWER_SLIDE = new Set(['filter', 'mapValues', 'flatMapValues', 'map', 'flatMap', 'glom', 'mapPartitions', 'combineByKey', 'transform', 'foreachRDD']);

/** Which partitions of which logs one instance runs in one batch (for the UI and logs). */
export interface GroupAssignment {
  /** This instance (`PartitionAssignment.instanceId`). */
  readonly instanceId: string;
  /**
   * Per log (source topics first, then repartition logs): its partition count, the partitions
   * this instance owns, and the name its ownership is kept under (`ownerLog`: the log's own, or
   * `<app>-whole-batch`, shared by every one-partition stage).
   */
  readonly logs: readonly { readonly log: string; readonly ownerLog: string; readonly partitions: number; readonly owned: readonly number[] }[];
}

/** What a plan built: the routed shuffles and how to release them. */
export interface GroupPlan {
  /** The repartition logs, in graph order. */
  readonly exchanges: readonly Exchange[];
  /** Who owns which partitions. */
  readonly ownership: PartitionAssignment;
  /** The partitions this instance runs in batch `time`. */
  assignment(time: Time): GroupAssignment;
  /**
   * Batch `time` completed: for every repartition partition this instance owned in it, deletes
   * the entries of the batches that have left the routed stream's remember window (a recovery
   * regenerates nothing older), see {@link RepartitionLog.trim}. Failures are logged; the next
   * completed batch trims what is left.
   */
  batchCompleted(time: Time): Promise<void>;
  /**
   * How long (ms) the entries of `exchange`'s log must be kept after their batch: the routed
   * stream may regenerate RDDs back to its remember duration, and a window over it (under
   * leases) reads the batches still inside the window again when its partition changes owner.
   */
  keepMs(exchange: Exchange): number;
  /**
   * Under group leases: how long (ms) after a fenced commit the entries of `exchange`'s log
   * must still be kept: the routed stream's remember duration when a window reads it again
   * after a takeover, else 0 (deleted at once).
   */
  leaseKeepMs(exchange: Exchange): number;
  /** Stops reduce sides that wait for markers (their batches fail). */
  abort(): void;
  /** Aborts, then closes the repartition logs. */
  close(): Promise<void>;
}

/**
 * The fixed ownership of `spark.kindling.group.instances` / `spark.kindling.group.instance`
 * (read by `StreamingConf`), or undefined when they are not set.
 */
export function staticAssignment(group: GroupConf): PartitionAssignment | undefined {
  return group.instances === undefined ? undefined : new StaticPartitionAssignment(group.instance, group.instances);
}

/**
 * Cuts the graph of a group-mode application into stages at `start()` (docs/log-sources.md,
 * "Re-keying across instances"): a stage's partitions are the partitions of one log (a source
 * topic, or a repartition log), owned by one instance each per batch. Narrow operators stay in
 * their parent's stage; a keyed operator (`combineByKey`/`reduceByKey`, `groupByKey`,
 * `updateStateByKey`, `mapWithState`, the windowed reductions) whose input is not already
 * placed by an equal partitioner becomes a boundary and reads its input through the
 * repartition log `<app>-<stream>-repartition`; whole-batch operators (`reduce`, `count`,
 * `repartition(n)`) go through a log of n partitions; everything after a one-partition stage
 * runs on its owner only (outputs too). All one-partition stages have one owner per batch (the
 * owner of partition 0 of `<app>-whole-batch`), so a union of them is whole too. Throws a {@link GroupPlanError} naming the stream when
 * an operator cannot be placed that way.
 */
export function planGroupStages(
  outputs: readonly ForEachDStream<unknown>[],
  appName: string,
  ownership: PartitionAssignment | undefined,
): GroupPlan {
  const placements = new Map<DStream<unknown>, Placement>();
  const exchanges: Exchange[] = [];
  /** The stream each exchange feeds (its remember duration bounds trimming). */
  const routedStreams = new Map<Exchange, DStream<unknown>>();
  /** Under leases: the exchanges a window reads again after a takeover (their entries are kept for the window's length). */
  const windowed = new Set<Exchange>();
  const inputs: LogInputDStream<unknown>[] = [];
  const abort = new AbortController();
  let provider: RepartitionLogProvider | undefined;
  let owner: PartitionAssignment | undefined = ownership;

  const needOwnership = (s: DStream<unknown>): PartitionAssignment => {
    if (owner === undefined) {
      throw new GroupPlanError(s.name(), 'no partition ownership: set spark.kindling.group.instances and spark.kindling.group.instance for a fixed split (group leases assign partitions when available).');
    }
    return owner;
  };

  const route = (s: DStream<unknown>, parent: Placement, partitions: number, partitioner: Partitioner | undefined, what: string): Exchange => {
    if (parent.slower !== undefined) throw afterSlowerSlide(s, parent.slower, `${what} would re-key it through a repartition log`);
    if (parent.owns === undefined) {
      throw new GroupPlanError(s.name(), `${what} needs its input routed through a repartition log, but its input comes from ${parent.origin}, whose RDD partitions are not the partitions of one log. Apply the ${what} before the union/window/transform, or key the data first.`);
    }
    if (provider === undefined) throw new GroupPlanError(s.name(), `${what} needs a repartition log, and the source's log offers none.`);
    const name = `${appName}-${s.name()}-repartition`;
    const rlog: RepartitionLog = provider.repartitionLog(name, partitions);
    // Every one-partition stage has one owner (per batch), so unions of them stay whole.
    const ownerLog = partitions === 1 ? `${appName}-whole-batch` : name;
    const o = needOwnership(s);
    let leases: ConstructorParameters<typeof Exchange>[7];
    if (isLeaseAssignment(o)) {
      if (parent.stage === undefined) throw new GroupPlanError(s.name(), `${what} needs its input's partitions to be one log's under group leases, but its input comes from ${parent.origin}.`);
      const from = o.runtimeOf(parent.stage, 0);
      leases = { sourcePlan: (t) => from.plan(t), runtime: o.runtimeOf(ownerLog, partitions) };
      // A partition behind the batches skips the batch times no source partition ran.
      leases.runtime.addSourceBatchProbe((j, after) => rlog.firstBatchAfter(j, after));
      // ... or that another instance has recorded and not mapped yet (instances started together).
      leases.runtime.addSourceBatchProbe((_j, after) => from.firstRecordedAfter(after));
      // A partition's batches are released (later copies ignored, buffers dropped) once committed, in order.
      o.onCommitted(ownerLog, (j, upTo) => rlog.release(j, upTo));
    }
    const e = new Exchange(rlog, s.name(), parent.owns, o, partitioner, abort.signal, ownerLog, leases);
    exchanges.push(e);
    routedStreams.set(e, s);
    log.info(`${s.name()}: ${what} routed through repartition log ${name} (${partitions} partition(s)) at ${provider.location}`);
    return e;
  };

  const place = (s: DStream<unknown>): Placement => {
    const known = placements.get(s);
    if (known !== undefined) return known;
    const parents = s.dependencies.map(place);
    const p0 = parents[0];
    // The operator kind its class declares (`static kind`).
    const kind = s.kind;
    const slower = parents.find((p) => p.slower !== undefined)?.slower;
    if (slower !== undefined && !AFTER_SLOWER_SLIDE.has(kind)) throw afterSlowerSlide(s, slower, `a ${kind} after it is not built`);
    let out: Placement;
    switch (kind) {
      case 'directStream': {
        const input = s as unknown as LogInputDStream<unknown>;
        const o = needOwnership(s);
        input.assignPartitions(o);
        inputs.push(input);
        const source = input.source as { repartitionLog?: unknown; location: string };
        if (typeof source.repartitionLog === 'function') provider ??= source as unknown as RepartitionLogProvider;
        out = { owns: (i, t) => input.ownsPartitionIndex(i, t), partitioner: undefined, single: false, origin: `the log partitions of ${s.name()}`, stage: input.partitions[0]?.topic, partitions: input.partitions.length };
        break;
      }
      case 'filter': case 'mapValues': case 'flatMapValues':
        out = p0!;
        break;
      case 'map': case 'flatMap': case 'glom':
        out = { ...p0!, partitioner: undefined };
        break;
      case 'mapPartitions':
        out = (s as unknown as MapPartitionedDStream<unknown, unknown>).preservePartitioning ? p0! : { ...p0!, partitioner: undefined };
        break;
      case 'combineByKey': {
        const sh = s as unknown as ShuffledDStream<unknown, unknown, unknown>;
        out = keyed(s, p0!, sh.partitioner, 'the shuffle', (e) => sh.routeThrough(e));
        break;
      }
      case 'updateStateByKey': {
        const st = s as unknown as StateDStream<unknown, unknown, unknown>;
        if (st.hasInitialRDD) throw new GroupPlanError(s.name(), 'updateStateByKey with an initial RDD: every instance would load every key\'s initial state. Drop the initial RDD (seed the state from the log) or run one instance.');
        if (!st.preservesPartitioning) throw new GroupPlanError(s.name(), 'the rows form of updateStateByKey without rememberPartitioner may move keys between partitions, so a key\'s state would not stay with the instance owning it. Pass rememberPartitioner = true.');
        out = keyed(s, p0!, st.partitioner, 'updateStateByKey', (e) => st.routeThrough(e));
        if (isLeaseAssignment(owner)) {
          // The state lives with the partitions of the stage it is placed on: restored and committed with them.
          if (out.stage === undefined) throw new GroupPlanError(s.name(), `updateStateByKey under group leases needs its partitions to be one log's; its input comes from ${out.origin}.`);
          owner.addStateStream(out.stage, s.name());
          st.useGroupRuntime(owner.runtimeOf(out.stage, 0));
        }
        break;
      }
      case 'internalMapWithState': {
        const ms = s as unknown as InternalMapWithStateDStream<unknown, unknown, unknown, unknown>;
        if (ms.hasInitialState) throw new GroupPlanError(s.name(), 'mapWithState with an initial state RDD: every instance would load every key\'s initial state. Drop StateSpec.initialState or run one instance.');
        out = keyed(s, p0!, ms.partitioner, 'mapWithState', (e) => ms.routeThrough(e));
        if (isLeaseAssignment(owner)) {
          // The state (with each key's update time, for timeouts) lives with the partitions of its stage: restored and committed with them.
          if (out.stage === undefined) throw new GroupPlanError(s.name(), `mapWithState under group leases needs its partitions to be one log's; its input comes from ${out.origin}.`);
          owner.addStateStream(out.stage, s.name());
          ms.useGroupRuntime(owner.runtimeOf(out.stage, 0));
        }
        out = { ...out, partitioner: undefined };
        break;
      }
      case 'mapWithState':
        out = { ...p0!, partitioner: undefined };
        break;
      case 'reduceByKeyAndWindow': {
        const rw = s as unknown as ReducedWindowedDStream<unknown, unknown>;
        if (isLeaseAssignment(owner)) {
          // Its input is its own per-batch reduceByKey by the same partitioner (routed above when the keys move): the window's state (value and per-batch reductions inside it) lives with those partitions.
          if (p0!.stage === undefined || !rw.partitioner.equals(p0!.partitioner)) {
            throw new GroupPlanError(s.name(), `an inverse-function window under group leases keeps its state with the partitions its keys are placed on, but its input comes from ${p0!.origin}. Window a stream read from the log (or from one re-keying), or use a fixed split (spark.kindling.group.instances).`);
          }
          owner.addStateStream(p0!.stage, s.name());
          const runtime = owner.runtimeOf(p0!.stage, 0);
          rw.useGroupRuntime(runtime);
          out = { ...p0!, partitioner: rw.partitioner, routedBy: undefined, slower: slowerSlide(s, runtime, p0!) };
          break;
        }
        out = { ...p0!, partitioner: rw.partitioner, routedBy: undefined };
        break;
      }
      case 'window':
        if (isLeaseAssignment(owner)) {
          // A union or transform of streams on one log's partitions: routed as that log's partitions (checked batch by batch).
          let input = p0!;
          let align: { readonly partitions: number; readonly owns: (i: number, t: Time) => boolean } | undefined;
          if (p0!.owns === undefined && p0!.onLog !== undefined) {
            const { stage, partitions, owns } = p0!.onLog;
            input = { owns, partitioner: undefined, single: false, origin: p0!.origin, stage, partitions };
            align = { partitions, owns };
          }
          // A new owner of a repartition partition rebuilds the window from the log's entries, kept for the window's length.
          const parent = s.dependencies[0]!;
          const ws = s as unknown as WindowedDStream<unknown>;
          if (parent.kind === 'combineByKey' && p0!.routedBy?.stream === parent && p0!.stage !== undefined) {
            const runtime = owner.runtimeOf(p0!.stage, 0);
            ws.useGroupRuntime(runtime);
            windowed.add(p0!.routedBy.exchange);
            out = { ...p0!, routedBy: undefined, slower: slowerSlide(s, runtime, p0!) };
            break;
          }
          // Over the partitions of one log without a re-keying right before it (the topic's own, or narrow operators after a shuffle): its input goes through a repartition log of its own.
          if (input.owns === undefined || input.stage === undefined || input.partitions === undefined || input.single) {
            throw new GroupPlanError(s.name(), `a window under group leases reads its input through a repartition log (so that a new owner of a partition can rebuild the window from it), which needs its input's partitions to be one log's (or a union or transform of streams on one log's partitions); its input comes from ${p0!.origin}. Window the streams before the union/transform, or use a fixed split (spark.kindling.group.instances).`);
          }
          const e = route(s, input, input.partitions, undefined, 'window');
          ws.routeThrough(e, align);
          // Its entries are kept for as long as the window's input is remembered (the window's length at least).
          routedStreams.set(e, parent);
          const runtime = owner.runtimeOf(e.ownerLog, 0);
          ws.useGroupRuntime(runtime);
          windowed.add(e);
          const own: Placement = { owns: (j, t) => e.ownsTarget(j, t), partitioner: undefined, single: false, origin: `repartition log ${e.log.name}`, stage: e.ownerLog, partitions: input.partitions };
          out = { ...own, slower: slowerSlide(s, runtime, own) };
          break;
        }
        // Windows of one-partition stages, or of RDDs placed by one partitioner, stay aligned.
        out = p0!.single || p0!.partitioner !== undefined ? p0! : { owns: undefined, partitioner: undefined, single: false, origin: `window ${s.name()}` };
        break;
      case 'transform': {
        const tr = s as unknown as TransformedDStream<unknown>;
        const g = tr.grouping;
        if (parents.every((p) => p.single)) { out = p0!; break; }
        if (g === undefined) {
          out = { owns: undefined, partitioner: undefined, single: false, origin: `transform ${s.name()}`, onLog: onOneLog(parents) };
          if (parents.some((p) => p.owns !== undefined)) {
            log.info(`${s.name()}: transform sees the partitions this instance owns (not the whole batch); route it after reduce/count/repartition(1) to see whole batches.`);
          }
          break;
        }
        if (parents.length !== 1) {
          throw new GroupPlanError(s.name(), `${g.what} of two streams is not routed through repartition logs yet. Key both inputs by the same partitioner with reduceByKey/combineByKey first, or run one instance.`);
        }
        if (g.partitioner !== undefined) {
          out = keyed(s, p0!, g.partitioner, g.what, (e) => tr.routeThrough(e));
        } else {
          const e = route(s, p0!, g.partitions, undefined, g.what);
          tr.routeThrough(e);
          out = { owns: (j, t) => e.ownsTarget(j, t), partitioner: undefined, single: g.partitions === 1, origin: `repartition log ${e.log.name}`, stage: e.ownerLog, partitions: g.partitions };
        }
        break;
      }
      case 'foreachRDD': {
        const fe = s as unknown as ForEachDStream<unknown>;
        if (p0!.single) {
          const owns = p0!.owns!;
          fe.runOnlyWhere((t) => owns(0, t));
        }
        if (slower !== undefined) {
          // Only in batches where a partition this instance runs is at a slide time (its folder, if any, holds only those).
          const { runtime, partitions, slideMs } = slower;
          fe.onlyOnSlide((t) => {
            for (let j = 0; j < partitions; j++) if (runtime.onSlide(t.milliseconds, j, slideMs)) return true;
            return false;
          });
        }
        out = p0!;
        break;
      }
      case 'union':
        out = parents.every((p) => p.single) ? p0! : { owns: undefined, partitioner: undefined, single: false, origin: `union ${s.name()}`, onLog: onOneLog(parents) };
        break;
      default:
        if (s.dependencies.length === 0) {
          throw new GroupPlanError(s.name(), `group mode splits partitioned logs between instances; a ${kind} is not partitioned, so every instance would read it whole. Read a log (createDirectStream), or run one instance.`);
        }
        out = parents.length > 0 && parents.every((p) => p.single) ? p0! : { owns: undefined, partitioner: undefined, single: false, origin: `${kind} ${s.name()}` };
    }
    if (slower !== undefined) {
      // On the window's partitions still: generated every batch, each partition on its own slide times.
      if (out.slower === undefined) out = { ...out, slower };
      s.generateEveryBatch(s.ssc.graph.batchDuration);
    }
    placements.set(s, out);
    return out;
  };

  /** The log whose partitions all of `parents` are on (placed there, or a union/transform of such), if there is one. */
  const onOneLog = (parents: readonly Placement[]): Placement['onLog'] => {
    let found: Placement['onLog'];
    for (const p of parents) {
      const here = p.onLog ?? (p.owns !== undefined && p.stage !== undefined && p.partitions !== undefined && !p.single ? { stage: p.stage, partitions: p.partitions, owns: p.owns } : undefined);
      if (here === undefined || (found !== undefined && (found.stage !== here.stage || found.partitions !== here.partitions))) return undefined;
      found ??= here;
    }
    return found;
  };

  /** Under leases, a window (or inverse window) sliding slower than its input: generated every batch (see {@link SlowerSlide}). */
  const slowerSlide = (s: DStream<unknown>, runtime: GroupRuntime, on: Placement): SlowerSlide | undefined => {
    const batch = s.dependencies[0]!.slideDuration;
    if (s.slideDuration.equals(batch)) return undefined;
    s.generateEveryBatch(batch);
    return { stream: s.describe(), slideMs: s.slideDuration.milliseconds, runtime, partitions: on.single ? 1 : (on.partitions ?? runtime.numPartitions) };
  };

  const keyed = (s: DStream<unknown>, parent: Placement, p: Partitioner, what: string, apply: (e: Exchange) => void): Placement => {
    if (parent.single) return { ...parent, partitioner: undefined };
    if (parent.owns !== undefined && p.equals(parent.partitioner)) return { ...parent, partitioner: p };
    const e = route(s, parent, p.numPartitions, p, what);
    apply(e);
    return { owns: (j, t) => e.ownsTarget(j, t), partitioner: p, single: p.numPartitions === 1, origin: `repartition log ${e.log.name}`, stage: e.ownerLog, partitions: p.numPartitions, routedBy: { stream: s, exchange: e } };
  };

  for (const o of outputs) place(o as DStream<unknown>);
  const keepMs = (e: Exchange): number => {
    const s = routedStreams.get(e);
    if (s === undefined) return 0;
    // The stream (and its window, if any) may regenerate RDDs back to its remember duration.
    return Math.max(s.rememberDuration?.milliseconds ?? 0, s.slideDuration.milliseconds);
  };
  return {
    exchanges,
    ownership: owner ?? new StaticPartitionAssignment(0, 1),
    assignment(time: Time): GroupAssignment {
      const o = owner ?? new StaticPartitionAssignment(0, 1);
      const logs: { log: string; ownerLog: string; partitions: number; owned: number[] }[] = [];
      const topics = new Map<string, number>();
      for (const input of inputs) for (const tp of input.partitions) topics.set(tp.topic, Math.max(topics.get(tp.topic) ?? 0, tp.partition + 1));
      for (const [topic, n] of topics) logs.push({ log: topic, ownerLog: topic, partitions: n, owned: Array.from({ length: n }, (_, p) => p).filter((p) => o.owns(topic, p, time)) });
      for (const e of exchanges) {
        const n = e.log.partitions;
        logs.push({ log: e.log.name, ownerLog: e.ownerLog, partitions: n, owned: Array.from({ length: n }, (_, j) => j).filter((j) => e.ownsTarget(j, time)) });
      }
      return { instanceId: o.instanceId, logs };
    },
    keepMs,
    leaseKeepMs: (e) => (windowed.has(e) ? keepMs(e) : 0),
    async batchCompleted(time: Time): Promise<void> {
      for (const e of exchanges) {
        const upTo = time.milliseconds - keepMs(e);
        for (let j = 0; j < e.log.partitions; j++) {
          if (!e.ownsTarget(j, time)) continue;
          try {
            const n = await e.log.trim(j, upTo);
            if (n > 0) log.debug(`${e.streamName}: deleted ${n} entries of batches up to ${upTo} ms from ${e.log.name} partition ${j}`);
          } catch (err) {
            log.warn(`${e.streamName}: trimming ${e.log.name} partition ${j} after batch ${time} failed (${(err as Error)?.message ?? String(err)}); the next completed batch trims it.`);
          }
        }
      }
    },
    abort(): void { abort.abort(); },
    async close(): Promise<void> {
      abort.abort();
      await Promise.all(exchanges.map((e) => e.log.close().catch(() => undefined)));
    },
  };
}

/** The refusal of an operator after a window sliding slower than the batches under group leases, naming both. */
function afterSlowerSlide(s: DStream<unknown>, slower: SlowerSlide, why: string): GroupPlanError {
  return new GroupPlanError(s.name(), `it reads ${slower.stream}, a window sliding every ${slower.slideMs} ms (slower than the batches), and ${why}: under group leases each partition of such a window is at its slide times when its own batches reach them, so only operators that stay on the window's partitions may follow it (map, filter, flatMap, mapValues, mapPartitions, glom, a reduceByKey/combineByKey by the window's partitioner, transform, outputs). Re-key, count or keep state before the window, slide it every batch, or use a fixed split (spark.kindling.group.instances).`);
}
