import type { Duration } from '@kindling/core';
import type { DStream } from '../dstream/dstream.ts';
import type { DStreamGraph } from '../dstream/dstream-graph.ts';
import { dstreamClasses } from '../dstream/registry.ts';
import type { InputDStream } from '../input/input-dstream.ts';
import { sampleElementShape } from './value-shape.ts';
import { encodedOnce } from './metadata-checkpoint.ts';
import type { CheckpointedRDDDescriptor, MetadataCheckpoint, OutputDescriptor, StreamDescriptor } from './metadata-checkpoint.ts';

/** The graph as data: what a checkpoint records about each stream and output. */
export interface GraphShape {
  readonly batchDurationMs: number;
  readonly streams: readonly StreamDescriptor[];
  readonly outputs: readonly OutputDescriptor[];
}

/** True for streams whose RDDs carry state from one batch to the next. */
export function isStatefulStream(s: DStream<unknown>): boolean {
  return s instanceof dstreamClasses.StateDStream || s instanceof dstreamClasses.ReducedWindowedDStream || s instanceof dstreamClasses.InternalMapWithStateDStream;
}

/** Whether `name()` is a custom name rather than the positional `<Kind>#<position>`. */
export function hasCustomName(s: DStream<unknown>): boolean {
  return s.name() !== `${s.kind}#${s.position}`;
}

function windowOf(s: DStream<unknown>): Duration | undefined {
  const w = (s as { windowDuration?: unknown }).windowDuration;
  return w !== undefined && typeof (w as Duration).milliseconds === 'number' ? (w as Duration) : undefined;
}

/**
 * Keys that identify streams across program versions without depending on creation order: a
 * named stream is its name; an input is its kind and rank among inputs of that kind; any
 * other stream is its kind over its parents' keys. Identical siblings get `~1`, `~2`, ... in
 * creation order. So adding a branch or an output elsewhere in the program leaves the keys of
 * existing streams unchanged, where positional ids (`map#3`) would shift.
 */
export function structuralKeys(graph: DStreamGraph): Map<DStream<unknown>, string> {
  const streams = graph.allStreams().sort((a, b) => a.position - b.position);
  const keys = new Map<DStream<unknown>, string>();
  const inputRank = new Map<string, number>();
  const used = new Map<string, number>();
  const keyOf = (s: DStream<unknown>): string => {
    const known = keys.get(s);
    if (known !== undefined) return known;
    let base: string;
    if (hasCustomName(s)) base = `name:${s.name()}`;
    else if (s.dependencies.length === 0) {
      const rank = inputRank.get(s.kind) ?? 0;
      inputRank.set(s.kind, rank + 1);
      base = `${s.kind}@${rank}`;
    } else base = `${s.kind}(${s.dependencies.map(keyOf).join(',')})`;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    const key = n === 0 ? base : `${base}~${n}`;
    keys.set(s, key);
    return key;
  };
  // Parents before children: positions are creation order, and a parent is created first.
  for (const s of streams) keyOf(s);
  return keys;
}

/**
 * Describes the graph (streams by stable id, outputs) for a checkpoint: `keys` are its
 * {@link structuralKeys} (fixed once started), checkpointed RDD paths are made relative to
 * `checkpointDir`, `stateShapes` caches the state shapes sampled so far, by stream id.
 *
 * `previous`, the description of the same started graph at an earlier checkpoint: what has
 * not changed since is reused, not described again. Once started, a stream's description
 * changes only with its latest checkpointed RDD and once its state shape is sampled; when
 * nothing changed, the very same (frozen) `streams` and `outputs` arrays are returned, which
 * `encodeCheckpoint` encodes once ({@link encodedOnce}). Everything returned is frozen.
 */
export function describeGraph(graph: DStreamGraph, keys: ReadonlyMap<DStream<unknown>, string>, checkpointDir: string, stateShapes?: Map<string, string>, previous?: GraphShape): GraphShape {
  const before = previous !== undefined && previous.streams.length === keys.size ? previous.streams : undefined;
  const streams: StreamDescriptor[] = [];
  let changed = before === undefined;
  let i = 0;
  for (const [s, structuralKey] of keys) {
    const old = before?.[i++];
    if (old !== undefined && old.id === s.name() && !describedAgain(s, old)) {
      streams.push(old);
      continue;
    }
    changed = true;
    const stateful = isStatefulStream(s);
    let stateShape = stateful ? stateShapes?.get(s.name()) : undefined;
    if (stateful && stateShape === undefined) {
      stateShape = sampleElementShape(s);
      if (stateShape !== undefined) stateShapes?.set(s.name(), stateShape);
    }
    streams.push(Object.freeze({
      id: s.name(),
      named: hasCustomName(s),
      structuralKey,
      kind: s.kind,
      parents: Object.freeze(s.dependencies.map((d) => d.name())),
      slideMs: s.slideDuration.milliseconds,
      windowMs: windowOf(s)?.milliseconds,
      checkpointMs: s.checkpointDuration?.milliseconds,
      stateful,
      checkpointedRDD: s.checkpointDuration === undefined ? undefined : frozenRDD(s.checkpointData.latest(checkpointDir)),
      stateShape,
    }));
  }
  if (!changed && previous !== undefined) return previous;
  const outputs = previous?.outputs ?? encodedOnce(Object.freeze(graph.outputStreams.map((o) => Object.freeze({ outputOpId: o.outputOpId, opName: o.opName, parent: o.dependencies[0]!.name() }))));
  return Object.freeze({ batchDurationMs: graph.batchDuration.milliseconds, streams: encodedOnce(Object.freeze(streams)), outputs });
}

/** Whether `s`'s description may differ from `old`: a newer checkpointed RDD, or a state shape not sampled yet. */
function describedAgain(s: DStream<unknown>, old: StreamDescriptor): boolean {
  if (old.stateful && old.stateShape === undefined) return true;
  if (s.checkpointDuration === undefined) return old.checkpointedRDD !== undefined;
  return s.checkpointData.latestTime() !== old.checkpointedRDD?.time;
}

function frozenRDD(d: CheckpointedRDDDescriptor | undefined): CheckpointedRDDDescriptor | undefined {
  if (d === undefined) return undefined;
  if (d.partitioner !== undefined) Object.freeze(d.partitioner);
  if (d.checksums !== undefined) Object.freeze(d.checksums);
  return Object.freeze(d);
}

/** How the streams of a checkpoint map onto the streams of the current program. */
export interface GraphMatch {
  /** Current stream -> its descriptor in the checkpoint. */
  readonly streams: Map<DStream<unknown>, StreamDescriptor>;
  /** What makes the checkpoint unusable with the current program (empty: compatible). */
  readonly differences: string[];
  /** Compatible changes, for the log. */
  readonly notes: string[];
  /** Ids of the checkpoint's stateful streams that have no counterpart in the program. */
  readonly missingStateful: string[];
}

/**
 * Matches the checkpoint's streams to the current graph's (by custom name, else by structural
 * key) and lists incompatibilities: batch duration changed; a stateful stream of the
 * checkpoint has no counterpart; a matched stateful or windowed stream changed kind, slide,
 * window or checkpoint interval. New stateless streams, changed functions and new outputs are
 * compatible.
 */
export function matchGraph(cp: MetadataCheckpoint, graph: DStreamGraph): GraphMatch {
  const differences: string[] = [];
  const notes: string[] = [];
  const missingStateful: string[] = [];
  if (cp.batchDurationMs !== graph.batchDuration.milliseconds) {
    differences.push(`the batch duration changed from ${cp.batchDurationMs} ms to ${graph.batchDuration.milliseconds} ms`);
  }
  const keys = structuralKeys(graph);
  const byKey = new Map<string, DStream<unknown>>();
  for (const [s, k] of keys) byKey.set(k, s);
  // A stream named after an old stream's id (`.name('updateStateByKey#4')`) takes its place.
  const byOldId = new Map<string, DStream<unknown>>();
  for (const s of keys.keys()) if (hasCustomName(s)) byOldId.set(s.name(), s);
  const taken = new Set<DStream<unknown>>();
  const streams = new Map<DStream<unknown>, StreamDescriptor>();
  for (const old of cp.streams) {
    let current = byOldId.get(old.id);
    if (current === undefined) {
      const candidate = byKey.get(old.structuralKey);
      if (candidate !== undefined && !(hasCustomName(candidate) && cp.streams.some((o) => o.id === candidate.name()))) current = candidate;
    }
    if (current !== undefined && taken.has(current)) current = undefined;
    if (current !== undefined) taken.add(current);
    if (current === undefined) {
      if (old.stateful) {
        missingStateful.push(old.id);
        differences.push(`stateful stream '${old.id}' (${old.kind}${old.named ? '' : ` over ${old.parents.join(', ') || 'no parent'}`}) is not in the new program`);
      } else if (old.windowMs !== undefined) {
        notes.push(`windowed stream '${old.id}' is not in the new program`);
      }
      continue;
    }
    streams.set(current, old);
    if (!(old.stateful || old.windowMs !== undefined)) continue;
    const now = describeOne(current);
    if (now.kind !== old.kind) differences.push(`stream '${old.id}' was a ${old.kind}, it is now a ${now.kind} ('${current.name()}')`);
    if (now.slideMs !== old.slideMs) differences.push(`the slide duration of '${old.id}' changed from ${old.slideMs} ms to ${now.slideMs} ms`);
    if (now.windowMs !== old.windowMs) differences.push(`the window duration of '${old.id}' changed from ${String(old.windowMs)} ms to ${String(now.windowMs)} ms`);
    if (old.stateful && now.checkpointMs !== undefined && old.checkpointMs !== undefined && now.checkpointMs !== old.checkpointMs) {
      differences.push(`the checkpoint interval of '${old.id}' changed from ${old.checkpointMs} ms to ${now.checkpointMs} ms`);
    }
  }
  const matched = new Set(streams.keys());
  for (const s of keys.keys()) {
    if (!matched.has(s)) notes.push(`'${s.name()}' is new (starts without checkpointed data)`);
  }
  return { streams, differences, notes, missingStateful };
}

function describeOne(s: DStream<unknown>): { kind: string; slideMs: number; windowMs: number | undefined; checkpointMs: number | undefined } {
  return { kind: s.kind, slideMs: s.slideDuration.milliseconds, windowMs: windowOf(s)?.milliseconds, checkpointMs: s.checkpointDuration?.milliseconds };
}

/** The input streams of the graph, by the same structural keys. */
export function inputKeys(graph: DStreamGraph, keys: ReadonlyMap<DStream<unknown>, string> = structuralKeys(graph)): Map<InputDStream<unknown>, string> {
  const out = new Map<InputDStream<unknown>, string>();
  for (const input of graph.inputStreams) {
    const k = keys.get(input);
    if (k !== undefined) out.set(input, k);
  }
  return out;
}
