import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ManualClock, Seconds, SparkConf } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';
import { launchChromium } from './support/chromium.ts';

// The page-side callbacks run in the browser; the project's TypeScript has no DOM library, so
// they see the few DOM members they use through this shape.
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(sel: string): PageElement | null;
  querySelectorAll(sel: string): ArrayLike<PageElement> & Iterable<PageElement>;
}
interface PageDocument { body: PageElement; querySelector(sel: string): PageElement | null; querySelectorAll(sel: string): ArrayLike<PageElement> & Iterable<PageElement> }
declare const document: PageDocument;

/** Where the test leaves its screenshots (gitignored). */
const SCREENSHOTS = fileURLToPath(new URL('../../../.tmp/screenshots/', import.meta.url));
const BATCHES = 30;
const FAILING = BATCHES * 1000;
const EVIL = '<img src=x onerror="document.body.dataset.pwned=1">';

interface RestBatch { batchId: number; inputSize: number; schedulingDelay?: number; processingTime?: number; totalDelay?: number; numCompletedOutputOps: number; numTotalOutputOps: number; firstFailureReason?: string }

describe('the Streaming UI pages in Chromium', () => {
  let dir: string;
  let ssc: StreamingContext;
  let browser: BrowserContext;
  let page: Page;
  let ui: string;
  let rest: RestBatch[];
  const sizes = Array.from({ length: BATCHES }, (_, i) => ((i * 7) % 11) + 1);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streaming-ui-page-'));
    await mkdir(SCREENSHOTS, { recursive: true });
    const conf = new SparkConf().setMaster('local[2]').setAppName('UI page test')
      .set('spark.streaming.clock', 'manual').set('spark.ui.enabled', 'true').set('spark.ui.port', '0');
    ssc = new StreamingContext(conf, Seconds(1));
    ssc.checkpoint(join(dir, 'checkpoint'));
    const queue = sizes.map((n, i) => Array.from({ length: n }, (_, j) => `k${j % 3} ${i}`));
    // An input that reports its records (a queue stream reports none, as Spark's).
    const pairs = new TestInputDStream(ssc, queue, 2).map((l) => [l.split(' ')[0]!, 1] as [string, number]);
    pairs.reduceByKey((a, b) => a + b).foreachRDD(async (rdd) => {
      // A job group and description, shown in the job's row as Spark's job tables show them.
      ssc.sparkContext.setJobGroup('report', 'collect the counts');
      await rdd.collect();
      ssc.sparkContext.clearJobGroup();
    });
    pairs.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0))
      .foreachRDD(async (rdd, time) => {
        await rdd.count();
        if (time.milliseconds === FAILING) throw new Error(`boom at ${FAILING}: ${EVIL}`);
      });
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    await clock.advance((BATCHES - 1) * 1000);
    await expect(clock.advance(1000)).rejects.toThrow(/boom at 30000/);
    // The context stopped itself; its UI stays up until the application calls stop().
    ui = ssc.sparkContext.uiWebUrl ?? (await ssc.awaitTermination().catch(() => undefined), '');
    const apps = await (await fetch(`${ui}/api/v1/applications`)).json() as { id: string }[];
    rest = await (await fetch(`${ui}/api/v1/applications/${apps[0]!.id}/streaming/batches`)).json() as RestBatch[];
    browser = await launchChromium(join(dir, 'profile'), { width: 1366, height: 900 });
    page = await browser.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ssc?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function openStreamingPage(scheme: 'light' | 'dark'): Promise<void> {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${ui}/streaming/`);
    await page.waitForFunction((n) => document.body.getAttribute('data-loaded') === String(n), BATCHES, { timeout: 30_000 });
  }

  it('draws one timeline point per retained batch, marks the failed one, and lists the batches as the REST API', async () => {
    expect(rest).toHaveLength(BATCHES);
    expect(rest.map((b) => b.inputSize)).toEqual(sizes.slice().reverse());
    await openStreamingPage('light');

    const summary = await page.evaluate(() => document.querySelector('#summary')!.textContent);
    expect(summary).toMatch(/Running batches of 1 second for .* since .*\(30 completed batches, \d+ records\)/);
    expect(summary).toContain(`${sizes.reduce((a, b) => a + b, 0)} records`);

    const timelines = await page.evaluate(() => [...document.querySelectorAll('td.timeline')].map((td) => ({
      id: td.getAttribute('id'), points: Number(td.getAttribute('data-points')), failed: Number(td.getAttribute('data-failed')), canvas: td.querySelector('canvas') !== null,
    })));
    expect(timelines.map((t) => t.id)).toEqual(['timeline-input', 'timeline-stream-0', 'timeline-scheduling', 'timeline-processing', 'timeline-total']);
    for (const t of timelines) expect(t).toEqual({ id: t.id, points: rest.length, failed: 1, canvas: true });

    // Each histogram is rotated as Spark's: its value axis is vertical, over the same range as
    // its timeline's y-axis, and its plot band has the same top and height on the screen, so a
    // value sits at the same height in both; it counts every retained batch.
    const rows2 = await page.evaluate(() => [...document.querySelectorAll('#stat-body tr.main')].map((tr) => {
      const tl = tr.querySelector('td.timeline')!;
      const hi = tr.querySelector('td.histogram')!;
      return {
        key: tr.getAttribute('data-chart'),
        yRange: tl.getAttribute('data-y-range'),
        valueRange: hi.getAttribute('data-value-range'),
        axis: hi.getAttribute('data-value-axis'),
        batches: Number(hi.getAttribute('data-batches')),
      };
    }));
    expect(rows2.map((r) => r.key)).toEqual(['input', 'scheduling', 'processing', 'total']);
    const inputMax = Math.max(...sizes) * 1.05; // records/s in 1 s batches, 5% headroom
    for (const r of rows2) {
      expect(r.axis).toBe('vertical');
      expect(r.valueRange).toBe(r.yRange);
      expect(r.batches).toBe(rest.length);
    }
    expect(rows2[0]!.yRange).toBe(`0,${inputMax}`);
    // The three delays share one range, at least the batch interval.
    expect(new Set(rows2.slice(1).map((r) => r.yRange)).size).toBe(1);
    expect(Number(rows2[1]!.yRange!.split(',')[1])).toBeGreaterThanOrEqual(1000);
    for (const key of ['input', 'scheduling', 'processing', 'total']) {
      const t = (await (await page.$(`#timeline-${key} .u-over`))!.boundingBox())!;
      const h = (await (await page.$(`#histogram-${key} .u-over`))!.boundingBox())!;
      expect(Math.abs(h.y - t.y)).toBeLessThan(1);
      expect(Math.abs(h.height - t.height)).toBeLessThan(1);
      expect(h.x).toBeGreaterThan(t.x + t.width); // beside it, to the right
    }

    const rows = await page.evaluate(() => [...document.querySelectorAll('#completed-batches tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('td')];
      return {
        id: Number(tr.getAttribute('data-batch-id')),
        records: cells[1]!.textContent,
        values: cells.slice(2, 6).map((c) => c.getAttribute('data-value')),
        error: cells[6]?.textContent ?? '',
        errorImages: cells[6]?.querySelectorAll('img').length ?? 0,
      };
    }));
    expect(rows).toHaveLength(25); // the first page
    rows.forEach((row, i) => {
      const b = rest[i]!;
      expect(row.id).toBe(b.batchId);
      expect(row.records).toBe(`${b.inputSize} records`);
      expect(row.values).toEqual([String(b.schedulingDelay), String(b.processingTime), String(b.totalDelay), `${b.numCompletedOutputOps}/${b.numTotalOutputOps}`]);
    });
    // The failed batch (the newest) shows its error as text, never as HTML.
    expect(rows[0]!.error).toContain(`boom at ${FAILING}: ${EVIL}`);
    expect(rows[0]!.errorImages).toBe(0);
    expect(rows[1]!.error).toBe('-');
    expect(await page.evaluate(() => document.body.getAttribute('data-pwned'))).toBeNull();
    expect(await page.evaluate(() => document.querySelector('#completed-title')!.textContent)).toBe(`Completed Batches (last ${BATCHES} out of ${BATCHES})`);
    // The graph drawing names the streams and marks the state.
    const graph = await page.evaluate(() => [...document.querySelectorAll('#graph g.node')].map((g) => g.getAttribute('data-name')));
    expect(graph).toContain('testInput#0');
    expect(await page.evaluate(() => document.querySelectorAll('#graph g.node.state').length)).toBe(1);
    expect(await page.evaluate(() => document.querySelector('#checkpoint')!.textContent)).toMatch(/Size: [\d,]+ bytes/);

    await page.screenshot({ path: join(SCREENSHOTS, 'streaming-light.png'), fullPage: true });
    await page.locator('#stat-table').screenshot({ path: join(SCREENSHOTS, 'streaming-charts-light.png') });
    await openStreamingPage('dark');
    await page.screenshot({ path: join(SCREENSHOTS, 'streaming-dark.png'), fullPage: true });
    await page.locator('#stat-table').screenshot({ path: join(SCREENSHOTS, 'streaming-charts-dark.png') });
  }, 60_000);

  it('sorts and pages the completed batches, and a click on a timeline point selects its batch', async () => {
    await openStreamingPage('light');
    await page.click('#completed-batches th[data-sort="records"]');
    const firstRecords = await page.evaluate(() => document.querySelector('#completed-batches tbody tr td:nth-child(2)')!.textContent);
    expect(firstRecords).toBe(`${Math.max(...sizes)} records`);
    await page.click('#completed-section .pager button:last-of-type');
    const pageRows = await page.evaluate(() => document.querySelectorAll('#completed-batches tbody tr').length);
    expect(pageRows).toBe(BATCHES - 25);

    // The right edge of the total-delay timeline is the newest batch.
    const over = (await page.$('#timeline-total .u-over'))!;
    const box = (await over.boundingBox())!;
    await over.click({ position: { x: box.width - 1, y: box.height / 2 } });
    await page.waitForSelector('#completed-batches tr.highlight');
    expect(await page.evaluate(() => Number(document.querySelector('#completed-batches tr.highlight')!.getAttribute('data-batch-id')))).toBe(FAILING);
  }, 60_000);

  it('shows the failed batch with its output operations, their jobs, stages and tasks, and the failure', async () => {
    const appId = (await (await fetch(`${ui}/api/v1/applications`)).json() as { id: string }[])[0]!.id;
    const restOps = await (await fetch(`${ui}/api/v1/applications/${appId}/streaming/batches/${FAILING}/operations`)).json() as { outputOpId: number; jobIds: number[] }[];
    expect(restOps.map((o) => o.outputOpId)).toEqual([0, 1]);
    expect(restOps.every((o) => o.jobIds.length > 0)).toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${ui}/streaming/batch/?id=${FAILING}`);
      await page.waitForFunction(() => document.body.getAttribute('data-status') === 'COMPLETED', undefined, { timeout: 30_000 });
      const shown = await page.evaluate(() => ({
        title: document.querySelector('#title')!.textContent,
        facts: document.querySelector('#facts')!.textContent,
        ops: [...document.querySelectorAll('#ops tbody tr')].map((tr) => ({
          op: tr.getAttribute('data-op'),
          text: tr.textContent ?? '',
          images: tr.querySelectorAll('img').length,
          job: tr.querySelector('td.job-id')?.getAttribute('data-job-id'),
          stages: tr.querySelector('td.stages')?.getAttribute('data-value'),
          stagesText: tr.querySelector('td.stages')?.textContent,
          tasks: tr.querySelector('td.tasks')?.getAttribute('data-value'),
          tasksText: tr.querySelector('td.tasks .progress')?.textContent,
        })),
        inputs: document.querySelector('#inputs tbody')!.textContent,
      }));
      expect(shown.title).toMatch(/^Details of batch at \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/);
      expect(shown.facts).toContain(`Input data size: ${sizes[BATCHES - 1]} records`);
      expect(shown.inputs).toContain('Test stream [0]'); // Spark's InputDStream.name
      const op0 = shown.ops.filter((o) => o.op === '0');
      const op1 = shown.ops.filter((o) => o.op === '1');
      expect(op0[0]!.text).toContain('Succeeded');
      expect(op0[0]!.text).toContain(`${op0[0]!.job} (report)`);
      expect(op0[0]!.text).toContain('collect the counts (collect)');
      expect(op1[0]!.text).not.toContain('(report)');
      expect(op1[0]!.text).toContain('Failed');
      expect(op1[0]!.text).toContain(`boom at ${FAILING}: ${EVIL}`);
      expect(op1[0]!.images).toBe(0);
      // One row per Spark job, with the real job ids of the REST API's output operations.
      expect(op0.map((o) => Number(o.job))).toEqual(restOps[0]!.jobIds);
      expect(op1.map((o) => Number(o.job))).toEqual(restOps[1]!.jobIds);
      // reduceByKey over the queue's 2 partitions (local[2]) into 2: a map stage of 2 tasks and
      // the collect's stage of 2.
      expect(op0.map((o) => [o.stages, o.stagesText, o.tasks, o.tasksText])).toEqual([['2/2', '2/2', '4/4', '4/4']]);
      // The state's count ran (the operation failed after it): every stage and task succeeded.
      for (const o of op1) {
        const [doneStages, stages] = o.stages!.split('/').map(Number);
        const [doneTasks, tasks] = o.tasks!.split('/').map(Number);
        expect(doneStages).toBe(stages);
        expect(stages).toBeGreaterThan(0);
        expect(doneTasks).toBe(tasks);
        expect(tasks).toBeGreaterThanOrEqual(stages!);
      }
      const failure = rest[0]!.firstFailureReason!;
      expect(failure).toContain(`boom at ${FAILING}`);
      await page.screenshot({ path: join(SCREENSHOTS, `batch-${scheme}.png`), fullPage: true });
    }
  }, 60_000);
});
