import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rename, unlink, utimes } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';

/** One piece of the orders file, waiting in the staging folder. */
export interface FeedFile {
  /** Where the piece waits (outside the input folder). */
  readonly path: string;
  /** Its file name, e.g. `ordersaa.ordtmp`. */
  readonly name: string;
  /** How many lines it holds. */
  readonly lines: number;
}

/**
 * File names like the book's `split -l N ... orders`: `ordersaa.ordtmp`, `ordersab.ordtmp`, ...
 * (two letters while they suffice, more when there are more than 676 pieces, so the names
 * always sort in feed order).
 */
export function pieceName(index: number, pieces: number): string {
  let width = 2;
  while (26 ** width < pieces) width++;
  let suffix = '';
  for (let i = 0, n = index; i < width; i++, n = Math.floor(n / 26)) suffix = String.fromCharCode(97 + (n % 26)) + suffix;
  return `orders${suffix}.ordtmp`;
}

/**
 * Cuts `inputFile` into pieces of `linesPerFile` lines (the last may be shorter) written to
 * `stagingDir`, as the book's `split` does. Streams the input, so the file may be large.
 */
export async function splitOrdersFile(inputFile: string, stagingDir: string, linesPerFile: number): Promise<FeedFile[]> {
  if (!Number.isInteger(linesPerFile) || linesPerFile < 1) throw new RangeError(`--lines-per-file must be a positive integer, got ${linesPerFile}`);
  await mkdir(stagingDir, { recursive: true });
  // Names depend on the piece count, so write with provisional names and rename at the end.
  const provisional: { path: string; lines: number }[] = [];
  let handle: FileHandle | undefined;
  let buffer: string[] = [];
  const flush = async (): Promise<void> => {
    if (handle && buffer.length > 0) await handle.write(buffer.join('\n') + '\n');
    buffer = [];
  };
  const input = createInterface({ input: createReadStream(inputFile, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const line of input) {
      if (line === '') continue;
      const current = provisional[provisional.length - 1];
      if (!current || current.lines === linesPerFile) {
        await flush();
        await handle?.close();
        const path = join(stagingDir, `.piece-${provisional.length}`);
        handle = await open(path, 'w');
        provisional.push({ path, lines: 0 });
      }
      buffer.push(line);
      provisional[provisional.length - 1]!.lines++;
      if (buffer.length === 2048) await flush();
    }
    await flush();
  } catch (e) {
    throw new Error(`Could not split the orders file ${inputFile} into ${stagingDir}: ${(e as Error).message}. Check that the file exists and is readable.`, { cause: e });
  } finally {
    await handle?.close();
  }
  const files: FeedFile[] = [];
  for (let i = 0; i < provisional.length; i++) {
    const name = pieceName(i, provisional.length);
    const path = join(stagingDir, name);
    await rename(provisional[i]!.path, path);
    files.push({ path, name, lines: provisional[i]!.lines });
  }
  return files;
}

/**
 * Moves `file` into `inputDir` with `rename`, so that a reader of the folder never sees it half
 * written (the book's `mv`). Across file systems it copies under a hidden name first (input
 * streams skip dot files) and renames that. `mtimeMs`, when given, becomes the file's
 * modification time: a replay on a manual clock stamps each piece with a time inside the batch
 * that should read it.
 */
export async function moveIntoFolder(file: FeedFile, inputDir: string, mtimeMs?: number): Promise<string> {
  const target = join(inputDir, file.name);
  if (mtimeMs !== undefined) await utimes(file.path, mtimeMs / 1000, mtimeMs / 1000);
  try {
    await rename(file.path, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    const hidden = join(inputDir, `.${basename(file.name)}.copying`);
    await copyFile(file.path, hidden);
    if (mtimeMs !== undefined) await utimes(hidden, mtimeMs / 1000, mtimeMs / 1000);
    await rename(hidden, target);
    await unlink(file.path);
  }
  return target;
}

/** Progress of a feed, after each moved file. */
export interface FeedProgress {
  readonly filesMoved: number;
  readonly filesTotal: number;
  readonly linesMoved: number;
  readonly linesTotal: number;
  readonly last: FeedFile;
}

/**
 * Draws `[██████░░░░] 12/50 files · 120,000 / 500,000 orders` on one line of a TTY stream.
 */
export function progressBar(p: Pick<FeedProgress, 'filesMoved' | 'filesTotal' | 'linesMoved' | 'linesTotal'>, width = 30): string {
  const ratio = p.filesTotal === 0 ? 1 : p.filesMoved / p.filesTotal;
  const full = Math.round(ratio * width);
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${p.filesMoved}/${p.filesTotal} files · ${fmt(p.linesMoved)} / ${fmt(p.linesTotal)} orders`;
}

/** Options for {@link feedFiles}. */
export interface FeedOptions {
  /** Milliseconds between two moves (the book: 3000). The first file moves at once. */
  everyMs: number;
  /** Called after each move. */
  onProgress?: (p: FeedProgress) => void;
  /** Stops the feed between two moves. */
  signal?: AbortSignal;
}

/**
 * The book's feeder loop: moves the pieces into `inputDir` one every `everyMs` ms. Resolves
 * when all are moved (or the signal aborts).
 */
export function feedFiles(files: readonly FeedFile[], inputDir: string, options: FeedOptions): Promise<void> {
  return paceFeed(files, options, async (file) => {
    await moveIntoFolder(file, inputDir);
    return file.lines;
  });
}

/**
 * Delivers the pieces one every `everyMs` ms (the first at once) through `deliver`, which
 * resolves with the number of lines it delivered, and reports progress after each. Stops
 * between two deliveries when the signal aborts. Shared by the folder and topic feeders.
 */
export async function paceFeed(files: readonly FeedFile[], options: FeedOptions, deliver: (file: FeedFile) => Promise<number>): Promise<void> {
  const linesTotal = files.reduce((n, f) => n + f.lines, 0);
  let linesMoved = 0;
  for (let i = 0; i < files.length; i++) {
    if (options.signal?.aborted) return;
    if (i > 0) {
      await new Promise<void>((resolve) => {
        // The listener goes when the wait ends either way: one per file would pile up on a
        // long run (MaxListenersExceededWarning).
        const signal = options.signal;
        const onAbort = (): void => { clearTimeout(timer); resolve(); };
        const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, options.everyMs);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (options.signal?.aborted) return;
    }
    const file = files[i]!;
    linesMoved += await deliver(file);
    options.onProgress?.({ filesMoved: i + 1, filesTotal: files.length, linesMoved, linesTotal, last: file });
  }
}

/** A progress reporter that redraws a bar on `stream` when it is a TTY, and stays quiet otherwise. */
export function ttyProgress(stream: NodeJS.WriteStream = process.stderr): (p: FeedProgress) => void {
  return (p) => {
    if (!stream.isTTY) return;
    stream.write(`\r\x1b[2Kfeeding ${progressBar(p)}${p.filesMoved === p.filesTotal ? '\n' : ''}`);
  };
}
