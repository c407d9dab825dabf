// Kindling as a user installs it. The public packages are packed (`pnpm pack:packages DIR`),
// installed with npm into a fresh project outside the workspace ({"type": "module"}, no tsx,
// no workspace links), then used as a user would: a plain-JavaScript program run with `node`,
// a TypeScript program type-checked with `tsc` against the shipped .d.ts files, `require()`
// from CommonJS. npm fetches the packages' own dependencies (immutable, rxjs, fast-glob) and
// TypeScript from the registry.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/child-process.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'consumer');
const INSTALL_TIMEOUT_MS = 15 * 60_000;
// One node or tsc run on a loaded 2-core machine.
const RUN_TIMEOUT_MS = 300_000;

interface Run { code: number | null; stdout: string; stderr: string }

/** The environment of a user's shell: nothing of pnpm's script environment, vitest's or ours. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k.startsWith('KINDLING_') || (k.startsWith('npm_') && k !== 'npm_config_registry' && k !== 'npm_config_cache')) continue;
    env[k] = v;
  }
  return env;
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const describeRun = (r: Run): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The public packages of the workspace (packages/* without "private": true). */
function publicPackages(): { name: string; manifest: Record<string, unknown> }[] {
  return readdirSync(join(repoRoot, 'packages')).sort().flatMap((dir) => {
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      return [];
    }
    return manifest['private'] === true ? [] : [{ name: manifest['name'] as string, manifest }];
  });
}

/** The version of a dependency installed in the workspace, so the fresh project gets the same one. */
const workspaceVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

let work = '';
let project = '';
const tarballs = new Map<string, { file: string; kB: number }>();

describe('the packages installed with npm into a fresh project', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kindling-consumer-'));
    const tarballDir = join(work, 'tarballs');
    // `pnpm pack:packages DIR` is this script; under `pnpm test` it packs with the running pnpm.
    const packed = await run(process.execPath, [join(repoRoot, 'scripts', 'pack-packages.mjs'), tarballDir], repoRoot, process.env);
    expect(packed.code, describeRun(packed)).toBe(0);
    for (const m of packed.stdout.matchAll(/^(@kindling\/[\w-]+): (\S+\.tgz) \(([\d.]+) kB\)$/gm)) tarballs.set(m[1]!, { file: m[2]!, kB: Number(m[3]) });
    console.log(`packed: ${[...tarballs].map(([name, t]) => `${name} ${t.kB} kB`).join(', ')}`);

    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'kindling-consumer', private: true, type: 'module' }, undefined, 2)}\n`);
    for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(project, f));
    const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error',
      ...[...tarballs.values()].map((t) => t.file), `typescript@${workspaceVersion('typescript')}`, `@types/node@${workspaceVersion('@types/node')}`], project);
    expect(installed.code, describeRun(installed)).toBe(0);
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('packs one tarball per public package: built ES modules, .d.ts and source maps, a complete manifest, no workspace: ranges', async () => {
    const expected = publicPackages();
    expect([...tarballs.keys()].sort()).toEqual(expected.map((p) => p.name).sort());
    for (const { name } of expected) {
      const { file } = tarballs.get(name)!;
      const listing = (await run('tar', ['-tzf', file], work)).stdout.split('\n').filter((l) => l !== '');
      const manifest = JSON.parse((await run('tar', ['-xzOf', file, 'package/package.json'], work)).stdout) as Record<string, unknown>;
      expect(JSON.stringify(manifest), `${name}: packed manifest`).not.toContain('workspace:');
      for (const field of ['version', 'description', 'keywords', 'license', 'repository', 'engines', 'files', 'sideEffects', 'exports']) {
        expect(manifest[field], `${name}: packed package.json field "${field}"`).toBeDefined();
      }
      expect(manifest['type']).toBe('module');
      const exportsMap = manifest['exports'] as Record<string, Record<string, string>>;
      for (const [subpath, target] of Object.entries(exportsMap)) {
        for (const condition of ['types', 'import']) {
          const path = target[condition];
          expect(path, `${name} "${subpath}" has a "${condition}" target`).toMatch(/^\.\/dist\//);
          expect(listing, `${name} ships ${path}`).toContain(`package/${path!.slice(2)}`);
          if (condition === 'import') expect(listing, `${name} ships the source map of ${path}`).toContain(`package/${path!.slice(2)}.map`);
        }
      }
      expect(listing.filter((l) => /\.test(-d)?\.ts$|tsbuildinfo/.test(l)), `${name}: no tests or build state in the tarball`).toEqual([]);
    }
  });

  it('runs a plain-JavaScript program with node: updateStateByKey, an inverse window and saveAsTextFiles give the answers computed here', async () => {
    // Six batches of words from a seeded generator (one of them empty).
    let seed = 7;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const vocabulary = ['apple', 'fig', 'kiwi', 'pear', 'plum'];
    const batches = Array.from({ length: 6 }, (_, i) => (i === 3 ? [] : Array.from({ length: 3 + Math.floor(random() * 8) }, () => vocabulary[Math.floor(random() * vocabulary.length)]!)));
    writeFileSync(join(project, 'batches.json'), JSON.stringify(batches));

    const counted = (words: string[]): Map<string, number> => {
      const m = new Map<string, number>();
      for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
      return m;
    };
    const sorted = (m: Map<string, number>): [string, number][] => [...m].filter(([, n]) => n > 0).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    // Batch i runs at (i + 1) s: the manual clock starts at 0 and batches are 1 s.
    const expectedTotals = batches.map((_, i) => sorted(counted(batches.slice(0, i + 1).flat())));
    const expectedWindows = batches.map((_, i) => sorted(counted(batches.slice(Math.max(0, i - 2), i + 1).flat())));

    const result = await run(process.execPath, ['word-stats.mjs', 'batches.json'], project);
    expect(result.code, describeRun(result)).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { stream: string; time: number; pairs: [string, number][] });
    const byStream = (name: string): [number, [string, number][]][] =>
      lines.filter((l) => l.stream === name).map((l) => [l.time, [...l.pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1))]);
    const times = batches.map((_, i) => (i + 1) * 1000);
    expect(byStream('totals')).toEqual(times.map((t, i) => [t, expectedTotals[i]]));
    expect(byStream('windowed')).toEqual(times.map((t, i) => [t, expectedWindows[i]]));

    for (const [i, t] of times.entries()) {
      const folder = join(project, 'out', `windowed-${t}.txt`);
      const saved = readdirSync(folder).filter((f) => f.startsWith('part-')).flatMap((f) => readFileSync(join(folder, f), 'utf8').split('\n').filter((l) => l !== ''));
      expect(saved.sort(), `${folder}`).toEqual(expectedWindows[i]!.map(([w, n]) => `(${w},${n})`).sort());
    }
  }, RUN_TIMEOUT_MS);

  it("runs the README's plain-JavaScript program with node: its output is the word counts of its queue's batches", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use Kindling in your project'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, 'the README has a ```js program under "Use Kindling in your project"').toBeDefined();
    writeFileSync(join(project, 'readme-word-count.mjs'), code!);
    // The answer, from the program's own input: each queued batch's words, counted here.
    const queue = JSON.parse(/queueStream\((\[.*\])\)/.exec(code!)![1]!.replace(/'/g, '"')) as string[][];
    const expected = queue.map((batch) => {
      const counts = new Map<string, number>();
      for (const word of batch.flatMap((line) => line.split(' '))) counts.set(word, (counts.get(word) ?? 0) + 1);
      return [...counts].map(([w, n]) => `(${w},${n})`).sort();
    });

    const result = await run(process.execPath, ['readme-word-count.mjs'], project);
    expect(result.code, describeRun(result)).toBe(0);
    // stdout is print()'s blocks and nothing else: a rule, "Time: <ms> ms", a rule, elements, a blank line.
    const batches: string[][] = [];
    const unexpected: string[] = [];
    for (const line of result.stdout.split('\n')) {
      if (/^Time: \d+ ms$/.test(line)) batches.push([]);
      else if (/^\(.+,\d+\)$/.test(line) && batches.length > 0) batches[batches.length - 1]!.push(line);
      else if (line !== '' && !/^-+$/.test(line)) unexpected.push(line);
    }
    expect(unexpected, 'lines on stdout that are not print() output').toEqual([]);
    const nonEmpty = batches.filter((b) => b.length > 0).map((b) => b.sort());
    expect(nonEmpty).toEqual(expected);
  }, RUN_TIMEOUT_MS);

  for (const moduleResolution of ['node16', 'bundler'] as const) {
    it(`type-checks a TypeScript program against the shipped .d.ts files (moduleResolution ${moduleResolution})`, async () => {
      const config = {
        compilerOptions: {
          target: 'ES2022', module: moduleResolution === 'node16' ? 'Node16' : 'ESNext', moduleResolution,
          // node16 also checks the .d.ts files themselves (slow: all of @types/node too);
          // bundler checks the program the way most projects do, with skipLibCheck.
          strict: true, noEmit: true, skipLibCheck: moduleResolution === 'bundler', types: ['node'],
        },
        files: ['typed.ts'],
      };
      writeFileSync(join(project, `tsconfig.${moduleResolution}.json`), JSON.stringify(config, undefined, 2));
      const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
      // --listFiles proves the types come from the installed packages' dist/ folders; the
      // program's @ts-expect-error lines would fail the check if the pair operator were accepted.
      const result = await run(process.execPath, [tsc, '-p', `tsconfig.${moduleResolution}.json`, '--listFiles'], project);
      expect(result.code, describeRun(result)).toBe(0);
      for (const pkg of ['core/dist/index.d.ts', 'dstream/dist/index.d.ts', 'dstream/dist/testing/index.d.ts']) {
        expect(result.stdout).toContain(join(project, 'node_modules', '@kindling', pkg));
      }
      expect(result.stdout).not.toContain(`${join('src', 'index.ts')}`);
    }, RUN_TIMEOUT_MS);
  }

  it('kindling-submit (the installed bin) launches a JavaScript application with --master, --name and --conf', async () => {
    const bin = join(project, 'node_modules', '.bin', 'kindling-submit');
    const result = await run(bin, ['--master', 'local[3]', '--name', 'Installed', '--conf', 'spark.ui.port=4050', 'submit-conf.mjs', 'one', '--two'], project);
    expect(result.code, describeRun(result)).toBe(0);
    expect(JSON.parse(result.stdout.split('\n').find((l) => l.startsWith('{'))!)).toEqual({
      conf: { 'spark.master': 'local[3]', 'spark.app.name': 'Installed', 'spark.ui.port': '4050' },
      master: 'local[3]',
      parallelism: 3,
      args: ['one', '--two'],
    });
    // A TypeScript application needs tsx in its project (this one has none).
    writeFileSync(join(project, 'typed-app.ts'), 'console.log(1 as number);\n');
    const typed = await run(bin, ['--master', 'local', 'typed-app.ts'], project);
    if ((process.features as { typescript?: unknown }).typescript === undefined) {
      expect(typed.code).toBe(2);
      expect(typed.stderr).toContain('typed-app.ts is TypeScript and tsx is not installed');
    }
  }, RUN_TIMEOUT_MS);

  it('require() from CommonJS: loads the ES module where Node supports require(esm) (20.19+, 22.12+), fails with ERR_REQUIRE_ESM where it does not', async () => {
    const supportsRequireEsm = (process.features as { require_module?: boolean }).require_module === true;
    if (supportsRequireEsm) {
      const loaded = await run(process.execPath, ['require-core.cjs'], project);
      expect(loaded.code, describeRun(loaded)).toBe(0);
      expect(loaded.stdout.trim()).toBe('local[3]');
    }
    // Node before 20.19, or with require(esm) turned off: the error says to use import().
    const refused = await run(process.execPath, [...(supportsRequireEsm ? ['--no-experimental-require-module'] : []), 'require-core.cjs'], project);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('ERR_REQUIRE_ESM');
    expect(refused.stderr).toMatch(/dynamic import\(\)/);
  }, RUN_TIMEOUT_MS);
});
