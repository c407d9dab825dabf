import { readdirSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import fg from 'fast-glob';
import { isHiddenName } from './hidden-name.ts';

/** Thrown by {@link listInputFilesSync} when a plain (non-glob) input path does not exist. */
export class InputPathNotFoundError extends Error {
  override readonly name = 'InputPathNotFoundError';
  constructor(
    /** The path as given. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Input path does not exist: ${path}. Check the path (relative paths resolve against ${process.cwd()}), ` +
        `or pass a glob pattern if matching nothing is acceptable.`,
      options,
    );
  }
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The input files of a directory, as Hadoop's `FileInputFormat` lists one for Spark's
 * `textFile` and `wholeTextFiles`: every file whose name does not start with `.` or `_`
 * (so a folder written by `saveAsTextFile` gives its `part-*` files, without `_SUCCESS` or
 * `.crc` files), sorted by name. Sub-directories are not descended into. `sizes`, when given,
 * receives the sizes of the files it had to stat (symbolic links), as in
 * {@link listInputFilesSync}.
 */
export function listDirectoryInputFilesSync(dir: string, sizes?: Map<string, number>): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (isHiddenName(name)) continue;
    const full = join(dir, name);
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = statOrUndefined(full);
      isFile = target?.isFile() ?? false;
      if (isFile) sizes?.set(full, target!.size);
    }
    if (isFile) files.push(full);
  }
  return files.sort(byName);
}

/**
 * Resolves what `sc.textFile(pathOrGlob)` reads, in order:
 *
 * - an existing file: itself;
 * - an existing directory: {@link listDirectoryInputFilesSync};
 * - a fast-glob pattern (`out/output-*.txt`, `logs/**\/*.csv`): the matches sorted by path,
 *   hidden names (`.`/`_`) left out as Hadoop does, each matched directory expanded in place
 *   as above; `[]` when nothing matches.
 *
 * A path that exists is taken literally even if it contains glob characters. Otherwise, as in
 * Hadoop, a comma-separated list (`a.txt,logs/*.log`; commas inside `{a,b}` braces do not
 * separate) lists each entry in turn, in the order given.
 *
 * @param sizes When given, receives the size in bytes of each listed file the listing stat'ed
 *   anyway (a plain file path, a symbolic link in a directory), so that a caller planning
 *   splits by size stats only the others.
 * @throws {InputPathNotFoundError} when a plain (non-glob) path does not exist.
 */
export function listInputFilesSync(pathOrGlob: string, sizes?: Map<string, number>): string[] {
  const st = statOrUndefined(pathOrGlob);
  if (st === undefined) {
    const pieces = splitTopLevelCommas(pathOrGlob);
    if (pieces.length > 1) return pieces.flatMap((p) => listOneInputSync(p, statOrUndefined(p), sizes));
  }
  // The stat is passed on: a textFile of one file (a batch's input) is stat'ed once here.
  return listOneInputSync(pathOrGlob, st, sizes);
}

/**
 * Splits Hadoop's comma-separated input path list (`a.txt,logs/*.txt`), leaving commas inside
 * glob braces (`{a,b}`) alone. Empty pieces are dropped.
 */
function splitTopLevelCommas(paths: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < paths.length; i++) {
    const c = paths[i];
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      out.push(paths.slice(from, i));
      from = i + 1;
    }
  }
  out.push(paths.slice(from));
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function listOneInputSync(pathOrGlob: string, st: Stats | undefined, sizes: Map<string, number> | undefined): string[] {
  if (st !== undefined) {
    if (st.isDirectory()) return listDirectoryInputFilesSync(pathOrGlob, sizes);
    sizes?.set(pathOrGlob, st.size);
    return [pathOrGlob];
  }
  if (!fg.isDynamicPattern(pathOrGlob)) throw new InputPathNotFoundError(pathOrGlob);
  const matches = fg
    .sync(pathOrGlob, { onlyFiles: false, markDirectories: true, dot: false, unique: true })
    .map((m) => (m.endsWith('/') ? { path: m.slice(0, -1), isDir: true } : { path: m, isDir: false }))
    .sort((a, b) => byName(a.path, b.path));
  const out: string[] = [];
  for (const { path, isDir } of matches) {
    if (isHiddenName(basename(path))) continue;
    if (isDir) {
      for (const f of listDirectoryInputFilesSync(path, sizes)) out.push(f);
    } else {
      out.push(path);
    }
  }
  return out;
}
