import { createServer, type Server, type Socket } from 'node:net';
import { BehaviorSubject, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { LineDecoder, socketDecoded, socketLines, socketStream, SocketConverterError, SocketDecodeError, type SocketEvent } from '../src/index.ts';

const fast = { initialDelayMs: 20, maxDelayMs: 100 };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface TestServer {
  server: Server;
  port: number;
  connections: Socket[];
  nextConnection(): Promise<Socket>;
  close(): Promise<void>;
}

/** A real TCP server on 127.0.0.1 (port 0 = any free port unless given). */
async function startServer(port = 0): Promise<TestServer> {
  const connections: Socket[] = [];
  const waiting: ((s: Socket) => void)[] = [];
  const server = createServer((sock) => {
    sock.setNoDelay(true);
    connections.push(sock);
    const w = waiting.shift();
    if (w) w(sock);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  let closed = false;
  const t: TestServer = {
    server,
    port: actual,
    connections,
    nextConnection: () => new Promise<Socket>((resolve) => waiting.push(resolve)),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const c of connections) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  cleanups.push(t.close);
  return t;
}

/** A port with nothing listening (taken from a closed server). */
async function freePort(): Promise<number> {
  const s = await startServer();
  await s.close();
  return s.port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function collect<T>(sub: (next: (t: T) => void) => Subscription): { items: T[]; sub: Subscription } {
  const items: T[] = [];
  const s = sub((t) => items.push(t));
  cleanups.push(() => s.unsubscribe());
  return { items, sub: s };
}

/** Writes and waits until the bytes left this process, so successive writes arrive as separate chunks. */
async function writeApart(sock: Socket, data: string | Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) => sock.write(data, (err) => (err ? reject(err) : resolve())));
  await sleep(30);
}

describe('socketLines', () => {
  it('emits lines and the final unterminated line when the server closes', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const { items } = collect<string>((next) => socketLines('127.0.0.1', srv.port, { reconnect: fast }).subscribe(next));
    const sock = await conn;
    sock.end('one\ntwo\r\nthree');
    await until(() => items.length === 3, 'three lines');
    expect(items).toEqual(['one', 'two', 'three']);
  });

  it('joins lines and multi-byte characters split across TCP chunks', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const { items } = collect<string>((next) => socketLines('127.0.0.1', srv.port).subscribe(next));
    const sock = await conn;
    const euro = Buffer.from('\u20ac', 'utf8');
    await writeApart(sock, 'half a li');
    expect(items).toEqual([]);
    await writeApart(sock, 'ne\nprice: 5');
    await until(() => items.length === 1, 'the first line');
    expect(items).toEqual(['half a line']);
    await writeApart(sock, euro.subarray(0, 1));
    await writeApart(sock, euro.subarray(1, 2));
    await writeApart(sock, Buffer.concat([euro.subarray(2), Buffer.from('\r')]));
    await writeApart(sock, '\nnext\n');
    await until(() => items.length === 3, 'three lines');
    expect(items).toEqual(['half a line', 'price: 5\u20ac', 'next']);
  });

  it('keeps retrying with capped exponential back-off until a late server starts, reporting each attempt', async () => {
    const port = await freePort();
    const events: SocketEvent[] = [];
    const { items } = collect<string>((next) =>
      socketLines('127.0.0.1', port, { reconnect: { initialDelayMs: 10, maxDelayMs: 40, factor: 2 }, onEvent: (e) => events.push(e) }).subscribe({
        next,
        error: (e) => {
          throw new Error(`must not error: ${String(e)}`);
        },
      }),
    );
    await until(() => events.filter((e) => e.type === 'connect-failed').length >= 5, 'five failed attempts');
    const delays = events.flatMap((e) => (e.type === 'connect-failed' ? [e.retryInMs] : []));
    expect(delays.slice(0, 5)).toEqual([10, 20, 40, 40, 40]);
    const failed = events.find((e) => e.type === 'connect-failed')!;
    expect((failed as { error: { code?: string } }).error.code).toBe('ECONNREFUSED');
    const srv = await startServer(port);
    const sock = await srv.nextConnection();
    sock.write('finally\n');
    await until(() => items.length === 1, 'a line');
    expect(items).toEqual(['finally']);
    expect(events.some((e) => e.type === 'connected')).toBe(true);
  });

  it('reconnects when the server restarts mid-stream and loses none of the lines sent', async () => {
    const srv1 = await startServer();
    const port = srv1.port;
    const events: SocketEvent[] = [];
    const conn1 = srv1.nextConnection();
    const { items } = collect<string>((next) => socketLines('127.0.0.1', port, { reconnect: fast, onEvent: (e) => events.push(e) }).subscribe(next));
    const s1 = await conn1;
    s1.write('a\nb\n');
    s1.end('c-without-newline');
    await until(() => items.length === 3, 'first three lines');
    await srv1.close();
    await until(() => events.some((e) => e.type === 'disconnected'), 'disconnect event');
    await sleep(60); // a few failed attempts while the server is down
    const srv2 = await startServer(port);
    const s2 = await srv2.nextConnection();
    s2.write('d\ne\n');
    await until(() => items.length === 5, 'all five lines');
    expect(items).toEqual(['a', 'b', 'c-without-newline', 'd', 'e']);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'connected')).toHaveLength(2);
    expect(types.indexOf('disconnected')).toBeLessThan(types.lastIndexOf('connected'));
  });

  it('pauses and resumes without losing or reordering a line, emitting nothing while paused', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const paused$ = new BehaviorSubject(false);
    const total = 200_000;
    const items: string[] = [];
    let emittedWhilePaused = 0;
    const sub = socketLines('127.0.0.1', srv.port, { paused: paused$ }).subscribe((line) => {
      if (paused$.value) emittedWhilePaused++;
      items.push(line);
      // pause synchronously from inside the handler, in the middle of a chunk, like a rate limiter
      if (items.length % 10_000 === 0) paused$.next(true);
    });
    cleanups.push(() => sub.unsubscribe());
    const sock = await conn;
    let body = '';
    for (let i = 0; i < total; i++) body += `line-${i}\n`;
    sock.end(body);
    let pauses = 0;
    while (items.length < total) {
      await sleep(5);
      if (paused$.value) {
        const count = items.length;
        await sleep(20);
        expect(items.length).toBe(count); // nothing arrives while paused
        pauses++;
        paused$.next(false);
      }
    }
    expect(emittedWhilePaused).toBe(0);
    expect(pauses).toBe(total / 10_000);
    expect(items.length).toBe(total);
    for (let i = 0; i < total; i++) if (items[i] !== `line-${i}`) throw new Error(`line ${i} is ${items[i]}`);
  });

  it('connects while paused without reading, then delivers everything on resume', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const paused$ = new BehaviorSubject(true);
    const { items } = collect<string>((next) => socketLines('127.0.0.1', srv.port, { paused: paused$ }).subscribe(next));
    const sock = await conn;
    sock.end('x\ny\n');
    await sleep(50);
    expect(items).toEqual([]);
    paused$.next(false);
    await until(() => items.length === 2, 'two lines');
    expect(items).toEqual(['x', 'y']);
  });

  it('closes the connection on unsubscribe and stops reconnecting', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const events: SocketEvent[] = [];
    const sub = socketLines('127.0.0.1', srv.port, { reconnect: fast, onEvent: (e) => events.push(e) }).subscribe();
    const sock = await conn;
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sub.unsubscribe();
    await closed;
    await sleep(100);
    expect(srv.connections).toHaveLength(1);
    // the client may or may not have seen 'connect' before it was told to stop; it must not retry
    expect(events.filter((e) => e.type !== 'connected').map((e) => e.type)).toEqual(['connecting']);
  });
});

describe('socketStream and socketDecoded', () => {
  it('applies a converter to every chunk', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const { items } = collect<number>((next) => socketStream('127.0.0.1', srv.port, (chunk) => chunk.values()).subscribe(next));
    const sock = await conn;
    await writeApart(sock, Uint8Array.of(1, 2));
    await writeApart(sock, Uint8Array.of(3));
    await until(() => items.length === 3, 'three bytes');
    expect(items).toEqual([1, 2, 3]);
  });

  it('uses a fresh stateful decoder per connection', async () => {
    const srv = await startServer();
    // fixed 4-byte big-endian integers, split anywhere
    const decoder = () => {
      let pending = Buffer.alloc(0);
      return {
        push(chunk: Buffer) {
          pending = Buffer.concat([pending, chunk]);
          const out: number[] = [];
          while (pending.length >= 4) {
            out.push(pending.readUInt32BE(0));
            pending = pending.subarray(4);
          }
          return out;
        },
        end: () => [],
      };
    };
    const conn = srv.nextConnection();
    const { items } = collect<number>((next) => socketDecoded('127.0.0.1', srv.port, decoder).subscribe(next));
    const sock = await conn;
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32BE(70000, 0);
    bytes.writeUInt32BE(3, 4);
    await writeApart(sock, bytes.subarray(0, 3));
    await writeApart(sock, bytes.subarray(3));
    await until(() => items.length === 2, 'two integers');
    expect(items).toEqual([70000, 3]);
  });

  it('errors the Observable with a SocketConverterError when the converter throws', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const error = new Promise<unknown>((resolve) => {
      const sub = socketStream('127.0.0.1', srv.port, () => {
        throw new Error('bad record');
      }).subscribe({ error: resolve });
      cleanups.push(() => sub.unsubscribe());
    });
    (await conn).write('x');
    const err = await error;
    expect(err).toBeInstanceOf(SocketConverterError);
    expect((err as Error).message).toContain(`127.0.0.1:${srv.port}`);
    expect((err as Error).cause).toEqual(new Error('bad record'));
  });

  // Issue 10, defect 6: an endless socket line grew to V8's string limit, then the error said
  // "The converter ... threw ... Fix the converter function" although there is no converter.
  it('drops a line over maxLineLength as it streams in, reports it naming host:port and the limit, and goes on', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const events: SocketEvent[] = [];
    const { items } = collect<string>((next) => socketLines('127.0.0.1', srv.port, { maxLineLength: 1024, onEvent: (e) => events.push(e) }).subscribe(next));
    const sock = await conn;
    await writeApart(sock, 'before\n');
    for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => sock.write(Buffer.alloc(100_000, 0x78), () => resolve()));
    await writeApart(sock, '\nafter\n');
    await until(() => items.length === 2, 'the lines around the long one');
    expect(items).toEqual(['before', 'after']);
    const dropped = events.filter((e) => e.type === 'dropped');
    expect(dropped).toEqual([{ type: 'dropped', host: '127.0.0.1', port: srv.port, reason: 'a line of 5000000 bytes, longer than the limit of 1024 bytes, was dropped' }]);
  });

  it('never says a converter threw when the built-in line decoder fails', async () => {
    const srv = await startServer();
    const conn = srv.nextConnection();
    const error = new Promise<unknown>((resolve) => {
      const sub = socketDecoded('127.0.0.1', srv.port, () => {
        const d = new LineDecoder();
        d.push = () => {
          throw new RangeError('Invalid string length');
        };
        return d;
      }).subscribe({ error: resolve });
      cleanups.push(() => sub.unsubscribe());
    });
    (await conn).write('x\n');
    const err = (await error) as Error;
    expect(err).toBeInstanceOf(SocketDecodeError);
    expect(err.message).toContain(`127.0.0.1:${srv.port}`);
    expect(err.message).not.toMatch(/converter/i);
    expect(err.message).toContain('UTF-8 line decoder');
  });
});
