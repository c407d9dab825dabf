/**
 * Deleting superseded checkpoints does not hold batches up (docs/checkpoint-format.md,
 * retention): a batch's outputs run while at most 8 superseded paths are still being deleted,
 * and wait beyond that, so that what is on disk stays bounded whatever the disk's speed; a
 * superseded RDD checkpoint folder leaves its run folder's listing at once (moved aside), and
 * what a killed process left moved aside is deleted by the next start.
 *
 * The deletions are held here by replacing `fs.promises.unlink` and `rm` (a disk slower than
 * the batches cannot be made on demand): they run once released.
 */
import fs, { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Seconds, SparkConf } from '@kindling/core';
import type { ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [string, number];
const root = mkdtempSync(join(tmpdir(), 'kindling-deletions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Lets pending I/O callbacks and promise chains run: a bounded number of event-loop turns, no timing. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Names of the `rdd-*` folders anywhere under `dir`. */
function rddFolders(dir: string): Set<string> {
  return new Set(readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isDirectory() && e.name.startsWith('rdd-')).map((e) => e.name));
}

describe('deleting superseded checkpoints', () => {
  it('lets batches run while at most 8 deletions are in flight, waits beyond, and moves folders aside at once', async () => {
    const held: { path: string; release: () => void }[] = [];
    const promises = fs.promises;
    const unlink = promises.unlink;
    const rm = promises.rm;
    const hold = <A extends unknown[]>(real: (path: string, ...rest: A) => Promise<void>) => (path: string, ...rest: A): Promise<void> =>
      new Promise<void>((resolve, reject) => { held.push({ path, release: () => { real(path, ...rest).then(resolve, reject); } }); });
    promises.unlink = hold(unlink as (path: string) => Promise<void>) as typeof promises.unlink;
    promises.rm = hold(rm as (path: string, options?: fs.RmOptions) => Promise<void>) as typeof promises.rm;
    syncBuiltinESMExports();
    const dir = join(root, 'held');
    const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('deletions').set('spark.streaming.clock', 'manual'), Seconds(1));
    try {
      ssc.checkpoint(dir);
      const batches = 40;
      const input = Array.from({ length: batches }, (_, b) => [[`k${b % 3}`, b + 1] as KV]);
      const totals: KV[][] = [];
      new TestInputDStream<KV>(ssc, input, 1)
        .updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((a, b) => a + b, s ?? 0))
        .checkpoint(Seconds(2))
        .foreachRDD(async (rdd) => { totals.push(await rdd.collect()); });
      await ssc.start();
      const clock = ssc.clock as ManualClock;
      // The first batch of a run waits for its checkpoint's fsyncs (real ones: no turn count).
      await clock.advance(1000);
      let ranWhileHeld = 0;
      let blocked: { batch: number; held: number; done: Promise<void> } | undefined;
      /** Folders whose deletion was held while the batches ran, none of them listed under its name. */
      const heldFolders = new Set<string>();
      for (let b = 2; b <= batches && blocked === undefined; b++) {
        const before = held.length;
        let finished = false;
        const done = clock.advance(1000).then(() => { finished = true; });
        // A batch may also wait for a real fsync round (a superseded folder kept until a newer
        // checkpoint is durable): that ends by itself. Held deletions do not.
        while (!finished && held.length <= 8) await turns(50);
        await turns(50);
        if (!finished) {
          blocked = { batch: b, held: held.length, done };
          break;
        }
        if (before > 0) ranWhileHeld++;
        // A superseded folder leaves the listing at once: its deletion, held, is of a hidden
        // sibling (`.rdd-<id>.old-<pid>-<hex>`), and no folder of that name is listed.
        const listed = rddFolders(dir);
        for (const h of held) {
          const name = /\/\.(rdd-\d+)\.old-\d+-[0-9a-f]{8}$/.exec(h.path)?.[1];
          if (name === undefined) continue;
          heldFolders.add(name);
          expect(listed.has(name), `${name} is still listed while its deletion is held`).toBe(false);
        }
      }
      // Batches ran with earlier batches' deletions still held: they did not wait for them.
      expect(ranWhileHeld).toBeGreaterThanOrEqual(2);
      expect(heldFolders.size).toBeGreaterThanOrEqual(1);
      // Then a batch waited, with more than 8 deletions in flight (and none was dropped).
      expect(blocked).toBeDefined();
      expect(blocked!.held).toBeGreaterThan(8);
      // Released, the deletions run and the batch goes on.
      const release = (): void => { for (const h of held.splice(0)) h.release(); };
      release();
      await blocked!.done;
      expect(totals.length).toBe(blocked!.batch);
      // the state is right: k0 = 1 + 4 + 7 + ..., over the batches run
      const expected = new Map<string, number>();
      for (let b = 0; b < blocked!.batch; b++) expected.set(`k${b % 3}`, (expected.get(`k${b % 3}`) ?? 0) + b + 1);
      expect(new Map(totals.at(-1))).toEqual(expected);
    } finally {
      for (const h of held.splice(0)) h.release();
      promises.unlink = unlink;
      promises.rm = rm;
      syncBuiltinESMExports();
      await ssc.stop(true, true);
    }
    // Stopped (flushed): every superseded file is gone; only the retained metadata files stay.
    const metadata = readdirSync(join(dir, 'metadata'));
    expect(metadata.filter((n) => n.startsWith('.'))).toEqual([]);
    expect(metadata.length).toBeLessThanOrEqual(11);
    expect(readdirSync(dir, { recursive: true }).filter((n) => String(n).includes('.old-'))).toEqual([]);
  }, 60_000);

  it('deletes at start what a killed process left moved aside in the checkpoint directory and its run folders', async () => {
    const dir = join(root, 'leftovers');
    const dead = 2 ** 22 + 4321; // far above any real pid: its process cannot be alive
    const run = '0b5e6c1e-3f6a-4d1e-9a55-1d2f3a4b5c6d';
    mkdirSync(join(dir, run, `.rdd-7.old-${dead}-0badc0de`), { recursive: true });
    writeFileSync(join(dir, run, `.rdd-7.old-${dead}-0badc0de`, 'part-00000'), 'x');
    mkdirSync(join(dir, `.${run}.old-${dead}-12345678`));
    writeFileSync(join(dir, 'notes.txt'), 'the user\'s own file');
    const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('leftovers').set('spark.streaming.clock', 'manual'), Seconds(1));
    try {
      ssc.checkpoint(dir);
      new TestInputDStream<number>(ssc, [[1], [2]], 1).foreachRDD(async (rdd) => { await rdd.collect(); });
      await ssc.start();
      await (ssc.clock as ManualClock).advance(2000);
    } finally {
      await ssc.stop(true, true);
    }
    expect(readdirSync(join(dir, run))).toEqual([]);
    const top = readdirSync(dir);
    expect(top.filter((n) => n.includes('.old-'))).toEqual([]);
    expect(top).toContain('notes.txt');
  });
});
