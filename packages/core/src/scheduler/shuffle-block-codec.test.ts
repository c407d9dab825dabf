import { describe, expect, it } from 'vitest';
import { List, Map as IMap, OrderedSet, is } from 'immutable';
import { decodeBlock, encodeBlock } from './shuffle-block-codec.ts';

/** What the other thread receives: the block after structured clone (with its buffers transferred). */
function sendAndDecode(records: readonly unknown[]): { kind: string; out: unknown[]; transferred: number } {
  const transfer: ArrayBuffer[] = [];
  const block = encodeBlock(records, transfer);
  const received = structuredClone(block, { transfer });
  return { kind: block.kind, out: decodeBlock(received), transferred: transfer.length };
}

describe('shuffle block codec', () => {
  it('sends [string, number] pairs columnar: keys packed in one string, end offsets and numbers in transferred typed arrays', () => {
    const pairs: [string, number][] = [['a', 1], ['b', -0.5], ['', 2 ** 53], ['é', Number.NaN], ['😀\ud800x', 3], ['a-key-longer-than-thirteen-characters', 4], ['', 0]];
    const r = sendAndDecode(pairs);
    expect(r.kind).toBe('string-number');
    expect(r.transferred).toBe(2);
    expect(r.out).toEqual(pairs);
    // Every key is its own [key, value] array, as the map side made them.
    expect(new Set(r.out).size).toBe(pairs.length);
  });

  it('sends [number, number] pairs as two transferred typed arrays', () => {
    const pairs: [number, number][] = [[1, 10], [-3, 0.25], [7, -0]];
    const r = sendAndDecode(pairs);
    expect(r.kind).toBe('number-number');
    expect(r.transferred).toBe(2);
    expect(r.out).toEqual(pairs);
    expect(Object.is((r.out[2] as number[])[1], -0)).toBe(true);
  });

  it('falls back to structured clone for other records, also when only a later record differs', () => {
    const mixed = [['a', 1], ['b', 'two']];
    expect(sendAndDecode(mixed)).toMatchObject({ kind: 'records', out: mixed });
    const objects = [{ x: 1, when: new Date(5) }, new Map([[1, new Set(['s'])]])];
    expect(sendAndDecode(objects).out).toEqual(objects);
  });

  it('rebuilds Immutable.js collections inside records (structured clone would make them plain objects)', () => {
    const records = [['TOP5', List(['3', '1'])], ['M', IMap({ a: List([1]) })], ['S', OrderedSet([2, 1])], ['plain', [1, 2]]];
    const r = sendAndDecode(records);
    expect(r.kind).toBe('immutable-records');
    expect(r.out).toHaveLength(4);
    for (let i = 0; i < 3; i++) expect(is((r.out[i] as unknown[])[1], (records[i] as unknown[])[1]), String(i)).toBe(true);
    expect(r.out[3]).toEqual(['plain', [1, 2]]);
    expect(List.isList((r.out[0] as unknown[])[1])).toBe(true);
    expect(((r.out[0] as unknown[])[1] as List<string>).get(0)).toBe('3');
  });
});
