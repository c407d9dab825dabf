import type { Time } from '@kindling/core';
import type { StreamInputInfo } from './stream-input-info.ts';

/**
 * Per batch time, what each input stream fed into it (Spark's `InputInfoTracker`). Input
 * streams report during `compute(time)`; the job generator attaches the infos to the batch.
 */
export class InputInfoTracker {
  private readonly byBatch = new Map<number, Map<number, StreamInputInfo>>();

  reportInfo(batchTime: Time, info: StreamInputInfo): void {
    let infos = this.byBatch.get(batchTime.milliseconds);
    if (infos === undefined) this.byBatch.set(batchTime.milliseconds, (infos = new Map()));
    // A batch recomputed on demand (slice of a forgotten time) reports again: the last one wins.
    infos.set(info.inputStreamId, info);
  }

  getInfo(batchTime: Time): ReadonlyMap<number, StreamInputInfo> {
    return this.byBatch.get(batchTime.milliseconds) ?? new Map();
  }

  /** Forgets batches strictly before `threshold`. */
  cleanup(threshold: Time): void {
    for (const t of this.byBatch.keys()) if (t < threshold.milliseconds) this.byBatch.delete(t);
  }
}
