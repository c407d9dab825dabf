import { describe, expect, it } from 'vitest';
import { LineDecoder } from '../src/index.ts';

function decodeChunks(chunks: Uint8Array[]): string[] {
  const d = new LineDecoder();
  const out: string[] = [];
  for (const c of chunks) out.push(...d.push(c));
  out.push(...d.end());
  return out;
}

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('LineDecoder', () => {
  it('returns complete lines only, keeping the partial line for the next chunk', () => {
    const d = new LineDecoder();
    expect(d.push(bytes('hel'))).toEqual([]);
    expect(d.push(bytes('lo\nwor'))).toEqual(['hello']);
    expect(d.push(bytes('ld\n'))).toEqual(['world']);
    expect(d.end()).toEqual([]);
  });

  it('flushes a final line without newline on end()', () => {
    const d = new LineDecoder();
    expect(d.push(bytes('a\nlast'))).toEqual(['a']);
    expect(d.end()).toEqual(['last']);
  });

  it('joins a multi-byte character split across chunks', () => {
    const euro = bytes('\u20ac'); // 3 bytes
    const d = new LineDecoder();
    expect(d.push(Buffer.concat([bytes('price '), euro.subarray(0, 1)]))).toEqual([]);
    expect(d.push(euro.subarray(1, 2))).toEqual([]);
    expect(d.push(Buffer.concat([euro.subarray(2), bytes('5\n')]))).toEqual(['price \u20ac5']);
  });

  it('treats CRLF split between chunks as one line end', () => {
    const d = new LineDecoder();
    expect(d.push(bytes('a\r'))).toEqual(['a']);
    expect(d.push(bytes('\nb\r'))).toEqual(['b']);
    expect(d.push(bytes('\n'))).toEqual([]);
    expect(d.push(bytes('\n'))).toEqual(['']);
    expect(d.end()).toEqual([]);
  });

  it('treats a lone CR as a line end, like BufferedReader.readLine', () => {
    expect(decodeChunks([bytes('a\rb\rc')])).toEqual(['a', 'b', 'c']);
  });

  it('replaces invalid bytes and a cut-off final character with U+FFFD', () => {
    expect(decodeChunks([Buffer.from([0x61, 0xff, 0x0a]), Buffer.from([0xe2, 0x82])])).toEqual(['a\ufffd', '\ufffd']);
  });

  it('gives the same lines for every way of cutting the bytes in two or three', () => {
    const text = 'caf\u00e9\r\n\u{1f525} fire\n\nx\ry\r\n\u20ac';
    const expected = ['caf\u00e9', '\u{1f525} fire', '', 'x', 'y', '\u20ac'];
    const all = bytes(text);
    for (let i = 0; i <= all.length; i++) {
      expect(decodeChunks([all.subarray(0, i), all.subarray(i)])).toEqual(expected);
      for (let j = i; j <= all.length; j++) {
        expect(decodeChunks([all.subarray(0, i), all.subarray(i, j), all.subarray(j)])).toEqual(expected);
      }
    }
    expect(decodeChunks(Array.from(all, (b) => Uint8Array.of(b)))).toEqual(expected);
  });

  it('assembles a long line from many small chunks', () => {
    const d = new LineDecoder();
    const piece = Buffer.from('0123456789'.repeat(100));
    const out: string[] = [];
    for (let i = 0; i < 5000; i++) out.push(...d.push(piece));
    out.push(...d.push(Buffer.from('\nshort\n')));
    expect(out.map((l) => l.length)).toEqual([5_000_000, 5]);
    expect(out[0]!.slice(0, 12)).toBe('012345678901');
  });

  it('reset() drops partial data', () => {
    const d = new LineDecoder();
    d.push(bytes('partial\r'));
    d.push(Buffer.from([0xe2]));
    d.reset();
    expect(d.push(bytes('\nnext\n'))).toEqual(['', 'next']);
  });

  describe('maxLineLength (issue 10, defect 6: an endless line grew memory to V8\'s string limit)', () => {
    const bounded = (max: number) => {
      const dropped: number[] = [];
      const d = new LineDecoder({ maxLineLength: max, onOversizedLine: (length) => dropped.push(length) });
      return { d, dropped };
    };

    it('drops a line longer than the limit (in UTF-8 bytes), reports its length once, and goes on', () => {
      const { d, dropped } = bounded(10);
      expect(d.push(bytes('short\n0123456789\n0123456789x\nnext\n'))).toEqual(['short', '0123456789', 'next']);
      expect(dropped).toEqual([11]);
      // Bytes, not characters: 4 x '\u20ac' is 12 bytes.
      expect(d.push(bytes('\u20ac\u20ac\u20ac\n\u20ac\u20ac\u20ac\u20ac\nok'))).toEqual(['\u20ac\u20ac\u20ac']);
      expect(d.end()).toEqual(['ok']);
      expect(dropped).toEqual([11, 12]);
    });

    it('never holds more than the limit while an endless line streams in, and counts all of it', () => {
      const limit = 64 * 1024;
      const { d, dropped } = bounded(limit);
      const piece = Buffer.alloc(10_000, 0x61);
      let maxHeld = 0;
      for (let i = 0; i < 2000; i++) {
        expect(d.push(piece)).toEqual([]);
        maxHeld = Math.max(maxHeld, d.bufferedLength);
      }
      expect(maxHeld).toBeLessThanOrEqual(limit);
      expect(d.push(bytes('tail\r'))).toEqual([]);
      expect(d.push(bytes('\nafter\n'))).toEqual(['after']);
      expect(dropped).toEqual([2000 * 10_000 + 4]);
      expect(d.bufferedLength).toBe(0);
    });

    it('gives the same lines and drops for every way of cutting the bytes in two or three', () => {
      const text = 'caf\u00e9\r\n0123456789abc\rxy\r\n\u20ac\u20ac\u20ac\u20ac\nend';
      const all = bytes(text);
      const run = (chunks: Uint8Array[]) => {
        const { d, dropped } = bounded(8);
        const out: string[] = [];
        for (const c of chunks) out.push(...d.push(c));
        out.push(...d.end());
        return { out, dropped };
      };
      const expected = { out: ['caf\u00e9', 'xy', 'end'], dropped: [13, 12] };
      for (let i = 0; i <= all.length; i++) {
        expect(run([all.subarray(0, i), all.subarray(i)])).toEqual(expected);
        for (let j = i; j <= all.length; j++) expect(run([all.subarray(0, i), all.subarray(i, j), all.subarray(j)])).toEqual(expected);
      }
    });

    it('reports a line cut off by the end of the data that was over the limit', () => {
      const { d, dropped } = bounded(4);
      expect(d.push(bytes('ab\nabcdefgh'))).toEqual(['ab']);
      expect(d.end()).toEqual([]);
      expect(dropped).toEqual([8]);
    });
  });
});
