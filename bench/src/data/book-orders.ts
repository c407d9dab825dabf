import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the book's data lives relative to a folder above the project (`shared/data/orders/orders.txt`). */
const BOOK_RELATIVE = join('shared', 'data', 'orders', 'orders.txt');

/**
 * The path of "Spark in Action"'s chapter 6 order data (500,000 lines): `$KINDLING_BOOK_ORDERS`
 * when set (the file, or a folder holding `orders.txt`), otherwise the first `shared/data/orders/orders.txt` found in a folder above the
 * project. The data is never copied into the project; undefined when it is not on this machine.
 */
export function findBookOrders(): string | undefined {
  const fromEnv = process.env.KINDLING_BOOK_ORDERS;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) return undefined;
    const file = statSync(fromEnv).isDirectory() ? join(fromEnv, 'orders.txt') : fromEnv;
    return existsSync(file) ? resolve(file) : undefined;
  }
  let dir = fileURLToPath(new URL('../../../', import.meta.url));
  for (;;) {
    const candidate = join(dir, BOOK_RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Options for {@link splitBookOrders}. */
export interface BookSplitOptions {
  /** The book's file. */
  source: string;
  /** The folder to write the batch files to (created). */
  dir: string;
  /** Lines per batch file. */
  linesPerFile: number;
  /** How many batch files (the first `files * linesPerFile` lines); capped at what the file holds. */
  files: number;
}

/** The path of batch file `i` of a split (names sort in feed order). */
export function bookFileName(dir: string, i: number): string {
  return join(dir, `orders-${String(i).padStart(6, '0')}.txt`);
}

/**
 * Cuts the book's file into batch files of `linesPerFile` lines (as the book's feeder cuts it into
 * 50 files of 10,000 lines) and returns their paths.
 */
export function splitBookOrders(options: BookSplitOptions): string[] {
  mkdirSync(options.dir, { recursive: true });
  const lines = readFileSync(options.source, 'utf8').split('\n').filter((l) => l !== '');
  const files = Math.min(options.files, Math.floor(lines.length / options.linesPerFile));
  const paths: string[] = [];
  for (let i = 0; i < files; i++) {
    const path = bookFileName(options.dir, i);
    writeFileSync(path, lines.slice(i * options.linesPerFile, (i + 1) * options.linesPerFile).join('\n') + '\n');
    paths.push(path);
  }
  return paths;
}
