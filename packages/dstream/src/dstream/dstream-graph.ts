import type { Duration, Time } from '@kindling/core';
import type { InputDStream } from '../input/input-dstream.ts';
import type { DStream } from './dstream.ts';
import type { ForEachDStream } from './for-each-dstream.ts';

/**
 * The DAG of a context's streams (Spark's `DStreamGraph`): its input streams, its output
 * operations in registration order, the batch duration and the zero time. Validated and
 * initialised at `start()`.
 */
export class DStreamGraph {
  readonly inputStreams: InputDStream<unknown>[] = [];
  readonly outputStreams: ForEachDStream<unknown>[] = [];
  /** Set with `ssc.remember(d)`: every output (and so its ancestors) remembers at least `d`. */
  rememberDuration: Duration | undefined;
  zeroTime: Time | undefined;
  /** The first batch time. */
  startTime: Time | undefined;
  private positions = 0;

  constructor(readonly batchDuration: Duration) {}

  /** Every stream created on this context, in creation order (streams cannot be added after start). @internal */
  readonly createdStreams: DStream<unknown>[] = [];

  /** @internal */
  nextStreamPosition(stream?: DStream<unknown>): number {
    if (stream !== undefined) this.createdStreams.push(stream);
    return this.positions++;
  }

  /** Registers an input stream; returns its numeric id. @internal */
  addInputStream(stream: InputDStream<unknown>): number {
    this.inputStreams.push(stream);
    return this.inputStreams.length - 1;
  }

  /** Registers an output operation; returns its position. @internal */
  addOutputStream(stream: ForEachDStream<unknown>): number {
    this.outputStreams.push(stream);
    return this.outputStreams.length - 1;
  }

  /** As Spark: set once, before start. */
  remember(duration: Duration): void {
    if (this.rememberDuration !== undefined) {
      throw new Error(`Remember duration already set as ${this.rememberDuration}. Cannot set it again: call ssc.remember() once, with the longest duration you need.`);
    }
    if (this.zeroTime !== undefined) throw new Error('ssc.remember() after start() has no effect: call it before start().');
    this.rememberDuration = duration;
  }

  /** Every stream reachable from the outputs and inputs, each once, parents after children. */
  allStreams(): DStream<unknown>[] {
    const seen = new Set<DStream<unknown>>();
    const out: DStream<unknown>[] = [];
    const stack: DStream<unknown>[] = [...this.outputStreams, ...this.inputStreams].reverse();
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      out.push(s);
      for (const d of s.dependencies) if (!seen.has(d)) stack.push(d);
    }
    return out;
  }

  /** Checks what can be checked before initialisation; messages say how to fix it. @internal */
  validate(): void {
    if (!(this.batchDuration.milliseconds > 0)) {
      throw new Error(`The batch duration must be positive, got ${this.batchDuration}: pass e.g. Seconds(1) to new StreamingContext(conf, batchDuration).`);
    }
    if (this.outputStreams.length === 0) {
      throw new Error('No output operations registered, so nothing to execute: register at least one output operation (print(), foreachRDD(), saveAsTextFiles(), ...) before start().');
    }
    const names = new Map<string, DStream<unknown>>();
    for (const s of this.allStreams()) {
      const other = names.get(s.name());
      if (other !== undefined && other !== s) throw new Error(`Two DStreams are named '${s.name()}': names are stable ids (used in checkpoints), so give each stream a unique name with setName().`);
      names.set(s.name(), s);
    }
  }

  /** Initialises every stream for `zeroTime`, applies remember durations, validates. @internal */
  initialize(zeroTime: Time, firstBatch: Time): void {
    this.zeroTime = zeroTime;
    this.startTime = firstBatch;
    for (const s of this.outputStreams) s.initialize(zeroTime);
    for (const s of this.outputStreams) s.remember(this.rememberDuration);
    for (const s of this.outputStreams) s.validateAtStart();
  }

  /** Starts every input stream, awaiting them. @internal */
  async startInputs(): Promise<void> {
    await Promise.all(this.inputStreams.map((s) => s.start()));
  }

  /** Stops every input stream, awaiting them. @internal */
  async stopInputs(): Promise<void> {
    await Promise.all(this.inputStreams.map((s) => s.stop()));
  }

  /** Forgets old RDDs in every stream (see `DStream.clearMetadata`). @internal */
  clearMetadata(time: Time): void {
    for (const s of this.outputStreams) s.clearMetadata(time);
  }
}
