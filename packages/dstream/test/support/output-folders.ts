import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * The batch folders `saveAsTextFiles` wrote under `outDir` (`<prefix>-<ms>`), each with the
 * content of its part files joined in partition order; every folder must be complete
 * (`_SUCCESS`).
 */
export function readOutputFolders(outDir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(outDir)) return out;
  for (const name of readdirSync(outDir).sort()) {
    if (name.startsWith('.')) continue;
    const dir = join(outDir, name);
    const files = readdirSync(dir).sort();
    expect(files, `${name} is a complete folder`).toContain('_SUCCESS');
    out.set(name, files.filter((f) => f.startsWith('part-')).map((f) => readFileSync(join(dir, f), 'utf8')).join(''));
  }
  return out;
}
