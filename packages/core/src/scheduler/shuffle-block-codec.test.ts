import { describe, expect, it } from 'vitest';
import { List, Map as IMap, OrderedSet, is } from 'immutable';
import { PairColumns } from '../rdd/pair-columns.ts';
import { decodeBlock, decodeBlockData, encodeBlock } from './shuffle-block-codec.ts';

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

  it('encodes columns (a combined map-side bucket) without building pairs, and decodes a shuffle block back into columns', () => {
    const keys = ['a', 'b', '', 'a-key-longer-than-thirteen-characters'];
    const values = [1, -0.5, 2 ** 53, -0];
    const cols = new PairColumns(keys.slice(), values.slice());
    const transfer: ArrayBuffer[] = [];
    const block = encodeBlock(cols, transfer);
    expect(block.kind).toBe('string-number');
    expect(transfer).toHaveLength(2);
    const data = decodeBlockData(structuredClone(block, { transfer }));
    expect(data).toBeInstanceOf(PairColumns);
    expect((data as PairColumns).keys).toEqual(keys);
    expect((data as PairColumns).values).toEqual(values);
    expect(Object.is((data as PairColumns).values[3], -0)).toBe(true);
    // Number keys too; columns of anything else go as their pairs, by structured clone.
    const numeric = encodeBlock(new PairColumns([3, 1], [0.5, 7]), []);
    expect(numeric.kind).toBe('number-number');
    expect((decodeBlockData(numeric) as PairColumns).keys).toEqual([3, 1]);
    const mixed = encodeBlock(new PairColumns(['x', 'y'], [1, 'two']), []);
    expect(mixed.kind).toBe('records');
    expect(decodeBlockData(mixed)).toEqual([['x', 1], ['y', 'two']]);
  });
});
