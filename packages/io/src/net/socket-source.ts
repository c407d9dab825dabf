import { createConnection, type Socket } from 'node:net';
import { Observable, type Subscription } from 'rxjs';
import { LineDecoder } from '../fs/line-decoder.ts';
import { SocketDecodeError } from './socket-decode-error.ts';

/** Turns a connection's bytes into items; one instance per connection (it may keep state). */
export interface ChunkDecoder<T> {
  /** Items completed by this chunk. */
  push(chunk: Buffer): Iterable<T>;
  /** Items left when the connection ends (e.g. a final line without newline). */
  end(): Iterable<T>;
  /**
   * A built-in decoder's name, for error messages (`LineDecoder`: "UTF-8 line decoder").
   * Leave it out in an application's own decoder: its failures are then reported as the
   * converter's ({@link SocketConverterError}).
   */
  readonly name?: string;
}

/** What a decoder is given when its connection opens (`newDecoder(context)`). */
export interface ChunkDecoderContext {
  readonly host: string;
  readonly port: number;
  /**
   * Reports data the decoder dropped on purpose (a line over the limit), as a `dropped`
   * {@link SocketEvent}; the connection goes on.
   */
  reportDropped(reason: string): void;
}

/** Connection life-cycle events of a socket source, for logging and metrics. */
export type SocketEvent =
  | { readonly type: 'connecting'; readonly host: string; readonly port: number; readonly attempt: number }
  | { readonly type: 'connected'; readonly host: string; readonly port: number; readonly attempt: number }
  | {
      /** A connection attempt failed (server not there yet, refused, unreachable). */
      readonly type: 'connect-failed';
      readonly host: string;
      readonly port: number;
      readonly attempt: number;
      readonly error: unknown;
      readonly retryInMs: number;
    }
  | {
      /** An established connection ended (server closed it, or a network error). */
      readonly type: 'disconnected';
      readonly host: string;
      readonly port: number;
      readonly error: unknown;
      readonly retryInMs: number;
    }
  | {
      /** The decoder dropped data on purpose (e.g. a line over `maxLineLength`); the stream goes on. */
      readonly type: 'dropped';
      readonly host: string;
      readonly port: number;
      /** What was dropped and why, e.g. "a line of 5000000 bytes, longer than the limit of 1024 bytes, was dropped". */
      readonly reason: string;
    };

/** Reconnection back-off: `initialDelayMs`, times `factor` after each failed attempt, capped. */
export interface ReconnectOptions {
  /** Delay before the first retry, and after a connection that worked then dropped. Default 200. */
  initialDelayMs?: number;
  /** Upper bound of the delay. Default 5000. */
  maxDelayMs?: number;
  /** Growth factor per failed attempt. Default 2. */
  factor?: number;
}

/** Options of {@link socketLines} / {@link socketStream} / {@link socketDecoded}. */
export interface SocketSourceOptions {
  reconnect?: ReconnectOptions;
  /** Called for every connection attempt, failure and disconnection. Default: no-op. */
  onEvent?: (event: SocketEvent) => void;
  /**
   * Flow control: while the last value is `true`, no item is emitted and the socket is not
   * read (TCP backpressure holds the sender), so nothing is lost. Items already decoded
   * when the pause arrives (the rest of a chunk) are held and emitted first on resume.
   */
  paused?: Observable<boolean>;
}

/** Options of {@link socketLines}. */
export interface SocketLinesOptions extends SocketSourceOptions {
  /**
   * Longest line kept, in UTF-8 bytes. A longer line is dropped as it arrives (at most this
   * many of its bytes are ever held) and reported as a `dropped` event; the lines after it
   * are delivered. Default: no limit (a line is held whole, however long).
   */
  maxLineLength?: number;
}

/** Thrown into the Observable when the user's converter fails (connection errors never are). */
export class SocketConverterError extends Error {
  override readonly name = 'SocketConverterError';
}

/**
 * A TCP client source, as Spark's socket receiver: connects to `host:port` (a server such
 * as `nc -lk 9999`), decodes what it receives with a fresh `newDecoder(context)` per
 * connection, and emits the items.
 *
 * - Connection errors never error the Observable: when the server is not there yet or the
 *   connection drops, it reconnects with exponential back-off (see {@link ReconnectOptions})
 *   and reports each attempt through `onEvent`. Data received before a drop is kept,
 *   including a final unterminated record (the decoder's `end()`).
 * - Lossless pause/resume through `opts.paused` (see {@link SocketSourceOptions.paused}).
 * - Cold: each subscription opens its own connection; unsubscribing closes it and stops
 *   reconnecting. It completes only by unsubscription.
 * - A converter that throws errors the Observable with a {@link SocketConverterError}; a
 *   built-in decoder (one with a `name`) that throws, with a {@link SocketDecodeError}.
 * - A decoder may drop data on purpose and say so through its context
 *   ({@link ChunkDecoderContext.reportDropped}): a `dropped` event, and the stream goes on.
 */
export function socketDecoded<T>(host: string, port: number, newDecoder: (context: ChunkDecoderContext) => ChunkDecoder<T>, opts: SocketSourceOptions = {}): Observable<T> {
  const initialDelay = opts.reconnect?.initialDelayMs ?? 200;
  const maxDelay = opts.reconnect?.maxDelayMs ?? 5000;
  const factor = opts.reconnect?.factor ?? 2;
  const onEvent = opts.onEvent ?? (() => undefined);

  return new Observable<T>((subscriber) => {
    let socket: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let paused = false;
    let attempt = 0;
    let delay = initialDelay;
    // Items decoded but not yet emitted because a pause arrived mid-chunk.
    let held: T[] = [];
    let heldFrom = 0;
    let pausedSub: Subscription | undefined;

    const holding = () => heldFrom < held.length;

    const emit = (items: Iterable<T>) => {
      if (Array.isArray(items)) {
        // The common case (line decoding): an indexed loop, checking the pause per item.
        const arr = items as T[];
        const n = arr.length;
        let i = 0;
        if (!holding()) for (; i < n && !paused && !closed; i++) subscriber.next(arr[i]!);
        for (; i < n; i++) held.push(arr[i]!);
        return;
      }
      for (const item of items) {
        if (paused || closed || holding()) held.push(item);
        else subscriber.next(item);
      }
    };

    const drain = () => {
      while (heldFrom < held.length && !paused && !closed) subscriber.next(held[heldFrom++]!);
      if (heldFrom >= held.length) {
        held = [];
        heldFrom = 0;
      }
    };

    const context: ChunkDecoderContext = { host, port, reportDropped: (reason) => onEvent({ type: 'dropped', host, port, reason }) };

    const fail = (err: unknown, decoder: ChunkDecoder<T>) => {
      closed = true;
      socket?.destroy();
      const why = (err as Error)?.message ?? String(err);
      subscriber.error(
        decoder.name === undefined
          ? new SocketConverterError(`The converter of the socket source ${host}:${port} threw: ${why}. Fix the converter function.`, { cause: err })
          : new SocketDecodeError(`Decoding the data of the socket source ${host}:${port} failed in the ${decoder.name}: ${why}. The connection is dropped; data it had not delivered is lost.`, { cause: err }),
      );
    };

    const connect = () => {
      timer = undefined;
      if (closed) return;
      attempt++;
      onEvent({ type: 'connecting', host, port, attempt });
      const decoder = newDecoder(context);
      const s = createConnection({ host, port });
      socket = s;
      let connected = false;
      let lastError: unknown;
      s.on('connect', () => {
        connected = true;
        onEvent({ type: 'connected', host, port, attempt });
        attempt = 0;
        delay = initialDelay;
        if (paused || holding()) s.pause();
      });
      s.on('data', (chunk: Buffer) => {
        try {
          emit(decoder.push(chunk));
        } catch (err) {
          fail(err, decoder);
          return;
        }
        if (paused || holding()) s.pause();
      });
      s.on('end', () => {
        try {
          emit(decoder.end());
        } catch (err) {
          fail(err, decoder);
        }
      });
      s.on('error', (err) => {
        lastError = err;
      });
      s.on('close', () => {
        if (socket === s) socket = undefined;
        if (closed) return;
        const retryInMs = delay;
        if (connected) {
          onEvent({ type: 'disconnected', host, port, error: lastError, retryInMs });
        } else {
          onEvent({ type: 'connect-failed', host, port, attempt, error: lastError, retryInMs });
        }
        delay = Math.min(delay * factor, maxDelay);
        timer = setTimeout(connect, retryInMs);
      });
    };

    if (opts.paused !== undefined) {
      pausedSub = opts.paused.subscribe((p) => {
        paused = p;
        if (p) {
          socket?.pause();
        } else {
          drain();
          if (!paused && !holding()) socket?.resume();
        }
      });
    }
    connect();

    return () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      pausedSub?.unsubscribe();
      socket?.destroy();
      socket = undefined;
      held = [];
    };
  });
}

/**
 * `socketTextStream`'s client: UTF-8 lines (`\n`, `\r\n` or `\r`; split characters and
 * lines across TCP chunks joined; invalid bytes as U+FFFD), at most `maxLineLength` bytes
 * each (see {@link SocketLinesOptions}). See {@link socketDecoded}.
 */
export function socketLines(host: string, port: number, opts: SocketLinesOptions = {}): Observable<string> {
  const max = opts.maxLineLength;
  return socketDecoded(host, port, (context) => new LineDecoder({ maxLineLength: max, onOversizedLine: (length) => context.reportDropped(oversizedLineReason(length, max!)) }), opts);
}

/** How a dropped over-long line is described: its length and the limit, in bytes. */
export function oversizedLineReason(length: number, limit: number): string {
  return `a line of ${length} bytes, longer than the limit of ${limit} bytes, was dropped`;
}

/**
 * `socketStream`'s client with a stateless converter from each received chunk to items.
 * Chunk boundaries are where TCP put them, so a converter that needs whole records across
 * chunks should use {@link socketDecoded} with a stateful decoder instead.
 */
export function socketStream<T>(host: string, port: number, converter: (chunk: Buffer) => Iterable<T>, opts: SocketSourceOptions = {}): Observable<T> {
  return socketDecoded(host, port, () => ({ push: converter, end: () => [] }), opts);
}
