// Issue #4 item 4: socketTextStream / socketStream against real TCP servers on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { InputTestKit, clockOf, collectPartitions, eventually, flat } from './support/input-test-kit.ts';
import { LineServer, freePort, writeSlowly } from './support/line-server.ts';
import { encodeRawBlock } from '@kindling/io';

const kit = new InputTestKit();
const servers: LineServer[] = [];
afterEach(async () => {
  await kit.cleanup();
  for (const s of servers.splice(0)) await s.close();
});
const server = (f: ConstructorParameters<typeof LineServer>[0]): LineServer => {
  const s = new LineServer(f);
  servers.push(s);
  return s;
};
const fast = { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } };

/** Advances the manual clock batch by batch until `expected` records have come out. */
async function runUntil<T>(ssc: ReturnType<InputTestKit['context']>, out: Map<number, T[][]>, expected: number, what: () => string): Promise<void> {
  await eventually(async () => {
    await clockOf(ssc).advance(1000);
    return flat(out).length >= expected;
  }, what, 15_000, 30);
}

describe('socketTextStream', () => {
  it('joins lines (and UTF-8 characters) split across TCP chunks; CRLF; a last line without newline when the server ends', async () => {
    const srv = server((socket) => {
      const e = Buffer.from('é'); // two bytes, sent in two chunks
      void writeSlowly(socket, ['hel', 'lo\nwor', 'ld\r\nca', 'f', e.subarray(0, 1), e.subarray(1), '\nno newline']).then(() => socket.end());
    });
    const port = await srv.listen();
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h' });
    const logs: string[] = [];
    const out = collectPartitions(ssc.socketTextStream('127.0.0.1', port, undefined, { ...fast, log: (m) => logs.push(m) }));
    await ssc.start();
    await runUntil(ssc, out, 4, () => JSON.stringify(flat(out)));
    expect(flat(out).slice(0, 4)).toEqual(['hello', 'world', 'café', 'no newline']);
    expect(logs.some((l) => l.includes(`connected to 127.0.0.1:${port}`))).toBe(true);
  });

  // Issue 10, defect 6 (probe: "an endless socket line grows memory to V8's string limit, then
  // blames a converter that does not exist").
  it('drops a line longer than spark.kindling.receiver.maxLineLength, reports it as a receiver error naming host:port and the limit, and goes on', async () => {
    const srv = server((socket) => {
      void writeSlowly(socket, ['a\n', ...Array.from({ length: 30 }, () => Buffer.alloc(100_000, 0x78)), '\nb\n']);
    });
    const port = await srv.listen();
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h', 'spark.kindling.receiver.maxLineLength': '64k' });
    const errors: string[] = [];
    ssc.addStreamingListener({ onReceiverError: (e) => errors.push(e.receiverInfo.lastErrorMessage) });
    const logs: string[] = [];
    const out = collectPartitions(ssc.socketTextStream('127.0.0.1', port, undefined, { ...fast, log: (m) => logs.push(m) }));
    await ssc.start();
    await runUntil(ssc, out, 2, () => `${flat(out).map((l) => l.slice(0, 20)).join(',')}\n${logs.join('\n')}`);
    expect(flat(out)).toEqual(['a', 'b']);
    expect(errors).toEqual([
      `Data from 127.0.0.1:${port} dropped: a line of 3000000 bytes, longer than the limit of 65536 bytes, was dropped (spark.kindling.receiver.maxLineLength)`,
    ]);
    expect([...errors, ...logs].some((m) => /converter/i.test(m))).toBe(false);
    expect(ssc.getState()).toBe('ACTIVE');
  });

  it('connects to a server that starts late, logging each attempt, without stopping the context', async () => {
    const port = await freePort();
    const logs: string[] = [];
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h' });
    const errors: string[] = [];
    ssc.addStreamingListener({ onReceiverError: (e) => errors.push(e.receiverInfo.lastErrorMessage) });
    const out = collectPartitions(ssc.socketTextStream('127.0.0.1', port, undefined, { ...fast, log: (m) => logs.push(m) }));
    await ssc.start();
    await eventually(() => logs.filter((l) => l.includes('could not connect')).length >= 2, () => logs.join('\n'));
    await clockOf(ssc).advance(1000);
    expect(ssc.getState()).toBe('ACTIVE');
    const srv = server((socket) => socket.write('late\nbut here\n'));
    await srv.listen(port);
    await runUntil(ssc, out, 2, () => logs.join('\n'));
    expect(flat(out)).toEqual(['late', 'but here']);
    expect(logs.some((l) => /attempt \d+/.test(l))).toBe(true);
    expect(errors.some((m) => m.includes(`Error connecting to 127.0.0.1:${port}`))).toBe(true);
  });

  it('reconnects when the server restarts mid-stream and loses nothing that was sent', async () => {
    const first = server((socket) => {
      socket.write('1\n2\n3\n');
    });
    const port = await first.listen();
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h' });
    const logs: string[] = [];
    const out = collectPartitions(ssc.socketTextStream('127.0.0.1', port, undefined, { ...fast, log: (m) => logs.push(m) }));
    await ssc.start();
    await runUntil(ssc, out, 3, () => JSON.stringify(flat(out)));
    await first.close();
    await eventually(() => logs.some((l) => l.includes('ended')), () => logs.join('\n'));
    // Only its first connection gets data (each reconnection after the end gets nothing).
    const second = server((socket, n) => socket.end(n === 1 ? '4\n5\n6' : ''));
    await second.listen(port);
    await runUntil(ssc, out, 6, () => `${JSON.stringify(flat(out))}\n${logs.join('\n')}`);
    expect(flat(out)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(ssc.getState()).toBe('ACTIVE');
  });
});

describe('socketStream', () => {
  it('converts chunks with a stateless converter', async () => {
    const srv = server((socket) => socket.end(Buffer.from([1, 2, 3])));
    const port = await srv.listen();
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h' });
    const out = collectPartitions(ssc.socketStream('127.0.0.1', port, (chunk: Buffer) => [...chunk].map((b) => b * 10), undefined, { ...fast, log: () => undefined }));
    await ssc.start();
    await runUntil(ssc, out, 3, () => JSON.stringify(flat(out)));
    expect(flat(out).slice(0, 3)).toEqual([10, 20, 30]);
  });

  it('uses a stateful decoder per connection for records split across chunks', async () => {
    // Records of 3 bytes, sent as 2 + 4 bytes.
    const srv = server((socket) => void writeSlowly(socket, [Buffer.from([1, 2]), Buffer.from([3, 4, 5, 6])]));
    const port = await srv.listen();
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h' });
    const newDecoder = () => {
      let pending = Buffer.alloc(0);
      return {
        push(chunk: Buffer): number[][] {
          pending = Buffer.concat([pending, chunk]);
          const out: number[][] = [];
          while (pending.length >= 3) {
            out.push([...pending.subarray(0, 3)]);
            pending = pending.subarray(3);
          }
          return out;
        },
        end: () => [],
      };
    };
    const out = collectPartitions(ssc.socketStream('127.0.0.1', port, { newDecoder }, undefined, { ...fast, log: () => undefined }));
    await ssc.start();
    await runUntil(ssc, out, 2, () => JSON.stringify(flat(out)));
    expect(flat(out)).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('a converter that throws restarts the receiver with a new connection (the context keeps running)', async () => {
    const srv = server((socket, n) => socket.write(n === 1 ? 'boom\n' : 'fine\n'));
    const port = await srv.listen();
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h', 'spark.streaming.receiverRestartDelay': '20ms' });
    const errors: string[] = [];
    // As Spark's, a restart deregisters the receiver: onReceiverStopped carries the error.
    ssc.addStreamingListener({ onReceiverStopped: (e) => errors.push(e.receiverInfo.lastError) });
    let first = true;
    const out = collectPartitions(
      ssc.socketStream(
        '127.0.0.1',
        port,
        (chunk: Buffer) => {
          if (first) {
            first = false;
            throw new Error('cannot convert');
          }
          return [chunk.toString().trim()];
        },
        undefined,
        { ...fast, log: () => undefined },
      ),
    );
    await ssc.start();
    await runUntil(ssc, out, 1, () => errors.join('\n'));
    expect(flat(out)).toEqual(['fine']);
    expect(srv.connections).toBe(2);
    expect(errors.some((e) => e.includes('cannot convert'))).toBe(true);
  });

  it('rejects a port out of range', () => {
    const ssc = kit.context();
    expect(() => ssc.socketTextStream('127.0.0.1', 70000)).toThrow(/port must be an integer in 0..65535, got 70000/);
  });
});

describe('rawSocketStream', () => {
  it('reads length-prefixed blocks of records split across TCP chunks, in order; a block cut off by the server\'s end is dropped and reported', async () => {
    const blocks = [[{ user: 'a', n: 1 }, { user: 'b', n: 2 }], [], [{ user: 'c', n: 3 }]];
    const stream = Buffer.concat(blocks.map((b) => encodeRawBlock(b)));
    const cut = encodeRawBlock([{ user: 'lost', n: 0 }]);
    const srv = server((socket) => {
      // Chunks that split a header, a payload and join two blocks.
      void writeSlowly(socket, [stream.subarray(0, 2), stream.subarray(2, 9), stream.subarray(9, stream.length - 3), stream.subarray(stream.length - 3), cut.subarray(0, 5)]).then(() => socket.end());
    });
    const port = await srv.listen();
    const ssc = kit.context({ 'spark.streaming.blockInterval': '1h' });
    const errors: string[] = [];
    ssc.addStreamingListener({ onReceiverError: (e) => errors.push(e.receiverInfo.lastErrorMessage) });
    const out = collectPartitions(ssc.rawSocketStream<{ user: string; n: number }>('127.0.0.1', port, undefined, { ...fast, log: () => undefined }));
    await ssc.start();
    await runUntil(ssc, out, 3, () => JSON.stringify(flat(out)));
    await eventually(async () => errors.length > 0, () => 'no receiver error reported', 15_000, 30);
    expect(flat(out).slice(0, 3)).toEqual(blocks.flat());
    expect(errors[0]).toBe(`Data from 127.0.0.1:${port} dropped: the connection ended inside a block: a block of ${cut.length - 4} bytes of which 1 arrived were dropped`);
  });
});
