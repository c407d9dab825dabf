import type { LatencyTrial } from '../../harness/child-protocol.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { graceMs } from './latency-trial.ts';
import type { TrialParams } from './latency-trial.ts';
import { RateProducer } from './rate-producer.ts';

/**
 * The hand-written baseline: records appended to an array; a timer aligned to the batch
 * interval takes the array and counts the records that contain the pattern.
 */
export async function handTrial(p: TrialParams): Promise<LatencyTrial> {
  let buffer: string[] = [];
  const producer = new RateProducer(p.pool, p.rate, (r) => buffer.push(r));
  const recorder = new LatencyRecorder(producer, p.pattern);
  let processed = 0;
  const t0 = performance.now();
  const endAt = t0 + p.seconds * 1000 + graceMs(p.intervalMs);
  producer.start(p.seconds);
  await new Promise<void>((resolve) => {
    let k = 1;
    const next = (): void => {
      const scheduled = t0 + k * p.intervalMs;
      setTimeout(() => {
        const start = performance.now();
        const batch = buffer;
        buffer = [];
        let matches = 0;
        for (let i = 0; i < batch.length; i++) if (batch[i]!.includes(p.pattern)) matches++;
        processed += batch.length;
        recorder.batchDone(processed, Math.max(0, start - scheduled), matches);
        k++;
        if (scheduled >= endAt || performance.now() > endAt + 5000) resolve();
        else next();
      }, Math.max(0, scheduled - performance.now()));
    };
    next();
  });
  producer.stop();
  return recorder.summary(p.intervalMs, p.seconds);
}
