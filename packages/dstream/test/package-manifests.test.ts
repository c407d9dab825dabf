// Every public package is ready to be built and installed (docs/packaging.md), and everything
// in the workspace that runs TypeScript resolves the packages' sources. Fast checks of the
// manifests; installed-packages.test.ts packs and installs them for real.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/child-process.ts';

interface Manifest {
  name: string;
  private?: boolean;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  exports?: Record<string, Record<string, string>>;
  [field: string]: unknown;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

const packageDirs = readdirSync(join(repoRoot, 'packages')).sort().filter((d) => existsSync(join(repoRoot, 'packages', d, 'package.json')));
const publicPackages = packageDirs
  .map((dir) => ({ dir, manifest: readJson<Manifest>(join(repoRoot, 'packages', dir, 'package.json')) }))
  .filter((p) => p.manifest.private !== true);

/** Every package.json of the workspace (root, packages, examples, bench). */
function workspaceManifests(): string[] {
  const out = [join(repoRoot, 'package.json'), join(repoRoot, 'bench', 'package.json')];
  for (const parent of ['packages', 'examples']) {
    for (const d of readdirSync(join(repoRoot, parent))) {
      const p = join(repoRoot, parent, d, 'package.json');
      if (existsSync(p)) out.push(p);
    }
  }
  return out.filter((p) => existsSync(p));
}

function tsFilesUnder(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFilesUnder(p) : name.endsWith('.ts') ? [p] : [];
  });
}

describe('package manifests', () => {
  it('finds the public packages', () => {
    expect(publicPackages.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@kindling/io', '@kindling/core', '@kindling/dstream']));
  });

  const first = publicPackages[0]!.manifest;
  describe.each(publicPackages.map((p) => [p.manifest.name, p] as const))('%s', (name, { dir, manifest }) => {
    it('has the metadata npm shows and checks', () => {
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
      for (const field of ['description', 'license']) expect(typeof manifest[field], `${name}: "${field}"`).toBe('string');
      expect((manifest['keywords'] as string[]).length, `${name}: "keywords"`).toBeGreaterThan(0);
      expect(manifest['engines'], `${name}: "engines"`).toEqual({ node: expect.any(String) });
      expect(manifest['type']).toBe('module');
      expect(typeof manifest['sideEffects'] === 'boolean' || Array.isArray(manifest['sideEffects']), `${name}: "sideEffects"`).toBe(true);
      // One license and one repository for the whole project.
      expect(manifest['license']).toBe(first['license']);
      expect(manifest['repository']).toEqual({ ...(first['repository'] as object), directory: `packages/${dir}` });
      expect(manifest['files'], `${name}: "files" ships the build`).toContain('dist');
    });

    it('exports each entry point as its source for the workspace and as built files for users', () => {
      expect(Object.keys(manifest.exports ?? {}).length).toBeGreaterThan(0);
      for (const [subpath, target] of Object.entries(manifest.exports!)) {
        const where = `${name} exports["${subpath}"]`;
        expect(Object.keys(target), `${where}: kindling-source first, then types, import, default`).toEqual(['kindling-source', 'types', 'import', 'default']);
        const source = target['kindling-source']!;
        expect(source, where).toMatch(/^\.\/src\/.+\.ts$/);
        expect(existsSync(join(repoRoot, 'packages', dir, source)), `${where}: ${source} exists`).toBe(true);
        const built = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
        expect(target, where).toEqual({ 'kindling-source': source, types: `${built}.d.ts`, import: `${built}.js`, default: `${built}.js` });
      }
    });

    it('builds with tsc -b after the Kindling packages it depends on', () => {
      const configPath = join(repoRoot, 'packages', dir, 'tsconfig.build.json');
      expect(existsSync(configPath), `${relative(repoRoot, configPath)} exists (docs/packaging.md)`).toBe(true);
      const config = readJson<{ extends: string; references?: { path: string }[] }>(configPath);
      expect(config.extends).toBe('../../tsconfig.build.base.json');
      const kindlingDeps = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@kindling/'));
      for (const d of kindlingDeps) expect(manifest.dependencies![d], `${name} depends on ${d} as workspace:*`).toBe('workspace:*');
      const dirOf = new Map(publicPackages.map((p) => [p.manifest.name, p.dir]));
      expect((config.references ?? []).map((r) => r.path).sort(), `${name}: references = its Kindling dependencies`)
        .toEqual(kindlingDeps.map((d) => `../${dirOf.get(d) ?? `<${d} is not a public package>`}/tsconfig.build.json`).sort());
    });
  });

  it('runs every tsx script of the workspace with the kindling-source condition', () => {
    const missing = workspaceManifests().flatMap((path) =>
      Object.entries(readJson<Manifest>(path).scripts ?? {})
        .filter(([, command]) => /(^|\s)tsx\s/.test(command) && !command.includes('--conditions=kindling-source'))
        .map(([script, command]) => `${relative(repoRoot, path)} "${script}": ${command}`));
    expect(missing, 'write tsx --conditions=kindling-source (docs/packaging.md)').toEqual([]);
  });

  it('starts every tsx child process of the tests and benchmarks with the kindling-source condition', () => {
    const roots = [...packageDirs.flatMap((d) => ['src', 'test', 'bench'].map((s) => join(repoRoot, 'packages', d, s))),
      ...readdirSync(join(repoRoot, 'examples')).map((d) => join(repoRoot, 'examples', d)), join(repoRoot, 'bench')];
    const missing = roots.flatMap(tsFilesUnder).flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, i) =>
        /['"]--import['"],\s*[^,\]]*tsx/.test(line) && !line.includes('kindling-source') ? [`${relative(repoRoot, file)}:${i + 1}`] : []));
    expect(missing, "pass '--conditions=kindling-source' with '--import', 'tsx' (docs/packaging.md)").toEqual([]);
  });
});
