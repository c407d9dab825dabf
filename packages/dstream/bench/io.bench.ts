/**
 * `pnpm bench:io`: the input streams' figures for issue #4 item 9.
 *
 * (files)  lines/s through `textFileStream` -> `count` (the file stream with default options; a
 *          quiet log) on a folder of 50 files of 10,000 order lines, timed from `advance()` of
 *          the batch that reads them to its resolution (scan, read, split, count job), vs a
 *          plain loop that lists the folder, reads each file and splits it into lines.
 * (socket) lines/s through `socketTextStream` -> `count` from a local server (receiver,
 *          blocks, batches on a manual clock advanced every few ms until every line is
 *          counted), vs a plain `net` client that counts lines.
 *
 * Data: `../shared/data/orders/orders.txt` (500,000 order lines of "Spark in Action") cut into
 * 50 files, read from outside the repository; a seeded generator of lines of the same shape
 * when that file is absent. Runs alternate Kindling / baseline; medians after one warm-up
 * round. Ratios compare runs of the same process.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SparkConf, type ManualClock } from '@kindling/core';
import { socketLines } from '@kindling/io';
import { Seconds, StreamingContext } from '../src/index.ts';

const FILES = 50;
const LINES_PER_FILE = 10_000;
const SOCKET_LINES = 1_000_000;
/** Wall-clock interval between the socket benchmark's batches (the manual clock is advanced each time). */
const POLL_MS = Number(process.argv.find((a) => a.startsWith('--poll='))?.slice(7) ?? 5);
const REPS = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 7);
const quiet = (): void => undefined;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The order lines: the shared data set if present, else seeded lines of the same shape. */
function orderLines(): { lines: string[]; source: string } {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const shared = resolve(repoRoot, '../shared/data/orders/orders.txt');
  if (existsSync(shared)) {
    const text = readFileSync(shared, 'utf8');
    return { lines: text.split('\n').filter((l) => l.length > 0).slice(0, FILES * LINES_PER_FILE), source: shared };
  }
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const symbols = ['EPE', 'NFLX', 'VALE', 'SRPT', 'BP', 'MNKD', 'CHK', 'Z', 'AU', 'CTRE'];
  const lines: string[] = [];
  for (let i = 1; i <= FILES * LINES_PER_FILE; i++) {
    lines.push(`2016-03-22 20:25:${String(28 + next(5)).padStart(2, '0')},${i},${1 + next(101)},${symbols[next(symbols.length)]},${1 + next(1001)},${1 + next(100)}.00,${next(2) === 0 ? 'B' : 'S'}`);
  }
  return { lines, source: 'seeded generator (shared orders.txt not found)' };
}

function manualContext(app: string): StreamingContext {
  const conf = new SparkConf().setMaster('local[2]').setAppName(app).set('spark.streaming.clock', 'manual');
  return new StreamingContext(conf, Seconds(1));
}

async function files(lines: string[]): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kindling-io-bench-'));
  const staging = join(root, 'staging');
  mkdirSync(staging);
  for (let f = 0; f < FILES; f++) {
    writeFileSync(join(staging, `orders-${String(f).padStart(2, '0')}.txt`), `${lines.slice(f * LINES_PER_FILE, (f + 1) * LINES_PER_FILE).join('\n')}\n`);
  }
  const total = FILES * LINES_PER_FILE;
  const names = readdirSync(staging);
  const tk: number[] = [];
  const tp: number[] = [];
  try {
    for (let r = 0; r <= REPS; r++) {
      // Kindling: a fresh context watching an empty folder; the 50 files are moved in, then
      // one batch reads and counts them.
      const dir = join(root, `in-${r}`);
      mkdirSync(dir);
      const ssc = manualContext('bench-io-files');
      let counted = -1;
      ssc.fileStream(dir, { log: quiet }).count().foreachRDD(async (rdd) => {
        counted = (await rdd.collect())[0] ?? 0;
      });
      await ssc.start();
      for (const n of names) renameSync(join(staging, n), join(dir, n));
      const t0 = performance.now();
      await (ssc.clock as ManualClock).advance(1000);
      const t1 = performance.now();
      await ssc.stop();
      if (counted !== total) throw new Error(`textFileStream counted ${counted}, expected ${total}`);

      // Baseline: the plain loop over the same files.
      const t2 = performance.now();
      let n = 0;
      for (const name of readdirSync(dir)) {
        const parts = readFileSync(join(dir, name), 'utf8').split('\n');
        n += parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
      }
      const t3 = performance.now();
      if (n !== total) throw new Error(`plain loop counted ${n}, expected ${total}`);
      for (const name of names) renameSync(join(dir, name), join(staging, name));
      if (r > 0) {
        tk.push(t1 - t0);
        tp.push(t3 - t2);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const k = median(tk);
  const p = median(tp);
  console.log(`files: ${FILES} files x ${LINES_PER_FILE} order lines (${total} lines), median of ${REPS}`);
  console.log(`  textFileStream -> count (one batch)      ${((total / k) * 1000).toFixed(0)} lines/s (${k.toFixed(1)} ms)`);
  console.log(`  plain readdir + readFileSync + split     ${((total / p) * 1000).toFixed(0)} lines/s (${p.toFixed(1)} ms)`);
  console.log(`  ratio kindling/plain throughput: ${(p / k).toFixed(2)}`);
}

/** A server that sends `payload` `times` times to its first client, then ends; later clients get nothing. */
async function startServer(payload: Buffer, times: number): Promise<{ server: Server; port: number }> {
  let served = 0;
  const server = createServer((sock) => {
    sock.on('error', quiet);
    if (served++ > 0) {
      sock.end();
      return;
    }
    let sent = 0;
    const pump = (): void => {
      while (sent < times) {
        sent++;
        if (!sock.write(payload)) {
          sock.once('drain', pump);
          return;
        }
      }
      sock.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

async function sockets(lines: string[]): Promise<void> {
  const chunkLines = 10_000;
  const payload = Buffer.from(`${lines.slice(0, chunkLines).join('\n')}\n`);
  const times = SOCKET_LINES / chunkLines;
  const tk: number[] = [];
  const tp: number[] = [];
  const ti: number[] = [];
  for (let r = 0; r <= REPS; r++) {
    // The layer beneath: @kindling/io's socketLines Observable alone, counting in its subscriber.
    {
      const { server, port } = await startServer(payload, times);
      const t0 = performance.now();
      const n = await new Promise<number>((res) => {
        let count = 0;
        const sub = socketLines('127.0.0.1', port, { reconnect: { initialDelayMs: 1000 } }).subscribe(() => {
          if (++count === SOCKET_LINES) {
            sub.unsubscribe();
            res(count);
          }
        });
      });
      const t1 = performance.now();
      await new Promise<void>((res) => server.close(() => res()));
      if (n !== SOCKET_LINES) throw new Error(`socketLines counted ${n}, expected ${SOCKET_LINES}`);
      if (r > 0) ti.push(t1 - t0);
    }
    // Kindling: socketTextStream -> count, batches cut every 5 ms of wall time until done.
    {
      const { server, port } = await startServer(payload, times);
      const ssc = manualContext('bench-io-socket');
      let counted = 0;
      ssc.socketTextStream('127.0.0.1', port, undefined, { log: quiet, reconnect: { initialDelayMs: 1000 } }).count().foreachRDD(async (rdd) => {
        counted += (await rdd.collect())[0] ?? 0;
      });
      const t0 = performance.now();
      await ssc.start();
      while (counted < SOCKET_LINES) {
        await new Promise((res) => setTimeout(res, POLL_MS));
        await (ssc.clock as ManualClock).advance(1000);
      }
      const t1 = performance.now();
      await ssc.stop();
      await new Promise<void>((res) => server.close(() => res()));
      if (counted !== SOCKET_LINES) throw new Error(`socketTextStream counted ${counted}, expected ${SOCKET_LINES}`);
      if (r > 0) tk.push(t1 - t0);
    }
    // Baseline: a plain net client counting lines.
    {
      const { server, port } = await startServer(payload, times);
      const t0 = performance.now();
      const n = await new Promise<number>((res) => {
        let count = 0;
        let carry = '';
        const s = createConnection({ host: '127.0.0.1', port });
        s.setEncoding('utf8');
        s.on('data', (text: string) => {
          const parts = (carry + text).split('\n');
          carry = parts.pop()!;
          count += parts.length;
        });
        s.on('end', () => res(count + (carry.length > 0 ? 1 : 0)));
      });
      const t1 = performance.now();
      await new Promise<void>((res) => server.close(() => res()));
      if (n !== SOCKET_LINES) throw new Error(`plain client counted ${n}, expected ${SOCKET_LINES}`);
      if (r > 0) tp.push(t1 - t0);
    }
  }
  const k = median(tk);
  const p = median(tp);
  const i = median(ti);
  console.log(`socket: ${SOCKET_LINES} order lines from a local server, median of ${REPS}`);
  console.log(`  socketTextStream -> count                ${((SOCKET_LINES / k) * 1000).toFixed(0)} lines/s (${k.toFixed(0)} ms)`);
  console.log(`  (io socketLines Observable alone         ${((SOCKET_LINES / i) * 1000).toFixed(0)} lines/s (${i.toFixed(0)} ms))`);
  console.log(`  plain net client splitting lines         ${((SOCKET_LINES / p) * 1000).toFixed(0)} lines/s (${p.toFixed(0)} ms)`);
  console.log(`  ratio kindling/plain throughput: ${(p / k).toFixed(2)}`);
}

const { lines, source } = orderLines();
console.log(`data: ${source}`);
const only = (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'files,socket').split(',');
if (only.includes('files')) await files(lines);
if (only.includes('socket')) await sockets(lines);
