import { getLogger, StorageLevel } from '@kindling/core';
import { socketDecoded, type ChunkDecoder, type ChunkDecoderContext, type ReconnectOptions, type SocketEvent } from '@kindling/io';
import type { Subscription } from 'rxjs';
import { Receiver } from './receiver.ts';

const logger = getLogger('SocketReceiver');

/** Options of socket streams. */
export interface SocketReceiverOptions {
  /** Back-off between connection attempts (default: 200 ms doubling up to 5 s). */
  reconnect?: ReconnectOptions;
  /**
   * Log lines: each connection attempt, failure and disconnection, all to this one function.
   * Default: the engine's `SocketReceiver` logger (failures at WARN).
   */
  log?: (message: string) => void;
}

/**
 * Spark's `SocketReceiver`: connects as a TCP client to `host:port` (a server such as
 * `nc -lk 9999`) and stores what `newDecoder()` makes of the bytes (UTF-8 lines for
 * `socketTextStream`). Built on `@kindling/io`'s socket source:
 *
 * - A server that is not there yet, refuses, or goes away is retried with back-off; each
 *   attempt is logged and failures are reported to listeners (`onReceiverError`). A connection
 *   error never stops the context.
 * - Lossless rate limiting: while {@link Receiver.paused$} is `true` the socket is not read, so
 *   TCP holds the sender back instead of records being dropped.
 * - A decoder (converter) that throws restarts the receiver with a fresh connection.
 * - Data a decoder drops on purpose (a `socketTextStream` line longer than
 *   `spark.kindling.receiver.maxLineLength`) is logged at WARN and reported as a receiver
 *   error naming the server; receiving goes on.
 */
export class SocketReceiver<T> extends Receiver<T> {
  #subscription: Subscription | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly newDecoder: (context: ChunkDecoderContext) => ChunkDecoder<T>,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2,
    private readonly options: SocketReceiverOptions = {},
  ) {
    super(storageLevel);
  }

  onStart(): void {
    const source = socketDecoded(this.host, this.port, this.newDecoder, {
      reconnect: this.options.reconnect,
      paused: this.paused$,
      onEvent: (e) => this.#onEvent(e),
    });
    this.#subscription = source.subscribe({
      next: (record) => this.storeItem(record),
      error: (e: unknown) => this.restart(`Error receiving data from ${this.host}:${this.port}`, e),
    });
  }

  onStop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }

  #onEvent(e: SocketEvent): void {
    const own = this.options.log;
    const log = own ?? ((m: string) => logger.info(m));
    const warn = own ?? ((m: string) => logger.warn(m));
    const where = `${e.host}:${e.port}`;
    switch (e.type) {
      case 'connecting':
        log(`socket receiver: connecting to ${where} (attempt ${e.attempt})`);
        break;
      case 'connected':
        log(`socket receiver: connected to ${where}`);
        break;
      case 'connect-failed':
        warn(`socket receiver: could not connect to ${where} (attempt ${e.attempt}: ${describe(e.error)}); retrying in ${e.retryInMs} ms`);
        this.reportError(`Error connecting to ${where}`, e.error);
        break;
      case 'disconnected':
        warn(`socket receiver: connection to ${where} ended (${describe(e.error)}); reconnecting in ${e.retryInMs} ms`);
        this.reportError(`Connection to ${where} ended`, e.error);
        break;
      case 'dropped':
        warn(`socket receiver: ${where}: ${e.reason}; receiving goes on with the next record`);
        this.reportError(`Data from ${where} dropped: ${e.reason}`, undefined);
        break;
    }
  }
}

function describe(error: unknown): string {
  if (error === undefined) return 'closed by the server';
  return error instanceof Error ? error.message : String(error);
}
