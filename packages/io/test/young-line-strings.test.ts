// A text file's lines must be decoded into strings that V8 can free with a scavenge: a string
// over V8's largest regular object (128 KiB) is allocated in the large-object space, which only
// a full collection frees, so every batch file read whole stayed in the heap as old-generation
// garbage (BENCHMARKS.md, "Peak heap: batch files decoded in young slices, a window's pairs
// kept young (stop 22, heap)"). The lines, slices of their decoded string, keep it alive, so a
// held result shows what was made.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { readTextLineRangeSync, readTextLinesSync } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

/** Bytes in both large-object spaces (young and old). */
function largeObjectBytes(): number {
  let bytes = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'large_object_space' || s.space_name === 'new_large_object_space') bytes += s.space_used_size;
  return bytes;
}

/** 4,000 lines of about 300 characters (ASCII, and some two-byte characters): over 1 MB. */
function bigText(): { text: string; lines: string[] } {
  const lines: string[] = [];
  for (let i = 0; i < 4_000; i++) lines.push(`${i},${'x'.repeat(250)},${i % 7 === 0 ? 'caf\u00e9 \u20ac\u{1f525}' : 'plain'},${'y'.repeat(i % 50)}`);
  return { text: `${lines.join('\r\n')}\n`, lines };
}

describe('lines of a file larger than V8\'s largest regular object', () => {
  it('are read whole without a large object: every string made is young', () => {
    const { text, lines } = bigText();
    const path = join(tempDir(), 'big.txt');
    writeFileSync(path, text);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_000_000);
    const before = largeObjectBytes();
    const read = readTextLinesSync(path);
    const grown = largeObjectBytes() - before;
    expect(read).toEqual(lines);
    // The line array (4,000 slots, 32 KB) and the strings are regular objects; one string of
    // the whole file would be over 1 MB here.
    expect(grown).toBeLessThan(64 * 1024);
  });

  it('are read by byte range without a large object, each line owned by one range', () => {
    const { text, lines } = bigText();
    const path = join(tempDir(), 'big.txt');
    writeFileSync(path, text);
    const size = Buffer.byteLength(text);
    const cut = Math.floor(size / 3);
    const before = largeObjectBytes();
    const parts = [readTextLineRangeSync(path, 0, cut), readTextLineRangeSync(path, cut, 2 * cut), readTextLineRangeSync(path, 2 * cut, size)];
    const grown = largeObjectBytes() - before;
    expect(parts.flat()).toEqual(lines);
    expect(parts[0]!.length).toBeGreaterThan(1_000);
    expect(grown).toBeLessThan(64 * 1024);
  });
});
