import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextLineRangeSync } from '../src/index.ts';
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
});
