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

/** How {@link listInputFilesSync} chooses a directory's files. */
export interface ListInputFilesOptions {
  /**
   * Every visible file of a directory (names not starting with `.` or `_`), even when some are
   * `part-*` files, as Spark's `wholeTextFiles` lists a directory. Default: the `part-*` files
   * when there are any.
   */
  readonly everyVisibleFile?: boolean;
}

/**
 * The input files of a directory, as Spark reads a folder written by `saveAsTextFile`: its
 * `part-*` files sorted by name when there are any (unless `options.everyVisibleFile`),
 * otherwise all its files whose names do not start with `.` or `_`, sorted. Sub-directories
 * are not descended into. `sizes`, when given, receives the sizes of the files it had to stat
 * (symbolic links), as in {@link listInputFilesSync}.
 */
export function listDirectoryInputFilesSync(dir: string, sizes?: Map<string, number>, options?: ListInputFilesOptions): string[] {
  const parts: string[] = [];
  const others: string[] = [];
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
    if (!isFile) continue;
    (name.startsWith('part-') ? parts : others).push(full);
  }
  if (options?.everyVisibleFile === true) return [...parts, ...others].sort(byName);
  const chosen = parts.length > 0 ? parts : others;
  return chosen.sort(byName);
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
 * @param options How a directory's files are chosen (see {@link ListInputFilesOptions}).
 * @throws {InputPathNotFoundError} when a plain (non-glob) path does not exist.
 */
export function listInputFilesSync(pathOrGlob: string, sizes?: Map<string, number>, options?: ListInputFilesOptions): string[] {
  const st = statOrUndefined(pathOrGlob);
  if (st === undefined) {
    const pieces = splitTopLevelCommas(pathOrGlob);
    if (pieces.length > 1) return pieces.flatMap((p) => listOneInputSync(p, statOrUndefined(p), sizes, options));
  }
  // The stat is passed on: a textFile of one file (a batch's input) is stat'ed once here.
  return listOneInputSync(pathOrGlob, st, sizes, options);
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

function listOneInputSync(pathOrGlob: string, st: Stats | undefined, sizes: Map<string, number> | undefined, options: ListInputFilesOptions | undefined): string[] {
  if (st !== undefined) {
    if (st.isDirectory()) return listDirectoryInputFilesSync(pathOrGlob, sizes, options);
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
      for (const f of listDirectoryInputFilesSync(path, sizes, options)) out.push(f);
    } else {
      out.push(path);
    }
  }
  return out;
}
