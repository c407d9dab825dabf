import { isImmutable, isList, isMap, isSet, isStack, isRecord, isOrdered, isIndexed } from 'immutable';

function formatAll(xs: Iterable<unknown>, sep: string): string {
  const parts: string[] = [];
  for (const x of xs) parts.push(formatElement(x));
  return parts.join(sep);
}

function formatEntries(entries: Iterable<readonly [unknown, unknown]>): string {
  const parts: string[] = [];
  for (const [k, v] of entries) parts.push(`${formatElement(k)} -> ${formatElement(v)}`);
  return parts.join(', ');
}

function formatImmutable(x: unknown): string {
  if (isList(x)) return `List(${formatAll(x, ', ')})`;
  if (isMap(x)) return `Map(${formatEntries(x.entries() as Iterable<[unknown, unknown]>)})`;
  if (isSet(x)) return `Set(${formatAll(x, ', ')})`;
  if (isStack(x)) return `Stack(${formatAll(x, ', ')})`;
  if (isRecord(x)) return String(x);
  const c = x as { values(): Iterable<unknown> } & object;
  if (isIndexed(c) || isOrdered(c)) return `Seq(${formatAll(c.values(), ', ')})`;
  return String(x);
}

function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Prints a value as Scala's `toString` would print its counterpart, for `print()`,
 * `saveAsTextFile(s)` and `toDebugString`:
 * - arrays are tuples: `['a', [1, 2]]` prints `(a,(1,2))`;
 * - Immutable.js `List([1, 2])` prints `List(1, 2)`, `Map({a: 1})` prints `Map(a -> 1)`,
 *   `Set` prints `Set(..)`; native `Map`/`Set` print the same way;
 * - strings raw, numbers and bigints as JS prints them, booleans `true`/`false`;
 * - `undefined` (Scala's `None`) prints `None`, `null` prints `null`;
 * - objects with their own `toString` use it; other class instances print like a Scala case
 *   class, `Order(1,true)` (their own fields in order); plain objects print `{k: v, ...}`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { List } from 'immutable';
 * assert.equal(formatElement(['TOP5CLIENTS', List([34, 69, 92])]), '(TOP5CLIENTS,List(34, 69, 92))');
 * ```
 */
export function formatElement(x: unknown): string {
  switch (typeof x) {
    case 'string': return x;
    case 'number':
    case 'boolean':
    case 'bigint': return String(x);
    case 'undefined': return 'None';
    case 'symbol': return x.toString();
    case 'function': return `<function ${x.name || 'anonymous'}>`;
    default: break;
  }
  if (x === null) return 'null';
  if (Array.isArray(x)) return `(${formatAll(x, ',')})`;
  if (isImmutable(x)) return formatImmutable(x);
  if (x instanceof Map) return `Map(${formatEntries(x.entries())})`;
  if (x instanceof Set) return `Set(${formatAll(x, ', ')})`;
  const obj = x as object;
  if (isPlainObject(obj)) {
    const parts: string[] = [];
    for (const k of Object.keys(obj)) parts.push(`${k}: ${formatElement((obj as Record<string, unknown>)[k])}`);
    return `{${parts.join(', ')}}`;
  }
  if (obj.toString === Object.prototype.toString && !(obj instanceof Date)) {
    // A class instance without its own toString prints like a Scala case class.
    const fields: string[] = [];
    for (const v of Object.values(obj)) fields.push(formatElement(v));
    return `${obj.constructor?.name ?? 'Object'}(${fields.join(',')})`;
  }
  return String(x);
}
