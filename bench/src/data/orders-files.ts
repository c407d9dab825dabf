import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOrderLines } from '@kindling/example-orders-dashboard/src/order-generator.ts';

/** Options for {@link writeOrdersFiles}. */
export interface OrdersFilesOptions {
  dir: string;
  files: number;
  linesPerFile: number;
  seed: number;
}

/** The path of order file `i` (names sort in feed order). */
export function ordersFileName(dir: string, i: number): string {
  return join(dir, `orders-${String(i).padStart(6, '0')}.txt`);
}

/**
 * Writes `files` files of `linesPerFile` order lines each (the dashboard's seeded generator, so
 * lines like `2016-03-22 20:25:28,1,80,EPE,710,51.00,B`), cut from one continuous stream.
 */
export function writeOrdersFiles(options: OrdersFilesOptions): string[] {
  mkdirSync(options.dir, { recursive: true });
  const lines = generateOrderLines({ count: options.files * options.linesPerFile, seed: options.seed });
  const paths: string[] = [];
  for (let i = 0; i < options.files; i++) {
    const chunk: string[] = [];
    for (let j = 0; j < options.linesPerFile; j++) chunk.push(lines.next().value as string);
    const path = ordersFileName(options.dir, i);
    writeFileSync(path, chunk.join('\n') + '\n');
    paths.push(path);
  }
  return paths;
}
