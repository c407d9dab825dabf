import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './child-process.ts';

/**
 * A TypeScript code block found in the documentation: a ```ts block of a Markdown file, or a
 * ```ts block inside a TSDoc comment (the `@example`s) of a package's sources.
 */
export interface DocExample {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the block's first code line in that file. */
  readonly line: number;
  /** The code, with TSDoc's leading ` * ` removed. */
  readonly code: string;
  /**
   * Why the block is not compiled or run, when it is marked as a fragment (```ts fragment
   * <why>, or a `<!-- not-run: why -->` line before the block); undefined for a block that runs.
   * An empty string is a fragment that gives no reason.
   */
  readonly fragment: string | undefined;
}

const TS_LANGUAGES = new Set(['ts', 'typescript', 'mts']);
const FENCE = /^\s*(```+|~~~+)\s*([^\s`]*)\s*(.*)$/;
const NOT_RUN = /^\s*<!--\s*not-run\b:?\s*(.*?)\s*-->\s*$/;

/** The reason after `fragment` in an info string (`ts fragment: a sketch`), or undefined if the block is not one. */
function fragmentReason(info: string): string | undefined {
  const m = /^fragment\b[:\s-]*(.*)$/.exec(info.trim());
  return m ? m[1]!.trim() : undefined;
}

/** Fenced TypeScript blocks of some lines; `firstLine` is the 1-based line number of `lines[0]`. */
function blocksIn(file: string, lines: readonly string[], firstLine: number): DocExample[] {
  const found: DocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trim().startsWith(fence)) end++;
    if (end === lines.length) throw new Error(`${file}:${firstLine + i}: code fence ${fence} is never closed; close it (or, in prose, write the fence inside inline code).`);
    if (TS_LANGUAGES.has(open[2]!.toLowerCase())) {
      let previous = i - 1;
      while (previous >= 0 && lines[previous]!.trim() === '') previous--;
      const notRun = previous >= 0 ? NOT_RUN.exec(lines[previous]!) : null;
      found.push({
        file,
        line: firstLine + i + 1,
        code: lines.slice(i + 1, end).join('\n'),
        fragment: fragmentReason(open[3]!) ?? (notRun ? notRun[1]! : undefined),
      });
    }
    i = end;
  }
  return found;
}

/** TypeScript blocks of a Markdown file. */
export function markdownExamples(path: string): DocExample[] {
  return blocksIn(relative(repoRoot, path), readFileSync(path, 'utf8').split('\n'), 1);
}

/** TypeScript blocks inside the TSDoc comments (`/** ... *\/`) of a source file. */
export function tsdocExamples(path: string): DocExample[] {
  const text = readFileSync(path, 'utf8');
  const found: DocExample[] = [];
  for (const m of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = text.slice(0, m.index).split('\n').length;
    const lines = m[0].split('\n').map((l, i) => {
      if (i === 0) return l.replace(/^\/\*\*\s?/, '');
      return l.replace(/\*\/$/, '').replace(/^\s*\*(?: |$)/, '');
    });
    found.push(...blocksIn(relative(repoRoot, path), lines, startLine));
  }
  return found;
}

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, keep));
    else if (keep(name)) out.push(p);
  }
  return out;
}

/** The Markdown files whose examples must run: the repository's top level, docs/ (not the generated docs/api) and examples/. */
export function documentationFiles(): string[] {
  const isMarkdown = (n: string): boolean => n.endsWith('.md');
  return [
    ...readdirSync(repoRoot).filter(isMarkdown).sort().map((n) => join(repoRoot, n)),
    ...filesUnder(join(repoRoot, 'docs'), isMarkdown).filter((p) => !relative(repoRoot, p).startsWith(join('docs', 'api'))),
    ...filesUnder(join(repoRoot, 'examples'), isMarkdown),
  ];
}

/** The packages' source files (not tests), whose TSDoc examples must run. */
export function packageSourceFiles(): string[] {
  return readdirSync(join(repoRoot, 'packages')).sort().flatMap((pkg) =>
    filesUnder(join(repoRoot, 'packages', pkg, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.test.ts') && !n.endsWith('.test-d.ts') && !n.endsWith('.d.ts')));
}

/** Every TypeScript block of the documentation and of the packages' TSDoc. */
export function allDocExamples(): DocExample[] {
  return [...documentationFiles().flatMap(markdownExamples), ...packageSourceFiles().flatMap(tsdocExamples)];
}

/** Names an example imports or declares itself (so the prelude must not import them). */
export function ownNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/import\s+(?:type\s+)?([\s\S]*?)\s+from\s+['"]/g)) {
    const clause = m[1]!;
    const def = /^([A-Za-z_$][\w$]*)/.exec(clause);
    if (def && !clause.startsWith('{')) names.add(def[1]!);
    const star = /\*\s+as\s+([A-Za-z_$][\w$]*)/.exec(clause);
    if (star) names.add(star[1]!);
    const braces = /\{([\s\S]*)\}/.exec(clause);
    for (const part of braces ? braces[1]!.split(',') : []) {
      const local = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (local) names.add(local);
    }
  }
  for (const m of code.matchAll(/\b(?:const|let|var|class|function|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  return names;
}

/**
 * The import lines that give an example the Kindling names it uses but does not import or
 * declare: `exported` maps each public name to its module specifier and whether it is a
 * value (type-only names are imported with `type`).
 */
export function preludeFor(code: string, exported: ReadonlyMap<string, { specifier: string; isValue: boolean }>): string[] {
  const own = ownNames(code);
  const bySpecifier = new Map<string, string[]>();
  const used = new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
  for (const name of [...used].sort()) {
    const e = exported.get(name);
    if (e === undefined || own.has(name)) continue;
    let list = bySpecifier.get(e.specifier);
    if (list === undefined) bySpecifier.set(e.specifier, (list = []));
    list.push(e.isValue ? name : `type ${name}`);
  }
  return [...bySpecifier].map(([specifier, names]) => `import { ${names.join(', ')} } from '${specifier}';`);
}

/** A file name for an example: its origin, made safe (`packages-core-src-rdd-rdd.ts-L36.ts`). */
export function exampleFileName(example: DocExample): string {
  return `${example.file.replace(/[^A-Za-z0-9.]+/g, '-')}-L${example.line}.ts`;
}
