import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedFiles, moveIntoFolder, pieceName, progressBar, splitOrdersFile } from '../src/feeder.ts';
import type { FeedProgress } from '../src/feeder.ts';

describe('feeder', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'feeder-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('names pieces like split does', () => {
    expect(pieceName(0, 50)).toBe('ordersaa.ordtmp');
    expect(pieceName(1, 50)).toBe('ordersab.ordtmp');
    expect(pieceName(25, 50)).toBe('ordersaz.ordtmp');
    expect(pieceName(26, 50)).toBe('ordersba.ordtmp');
    expect(pieceName(49, 50)).toBe('ordersbx.ordtmp'); // the book's 50th file
    expect(pieceName(0, 677)).toBe('ordersaaa.ordtmp');
    expect(pieceName(676, 677)).toBe('ordersbaa.ordtmp');
  });

  it('cuts a file into pieces of N lines that concatenate back to it', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`);
    await writeFile(join(dir, 'in.txt'), lines.join('\n') + '\n');
    const files = await splitOrdersFile(join(dir, 'in.txt'), join(dir, 'staging'), 10);
    expect(files.map((f) => [f.name, f.lines])).toEqual([['ordersaa.ordtmp', 10], ['ordersab.ordtmp', 10], ['ordersac.ordtmp', 5]]);
    expect((await readdir(join(dir, 'staging'))).sort()).toEqual(['ordersaa.ordtmp', 'ordersab.ordtmp', 'ordersac.ordtmp']);
    let joined = '';
    for (const f of files) joined += await readFile(f.path, 'utf8');
    expect(joined).toBe(lines.join('\n') + '\n');
  });

  it('handles a file without a final newline, and rejects a bad piece size', async () => {
    await writeFile(join(dir, 'in.txt'), 'a\nb\nc');
    const files = await splitOrdersFile(join(dir, 'in.txt'), join(dir, 'staging'), 2);
    expect(files.map((f) => f.lines)).toEqual([2, 1]);
    expect(await readFile(files[1]!.path, 'utf8')).toBe('c\n');
    await expect(splitOrdersFile(join(dir, 'in.txt'), join(dir, 's2'), 0)).rejects.toThrow('--lines-per-file must be a positive integer');
    await expect(splitOrdersFile(join(dir, 'missing.txt'), join(dir, 's3'), 2)).rejects.toThrow(/Could not split the orders file .*missing\.txt/);
  });

  it('moves a piece into the folder by rename, optionally stamping its modification time', async () => {
    await writeFile(join(dir, 'in.txt'), 'x\ny\n');
    const [piece] = await splitOrdersFile(join(dir, 'in.txt'), join(dir, 'staging'), 10);
    await mkdir(join(dir, 'input'));
    const target = await moveIntoFolder(piece!, join(dir, 'input'), 2500);
    expect(target).toBe(join(dir, 'input', 'ordersaa.ordtmp'));
    expect(await readFile(target, 'utf8')).toBe('x\ny\n');
    expect((await stat(target)).mtimeMs).toBe(2500);
    expect(await readdir(join(dir, 'staging'))).toEqual([]);
  });

  it('feeds the pieces in order, reporting progress after each', async () => {
    await writeFile(join(dir, 'in.txt'), Array.from({ length: 7 }, (_, i) => String(i)).join('\n') + '\n');
    const files = await splitOrdersFile(join(dir, 'in.txt'), join(dir, 'staging'), 3);
    await mkdir(join(dir, 'input'));
    const seen: FeedProgress[] = [];
    await feedFiles(files, join(dir, 'input'), { everyMs: 1, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => [p.filesMoved, p.linesMoved, p.last.name])).toEqual([
      [1, 3, 'ordersaa.ordtmp'], [2, 6, 'ordersab.ordtmp'], [3, 7, 'ordersac.ordtmp'],
    ]);
    expect(seen.every((p) => p.filesTotal === 3 && p.linesTotal === 7)).toBe(true);
    expect((await readdir(join(dir, 'input'))).sort()).toEqual(['ordersaa.ordtmp', 'ordersab.ordtmp', 'ordersac.ordtmp']);
  });

  it('stops between moves when aborted', async () => {
    await writeFile(join(dir, 'in.txt'), 'a\nb\nc\n');
    const files = await splitOrdersFile(join(dir, 'in.txt'), join(dir, 'staging'), 1);
    await mkdir(join(dir, 'input'));
    const abort = new AbortController();
    await feedFiles(files, join(dir, 'input'), { everyMs: 60_000, signal: abort.signal, onProgress: () => abort.abort() });
    expect(await readdir(join(dir, 'input'))).toEqual(['ordersaa.ordtmp']);
  });

  // Issue 10, defect 7 (probe: "the feeder adds an abort listener per fed file and never removes
  // it: MaxListenersExceededWarning on long live runs").
  it('leaves no abort listener behind per fed file: a long feed on one signal raises no MaxListenersExceededWarning', async () => {
    await writeFile(join(dir, 'in.txt'), Array.from({ length: 30 }, (_, i) => String(i)).join('\n') + '\n');
    const files = await splitOrdersFile(join(dir, 'in.txt'), join(dir, 'staging'), 1);
    await mkdir(join(dir, 'input'));
    const abort = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => { warnings.push(w); };
    process.on('warning', onWarning);
    const listeners: number[] = [];
    try {
      await feedFiles(files, join(dir, 'input'), { everyMs: 0, signal: abort.signal, onProgress: () => listeners.push(getEventListeners(abort.signal, 'abort').length) });
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect((await readdir(join(dir, 'input'))).length).toBe(30);
    expect(listeners).toEqual(Array.from({ length: 30 }, () => 0));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('draws a progress bar', () => {
    expect(progressBar({ filesMoved: 1, filesTotal: 4, linesMoved: 10_000, linesTotal: 40_000 }, 8))
      .toBe('[██░░░░░░] 1/4 files · 10,000 / 40,000 orders');
    expect(progressBar({ filesMoved: 0, filesTotal: 0, linesMoved: 0, linesTotal: 0 }, 4)).toBe('[████] 0/0 files · 0 / 0 orders');
  });
});
