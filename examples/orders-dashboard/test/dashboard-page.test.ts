import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../../../packages/dstream/test/support/chromium.ts';
import { parseOutputLine } from './support/reference.ts';
import { REPO_ROOT, batchLines, startCli } from './support/run-cli.ts';
import type { CliRun } from './support/run-cli.ts';

// The page-side callbacks run in the browser; the project's TypeScript has no DOM library, so
// they see the few DOM members they use through this shape.
interface PageElement { textContent: string | null; getAttribute(name: string): string | null }
interface PageDocument { querySelector(sel: string): PageElement | null; querySelectorAll(sel: string): ArrayLike<PageElement> & Iterable<PageElement> }
declare const document: PageDocument;

const SCREENSHOT = join(REPO_ROOT, '.tmp', 'orders-dashboard.png');

describe('the dashboard page during a run', () => {
  let dir: string;
  let run: CliRun | undefined;
  let browser: BrowserContext | undefined;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'orders-page-')); });
  afterAll(async () => {
    await browser?.close();
    if (run && run.child.exitCode === null) run.child.kill('SIGTERM');
    await run?.exit;
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the top-5 tables that the batch folder holds, pushed as batches complete', async () => {
    const out = join(dir, 'out');
    // The browser first: on a loaded machine its start takes longer than the whole run.
    browser = await launchChromium(join(dir, 'profile'));
    const page = await browser.newPage();
    // A paced replay: 6 batches of 5,000 generated orders, one every 1.5 s, page on a free port.
    run = startCli([
      '--replay', '--every', '1500', '--port', '0', '--orders', '30000', '--lines-per-file', '5000',
      '--out', out, '--work', join(dir, 'work'),
    ]);
    const url = (await run.waitFor(/Dashboard: (http:\/\/127\.0\.0\.1:\d+)/))[1]!;

    await page.goto(url);
    // Wait until at least two batches arrived, so that the page has followed a live update.
    await page.waitForFunction(() => {
      const b = document.querySelector('#top-clients')?.getAttribute('data-batch');
      return b !== null && b !== undefined && Number(b) >= 10_000;
    }, undefined, { timeout: 60_000 });

    const read = async () => page.evaluate(() => {
      const names = (id: string) => [...document.querySelectorAll(`#${id} tbody td.name`)].map((td) => td.textContent ?? '');
      return {
        batch: Number(document.querySelector('#top-clients')!.getAttribute('data-batch')),
        stocksBatch: Number(document.querySelector('#top-stocks')!.getAttribute('data-batch')),
        clients: names('top-clients'),
        stocks: names('top-stocks'),
        output: document.querySelector('#out-lines')!.textContent ?? '',
      };
    });
    // The page links to the run's Streaming UI, served beside it on its own port.
    const uiLink = await page.evaluate(() => {
      const a = document.querySelector('#streaming-ui');
      return a && a.getAttribute('hidden') === null ? a.getAttribute('href') : null;
    });
    expect(uiLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/streaming\/$/);
    expect(new URL(uiLink!).port).not.toBe(new URL(url).port);
    expect(run.stdout()).toContain(`Streaming UI: ${uiLink}`);
    const uiPage = await browser.newPage();
    await uiPage.goto(uiLink!);
    await uiPage.waitForFunction(() => Number(document.querySelector('body')?.getAttribute('data-loaded') ?? '0') >= 1, undefined, { timeout: 30_000 });
    await uiPage.close();

    const shown = await read();
    expect(shown.stocksBatch).toBe(shown.batch);
    const lines = await batchLines(out, shown.batch);
    const byLabel = new Map(lines.map((l) => parseOutputLine(l)));
    expect(shown.clients).toEqual(byLabel.get('TOP5CLIENTS'));
    expect(shown.stocks).toEqual(byLabel.get('TOP5STOCKS'));
    expect(shown.output.split('\n').sort()).toEqual([...lines].sort());
    expect(shown.clients).toHaveLength(5);

    await mkdir(join(REPO_ROOT, '.tmp'), { recursive: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-dark.png'), fullPage: true });

    // The run still ends on its own with exit code 0.
    expect(await run.exit).toBe(0);
  }, 120_000);
});
