import { decodeValues, encodeValues } from '../codec/value-codec.ts';
import type { ChunkDecoder, ChunkDecoderContext } from './socket-source.ts';

/**
 * The framing of `ssc.rawSocketStream` (Spark's `RawInputDStream`): a connection carries
 * blocks, each a 4-byte big-endian unsigned length `n` followed by `n` bytes that hold a block
 * of records in Kindling's value codec ({@link encodeValues}; Spark puts its serializer's bytes
 * there). A block of no records is allowed; a block's length counts only its payload.
 *
 * ```
 * stream := block*
 * block  := n:u32be payload[n]        payload = encodeValues(records)
 * ```
 */
export const RAW_BLOCK_HEADER_BYTES = 4;

/** One frame of the raw block framing: the header and the encoded records, ready to write to a socket. */
export function encodeRawBlock(records: readonly unknown[]): Buffer {
  const payload = encodeValues(records);
  const frame = Buffer.allocUnsafe(RAW_BLOCK_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(payload, RAW_BLOCK_HEADER_BYTES);
  return frame;
}

/**
 * Decodes a connection framed as {@link encodeRawBlock} writes it, whatever the chunk
 * boundaries TCP puts: a block's records come out once its last byte arrived. Bytes are kept
 * unconcatenated until a whole block is there. A block cut off by the end of the connection
 * is reported as dropped (`context.reportDropped`); a payload the value codec refuses fails the
 * connection with the codec's error.
 */
export class RawBlockDecoder<T> implements ChunkDecoder<T> {
  readonly name = 'raw block decoder';
  private chunks: Buffer[] = [];
  private size = 0;
  /** The length of the block whose header is at the start of the pending bytes; -1 before its header is whole. */
  private blockLength = -1;

  constructor(private readonly context?: ChunkDecoderContext) {}

  push(chunk: Buffer): T[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < RAW_BLOCK_HEADER_BYTES + Math.max(this.blockLength, 0)) return [];
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    const out: T[] = [];
    let at = 0;
    while (bytes.length - at >= RAW_BLOCK_HEADER_BYTES) {
      const n = bytes.readUInt32BE(at);
      const end = at + RAW_BLOCK_HEADER_BYTES + n;
      if (end > bytes.length) break;
      const records = decodeValues(bytes.subarray(at + RAW_BLOCK_HEADER_BYTES, end)) as T[];
      for (let i = 0; i < records.length; i++) out.push(records[i]!);
      at = end;
    }
    const rest = bytes.subarray(at);
    this.chunks = rest.length === 0 ? [] : [rest];
    this.size = rest.length;
    this.blockLength = rest.length >= RAW_BLOCK_HEADER_BYTES ? rest.readUInt32BE(0) : -1;
    return out;
  }

  end(): T[] {
    if (this.size > 0) {
      const what = this.blockLength >= 0 ? `a block of ${this.blockLength} bytes of which ${this.size - RAW_BLOCK_HEADER_BYTES} arrived` : `${this.size} bytes of a block header`;
      this.context?.reportDropped(`the connection ended inside a block: ${what} were dropped`);
    }
    this.chunks = [];
    this.size = 0;
    this.blockLength = -1;
    return [];
  }
}
