import type { StorageLevel } from '@kindling/core';
import type { ChunkDecoder, ChunkDecoderContext } from '@kindling/io';
import { dstreamClasses } from '../dstream/registry.ts';
import { SocketReceiver, type SocketReceiverOptions } from '../receiver/socket-receiver.ts';
import type { StreamingContext } from '../streaming-context.ts';
import { ReceiverInputDStream } from './receiver-input-dstream.ts';

/**
 * `ssc.socketTextStream(host, port)` / `ssc.socketStream(host, port, converter)`: a
 * {@link ReceiverInputDStream} whose receiver is a {@link SocketReceiver} (a TCP client that
 * reconnects with back-off and pauses reading under rate limits).
 */
export class SocketInputDStream<T> extends ReceiverInputDStream<T> {
  static override kind = 'socketStream';
  constructor(
    ssc: StreamingContext,
    readonly host: string,
    readonly port: number,
    newDecoder: (context: ChunkDecoderContext) => ChunkDecoder<T>,
    storageLevel?: StorageLevel,
    options: SocketReceiverOptions = {},
  ) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`socket stream: port must be an integer in 0..65535, got ${port} (host ${host})`);
    }
    super(ssc, new SocketReceiver<T>(host, port, newDecoder, storageLevel, options), 'socketStream', { log: options.log });
  }
}
dstreamClasses.SocketInputDStream = SocketInputDStream;
