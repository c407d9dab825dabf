// The receiver write-ahead log under worker threads (spark.streaming.receiver.writeAheadLog.enable
// with local[2] and a graph built by ssc.buildGraph): a socket receiver application in a child
// process, fed by a loopback server started here, is killed with SIGKILL after a batch's
// blocks were stored in the log and before the batch completed (blocks stored but not yet
// allocated; the batch submitted; between its two outputs), then restarted with
// StreamingContext.getOrCreate. Nothing is sent again after a kill: what was received lives
// only in the log. The output folders must equal those of an uninterrupted local[1] run, line
// for line, which must equal the answers worked out here.
import type { Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, startChild, type ChildResult, type RunningChild } from './support/child-process.ts';
import type { WalKillPhase } from './support/graphs/wal-graph.ts';
import { LineServer } from './support/line-server.ts';
import { readOutputFolders } from './support/output-folders.ts';
import type { WalPipelineArgs } from './support/parallel-wal-pipeline.ts';

const SCRIPT = 'packages/dstream/test/support/parallel-wal-pipeline.ts';
// Generous: worker threads start (and compile the graph module) in every child, and the
// machine may be loaded.
const CHILD_TIMEOUT = 180_000;
const WORDS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig'];

/** The lines of batch k (1-based): `b<k>-<i>` then three seeded words; batch 4 gets none. */
const BURSTS: string[][] = (() => {
  const rnd = seededRandom(2026);
  return Array.from({ length: 7 }, (_, b) => (b === 3 ? [] : Array.from({ length: 6 + b }, (_, i) => {
    const words = Array.from({ length: 3 }, () => WORDS[Math.floor(rnd() * WORDS.length)]!);
    return `b${b + 1}-${i} ${words.join(' ')}`;
  })));
})();

let root: string;
let server: LineServer;
let port: number;
const sockets: Socket[] = [];
let running: RunningChild | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindling-parallel-wal-'));
  server = new LineServer((socket) => { sockets.push(socket); });
  port = await server.listen(0);
});
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = undefined;
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function argsFor(name: string, master: WalPipelineArgs['master'], port: number): WalPipelineArgs {
  const base = join(root, name);
  return { port, checkpointDir: join(base, 'checkpoint'), outDir: join(base, 'out'), master };
}

async function until(what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + CHILD_TIMEOUT;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nchild stdout:\n${running?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Runs the child until it has run every batch (then stops it) or it dies. Batch k gets burst
 * k, sent on the child's own connection unless an earlier child already received it (`fed`:
 * how many bursts were sent so far, over all children).
 */
async function runChildOnce(args: WalPipelineArgs, fed: { bursts: number }): Promise<{ result: ChildResult; startedAt: number; workers: number }> {
  const connectionsBefore = server.connections;
  const child = startChild(SCRIPT, args, CHILD_TIMEOUT, { stdin: true });
  running = child;
  let exited = false;
  void child.done.then(() => { exited = true; }, () => { exited = true; });
  await until('the child to start', () => exited || /started at \d+ with \d+ worker threads/.test(child.output()));
  if (exited) return { result: await child.done, startedAt: -1, workers: 0 };
  const [, at, workers] = /started at (\d+) with (\d+) worker threads/.exec(child.output())!;
  const startedAt = Number(at);
  await until('the receiver to connect', () => exited || server.connections > connectionsBefore);
  const socket = sockets.at(-1)!;
  let stored = 0;
  for (let k = startedAt / 1000 + 1; k <= BURSTS.length && !exited; k++) {
    if (k > fed.bursts) {
      const burst = BURSTS[k - 1]!;
      socket.write(burst.map((l) => `${l}\n`).join(''));
      stored += burst.length;
      fed.bursts = k;
    }
    child.child.stdin!.write(`tick ${stored}\n`);
    await until(`batch ${k * 1000}`, () => exited || child.output().includes(`ticked ${k * 1000}\n`));
  }
  if (!exited) child.child.stdin!.write('stop\n');
  const result = await child.done;
  running = undefined;
  return { result, startedAt, workers: Number(workers) };
}

/** The folders a run must leave, worked out from the bursts: each batch's lines, and the running word totals. */
function expectedFolders(): Map<string, string> {
  const folders = new Map<string, string>();
  const totals = new Map<string, number>();
  BURSTS.forEach((burst, b) => {
    const t = (b + 1) * 1000;
    folders.set(`lines-${t}`, burst.map((l) => `${l}\n`).join(''));
    for (const l of burst) for (const w of l.split(' ').slice(1)) totals.set(w, (totals.get(w) ?? 0) + 1);
    folders.set(`totals-${t}`, [...totals].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([w, n]) => `(${w},${n})\n`).join(''));
  });
  return new Map([...folders].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
}

let reference: Map<string, string>;

describe('the local[1] reference run', () => {
  it('writes each batch\'s lines and the running totals', async () => {
    const args = argsFor('reference', 'local[1]', port);
    const run = await runChildOnce(args, { bursts: 0 });
    expect(run.result.stdout, run.result.stderr).toContain('done');
    expect(run.workers).toBe(0);
    reference = readOutputFolders(args.outDir);
    expect(reference).toEqual(expectedFolders());
  }, CHILD_TIMEOUT);
});

describe('local[2] with the receiver write-ahead log, killed with SIGKILL after blocks were stored', () => {
  const phases: WalKillPhase[] = ['stored', 'generated', 'mid-output'];
  for (const phase of phases) {
    it(`(${phase}) loses nothing and duplicates nothing: the same folders, line for line, as local[1]`, async () => {
      const args = argsFor(`kill-${phase}`, 'local[2]', port);
      const fed = { bursts: 0 };
      const killed = await runChildOnce({ ...args, killAt: { time: 3000, phase } }, fed);
      expect(killed.result.signal, `${killed.result.stdout}\n${killed.result.stderr}`).toBe('SIGKILL');
      expect(killed.workers).toBe(2);
      // Batch 3's lines were sent once, to the killed process, and stored in its log
      expect(fed.bursts).toBe(3);
      const restarted = await runChildOnce(args, fed);
      expect(restarted.result.stdout, restarted.result.stderr).toContain('done');
      expect(restarted.workers).toBe(2);
      // It resumed from a checkpoint, not from scratch
      expect(restarted.startedAt).toBeGreaterThan(0);
      expect(readOutputFolders(args.outDir)).toEqual(reference);
    }, 3 * CHILD_TIMEOUT);
  }
});
