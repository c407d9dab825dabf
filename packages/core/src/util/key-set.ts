import { KeyMap } from './key-map.ts';

/** A set whose elements compare by value, on top of {@link KeyMap}. */
export class KeySet<T> {
  private readonly map = new KeyMap<T, true>();

  constructor(values?: Iterable<T>) {
    if (values) for (const v of values) this.add(v);
  }

  get size(): number { return this.map.size; }
  has(value: T): boolean { return this.map.has(value); }
  add(value: T): this { this.map.set(value, true); return this; }
  delete(value: T): boolean { return this.map.delete(value); }
  clear(): void { this.map.clear(); }
  *values(): IterableIterator<T> { yield* this.map.keys(); }
  [Symbol.iterator](): IterableIterator<T> { return this.values(); }
  toArray(): T[] { return [...this.map.keys()]; }
}
