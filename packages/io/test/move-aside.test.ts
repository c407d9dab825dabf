import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moveAside } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();

describe('moveAside', () => {
  it('renames a folder with its contents to a hidden sibling naming this process, and leaves the listing at once', () => {
    const d = tempDir();
    const folder = join(d, 'rdd-12');
    mkdirSync(folder);
    writeFileSync(join(folder, 'part-00000'), 'state');
    writeFileSync(join(d, 'rdd-13'), 'a file beside it');
    const aside = moveAside(folder)!;
    expect(readdirSync(d).filter((n) => n.startsWith('rdd-'))).toEqual(['rdd-13']);
    expect(basename(aside)).toMatch(new RegExp(`^\\.rdd-12\\.old-${process.pid}-[0-9a-f]{8}$`));
    expect(readFileSync(join(aside, 'part-00000'), 'utf8')).toBe('state');
  });

  it('returns undefined for a path that does not exist, and throws other errors', () => {
    const d = tempDir();
    expect(moveAside(join(d, 'gone'))).toBeUndefined();
    writeFileSync(join(d, 'file'), '');
    // A path under a file: ENOTDIR, not a missing path.
    expect(() => moveAside(join(d, 'file', 'below'))).toThrow(/ENOTDIR/);
  });
});
