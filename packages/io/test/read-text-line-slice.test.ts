import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextLineSliceSync, readTextLinesSync } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

function file(content: string | Uint8Array): string {
  const p = join(tempDir(), 'f.txt');
  writeFileSync(p, content);
  return p;
}

/** The slices as readTextLinesSync's lines cut by line count: the answer the slice reader must give. */
function expectedSlices(lines: readonly string[], of: number): string[][] {
  const n = lines.length;
  return Array.from({ length: of }, (_, i) => lines.slice(Math.floor((i * n) / of), Math.floor(((i + 1) * n) / of)));
}

describe('readTextLineSliceSync', () => {
  it('cuts a file into equal slices by line count', () => {
    const p = file('a\nbb\nccc\ndddd\ne\n');
    expect([0, 1].map((i) => readTextLineSliceSync(p, i, 2))).toEqual([['a', 'bb'], ['ccc', 'dddd', 'e']]);
    expect([0, 1, 2].map((i) => readTextLineSliceSync(p, i, 3))).toEqual([['a'], ['bb', 'ccc'], ['dddd', 'e']]);
  });

  it('gives no lines for an empty file, a BOM-only file, and slices beyond the line count', () => {
    expect(readTextLineSliceSync(file(''), 0, 2)).toEqual([]);
    expect(readTextLineSliceSync(file(new Uint8Array([0xef, 0xbb, 0xbf])), 1, 2)).toEqual([]);
    const p = file('only\n');
    expect([0, 1, 2].map((i) => readTextLineSliceSync(p, i, 3))).toEqual([[], [], ['only']]);
  });

  it('equals slicing readTextLinesSync for every terminator mix, BOM, multi-byte and invalid UTF-8', () => {
    const pieces = ['a', 'héllo', '日本', '😀x', '', ' ', 'tab\there'];
    const terminators = ['\n', '\r\n', '\r'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      let text = '';
      const count = next(12);
      for (let i = 0; i < count; i++) text += pieces[next(pieces.length)]! + (i === count - 1 && next(2) === 0 ? '' : terminators[next(terminators.length)]!);
      let bytes: Uint8Array = Buffer.from(text, 'utf8');
      if (next(4) === 0) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
      if (next(5) === 0) bytes = Buffer.concat([bytes, Buffer.from([0xc3]), Buffer.from('\nz')]); // a truncated sequence before a newline
      const p = file(bytes);
      const lines = readTextLinesSync(p);
      for (const of of [1, 2, 3, 5]) {
        const got = Array.from({ length: of }, (_, i) => readTextLineSliceSync(p, i, of));
        expect(got, JSON.stringify({ text: Buffer.from(bytes).toString('hex'), of })).toEqual(expectedSlices(lines, of));
      }
    }
  });
});
