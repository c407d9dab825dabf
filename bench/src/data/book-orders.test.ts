import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findBookOrders } from './book-orders.ts';

describe('findBookOrders with $KINDLING_BOOK_ORDERS', () => {
  const saved = process.env.KINDLING_BOOK_ORDERS;
  const dirs: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env.KINDLING_BOOK_ORDERS;
    else process.env.KINDLING_BOOK_ORDERS = saved;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function folder(withFile: boolean): string {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-book-orders-'));
    dirs.push(dir);
    if (withFile) writeFileSync(join(dir, 'orders.txt'), 'line\n');
    return dir;
  }

  it('takes the file it names', () => {
    const file = join(folder(true), 'orders.txt');
    process.env.KINDLING_BOOK_ORDERS = file;
    expect(findBookOrders()).toBe(file);
  });

  it('takes a folder that holds orders.txt (it used to hand the folder on, and reading it failed with EISDIR)', () => {
    const dir = folder(true);
    process.env.KINDLING_BOOK_ORDERS = dir;
    expect(findBookOrders()).toBe(join(dir, 'orders.txt'));
  });

  it('finds nothing in a folder without orders.txt, or at a path that does not exist', () => {
    const dir = folder(false);
    process.env.KINDLING_BOOK_ORDERS = dir;
    expect(findBookOrders()).toBeUndefined();
    process.env.KINDLING_BOOK_ORDERS = join(dir, 'missing.txt');
    expect(findBookOrders()).toBeUndefined();
  });
});
