// The page's group line under leases: every partition's owner as the status says (this
// instance, another member, or none while a lease is free), updated live when a new status
// arrives, as after a takeover (the run publishes one after every batch whose leases changed;
// group-leases.test.ts checks that a real takeover produces it). Real Chromium, the real server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../../../packages/dstream/test/support/chromium.ts';
import { DashboardModel, type FeedStatus } from '../src/batch-view.ts';
import { DashboardServer } from '../src/dashboard-server.ts';

interface PageElement { textContent: string | null }
declare const document: { querySelector(sel: string): PageElement | null };

const status = (owners: readonly (string | undefined)[][]): FeedStatus => ({
  filesMoved: 1, filesTotal: 4, linesMoved: 10, linesTotal: 40, phase: 'feeding',
  group: {
    name: 'orders',
    instanceId: 'host:1',
    logs: [['orders', 4], ['app-combineByKey#4-repartition', 2], ['app-whole-batch', 1]].map(([log, n], i) => ({
      log: log as string, partitions: n as number, owners: owners[i]!, owned: owners[i]!.flatMap((o, p) => (o === 'host:1' ? [p] : [])),
    })),
  },
});

describe('the page\'s partition owners under leases', () => {
  let dir: string | undefined;
  let browser: BrowserContext | undefined;
  let server: DashboardServer | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('names each partition\'s owner and follows a takeover', async () => {
    dir = await mkdtemp(join(tmpdir(), 'orders-owners-'));
    browser = await launchChromium(join(dir, 'profile'));
    const model = new DashboardModel('t', 5000, 'updateStateByKey', true);
    model.status = status([['host:1', 'host:1', 'host:2', 'host:2'], ['host:1', 'host:2'], ['host:2']]);
    server = new DashboardServer(model);
    const url = await server.listen(0);
    const page = await browser.newPage();
    await page.goto(url);
    const text = (): Promise<string> => page.evaluate(() => document.querySelector('#partitions')?.textContent ?? '');
    await page.waitForFunction(() => (document.querySelector('#partitions')?.textContent ?? '').includes('owners'), undefined, { timeout: 30_000 });
    expect(await text()).toBe('group orders · instance host:1 owns orders: 0, 1 of 4 · app-combineByKey#4-repartition: 0 of 2 · app-whole-batch: none of 1'
      + ' · owners orders: 0 this, 1 this, 2 host:2, 3 host:2 · app-combineByKey#4-repartition: 0 this, 1 host:2 · app-whole-batch: 0 host:2');
    // host:2 died: its leases ran out (none), then this instance took everything over.
    const expired = status([['host:1', 'host:1', undefined, undefined], ['host:1', undefined], [undefined]]);
    model.status = expired;
    server.publish('status', expired);
    await page.waitForFunction(() => (document.querySelector('#partitions')?.textContent ?? '').includes('app-whole-batch: 0 none'), undefined, { timeout: 30_000 });
    const taken = status([['host:1', 'host:1', 'host:1', 'host:1'], ['host:1', 'host:1'], ['host:1']]);
    model.status = taken;
    server.publish('status', taken);
    await page.waitForFunction(() => (document.querySelector('#partitions')?.textContent ?? '').includes('app-whole-batch: 0 this'), undefined, { timeout: 30_000 });
    expect(await text()).toBe('group orders · instance host:1 owns orders: 0, 1, 2, 3 of 4 · app-combineByKey#4-repartition: 0, 1 of 2 · app-whole-batch: 0 of 1'
      + ' · owners orders: 0 this, 1 this, 2 this, 3 this · app-combineByKey#4-repartition: 0 this, 1 this · app-whole-batch: 0 this');
  }, 120_000);
});
