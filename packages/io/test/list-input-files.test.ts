import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputPathNotFoundError, listInputFilesSync } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

function touch(path: string, text = 'x'): string {
  writeFileSync(path, text);
  return path;
}

describe('listInputFilesSync', () => {
  it('returns a file as itself', () => {
    const d = tempDir();
    const f = touch(join(d, 'a.txt'));
    expect(listInputFilesSync(f)).toEqual([f]);
  });

  it('returns every visible file of a directory sorted by name, part-* or not, ignoring _SUCCESS, .crc files and sub-directories (Hadoop\'s FileInputFormat listing)', () => {
    const d = tempDir();
    touch(join(d, 'part-00002'));
    touch(join(d, 'part-00000'));
    touch(join(d, 'part-00001'));
    touch(join(d, '_SUCCESS'), '');
    touch(join(d, 'notes.txt'));
    touch(join(d, '.part-00003.crc'));
    mkdirSync(join(d, 'part-sub'));
    expect(listInputFilesSync(d)).toEqual(['notes.txt', 'part-00000', 'part-00001', 'part-00002'].map((n) => join(d, n)));
  });

  it('returns all non-hidden files of a directory without part-* files, sorted, no sub-directories', () => {
    const d = tempDir();
    touch(join(d, 'b.csv'));
    touch(join(d, 'a.csv'));
    touch(join(d, '.hidden'));
    touch(join(d, '_meta'));
    mkdirSync(join(d, 'sub'));
    touch(join(d, 'sub', 'c.csv'));
    expect(listInputFilesSync(d)).toEqual([join(d, 'a.csv'), join(d, 'b.csv')]);
  });

  it('reports the sizes of the files it stat\'ed (a plain file, a symlink in a directory), none of the others', () => {
    const d = tempDir();
    const f = touch(join(d, 'a.txt'), 'abcde');
    const sizes = new Map<string, number>();
    expect(listInputFilesSync(f, sizes)).toEqual([f]);
    expect([...sizes]).toEqual([[f, 5]]);
    const dir = tempDir();
    touch(join(dir, 'b.txt'), 'xyz');
    symlinkSync(touch(join(tempDir(), 'real.txt'), 'hello world'), join(dir, 'c.txt'));
    const listed = new Map<string, number>();
    expect(listInputFilesSync(dir, listed)).toEqual([join(dir, 'b.txt'), join(dir, 'c.txt')]);
    expect([...listed]).toEqual([[join(dir, 'c.txt'), 11]]);
  });

  it('follows a symlink to a file inside a directory', () => {
    const d = tempDir();
    const target = touch(join(tempDir(), 'real.txt'));
    symlinkSync(target, join(d, 'link.txt'));
    expect(listInputFilesSync(d)).toEqual([join(d, 'link.txt')]);
  });

  it('expands a glob: files sorted, matched directories expanded to their part files in order', () => {
    const d = tempDir();
    for (const t of ['2000', '1000']) {
      const out = join(d, `output-${t}.txt`);
      mkdirSync(out);
      touch(join(out, 'part-00001'));
      touch(join(out, 'part-00000'));
      touch(join(out, '_SUCCESS'), '');
    }
    mkdirSync(join(d, '.output-3000.txt.tmp-1-ab'));
    touch(join(d, '.output-3000.txt.tmp-1-ab', 'part-00000'));
    touch(join(d, 'output-extra.txt'));
    expect(listInputFilesSync(join(d, 'output*.txt'))).toEqual([
      join(d, 'output-1000.txt', 'part-00000'),
      join(d, 'output-1000.txt', 'part-00001'),
      join(d, 'output-2000.txt', 'part-00000'),
      join(d, 'output-2000.txt', 'part-00001'),
      join(d, 'output-extra.txt'),
    ]);
  });

  it('leaves hidden names out of glob matches, as Hadoop does', () => {
    const d = tempDir();
    touch(join(d, 'a.log'));
    touch(join(d, '_b.log'));
    touch(join(d, '.c.log'));
    expect(listInputFilesSync(join(d, '*.log'))).toEqual([join(d, 'a.log')]);
  });

  it('returns [] for a glob that matches nothing', () => {
    const d = tempDir();
    expect(listInputFilesSync(join(d, 'nothing-*.txt'))).toEqual([]);
  });

  it('throws an error naming a plain path that does not exist', () => {
    const d = tempDir();
    const missing = join(d, 'missing.txt');
    expect(() => listInputFilesSync(missing)).toThrow(InputPathNotFoundError);
    expect(() => listInputFilesSync(missing)).toThrow(missing);
  });

  it('reads a comma-separated list of paths in the order given, as Hadoop does', () => {
    const d = tempDir();
    const b = touch(join(d, 'b.txt'));
    const a = touch(join(d, 'a.txt'));
    mkdirSync(join(d, 'out'));
    touch(join(d, 'out', 'part-00000'));
    touch(join(d, 'x.log'));
    touch(join(d, 'y.log'));
    expect(listInputFilesSync(`${b},${a}, ${join(d, 'out')},${join(d, '{x,y}.log')}`)).toEqual([
      b, a, join(d, 'out', 'part-00000'), join(d, 'x.log'), join(d, 'y.log'),
    ]);
    expect(() => listInputFilesSync(`${a},${join(d, 'missing.txt')}`)).toThrow(join(d, 'missing.txt'));
  });

  it('takes an existing path with a comma literally', () => {
    const d = tempDir();
    const f = touch(join(d, 'a,b.txt'));
    expect(listInputFilesSync(f)).toEqual([f]);
  });

  it('takes an existing path literally even when it contains glob characters', () => {
    const d = tempDir();
    const f = touch(join(d, 'data[1].txt'));
    touch(join(d, 'data1.txt'));
    expect(listInputFilesSync(f)).toEqual([f]);
  });
});
