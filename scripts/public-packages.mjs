// The workspace's public packages: every packages/<dir>/package.json without "private": true.
// The build, the packing and the packaging tests all start from this list, so a new package
// under packages/ is picked up without editing them (docs/packaging.md says what it needs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `{ name, dir, manifest }` for each public package, sorted by folder name. */
export function publicPackages() {
  const root = join(repoRoot, 'packages');
  return readdirSync(root)
    .sort()
    .filter((d) => existsSync(join(root, d, 'package.json')))
    .map((d) => ({ dir: join(root, d), manifest: JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')) }))
    .filter((p) => p.manifest.private !== true)
    .map((p) => ({ name: p.manifest.name, ...p }));
}
