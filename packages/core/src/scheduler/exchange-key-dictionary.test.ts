import { describe, expect, it } from 'vitest';
import { CombineKeyIndex, type KeySlots } from '../rdd/combine-key-index.ts';
import { PairColumns } from '../rdd/pair-columns.ts';
import { ReceivedKeyTables, SentKeySlots } from './exchange-key-dictionary.ts';
import { decodeBlockData, encodeBlock, type EncodedBlock } from './shuffle-block-codec.ts';

const sum = (a: unknown, b: unknown): unknown => (a as number) + (b as number);

/** One combine call of `pairs` through `index`: its columns, carrying their slots as the compiled combine's do. */
function combined(index: CombineKeyIndex, pairs: readonly [string, number][]): PairColumns {
  const call = index.begin()!;
  for (const [k, v] of pairs) call.add(k, v, sum);
  const out = call.end();
  const cols = new PairColumns(out.keys, out.values);
  cols.keySlots = out.slots;
  return cols;
}

/** What the peer's thread receives: the block after structured clone, its buffers transferred. */
function post(block: EncodedBlock, transfer: ArrayBuffer[]): EncodedBlock {
  return structuredClone(block, { transfer });
}

/** The receiving side as the executor does it on arrival, then the columns a stage reads. */
function receive(tables: ReceivedKeyTables, from: number, block: EncodedBlock): [unknown, unknown][] {
  const resolved: EncodedBlock = block.kind === 'string-number-slots' ? { kind: 'string-number-keys', keys: tables.resolve(from, block), values: block.values } : block;
  const data = decodeBlockData(resolved) as PairColumns;
  return data.keys.map((k, i) => [k, data.values[i]]);
}

describe('dictionary-coded exchange of map-side keys', () => {
  it('sends a key as a string once per peer, then by its slot; the peer rebuilds every block exactly', () => {
    const index = new CombineKeyIndex();
    const sent = new SentKeySlots();
    const tables = new ReceivedKeyTables();
    const long = 'a-key-longer-than-thirteen-characters';
    const batches: [string, number][][] = [
      [['ant', 1], ['bee', 2], [long, 3], ['ant', 4]],
      [['bee', 5], ['cow', 6], ['ant', 7]],
      [[long, 8], ['bee', 9]],
    ];
    const kinds: string[] = [];
    const received: [unknown, unknown][][] = [];
    for (const b of batches) {
      const transfer: ArrayBuffer[] = [];
      const block = encodeBlock(combined(index, b), transfer, { sent, peer: 1 });
      kinds.push(block.kind);
      received.push(receive(tables, 0, post(block, transfer)));
    }
    expect(kinds).toEqual(['string-number-slots', 'string-number-slots', 'string-number-slots']);
    // Each batch's keys in first-seen order with their sums, as a fresh map gives them.
    expect(received).toEqual([[['ant', 5], ['bee', 2], [long, 3]], [['bee', 5], ['cow', 6], ['ant', 7]], [[long, 8], ['bee', 9]]]);
    // ant, bee, the long key, then cow went as strings; the other four keys by slot.
    expect(sent.counts).toEqual({ bySlot: 4, asStrings: 4 });
  });

  it('keeps one record per peer, and sends a forgotten peer its keys again without changing what it decodes', () => {
    const index = new CombineKeyIndex();
    const sent = new SentKeySlots();
    const tables = [new ReceivedKeyTables(), new ReceivedKeyTables(), new ReceivedKeyTables()];
    const pairs: [string, number][] = [['x', 1], ['y', 2]];
    const send = (peer: number): [unknown, unknown][] => {
      const transfer: ArrayBuffer[] = [];
      const block = encodeBlock(combined(index, pairs), transfer, { sent, peer });
      return receive(tables[peer]!, 0, post(block, transfer));
    };
    expect(send(1)).toEqual(pairs);
    expect(send(2)).toEqual(pairs);
    expect(send(1)).toEqual(pairs);
    expect(sent.counts).toEqual({ bySlot: 2, asStrings: 4 });
    // Blocks encoded for peer 1 were not sent (a failed stage): peer 1 gets the strings again.
    sent.forgetPeer(1);
    expect(send(1)).toEqual(pairs);
    expect(send(2)).toEqual(pairs);
    expect(sent.counts).toEqual({ bySlot: 4, asStrings: 6 });
  });

  it('starts a new table when the index was rebuilt, and refuses a slot it never received', () => {
    const index = new CombineKeyIndex();
    const sent = new SentKeySlots();
    const tables = new ReceivedKeyTables();
    const first = combined(index, [['p', 1], ['q', 2]]);
    const t1: ArrayBuffer[] = [];
    expect(receive(tables, 0, post(encodeBlock(first, t1, { sent, peer: 1 }), t1))).toEqual([['p', 1], ['q', 2]]);
    // A call of many more keys than it keeps: the index is rebuilt (its slots name other keys).
    const many: [string, number][] = [];
    for (let i = 0; i < 70_000; i++) many.push([`k${i}`, i]);
    combined(index, many);
    const after = combined(index, [['q', 3], ['r', 4]]);
    expect(after.keySlots!.generation).not.toBe(first.keySlots!.generation);
    const t2: ArrayBuffer[] = [];
    const block = encodeBlock(after, t2, { sent, peer: 1 });
    expect(receive(tables, 0, post(block, t2))).toEqual([['q', 3], ['r', 4]]);
    // Columns whose slots are of an older generation go as plain strings.
    const t3: ArrayBuffer[] = [];
    expect(encodeBlock(first, t3, { sent, peer: 1 }).kind).toBe('string-number');
    // A block naming a slot the receiver never got (out of step): an error, never a wrong key.
    const stray: KeySlots = { index, generation: index.generation, slots: [0, 1] };
    const cols = new PairColumns(['q', 'r'], [1, 2]);
    cols.keySlots = stray;
    const t4: ArrayBuffer[] = [];
    const coded = encodeBlock(cols, t4, { sent, peer: 1 });
    expect(() => receive(new ReceivedKeyTables(), 0, post(coded, t4))).toThrow(/never received/);
  });

  it('sends other columns as before: keys that are not strings, values that are not numbers, no slots', () => {
    const sent = new SentKeySlots();
    const index = new CombineKeyIndex();
    const call = index.begin()!;
    call.add(1, 'one', sum);
    const out = call.end();
    const numberKeys = new PairColumns(out.keys, out.values);
    numberKeys.keySlots = out.slots;
    expect(encodeBlock(numberKeys, [], { sent, peer: 1 }).kind).toBe('records');
    expect(encodeBlock(new PairColumns(['a'], [1]), [], { sent, peer: 1 }).kind).toBe('string-number');
    expect(sent.counts).toEqual({ bySlot: 0, asStrings: 0 });
  });
});
