// "Any program in examples/ run with its defaults shows its Streaming UI": QueueStream started
// exactly as `pnpm QueueStream` starts it (no arguments, no settings), on the system clock, as
// a child process. Its log names the UI's address at INFO; the REST API and the page answer
// there while it runs.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(exampleDir, 'src/queue-stream.ts');
/** The INFO line `ssc.start()` logs (log4j's pattern on stderr). */
const BOUND = /INFO SparkUI: Bound SparkUI to 127\.0\.0\.1, and started at (http:\/\/127\.0\.0\.1:\d+) /;

describe('an example run with its defaults', () => {
  it('QueueStream serves its Streaming UI and REST API at the address it logs, until it is stopped', async () => {
    const child = spawn(process.execPath, ['--conditions=kindling-source', '--import', 'tsx', script], { cwd: exampleDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      const ui = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString('utf8');
          const m = BOUND.exec(stderr);
          if (m !== null) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`QueueStream exited (${code}) before its UI started.\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
      });
      // Spark's default port, or the next free one when another program holds it.
      const port = Number(new URL(ui).port);
      expect(port).toBeGreaterThanOrEqual(4040);
      expect(port).toBeLessThanOrEqual(4040 + 16);

      const apps = await (await fetch(`${ui}/api/v1/applications`)).json() as { id: string; name: string }[];
      expect(apps).toHaveLength(1);
      expect(apps[0]!.name).toBe('QueueStream');
      const base = `${ui}/api/v1/applications/${apps[0]!.id}/streaming`;
      // Wait (without a deadline of our own: the test's timeout bounds it) for a batch to complete.
      let stats: { batchDuration: number; numTotalCompletedBatches: number };
      for (;;) {
        stats = await (await fetch(`${base}/statistics`)).json() as typeof stats;
        if (stats.numTotalCompletedBatches >= 1) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(stats.batchDuration).toBe(1000);
      const batches = await (await fetch(`${base}/batches?status=COMPLETED`)).json() as { batchId: number; batchDuration: number; numTotalOutputOps: number; numCompletedOutputOps: number }[];
      expect(batches.length).toBeGreaterThanOrEqual(1);
      expect(batches[0]!.batchId % 1000).toBe(0); // batch times fall on the 1 s interval
      expect(batches[0]).toMatchObject({ batchDuration: 1000, numTotalOutputOps: 1, numCompletedOutputOps: 1 });
      // Its one output operation is the example's print(), named by its call site.
      const ops = await (await fetch(`${base}/batches/${batches[0]!.batchId}/operations`)).json() as { name: string; jobIds: number[] }[];
      expect(ops).toHaveLength(1);
      expect(ops[0]!.name).toMatch(/^print at queue-stream\.ts:\d+$/);
      expect(ops[0]!.jobIds.length).toBeGreaterThanOrEqual(1);
      const page = await fetch(`${ui}/streaming/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Streaming Statistics');
      expect((await fetch(`${ui}/static/uPlot.iife.min.js`)).status).toBe(200);
      // Stopped (Ctrl-C), the program ends and its UI with it.
      child.kill('SIGTERM');
      await exited;
      await expect(fetch(`${ui}/api/v1/applications`)).rejects.toThrow();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
