// Graph modules with receiver streams, for the worker-thread tests: the receivers run on the
// driver only (workers build the same streams but never start them); each block goes to the
// worker owning its partition.
import { Seconds } from '@kindling/core';
import type { DStream, StreamingContext } from '../../../src/index.ts';
import { Receiver } from '../../../src/index.ts';

/** A queue-like custom receiver: stores each given array as one block, at start. */
export class BlockListReceiver extends Receiver<string> {
  constructor(private readonly blocks: readonly (readonly string[])[]) { super(); }
  onStart(): void { for (const b of this.blocks) this.store(b); }
  onStop(): void {}
}

export interface SocketGraph {
  readonly upper: DStream<string>;
  readonly counts: DStream<[string, number]>;
  readonly windowCount: DStream<number>;
}

/** Lines from a TCP server: per-record map, a shuffle, and a window over two batches. */
export function socketWords(ssc: StreamingContext, a: { readonly port: number }): SocketGraph {
  const lines = ssc.socketTextStream('127.0.0.1', a.port);
  return {
    upper: lines.map((l) => l.toUpperCase()),
    counts: lines.flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]).reduceByKey((x, y) => x + y),
    windowCount: lines.window(Seconds(2), Seconds(1)).count(),
  };
}

export interface BlockGraph {
  readonly partitions: DStream<string[]>;
  readonly lengths: DStream<number>;
}

/** A custom receiver's blocks, one partition each. */
export function listedBlocks(ssc: StreamingContext, a: { readonly blocks: readonly (readonly string[])[] }): BlockGraph {
  const s = ssc.receiverStream(new BlockListReceiver(a.blocks));
  return { partitions: s.glom(), lengths: s.map((x) => x.length) };
}
