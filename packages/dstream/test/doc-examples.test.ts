// Every TypeScript example in the documentation compiles and runs: the ```ts blocks of the
// Markdown files (README.md, docs/, examples/) and the ```ts blocks of the packages' TSDoc
// (the `@example`s typedoc publishes).
//
// Each block becomes a module under packages/dstream/.tmp/doc-examples-*/ (inside the workspace,
// so `@kindling/*` and the packages' dependencies resolve as they do for users), is
// type-checked with the repository's compiler options, then run with tsx in its own process
// from an empty temporary directory. It must exit 0, by itself: an example stops what it
// starts. Examples assert their results with `node:assert` where they state one.
//
// The one convenience: Kindling's public names an example uses without importing or declaring
// them are imported for it (as `import { SparkContext } from '@kindling/core'`), so short TSDoc
// examples need no import lines. Anything else (node:fs, immutable, its own data, temp
// directories, servers on 127.0.0.1) an example sets up itself.
//
// A block that cannot run (a sketch of a pattern, a type shape) is marked ```ts fragment <why>,
// or preceded by `<!-- not-run: why -->`; keep them few.
//
// KINDLING_KEEP_DOC_EXAMPLES=1 keeps the generated modules (to run one by hand with tsx).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/child-process.ts';
import { allDocExamples, exampleFileName, preludeFor, type DocExample } from './support/doc-examples.ts';
import { listPublicExports, publicEntryPoints, repoCompilerOptions } from './support/public-exports.ts';

// One folder per run: several runs of this suite may share the tree.
const exampleParent = join(repoRoot, 'packages', 'dstream', '.tmp');
let exampleDir = '';
const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const RUN_TIMEOUT_MS = 45_000;

const examples = allDocExamples();
const runnable = examples.filter((e) => e.fragment === undefined);
const origin = (e: DocExample): string => `${e.file}:${e.line}`;

/** Per example file name: its prelude's line count and its compile errors (mapped to the documentation's lines). */
const prepared = new Map<string, { path: string; preludeLines: number; errors: string[] }>();

function typeCheck(files: string[], oldProgram: ts.Program): Map<string, readonly ts.Diagnostic[]> {
  const program = ts.createProgram({ rootNames: files, options: repoCompilerOptions(), oldProgram });
  const out = new Map<string, readonly ts.Diagnostic[]>();
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    out.set(file, [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]);
  }
  return out;
}

// Two examples at a time (two cores): the rest of the suite may be running beside them.
const MAX_RUNNING = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function run(path: string): Promise<{ code: number | null; signal: string | null; output: string }> {
  while (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await runOne(path);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runOne(path: string): Promise<{ code: number | null; signal: string | null; output: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'kindling-doc-example-'));
  const child = spawn(process.execPath, ['--conditions=kindling-source', '--import', pathToFileURL(tsxLoader).href, path], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString('utf8'); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString('utf8'); });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      output += `\n[did not exit within ${RUN_TIMEOUT_MS} ms: an example must stop what it starts (contexts, servers, timers)]`;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal, output });
    });
  });
}

describe('documentation examples', () => {
  beforeAll(() => {
    mkdirSync(exampleParent, { recursive: true });
    exampleDir = mkdtempSync(join(exampleParent, 'doc-examples-'));
    const { exports, program } = listPublicExports(publicEntryPoints());
    const exported = new Map<string, { specifier: string; isValue: boolean }>();
    for (const e of exports) if (!exported.has(e.name)) exported.set(e.name, e);
    for (const example of runnable) {
      const prelude = preludeFor(example.code, exported);
      const path = join(exampleDir, exampleFileName(example));
      writeFileSync(path, `${prelude.join('\n')}${prelude.length ? '\n' : ''}${example.code}\nexport {};\n`);
      prepared.set(origin(example), { path, preludeLines: prelude.length, errors: [] });
    }
    const diagnostics = typeCheck([...prepared.values()].map((p) => p.path), program);
    for (const [name, p] of prepared) {
      const example = runnable.find((e) => origin(e) === name)!;
      for (const d of diagnostics.get(p.path) ?? []) {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (d.file === undefined || d.start === undefined) { p.errors.push(message); continue; }
        const line = d.file.getLineAndCharacterOfPosition(d.start).line - p.preludeLines;
        p.errors.push(line >= 0 ? `${example.file}:${example.line + line}: ${message}` : `(prelude) ${message}`);
      }
    }
  }, 120_000);

  afterAll(() => {
    if (exampleDir !== '' && process.env['KINDLING_KEEP_DOC_EXAMPLES'] === undefined) rmSync(exampleDir, { recursive: true, force: true });
  });

  it('finds the examples of the Markdown documentation and of the TSDoc', () => {
    expect(existsSync(tsxLoader)).toBe(true);
    expect(examples.some((e) => e.file.endsWith('.md'))).toBe(true);
    expect(examples.some((e) => e.file === join('packages', 'core', 'src', 'spark-context.ts') && e.fragment === undefined)).toBe(true);
  });

  it('marks a block that does not run as a fragment with its reason', () => {
    const unexplained = examples.filter((e) => e.fragment === '').map(origin);
    expect(unexplained, 'write why after `fragment` (```ts fragment: why) or in <!-- not-run: why -->').toEqual([]);
  });

  const names = runnable.map(origin);

  it.each(names)('%s type-checks', (name) => {
    expect(prepared.get(name)!.errors).toEqual([]);
  });

  it.concurrent.each(names)('%s runs to completion', async (name) => {
    const result = await run(prepared.get(name)!.path);
    expect(result.code, `${name} exited with ${result.code ?? result.signal}:\n${result.output}`).toBe(0);
  }, 240_000); // includes the wait for a free slot
});
