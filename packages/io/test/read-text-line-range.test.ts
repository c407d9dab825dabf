import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextLineRangeSync, readTextLinesSync } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

function file(content: string | Uint8Array): string {
  const p = join(tempDir(), 'f.txt');
  writeFileSync(p, content);
  return p;
}

describe('readTextLineRangeSync', () => {
  it('gives each line to the range it starts in (Hadoop rule)', () => {
    // offsets: "aa\n" 0-2, "bbb\n" 3-6, "c\n" 7-8, "dd" 9-10
    const p = file('aa\nbbb\ncdd'.replace('cdd', 'c\ndd'));
    expect(readTextLineRangeSync(p, 0, 3)).toEqual(['aa', 'bbb']); // "bbb" starts at 3, which is <= end
    expect(readTextLineRangeSync(p, 3, 7)).toEqual(['c']);
    expect(readTextLineRangeSync(p, 7, 11)).toEqual(['dd']);
    expect(readTextLineRangeSync(p, 0, 2)).toEqual(['aa']);
    expect(readTextLineRangeSync(p, 2, 11)).toEqual(['bbb', 'c', 'dd']);
    expect(readTextLineRangeSync(p, 11, 20)).toEqual([]);
  });

  it('loses and duplicates no line for any cut of a file with CRLF, CR, empty lines and multi-byte text', () => {
    const lines = ['first \u20ac', '', 'x', 'caf\u00e9\u00e9', '', '', '\u{1f525}', 'last line'];
    const text = `${lines[0]}\r\n\n${lines[2]}\r${lines[3]}\n\r\n\r${lines[6]}\r\n${lines[7]}`;
    const p = file(text);
    const size = Buffer.byteLength(text);
    for (let cut1 = 0; cut1 <= size; cut1++) {
      for (let cut2 = cut1; cut2 <= size; cut2++) {
        const got = [...readTextLineRangeSync(p, 0, cut1), ...readTextLineRangeSync(p, cut1, cut2), ...readTextLineRangeSync(p, cut2, size)];
        expect(got, `cuts at ${cut1} and ${cut2}`).toEqual(lines);
      }
    }
  });

  it('strips a byte-order mark only at the start of the file', () => {
    const p = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\n\ufeffb\n')]));
    expect(readTextLineRangeSync(p, 0, 1)).toEqual(['a']);
    expect(readTextLineRangeSync(p, 1, 100)).toEqual(['\ufeffb']);
  });

  it('reads lines longer than its probe buffer', () => {
    const long = 'y'.repeat(200_000);
    const p = file(`${long}\n${long}\nz`);
    expect(readTextLineRangeSync(p, 0, 10).map((l) => l.length)).toEqual([200_000]);
    expect(readTextLineRangeSync(p, 10, 200_005)).toEqual([long]);
    expect(readTextLineRangeSync(p, 200_005, 400_100)).toEqual(['z']);
  });

  /** The lines of `n` ranges cutting the file at `floor(i * size / n)`, as textFile's splits of one file. */
  function byRanges(p: string, size: number, n: number): string[][] {
    return Array.from({ length: n }, (_, i) => readTextLineRangeSync(p, Math.floor((i * size) / n), Math.floor(((i + 1) * size) / n)));
  }

  it('equal ranges give the whole file\'s lines at split boundaries of every kind', () => {
    const cases: [string, string | Buffer][] = [
      // "bbb" starts exactly at byte 4 = the second range's start: the first range owns it.
      ['a line exactly at the boundary', 'aaa\nbbb\nccc\n'],
      // The boundary falls between \r and \n: the \r\n is one terminator, no empty line appears.
      ['CRLF across the boundary', 'ab\r\ncd\r\nef\r\n'],
      ['a line longer than a split', `${'x'.repeat(50)}\ny\nz\n`],
      ['empty lines', '\n\na\n\n\nb\n\n'],
      ['a file shorter than the split count', 'a\nb'],
      // "é" is two bytes, "€" three, "🔥" four: cuts fall inside them.
      ['UTF-8 multi-byte characters across the boundary', 'é€🔥\n🔥€é\nx🔥\n€'],
      ['a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('é\nb\r\nc')])],
      ['lone CRs and no final terminator', 'a\rb\r\rc\r\nd'],
    ];
    for (const [name, content] of cases) {
      const p = file(content);
      const whole = readTextLinesSync(p);
      const size = Buffer.isBuffer(content) ? content.length : Buffer.byteLength(content);
      for (let n = 1; n <= size + 2; n++) expect(byRanges(p, size, n).flat(), `${name}, ${n} ranges`).toEqual(whole);
    }
  });

  it('gives each line to the range it starts in: a long first line leaves the next range\'s lines to it, the range it ends in gets none', () => {
    // 107 bytes: the 100-character line, then b, c, d. Two ranges [0, 53) and [53, 107):
    // only the long line starts in the first; b, c and d start in the second.
    const p = file(`${'a'.repeat(100)}\nb\nc\nd\n`);
    expect(byRanges(p, 107, 2)).toEqual([['a'.repeat(100)], ['b', 'c', 'd']]);
    // Three ranges of 35 bytes: the long line covers the second, which owns no line.
    expect(byRanges(p, 107, 3)).toEqual([['a'.repeat(100)], [], ['b', 'c', 'd']]);
  });

  it('finishes a CRLF that the end of its first read splits', () => {
    // The first read of [0, 10) holds the range and 16 KiB after it; its last byte is the \r.
    const long = 'a'.repeat(10 + 16 * 1024 - 1);
    const p = file(`${long}\r\nb`);
    expect(readTextLineRangeSync(p, 0, 10)).toEqual([long]);
    expect(readTextLineRangeSync(p, 10, 20)).toEqual([]);
    expect(readTextLineRangeSync(p, 10, 100_000)).toEqual(['b']);
    // Skipping side: [5, 6)'s first read ends on the same kind of \r; it owns no line.
    const q = file(`${'a'.repeat(5 + 16 * 1024)}\r\nb`);
    expect(readTextLineRangeSync(q, 5, 6)).toEqual([]);
    expect(readTextLineRangeSync(q, 6, 100_000)).toEqual(['b']);
  });
});
