import { createHash } from 'node:crypto';

/** Entries of a Map or an iterable of pairs, sorted by key: the order-free form of a keyed result. */
export function sortedEntries(value: unknown): [unknown, unknown][] {
  const entries = [...(value as Iterable<[unknown, unknown]>)].map(([k, v]) => [k, v] as [unknown, unknown]);
  return entries.sort((a, b) => compareKeys(a[0], b[0]));
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A short fingerprint of a canonical result, to compare systems run in different processes. */
export function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** Walks an output so that lazy results are realised, without keeping it (timed runs). */
export function touch(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.length;
  if (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') {
    let n = 0;
    for (const _ of value as Iterable<unknown>) n++;
    return n;
  }
  return 1;
}
