// The receiver write-ahead log and graceful stop, end to end: a socket receiver application in
// a child process, fed by a TCP server on 127.0.0.1 started here.
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeValues, WriteAheadLog } from '@kindling/io';
import { decodeCheckpoint } from '../src/internal.ts';
import { startChild, type RunningChild } from './support/child-process.ts';
import type { SocketPipelineArgs } from './support/socket-recovery-pipeline.ts';

const SCRIPT = 'packages/dstream/test/support/socket-recovery-pipeline.ts';
const root = mkdtempSync(join(tmpdir(), 'kindling-receiver-recovery-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A line server: remembers its clients; `send` writes numbered lines to the newest one. */
class Feeder {
  private server: Server | undefined;
  readonly clients: Socket[] = [];
  private waiters: (() => void)[] = [];

  async listen(): Promise<number> {
    this.server = createServer((s) => {
      s.on('error', () => undefined);
      this.clients.push(s);
      for (const w of this.waiters.splice(0)) w();
    });
    return new Promise((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve((this.server!.address() as { port: number }).port)));
  }

  /** Resolves when client number `n` (1-based) has connected. */
  connected(n: number): Promise<void> {
    if (this.clients.length >= n) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(() => { if (this.clients.length >= n) resolve(); }))
      .then(() => this.connected(n));
  }

  send(from: number, to: number): void {
    const lines: string[] = [];
    for (let i = from; i < to; i++) lines.push(`line-${i}\n`);
    this.clients.at(-1)!.write(lines.join(''));
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((r) => (this.server === undefined ? r() : this.server.close(() => r())));
  }
}

let feeder: Feeder | undefined;
let running: RunningChild | undefined;
afterEach(async () => {
  running?.child.kill('SIGKILL');
  running = undefined;
  await feeder?.close();
  feeder = undefined;
});

/** Every line of every batch file, in batch order. */
function outputLines(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const files = readdirSync(outDir).filter((f) => f.startsWith('batch-')).sort((a, b) => Number(a.slice(6, -4)) - Number(b.slice(6, -4)));
  return files.flatMap((f) => readFileSync(join(outDir, f), 'utf8').split('\n').filter((l) => l.length > 0));
}

/** Records stored in the receiver write-ahead logs under `checkpointDir`. */
async function recordsInWal(checkpointDir: string): Promise<number> {
  const base = join(checkpointDir, 'receivedData');
  if (!existsSync(base)) return 0;
  let n = 0;
  for (const d of readdirSync(base)) {
    const wal = await WriteAheadLog.open(join(base, d), { onProblem: () => undefined });
    for (const r of await wal.readAll()) n += (decodeValues(r.data) as [string, number, number])[2];
    await wal.close();
  }
  return n;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nchild stdout:\n${running?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function expectEachLineOnce(lines: string[], total: number): void {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
  const missing: string[] = [];
  const duplicated: string[] = [];
  for (let i = 0; i < total; i++) {
    const c = counts.get(`line-${i}`) ?? 0;
    if (c === 0) missing.push(`line-${i}`);
    if (c > 1) duplicated.push(`line-${i}`);
  }
  expect({ missing: missing.length, duplicated: duplicated.length, extra: lines.length - total + duplicated.length }).toEqual({ missing: 0, duplicated: 0, extra: 0 });
}

describe('receiver write-ahead log', () => {
  it('loses no line when the application is killed with blocks received but not processed', async () => {
    feeder = new Feeder();
    const port = await feeder.listen();
    const base = join(root, 'wal');
    const args: SocketPipelineArgs = { port, checkpointDir: join(base, 'checkpoint'), outDir: join(base, 'out'), batchMs: 1500, wal: true, gracefulOnShutdown: false };

    running = startChild(SCRIPT, args);
    await feeder.connected(1);
    feeder.send(0, 300);
    await until('the first 300 lines to be processed', () => outputLines(args.outDir).length >= 300);
    feeder.send(300, 600);
    // Kill as soon as the second burst is in the log: its batch has not run yet.
    await until('600 records in the write-ahead log', async () => (await recordsInWal(args.checkpointDir)) >= 600);
    const processedAtKill = outputLines(args.outDir).length;
    running.child.kill('SIGKILL');
    const killed = await running.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(processedAtKill).toBeLessThan(600);

    running = startChild(SCRIPT, args);
    await feeder.connected(2);
    feeder.send(600, 900);
    await until('all 900 lines to be processed', () => outputLines(args.outDir).length >= 900);
    // Give a re-run batch time to show up as a duplicate, if there were one.
    await new Promise((r) => setTimeout(r, 2 * args.batchMs));
    expectEachLineOnce(outputLines(args.outDir), 900);
    // Blocks of completed, checkpointed batches leave the log: its first segment (the first
    // burst, written more than a rolling interval ago) has been deleted.
    const logs = readdirSync(join(args.checkpointDir, 'receivedData'));
    expect(logs).toHaveLength(1);
    const segments = readdirSync(join(args.checkpointDir, 'receivedData', logs[0]!));
    expect(segments.length).toBeGreaterThan(0);
    expect(segments).not.toContain('log-00000001');
  }, 60_000);
});

describe('graceful stop on SIGTERM (spark.streaming.stopGracefullyOnShutdown)', () => {
  it('processes every line already received, writes a final checkpoint, then exits on the signal', async () => {
    feeder = new Feeder();
    const port = await feeder.listen();
    const base = join(root, 'graceful');
    const args: SocketPipelineArgs = { port, checkpointDir: join(base, 'checkpoint'), outDir: join(base, 'out'), batchMs: 2000, wal: false, gracefulOnShutdown: true };
    running = startChild(SCRIPT, args);
    await feeder.connected(1);
    // Right after a batch: the next one is ~2 s away, so what is sent now is in flight.
    await until('a first (empty) batch', () => /batch \d+ 0/.test(running!.output()));
    feeder.send(0, 500);
    await new Promise((r) => setTimeout(r, 300));
    expect(outputLines(args.outDir)).toHaveLength(0);
    running.child.kill('SIGTERM');
    const ended = await running.done;
    expect(ended.signal, ended.stderr).toBe('SIGTERM');
    expectEachLineOnce(outputLines(args.outDir), 500);
    // The final checkpoint says nothing is pending.
    const metadata = join(args.checkpointDir, 'metadata');
    const newest = readdirSync(metadata).filter((n) => n.startsWith('checkpoint-')).sort().at(-1)!;
    const cp = decodeCheckpoint(readFileSync(join(metadata, newest)), newest);
    expect(cp.reason).toBe('final');
    expect(cp.pendingTimes).toEqual([]);
  }, 60_000);
});
