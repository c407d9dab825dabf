import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './child-process.ts';

/** A public entry point: the specifier users import and the file behind it. */
export interface EntryPoint {
  /** `@kindling/dstream/testing` */
  readonly specifier: string;
  /** Absolute path of the entry file. */
  readonly file: string;
}

/** One name exported by an entry point, resolved through re-exports to its declaration. */
export interface PublicExport {
  readonly specifier: string;
  readonly name: string;
  /** `class`, `function`, `variable`, `interface`, `type`, `enum` or `other`. */
  readonly kind: string;
  /** True when the name exists at runtime (a class, function or constant), false for type-only exports. */
  readonly isValue: boolean;
  /** The TSDoc summary (empty when the declaration has none). */
  readonly summary: string;
  /** `path:line` of the declaration, relative to the repository root. */
  readonly declaredAt: string;
}

/**
 * The public entry points, read from each package's `exports` map (so a new subpath export
 * is checked without editing the tests).
 */
export function publicEntryPoints(): EntryPoint[] {
  const entries: EntryPoint[] = [];
  for (const dir of readdirSync(join(repoRoot, 'packages')).sort()) {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, { 'kindling-source'?: string; types?: string; default?: string } | string>;
    };
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      // The source the workspace runs (the `kindling-source` condition), not the built file.
      const path = typeof target === 'string' ? target : (target['kindling-source'] ?? target.types ?? target.default);
      if (path === undefined) throw new Error(`${pkg.name}: export "${subpath}" has no "kindling-source", "types" or "default" target; give it one.`);
      entries.push({ specifier: pkg.name + subpath.slice(1), file: join(repoRoot, 'packages', dir, path) });
    }
  }
  return entries;
}

/** The compiler options of the repository's tsconfig.json (its file list is not used). */
export function repoCompilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(`Cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot, undefined, configPath).options;
}

function kindOf(flags: ts.SymbolFlags): string {
  if (flags & ts.SymbolFlags.Class) return 'class';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Enum) return 'enum';
  if (flags & ts.SymbolFlags.Variable) return 'variable';
  if (flags & ts.SymbolFlags.Interface) return 'interface';
  if (flags & ts.SymbolFlags.TypeAlias) return 'type';
  return 'other';
}

/** Lists every export of every entry point, with its kind and TSDoc summary. */
export function listPublicExports(entries: readonly EntryPoint[], program?: ts.Program): { exports: PublicExport[]; program: ts.Program } {
  const prog = program ?? ts.createProgram(entries.map((e) => e.file), repoCompilerOptions());
  const checker = prog.getTypeChecker();
  const exports: PublicExport[] = [];
  for (const entry of entries) {
    const source = prog.getSourceFile(entry.file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${entry.specifier}: entry file ${entry.file} is not in the program or is not a module.`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = target.declarations?.[0];
      const at = declaration
        ? `${relative(repoRoot, declaration.getSourceFile().fileName)}:${declaration.getSourceFile().getLineAndCharacterOfPosition(declaration.getStart()).line + 1}`
        : '(no declaration)';
      exports.push({
        specifier: entry.specifier,
        name: exported.name,
        kind: kindOf(target.flags),
        isValue: (target.flags & ts.SymbolFlags.Value) !== 0,
        summary: ts.displayPartsToString(target.getDocumentationComment(checker)).trim(),
        declaredAt: at,
      });
    }
  }
  return { exports, program: prog };
}
