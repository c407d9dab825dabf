import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYMBOLS, generateOrderLines, writeOrdersFile } from '../src/order-generator.ts';
import { readOrder } from '../src/order.ts';

const LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d+,\d+,[A-Z.]+,\d+,\d+\.00,[BS]$/;

describe('generateOrderLines', () => {
  const lines = [...generateOrderLines({ count: 200_000, seed: 7 })];

  it('writes the book\'s format with orderId = line number', () => {
    expect(lines).toHaveLength(200_000);
    const bad: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!LINE.test(lines[i]!) || lines[i]!.split(',')[1] !== String(i + 1)) bad.push(lines[i]!);
    }
    expect(bad).toEqual([]);
  });

  it('draws from the documented ranges and covers them', () => {
    const clients = new Set<number>();
    const symbols = new Set<string>();
    let buys = 0;
    let minAmount = Infinity, maxAmount = -Infinity, minPrice = Infinity, maxPrice = -Infinity;
    let first = Infinity, last = -Infinity, fractionalPrices = 0;
    for (const line of lines) {
      const o = readOrder(line);
      clients.add(o.clientId);
      symbols.add(o.symbol);
      if (o.buy) buys++;
      minAmount = Math.min(minAmount, o.amount); maxAmount = Math.max(maxAmount, o.amount);
      minPrice = Math.min(minPrice, o.price); maxPrice = Math.max(maxPrice, o.price);
      if (!Number.isInteger(o.price)) fractionalPrices++;
      first = Math.min(first, o.time.getTime()); last = Math.max(last, o.time.getTime());
    }
    expect(fractionalPrices).toBe(0);
    expect([...clients].sort((a, b) => a - b)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    expect(symbols.size).toBe(80);
    for (const s of ['PBR.A', 'RDS.A', 'RDS.B']) expect(symbols.has(s)).toBe(true);
    expect([minAmount, maxAmount]).toEqual([1, 1001]);
    expect([minPrice, maxPrice]).toEqual([1, 101]);
    // fair coin: 200,000 draws stay well within 1% of half
    expect(Math.abs(buys / lines.length - 0.5)).toBeLessThan(0.01);
    // times within a few seconds, as in the book's data
    expect(last - first).toBeLessThanOrEqual(5000);
  });

  it('has 80 distinct symbols', () => {
    expect(new Set(SYMBOLS).size).toBe(80);
  });

  it('is reproducible from its seed', () => {
    const again = [...generateOrderLines({ count: 1000, seed: 7 })];
    expect(again).toEqual(lines.slice(0, 1000));
    const other = [...generateOrderLines({ count: 1000, seed: 8 })];
    expect(other).not.toEqual(again);
  });

  it('writeOrdersFile writes the same lines to a file, LF-terminated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orders-gen-'));
    try {
      await writeOrdersFile(join(dir, 'o.txt'), { count: 5000, seed: 7 });
      const text = await readFile(join(dir, 'o.txt'), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n').slice(0, -1)).toEqual(lines.slice(0, 5000));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
