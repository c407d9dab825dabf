// `pnpm build`: compiles every public package to dist/ (ES modules, .d.ts, source maps) with
// `tsc -b` over the packages' tsconfig.build.json project references. `--clean` first removes
// every dist/ so nothing of a deleted source survives into a package.
// The workspace itself never needs this: it runs the sources (the `kindling-source` condition).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { publicPackages, repoRoot } from './public-packages.mjs';

/** Builds the public packages; with `clean`, from empty dist/ folders. */
export function buildPackages({ clean = false } = {}) {
  const packages = publicPackages();
  const configs = packages.map((p) => join(p.dir, 'tsconfig.build.json'));
  for (const [i, config] of configs.entries()) {
    if (!existsSync(config)) {
      throw new Error(`${packages[i].name} has no ${relative(repoRoot, config)}: copy one from packages/io and list the packages it imports under "references" (docs/packaging.md)`);
    }
  }
  if (clean) for (const p of packages) rmSync(join(p.dir, 'dist'), { recursive: true, force: true });
  const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', ...configs], { cwd: repoRoot, stdio: 'inherit' });
  return packages;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const packages = buildPackages({ clean: process.argv.includes('--clean') });
  console.log(`built ${packages.map((p) => p.name).join(', ')}`);
}
