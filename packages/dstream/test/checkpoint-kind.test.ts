// Identity is data (issue 10): a stream's id, structural key and checkpoint `kind` come from
// the kind its class declares, never from the class's run-time name. A program written by
// one build and recovered by a minified build of the same code (every class renamed by
// esbuild --minify) must recover its state.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot, runChild } from './support/child-process.ts';

const root = mkdtempSync(join(tmpdir(), 'kindling-kind-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result { resumedAt: number; total: Record<string, number>; id: string; kind: string; className: string }
const parse = (stdout: string): Result => JSON.parse(stdout.trim().split('\n').at(-1)!) as Result;

it('a checkpoint written by the plain build is recovered by a minified build of the same program', async () => {
  // esbuild comes with tsx (the repository's TypeScript runner).
  const esbuild = createRequire(createRequire(join(repoRoot, 'package.json')).resolve('tsx'))('esbuild') as { build(options: Record<string, unknown>): Promise<unknown> };
  const bundle = join(root, 'program.min.mjs');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'packages/dstream/test/support/kind-program.ts')],
    bundle: true, minify: true, platform: 'node', conditions: ['kindling-source'], format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error',
    // CommonJS dependencies bundled into an ES module need a require.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const dir = join(root, 'checkpoint');
  const plain = await runChild('packages/dstream/test/support/kind-program.ts', { dir, until: 5000 });
  expect(plain.code, plain.stderr).toBe(0);
  const first = parse(plain.stdout);
  expect(first).toMatchObject({ resumedAt: 0, id: 'updateStateByKey#2', total: { a: 5, b: 15 } });

  const minified = await runChild(bundle, { dir, until: 8000 });
  expect(minified.code, minified.stderr).toBe(0);
  const second = parse(minified.stdout);
  // Totals after batch 8: a = 8, b = 1 + ... + 8, with batches 1-5 restored from the checkpoint.
  expect(second).toMatchObject({ resumedAt: 5000, id: 'updateStateByKey#2', total: { a: 8, b: 36 } });
  // The minifier renamed the class; the declared kind is what names it and what the checkpoint records.
  expect(second.className).not.toBe('StateDStream');
  expect([first.kind, second.kind]).toEqual(['updateStateByKey', 'updateStateByKey']);
  const cp = readdirSync(join(dir, 'metadata')).sort().at(-1)!;
  expect(readFileSync(join(dir, 'metadata', cp), 'utf8')).toContain('"kind":"updateStateByKey"');
}, 120_000);
