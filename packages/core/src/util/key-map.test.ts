import { describe, expect, it } from 'vitest';
import { List } from 'immutable';
import { KeyMap } from './key-map.ts';
import { KeySet } from './key-set.ts';

describe('KeyMap', () => {
  it('keeps primitive keys on a native Map', () => {
    const m = new KeyMap<unknown, number>();
    m.set('a', 1).set(1, 2).set(true, 3).set(undefined, 4).set('a', 5);
    expect(m.size).toBe(4);
    expect(m.get('a')).toBe(5);
    expect(m.get(1)).toBe(2);
    expect(m.get('1')).toBeUndefined();
    expect(m.has(undefined)).toBe(true);
  });

  it('compares tuple, Immutable and plain-object keys by value', () => {
    const m = new KeyMap<unknown, string>();
    m.set(['a', 1], 'tuple');
    m.set(List([1, 2]), 'list');
    m.set({ x: 1, y: 2 }, 'obj');
    expect(m.get(['a', 1])).toBe('tuple');
    expect(m.get(List([1, 2]))).toBe('list');
    expect(m.get({ y: 2, x: 1 })).toBe('obj');
    m.set(['a', 1], 'again');
    expect(m.size).toBe(3);
    expect(m.get(['a', 1])).toBe('again');
    expect(m.delete(['a', 1])).toBe(true);
    expect(m.has(['a', 1])).toBe(false);
    expect(m.size).toBe(2);
  });

  it('iterates every entry once', () => {
    const m = new KeyMap<unknown, number>([[1, 1], [[1], 2], ['x', 3]]);
    expect(m.toArray()).toEqual([[1, 1], ['x', 3], [[1], 2]]);
    expect([...m.keys()]).toHaveLength(3);
    m.clear();
    expect(m.size).toBe(0);
  });

  it('KeySet dedupes by value', () => {
    const s = new KeySet<unknown>([[1, 2], [1, 2], 'a', 'a', { k: 1 }, { k: 1 }]);
    expect(s.size).toBe(3);
    expect(s.has([1, 2])).toBe(true);
  });
});
