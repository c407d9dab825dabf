import { describe, expect, it } from 'vitest';
import { RawBlockDecoder, encodeRawBlock, encodeValues } from '../src/index.ts';

const blocks: unknown[][] = [
  [1, 'two', [3, 4], { five: 5 }],
  [],
  [new Map([['k', 1]]), null, -0.5],
  ['x'.repeat(300)],
];
const records = blocks.flat();

describe('raw block framing (rawSocketStream)', () => {
  it('frames a block as a 4-byte big-endian payload length, then the value codec\'s bytes', () => {
    const frame = encodeRawBlock(['a', 1]);
    const payload = encodeValues(['a', 1]);
    expect(frame.readUInt32BE(0)).toBe(payload.length);
    expect([...frame.subarray(4)]).toEqual([...payload]);
    expect(frame.length).toBe(4 + payload.length);
  });

  it('decodes blocks whole, at whatever chunk boundaries: every split point, one byte at a time, all at once', () => {
    const stream = Buffer.concat(blocks.map((b) => encodeRawBlock(b)));
    const all = new RawBlockDecoder<unknown>();
    expect([...all.push(stream), ...all.end()]).toEqual(records);
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new RawBlockDecoder<unknown>();
      expect([...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut)), ...d.end()]).toEqual(records);
    }
    const bytewise = new RawBlockDecoder<unknown>();
    const out: unknown[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...bytewise.push(stream.subarray(i, i + 1)));
    expect(out).toEqual(records);
  });

  it('gives a block\'s records only once its last byte arrived', () => {
    const frame = encodeRawBlock([7, 8]);
    const d = new RawBlockDecoder<number>();
    expect(d.push(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(d.push(frame.subarray(frame.length - 1))).toEqual([7, 8]);
  });

  it('reports a block cut off by the end of the connection as dropped, with what arrived', () => {
    const dropped: string[] = [];
    const context = { host: 'h', port: 1, reportDropped: (r: string) => dropped.push(r) };
    const frame = encodeRawBlock(['lost']);
    const d = new RawBlockDecoder<string>(context);
    expect(d.push(Buffer.concat([encodeRawBlock(['kept']), frame.subarray(0, 6)]))).toEqual(['kept']);
    expect(d.end()).toEqual([]);
    expect(dropped).toEqual([`the connection ended inside a block: a block of ${frame.length - 4} bytes of which 2 arrived were dropped`]);
    const h = new RawBlockDecoder<string>(context);
    h.push(frame.subarray(0, 3));
    h.end();
    expect(dropped[1]).toBe('the connection ended inside a block: 3 bytes of a block header were dropped');
  });

  it('fails on a payload that is not the value codec\'s', () => {
    const bad = Buffer.from([0, 0, 0, 3, 1, 2, 3]);
    expect(() => new RawBlockDecoder().push(bad)).toThrow();
  });
});
