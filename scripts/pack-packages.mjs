// `pnpm pack:packages [DIR]`: a clean build of every public package, then one installable
// .tgz per package in DIR (default .tmp/packages). `pnpm pack` writes the tarballs: it
// replaces `workspace:*` dependencies by the packages' versions, which is checked here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildPackages } from './build-packages.mjs';
import { repoRoot } from './public-packages.mjs';

/** How to run pnpm: the one running this script when there is one, else the pinned version through npx. */
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  const pinned = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").packageManager)'], { cwd: repoRoot, encoding: 'utf8' }));
  return ['npx', ['-y', pinned]];
}

/** Builds and packs every public package into `outDir`; returns `{ name, file, bytes }` per tarball. */
export function packPackages(outDir) {
  mkdirSync(outDir, { recursive: true });
  const packages = buildPackages({ clean: true });
  const [cmd, prefix] = pnpmCommand();
  const packed = [];
  for (const p of packages) {
    const out = execFileSync(cmd, [...prefix, 'pack', '--json', '--pack-destination', outDir], { cwd: p.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const file = resolve(outDir, JSON.parse(out.slice(out.indexOf('{'))).filename);
    const manifest = execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' });
    if (manifest.includes('workspace:')) throw new Error(`${file}: the packed package.json still has a workspace: dependency; pack with pnpm (it rewrites them)`);
    packed.push({ name: p.name, file, bytes: statSync(file).size });
  }
  return packed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // pnpm runs scripts from the workspace root; a relative DIR is relative to where pnpm was run.
  const dir = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? join(repoRoot, '.tmp', 'packages'));
  for (const t of packPackages(dir)) console.log(`${t.name}: ${t.file} (${(t.bytes / 1024).toFixed(1)} kB)`);
}
