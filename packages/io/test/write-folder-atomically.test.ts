import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicWriteError, atomicWriteFile, atomicWriteFileSync, removeStaleTempSiblings, listInputFilesSync, readTextLinesSync, writeFolderAtomically } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

describe('writeFolderAtomically', () => {
  it('writes part files in order and _SUCCESS, leaving no temporary sibling', async () => {
    const d = tempDir();
    const out = join(d, 'output-1000.txt');
    await writeFolderAtomically(out, ['a\nb\n', new Uint8Array([0x63, 0x0a]), '']);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001', 'part-00002']);
    expect(readFileSync(join(out, 'part-00000'), 'utf8')).toBe('a\nb\n');
    expect(readFileSync(join(out, 'part-00001'), 'utf8')).toBe('c\n');
    expect(readFileSync(join(out, '_SUCCESS'), 'utf8')).toBe('');
    expect(readdirSync(d)).toEqual(['output-1000.txt']);
    expect(listInputFilesSync(join(d, 'output*.txt')).flatMap((f) => readTextLinesSync(f))).toEqual(['a', 'b', 'c']);
  });

  it('creates missing parent directories and honours partPrefix', async () => {
    const d = tempDir();
    const out = join(d, 'x', 'y', 'batch');
    await writeFolderAtomically(out, ['1'], { partPrefix: 'chunk-' });
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'chunk-00000']);
  });

  it('replaces an existing folder on a re-run (idempotent), dropping stale parts', async () => {
    const d = tempDir();
    const out = join(d, 'out');
    await writeFolderAtomically(out, ['old0', 'old1', 'old2']);
    await writeFolderAtomically(out, ['new0']);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000']);
    expect(readFileSync(join(out, 'part-00000'), 'utf8')).toBe('new0');
    expect(readdirSync(d)).toEqual(['out']);
  });

  it('cleans hidden siblings left by a crashed earlier write of the same folder', async () => {
    const d = tempDir();
    mkdirSync(join(d, '.out.tmp-123-abcd0123'));
    writeFileSync(join(d, '.out.tmp-123-abcd0123', 'part-00000'), 'half');
    mkdirSync(join(d, '.out.old-123-abcd0123'));
    mkdirSync(join(d, '.other.tmp-1-abcd0123'));
    mkdirSync(join(d, '.out.tmp-x.tmp-1-abcd0123')); // belongs to a folder named "out.tmp-x"
    await writeFolderAtomically(join(d, 'out'), ['x']);
    expect(readdirSync(d).sort()).toEqual(['.other.tmp-1-abcd0123', '.out.tmp-x.tmp-1-abcd0123', 'out']);
  });

  it('never lets a concurrent reader see a folder without _SUCCESS or with mixed parts', async () => {
    const d = tempDir();
    const out = join(d, 'out');
    const parts = (tag: string) => Array.from({ length: 8 }, (_, i) => `${tag}-${i}\n`.repeat(2000));
    await writeFolderAtomically(out, parts('v0'));
    let stop = false;
    let observations = 0;
    const reader = (async () => {
      while (!stop) {
        await new Promise((r) => setImmediate(r));
        if (!existsSync(out)) continue; // the instant between the two renames
        let names: string[];
        try {
          names = readdirSync(out);
        } catch {
          continue; // renamed away under us
        }
        observations++;
        expect(names).toContain('_SUCCESS');
        expect(names.filter((n) => n.startsWith('part-'))).toHaveLength(8);
      }
    })();
    for (let v = 1; v <= 10; v++) await writeFolderAtomically(out, parts(`v${v}`));
    stop = true;
    await reader;
    expect(observations).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'part-00007'), 'utf8').startsWith('v10-7\n')).toBe(true);
  });

  it('fails with an error naming the folder when it cannot be written', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'file'), '');
    const out = join(d, 'file', 'out');
    await expect(writeFolderAtomically(out, ['x'])).rejects.toThrow(out);
    await expect(writeFolderAtomically(out, ['x'])).rejects.toBeInstanceOf(AtomicWriteError);
  });
});

describe('atomicWriteFile', () => {
  it('writes and replaces a file, creating parents, leaving no temp file', async () => {
    const d = tempDir();
    const p = join(d, 'meta', 'checkpoint-1000');
    await atomicWriteFile(p, new Uint8Array([1, 2, 3]));
    await atomicWriteFile(p, 'text');
    expect(readFileSync(p, 'utf8')).toBe('text');
    expect(readdirSync(join(d, 'meta'))).toEqual(['checkpoint-1000']);
    atomicWriteFileSync(p, new Uint8Array([9]));
    expect(Array.from(readFileSync(p))).toEqual([9]);
    expect(readdirSync(join(d, 'meta'))).toEqual(['checkpoint-1000']);
  });

  it('fails with an error naming the path and leaves the old content when the target cannot be replaced', async () => {
    const d = tempDir();
    const p = join(d, 'is-a-dir');
    mkdirSync(p);
    writeFileSync(join(p, 'inside'), '');
    await expect(atomicWriteFile(p, 'x')).rejects.toThrow(p);
    expect(() => atomicWriteFileSync(p, 'x')).toThrow(p);
    expect(readdirSync(d)).toEqual(['is-a-dir']);
  });
});

describe('removeStaleTempSiblings', () => {
  it('removes hidden temporaries of dead processes only, and nothing else', async () => {
    const d = tempDir();
    // a pid far above any real one: its process cannot be alive
    const dead = 2 ** 22 + 12345;
    mkdirSync(join(d, `.output-1000.txt.tmp-${dead}-0123abcd`));
    writeFileSync(join(d, `.checkpoint-5000.tmp-${dead}-89abcdef`), 'half');
    mkdirSync(join(d, `.output-2000.txt.old-${dead}-00000000`));
    writeFileSync(join(d, `.checkpoint-6000.tmp-${process.pid}-89abcdef`), 'ours, in flight');
    writeFileSync(join(d, '.hidden-user-file'), '');
    writeFileSync(join(d, 'checkpoint-4000'), '');
    expect(await removeStaleTempSiblings(d)).toBe(3);
    expect(readdirSync(d).sort()).toEqual([`.checkpoint-6000.tmp-${process.pid}-89abcdef`, '.hidden-user-file', 'checkpoint-4000']);
    expect(await removeStaleTempSiblings(join(d, 'missing'))).toBe(0);
  });
});
