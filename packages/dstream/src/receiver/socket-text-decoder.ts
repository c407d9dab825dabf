import { LineDecoder, oversizedLineReason, type ChunkDecoder, type ChunkDecoderContext } from '@kindling/io';

/**
 * `socketTextStream`'s decoder: UTF-8 lines of at most `maxLineLength` bytes
 * (`spark.kindling.receiver.maxLineLength`); a longer line is dropped as it arrives, never
 * held whole, and reported through the connection (a receiver error naming the server).
 */
export function socketTextDecoder(maxLineLength: number): (context: ChunkDecoderContext) => ChunkDecoder<string> {
  return (context) =>
    new LineDecoder({
      maxLineLength,
      onOversizedLine: (length) => context.reportDropped(`${oversizedLineReason(length, maxLineLength)} (spark.kindling.receiver.maxLineLength)`),
    });
}
