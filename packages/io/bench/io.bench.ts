// I/O-layer benchmark: the mechanics beneath textFileStream and socketTextStream against the
// plain Node code a user would write by hand, measured in the same run.
// Run: npx tsx packages/io/bench/io.bench.ts
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryScanner, readTextLinesSync, socketLines } from '../src/index.ts';

const FILES = 50;
const LINES_PER_FILE = 10_000;
const SOCKET_LINES = 2_000_000;
const REPS = 9;

function orderLine(i: number): string {
  const sec = String(i % 60).padStart(2, '0');
  return `2016-03-22 20:25:${sec},${i},${(i * 7) % 100},SYM${i % 500},${(i * 13) % 1000},${((i * 31) % 10000) / 100},${i % 2 === 0 ? 'B' : 'S'}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Medians of `a` and `b` run alternately (a, b, a, b, ...) so machine noise hits both alike. */
async function timePair(
  reps: number,
  a: () => Promise<number> | number,
  b: () => Promise<number> | number,
  expected: number,
): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r <= reps; r++) {
    for (const [f, times] of [[a, ta], [b, tb]] as const) {
      const t0 = performance.now();
      const n = await f();
      const ms = performance.now() - t0;
      if (n !== expected) throw new Error(`counted ${n}, expected ${expected}`);
      if (r > 0) times.push(ms); // the first round warms up
    }
  }
  return [median(ta), median(tb)];
}

async function files(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-io-bench-'));
  try {
    for (let f = 0; f < FILES; f++) {
      const lines: string[] = [];
      for (let i = 0; i < LINES_PER_FILE; i++) lines.push(orderLine(f * LINES_PER_FILE + i));
      writeFileSync(join(dir, `orders-${f}.txt`), `${lines.join('\n')}\n`);
    }
    const total = FILES * LINES_PER_FILE;
    const [kindling, plain] = await timePair(REPS, () => {
      const scanner = new DirectoryScanner(dir, { newFilesOnly: false, log: () => undefined });
      let n = 0;
      for (const f of scanner.scan().files) n += readTextLinesSync(f.path).length;
      return n;
    }, () => {
      let n = 0;
      for (const name of readdirSync(dir)) {
        const lines = readFileSync(join(dir, name), 'utf8').split('\n');
        n += lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
      }
      return n;
    }, total);
    console.log(`files: ${FILES} files x ${LINES_PER_FILE} order lines`);
    console.log(`  DirectoryScanner + readTextLinesSync ${(total / kindling).toFixed(0)}k lines/s (${kindling.toFixed(1)} ms)`);
    console.log(`  plain readdir + readFileSync + split  ${(total / plain).toFixed(0)}k lines/s (${plain.toFixed(1)} ms)`);
    console.log(`  ratio kindling/plain throughput: ${(plain / kindling).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sockets(): Promise<void> {
  const payload = Buffer.from(`${Array.from({ length: 10_000 }, (_, i) => orderLine(i)).join('\n')}\n`);
  const server = createServer((sock) => {
    let sent = 0;
    const pump = () => {
      while (sent < SOCKET_LINES) {
        sent += 10_000;
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
  const port = (server.address() as { port: number }).port;
  try {
    const [kindling, plain] = await timePair(REPS, () => new Promise<number>((resolve) => {
      let n = 0;
      const sub = socketLines('127.0.0.1', port).subscribe(() => {
        n++;
        if (n === SOCKET_LINES) {
          sub.unsubscribe();
          resolve(n);
        }
      });
    }), () => new Promise<number>((resolve) => {
      let n = 0;
      let carry = '';
      const s = createConnection({ host: '127.0.0.1', port });
      s.setEncoding('utf8');
      s.on('data', (text: string) => {
        const parts = (carry + text).split('\n');
        carry = parts.pop()!;
        n += parts.length;
      });
      s.on('end', () => resolve(n + (carry.length > 0 ? 1 : 0)));
    }), SOCKET_LINES);
    console.log(`socket: ${SOCKET_LINES} order lines from a local server`);
    console.log(`  socketLines (Observable, one next per line) ${(SOCKET_LINES / kindling).toFixed(0)}k lines/s (${kindling.toFixed(0)} ms)`);
    console.log(`  plain net client splitting lines             ${(SOCKET_LINES / plain).toFixed(0)}k lines/s (${plain.toFixed(0)} ms)`);
    console.log(`  ratio kindling/plain throughput: ${(plain / kindling).toFixed(2)}`);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

await files();
await sockets();
