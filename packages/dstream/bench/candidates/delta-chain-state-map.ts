/**
 * The losing state-store candidate, kept so `bench/state-map.bench.ts` can re-run the
 * comparison: a native Map of one batch's changes over its parent version (Spark's
 * `OpenHashMapBasedStateMap` idea), compacted into a fresh root when the chain gets long.
 * Primitive keys only (the benchmark's case). Not used by the engine.
 */
const REMOVED = Symbol('removed');

interface Entry<S> { state: S; updateTime: number }

export class DeltaChainStateMap<K, S> {
  private readonly deltas = new Map<K, Entry<S> | typeof REMOVED>();
  private frozen = false;
  private count: number;

  constructor(private readonly parent: DeltaChainStateMap<K, S> | undefined = undefined,
              private readonly depth = 0,
              private readonly maxDepth = 20) {
    this.count = parent ? parent.count : 0;
  }

  get size(): number { return this.count; }

  get(key: K): S | undefined {
    for (let m: DeltaChainStateMap<K, S> | undefined = this; m; m = m.parent) {
      const e = m.deltas.get(key);
      if (e !== undefined) return e === REMOVED ? undefined : e.state;
    }
    return undefined;
  }

  put(key: K, state: S, updateTime: number): void {
    if (this.frozen) throw new Error('read-only version');
    if (this.get(key) === undefined) this.count++;
    this.deltas.set(key, { state, updateTime });
  }

  remove(key: K): void {
    if (this.frozen) throw new Error('read-only version');
    if (this.get(key) === undefined) return;
    this.count--;
    if (this.parent && this.parent.get(key) !== undefined) this.deltas.set(key, REMOVED);
    else this.deltas.delete(key);
  }

  *entries(): IterableIterator<[K, S, number]> {
    const seen = new Set<K>();
    for (let m: DeltaChainStateMap<K, S> | undefined = this; m; m = m.parent) {
      for (const [k, e] of m.deltas) {
        if (seen.has(k)) continue;
        seen.add(k);
        if (e !== REMOVED) yield [k, e.state, e.updateTime];
      }
    }
  }

  copy(): DeltaChainStateMap<K, S> {
    this.frozen = true;
    if (this.depth + 1 < this.maxDepth) return new DeltaChainStateMap(this, this.depth + 1, this.maxDepth);
    const root = new DeltaChainStateMap<K, S>(undefined, 0, this.maxDepth);
    for (const [k, s, t] of this.entries()) root.deltas.set(k, { state: s, updateTime: t });
    root.count = this.count;
    return new DeltaChainStateMap(root, 1, this.maxDepth);
  }
}
