import { linkSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';
import { ordersPipeline } from '@kindling/example-orders-dashboard/src/pipeline.ts';
import { writeOrdersFiles } from './src/data/orders-files.ts';

const work = mkdtempSync(join(tmpdir(), 'diag-'));
import { open as fsOpen } from 'node:fs/promises';
const stats = new Map<string, [number, number]>();
{
  const h = await fsOpen(join(work, 'probe'), 'w');
  const proto = Object.getPrototypeOf(h);
  await h.close();
  for (const m of ['sync', 'datasync', 'writeFile', 'write', 'close', 'readFile', 'read', 'stat']) {
    const orig = proto[m];
    if (typeof orig !== 'function') continue;
    proto[m] = async function (this: unknown, ...args: unknown[]) {
      const t = performance.now();
      try { return await orig.apply(this, args); } finally {
        const e = stats.get(m) ?? [0, 0]; e[0]++; e[1] += performance.now() - t; stats.set(m, e);
      }
    };
  }
}
const files = writeOrdersFiles({ dir: join(work, 'in'), files: 30, linesPerFile: 10000, seed: 42 });
for (let rep = 0; rep < 2; rep++) {
  const out = join(work, `run${rep}`);
  const conf = new SparkConf().setMaster('local[1]').setAppName('diag').set('spark.streaming.clock', 'manual');
  const ssc = new StreamingContext(conf, Seconds(1));
  const inputDir = join(out, '.input'); mkdirSync(inputDir, { recursive: true });
  ordersPipeline(ssc, { inputDir, outputPrefix: join(out, 'output'), checkpointDir: join(out, '.cp'), state: 'updateStateByKey' });
  const delays: number[] = [];
  const ops: string[] = [];
  ssc.addStreamingListener({
    onBatchCompleted: (e) => delays.push(e.batchInfo.processingDelay ?? -1),
    onOutputOperationCompleted: (e) => ops.push(`${(e.outputOperationInfo as any).name ?? ''}:${(e.outputOperationInfo as any).duration ?? ''}`),
  });
  await ssc.start();
  const clock = ssc.clock as ManualClock;
  const t0 = performance.now();
  let adv = 0;
  for (const f of files) {
    const target = join(inputDir, basename(f)); linkSync(f, target);
    const s = (clock.getTimeMillis() + 500) / 1000; utimesSync(target, s, s);
    const a = performance.now();
    await clock.advance(1000);
    adv += performance.now() - a;
  }
  const total = performance.now() - t0;
  await ssc.stop(true, false);
  console.log([...stats].map(([k, [n, t]]) => `${k}: ${n} calls ${t.toFixed(0)} ms`).join(', '));
  stats.clear();
  console.log(`rep ${rep}: total ${total.toFixed(0)} ms, in advance ${adv.toFixed(0)} ms, processing delays`, delays.join(' '));
}
