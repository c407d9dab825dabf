import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextLinesSync, splitLines } from '../src/index.ts';
import { decodeLines } from '../src/fs/read-text-lines.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

function file(content: string | Uint8Array): string {
  const p = join(tempDir(), 'f.txt');
  writeFileSync(p, content);
  return p;
}

describe('readTextLinesSync', () => {
  it('reads LF lines; a trailing newline adds no empty line', () => {
    expect(readTextLinesSync(file('a\nb\n'))).toEqual(['a', 'b']);
  });

  it('keeps a final line without a newline', () => {
    expect(readTextLinesSync(file('a\nb'))).toEqual(['a', 'b']);
  });

  it('reads CRLF and lone CR endings', () => {
    expect(readTextLinesSync(file('a\r\nb\r\nc'))).toEqual(['a', 'b', 'c']);
    expect(readTextLinesSync(file('a\rb\r\n\nc\r'))).toEqual(['a', 'b', '', 'c']);
  });

  it('gives no lines for an empty file and one empty line for a lone newline', () => {
    expect(readTextLinesSync(file(''))).toEqual([]);
    expect(readTextLinesSync(file('\n'))).toEqual(['']);
    expect(readTextLinesSync(file('\n\n'))).toEqual(['', '']);
  });

  it('keeps empty lines in the middle', () => {
    expect(readTextLinesSync(file('a\n\nb\n'))).toEqual(['a', '', 'b']);
  });

  it('replaces invalid UTF-8 with U+FFFD and decodes valid multi-byte text', () => {
    const bytes = Buffer.concat([Buffer.from('caf\u00e9 \u20ac\n', 'utf8'), Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a, 0xc3])]);
    expect(readTextLinesSync(file(bytes))).toEqual(['caf\u00e9 \u20ac', 'a\ufffd\ufffdb', '\ufffd']);
  });

  it('drops a UTF-8 byte-order mark at the start', () => {
    expect(readTextLinesSync(file(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0a])))).toEqual(['a']);
  });

  it('throws the fs error for a path that is a directory or vanished', () => {
    const d = tempDir();
    const dirNamedLikeAFile = join(d, 'looks-like.txt');
    mkdirSync(dirNamedLikeAFile);
    expect(() => readTextLinesSync(dirNamedLikeAFile)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(() => readTextLinesSync(join(d, 'gone.txt'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('splitLines', () => {
  it('matches the file rules on strings', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('x')).toEqual(['x']);
    expect(splitLines('x\r\n')).toEqual(['x']);
    expect(splitLines('x\r\ny\rz\n')).toEqual(['x', 'y', 'z']);
  });
});

describe('decodeLines in slices (how files too big for one JS string are read)', () => {
  it('gives the same lines whatever the slice size, with CRLF, CR, multi-byte text and a BOM', () => {
    const text = '\ufefffirst \u20ac\r\n\nx\ry\r\ncaf\u00e9\n\u{1f525}\nno newline at end';
    const expected = ['first \u20ac', '', 'x', 'y', 'caf\u00e9', '\u{1f525}', 'no newline at end'];
    const bytes = Buffer.from(text, 'utf8');
    for (let slice = 1; slice <= bytes.length + 1; slice++) {
      expect(decodeLines(bytes, slice), `slice ${slice}`).toEqual(expected);
    }
  });
});
