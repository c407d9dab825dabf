import { hashCode, keyEquals } from './hash-code.ts';

/**
 * A map whose keys compare by value (see {@link keyEquals}). Primitive keys live in a native
 * `Map` (the fast path); arrays, objects and Immutable.js values go to hash buckets.
 * Iteration yields primitive keys first (in insertion order), then the others.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * const m = new KeyMap<[string, number], number>();
 * m.set(['a', 1], 10);
 * assert.equal(m.get(['a', 1]), 10); // another array, equal element-wise
 * ```
 */
export class KeyMap<K, V> {
  private readonly prim = new Map<K, V>();
  private buckets: Map<number, [K, V][]> | undefined;
  private hashedSize = 0;

  constructor(entries?: Iterable<readonly [K, V]>) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number { return this.prim.size + this.hashedSize; }

  get(key: K): V | undefined {
    if (key === null || typeof key !== 'object') return this.prim.get(key);
    const e = this.findEntry(key);
    return e === undefined ? undefined : e[1];
  }

  has(key: K): boolean {
    if (key === null || typeof key !== 'object') return this.prim.has(key);
    return this.findEntry(key) !== undefined;
  }

  set(key: K, value: V): this {
    if (key === null || typeof key !== 'object') {
      this.prim.set(key, value);
      return this;
    }
    const h = hashCode(key);
    this.buckets ??= new Map();
    const bucket = this.buckets.get(h);
    if (bucket === undefined) {
      this.buckets.set(h, [[key, value]]);
      this.hashedSize++;
      return this;
    }
    for (const e of bucket) {
      if (keyEquals(e[0], key)) {
        e[1] = value;
        return this;
      }
    }
    bucket.push([key, value]);
    this.hashedSize++;
    return this;
  }

  delete(key: K): boolean {
    if (key === null || typeof key !== 'object') return this.prim.delete(key);
    if (this.buckets === undefined) return false;
    const h = hashCode(key);
    const bucket = this.buckets.get(h);
    if (bucket === undefined) return false;
    for (let i = 0; i < bucket.length; i++) {
      if (keyEquals(bucket[i]![0], key)) {
        bucket.splice(i, 1);
        if (bucket.length === 0) this.buckets.delete(h);
        this.hashedSize--;
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.prim.clear();
    this.buckets = undefined;
    this.hashedSize = 0;
  }

  forEach(f: (value: V, key: K) => void): void {
    this.prim.forEach(f);
    if (this.buckets) for (const bucket of this.buckets.values()) for (const e of bucket) f(e[1], e[0]);
  }

  *entries(): IterableIterator<[K, V]> {
    yield* this.prim.entries();
    if (this.buckets) for (const bucket of this.buckets.values()) for (const e of bucket) yield [e[0], e[1]];
  }

  *keys(): IterableIterator<K> {
    for (const e of this.entries()) yield e[0];
  }

  *values(): IterableIterator<V> {
    for (const e of this.entries()) yield e[1];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> { return this.entries(); }

  /** The entries as a fresh array of `[key, value]` pairs. */
  toArray(): [K, V][] {
    const out: [K, V][] = [];
    this.forEach((v, k) => { out.push([k, v]); });
    return out;
  }

  private findEntry(key: K): [K, V] | undefined {
    if (this.buckets === undefined) return undefined;
    const bucket = this.buckets.get(hashCode(key));
    if (bucket === undefined) return undefined;
    for (const e of bucket) if (keyEquals(e[0], key)) return e;
    return undefined;
  }
}
