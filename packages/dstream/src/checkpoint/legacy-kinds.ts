import type { InputDescriptor, MetadataCheckpoint, OutputDescriptor, StreamDescriptor } from './metadata-checkpoint.ts';

/**
 * The class-style kinds that checkpoint format versions 1 and 2 recorded, and the operator
 * kinds the DStream classes declare since version 3 (`static kind = 'map'`). A frozen
 * table: it describes what old files contain, so it never changes when a class does. Kinds not
 * in it (a user's own DStream classes) are kept as they are.
 */
export const LEGACY_KINDS: ReadonlyMap<string, string> = new Map([
  ['DStream', 'dstream'],
  ['InputDStream', 'input'],
  ['MappedDStream', 'map'],
  ['FlatMappedDStream', 'flatMap'],
  ['FilteredDStream', 'filter'],
  ['GlommedDStream', 'glom'],
  ['MapPartitionedDStream', 'mapPartitions'],
  ['MappedValuesDStream', 'mapValues'],
  ['FlatMappedValuesDStream', 'flatMapValues'],
  ['TransformedDStream', 'transform'],
  ['UnionDStream', 'union'],
  ['ForEachDStream', 'foreachRDD'],
  ['ShuffledDStream', 'combineByKey'],
  ['WindowedDStream', 'window'],
  ['ReducedWindowedDStream', 'reduceByKeyAndWindow'],
  ['StateDStream', 'updateStateByKey'],
  ['MapWithStateDStream', 'mapWithState'],
  ['InternalMapWithStateDStream', 'internalMapWithState'],
  ['FileInputDStream', 'fileStream'],
  ['ReceiverInputDStream', 'receiverStream'],
  ['SocketInputDStream', 'socketStream'],
  ['QueueInputDStream', 'queueStream'],
  ['LogInputDStream', 'directStream'],
  ['TestInputDStream', 'testInput'],
]);

const kindOf = (kind: string): string => LEGACY_KINDS.get(kind) ?? kind;

/** A class-style kind, as a structural key's token: at the start or after `(` / `,`, before `(` or `@`. */
const KIND_TOKEN = new RegExp(`(^|[(,])(${[...LEGACY_KINDS.keys()].join('|')})(?=[(@])`, 'g');

/**
 * A version 1 or 2 checkpoint (already validated) in the operator kinds of the current
 * format: every `kind`, every positional id (`StateDStream#2` becomes `updateStateByKey#2`,
 * in parents and outputs too) and every structural key (`StateDStream(MappedDStream(
 * TestInputDStream@0))` becomes `updateStateByKey(map(testInput@0))`). Custom names
 * (`name:...` keys, named streams' ids) are left alone, so streams recover onto the same
 * streams of the program as before the kinds were renamed.
 */
export function withOperatorKinds(cp: MetadataCheckpoint): MetadataCheckpoint {
  const ids = new Map<string, string>();
  const renameId = (id: string, kind: string): string => {
    const m = /^(.*)#(\d+)$/.exec(id);
    return m !== null && m[1] === kind ? `${kindOf(kind)}#${m[2]}` : id;
  };
  for (const s of cp.streams) ids.set(s.id, s.named ? s.id : renameId(s.id, s.kind));
  for (const i of cp.inputs) if (!ids.has(i.id)) ids.set(i.id, renameId(i.id, i.kind));
  // An id no descriptor has (not expected from Kindling's writer) is read by its form.
  const idOf = (id: string): string => ids.get(id) ?? renameId(id, /^(.*)#\d+$/.exec(id)?.[1] ?? '');
  // Custom names can contain anything; those embedded in keys are set aside while kinds are rewritten.
  const names = cp.streams.filter((s) => s.named).map((s) => `name:${s.id}`).sort((a, b) => b.length - a.length);
  const keyOf = (key: string): string => {
    let masked = key;
    names.forEach((n, i) => { masked = masked.split(n).join(`\u0000${i}\u0000`); });
    const renamed = masked.replace(KIND_TOKEN, (_, before: string, kind: string) => `${before}${kindOf(kind)}`);
    return renamed.replace(/\u0000(\d+)\u0000/g, (_, i: string) => names[Number(i)]!);
  };
  const streams: StreamDescriptor[] = cp.streams.map((s) => ({ ...s, id: idOf(s.id), kind: kindOf(s.kind), structuralKey: keyOf(s.structuralKey), parents: s.parents.map(idOf) }));
  const inputs: InputDescriptor[] = cp.inputs.map((i) => ({ ...i, id: idOf(i.id), kind: kindOf(i.kind), structuralKey: keyOf(i.structuralKey) }));
  const outputs: OutputDescriptor[] = cp.outputs.map((o) => ({ ...o, parent: idOf(o.parent) }));
  return { ...cp, streams, inputs, outputs };
}
