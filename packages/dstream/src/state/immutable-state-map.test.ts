import { describe, expect, it } from 'vitest';
import { List } from 'immutable';
import { ImmutableStateMap } from './immutable-state-map.ts';

const contents = <K, S>(m: ImmutableStateMap<K, S>): [K, S, number][] =>
  [...m.entries()].map((e) => [e.key, e.state, e.updateTime] as [K, S, number]);

describe('ImmutableStateMap', () => {
  it('puts, gets, updates and removes', () => {
    const m = ImmutableStateMap.empty<string, number>(true);
    expect(m.size).toBe(0);
    expect(m.get('a')).toBeUndefined();
    m.put('a', 1, 100);
    m.put('b', 2, 100);
    m.put('a', 3, 200);
    expect(m.size).toBe(2);
    expect(m.get('a')).toBe(3);
    expect({ ...m.getEntry('a') }).toEqual({ key: 'a', state: 3, updateTime: 200 });
    m.remove('b');
    m.remove('missing');
    expect(m.size).toBe(1);
    expect(contents(m)).toEqual([['a', 3, 200]]);
  });

  it('never changes a version after its copy was taken', () => {
    const v1 = ImmutableStateMap.empty<string, number>(true);
    v1.put('a', 1, 1);
    v1.put('b', 1, 1);
    const v2 = v1.copy();
    v2.put('a', 2, 2);
    v2.remove('b');
    v2.put('c', 2, 2);
    expect(contents(v1).sort()).toEqual([['a', 1, 1], ['b', 1, 1]]);
    expect(contents(v2).sort()).toEqual([['a', 2, 2], ['c', 2, 2]]);
    expect(() => v1.put('x', 0, 0)).toThrow(/read-only/);
    expect(() => v1.remove('a')).toThrow(/read-only/);
  });

  it('without tracked update times: same contents, times unknown (NaN), states may be undefined', () => {
    const m = ImmutableStateMap.empty<string, number | undefined>();
    m.put('a', 1, 100);
    m.put('u', undefined, 100);
    expect(m.get('a')).toBe(1);
    expect(m.has('u')).toBe(true);
    expect(m.has('x')).toBe(false);
    expect(m.getEntry('u')?.state).toBeUndefined();
    expect(m.getEntry('x')).toBeUndefined();
    expect(contents(m).sort()).toEqual([['a', 1, Number.NaN], ['u', undefined, Number.NaN]]);
  });

  it('lets one version have two independent children (a batch re-run)', () => {
    const base = ImmutableStateMap.empty<number, number>();
    for (let k = 0; k < 1000; k++) base.put(k, k, 0);
    const runA = base.copy();
    const runB = base.copy();
    for (let k = 0; k < 1000; k += 2) runA.put(k, -1, 1);
    for (let k = 0; k < 1000; k += 3) runB.remove(k);
    expect(base.get(0)).toBe(0);
    expect(base.size).toBe(1000);
    expect(runA.get(0)).toBe(-1);
    expect(runA.get(3)).toBe(3);
    expect(runB.get(0)).toBeUndefined();
    expect(runB.get(2)).toBe(2);
    expect(runB.size).toBe(1000 - 334);
  });

  it('compares tuple, plain-object and Immutable keys by value', () => {
    const m = ImmutableStateMap.empty<unknown, string>();
    m.put(['a', 1], 'tuple', 0);
    m.put({ x: 1, y: [2, 3] }, 'object', 0);
    m.put(List([1, 2]), 'list', 0);
    expect(m.get(['a', 1])).toBe('tuple');
    expect(m.get(['a', 2])).toBeUndefined();
    expect(m.get({ x: 1, y: [2, 3] })).toBe('object');
    expect(m.get(List([1, 2]))).toBe('list');
    // the original key is what iteration hands back
    expect([...m.entries()].map((e) => e.key)).toContainEqual(['a', 1]);
    m.put(['a', 1], 'again', 1);
    expect(m.size).toBe(3);
  });

  it('honours equals/hashCode keys', () => {
    class P { constructor(readonly id: number) {} equals(o: unknown): boolean { return o instanceof P && o.id === this.id; } hashCode(): number { return this.id; } }
    const m = ImmutableStateMap.empty<P, number>();
    m.put(new P(7), 1, 0);
    expect(m.get(new P(7))).toBe(1);
  });

  it('removes exactly the keys idle since before the threshold, without touching the parent', () => {
    const v1 = ImmutableStateMap.empty<string, number>(true);
    v1.put('a', 1, 1000);
    v1.put('b', 1, 1000);
    v1.put('c', 1, 1000);
    const v2 = v1.copy();
    v2.put('a', 2, 2000); // a written again: no longer idle since 1000
    v2.remove('c');
    const v3 = v2.copy();
    expect(v3.removeIdle(1000)).toEqual([]); // nothing strictly before 1000
    expect(v3.removeIdle(2000).map((e) => [e.key, e.state, e.updateTime])).toEqual([['b', 1, 1000]]);
    expect(v3.get('b')).toBeUndefined();
    expect(v2.get('b')).toBe(1);
    expect(v3.removeIdle(2000)).toEqual([]);
    const v4 = v3.copy();
    expect(v4.removeIdle(2001).map((e) => e.key)).toEqual(['a']);
    expect(v4.size).toBe(0);
    expect(v3.size).toBe(1);
  });

  it('restores entries in any time order with working timeouts', () => {
    const m = ImmutableStateMap.fromEntries([
      { key: 'late', state: 3, updateTime: 3000 },
      { key: 'early', state: 1, updateTime: 1000 },
      { key: 'mid', state: 2, updateTime: 2000 },
    ], true);
    m.put('early2', 9, 1000);
    expect(m.removeIdle(2500).map((e) => e.key)).toEqual(['early', 'early2', 'mid']);
    expect(m.size).toBe(1);
  });

  it('refuses removeIdle when update times are not tracked', () => {
    expect(() => ImmutableStateMap.empty().removeIdle(0)).toThrow(/trackUpdateTimes/);
  });
});
