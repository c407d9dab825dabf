import { PairColumns } from '@kindling/core';
import type { DStream } from '../dstream/dstream.ts';

/**
 * A short description of a value's shape, for the key/state shape a checkpoint records:
 * `string`, `number`, `[string, number]` (tuples up to 4), `array`, `Map`, `Set`,
 * `{count, last}` (plain objects: sorted keys, up to 8), or a class name. Types are erased at
 * run time, so a sample value is all there is.
 */
export function shapeOf(x: unknown, depth = 0): string {
  if (x === null) return 'null';
  const t = typeof x;
  if (t !== 'object') return t;
  if (Array.isArray(x)) {
    if (depth < 2 && x.length >= 1 && x.length <= 4) return `[${x.map((e) => shapeOf(e, depth + 1)).join(', ')}]`;
    return 'array';
  }
  if (x instanceof Map) return 'Map';
  if (x instanceof Set) return 'Set';
  const proto = Object.getPrototypeOf(x) as object | null;
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(x as object).sort();
    return keys.length <= 8 ? `{${keys.join(', ')}}` : 'object';
  }
  return (x as object).constructor?.name ?? 'object';
}

/**
 * The shape of an element of the stream's latest generated RDD, when that RDD is computed
 * and held in memory (persisted streams: the stateful ones are); otherwise undefined.
 */
export function sampleElementShape(s: DStream<unknown>): string | undefined {
  let latest = Number.NEGATIVE_INFINITY;
  for (const t of s.generatedRDDs.keys()) if (t > latest) latest = t;
  const rdd = s.generatedRDDs.get(latest);
  if (rdd === undefined) return undefined;
  const blocks = rdd.context.blockManager;
  const n = rdd.getNumPartitions();
  for (let i = 0; i < n; i++) {
    const part = blocks.get(rdd.id, i);
    if (part === undefined) return undefined;
    const first = part instanceof PairColumns ? part.pairs()[0] : part[0];
    if (part.length > 0) return shapeOf(first);
  }
  return undefined;
}
