import { Subject, bufferTime, map } from 'rxjs';
import type { LatencyTrial } from '../../harness/child-protocol.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { graceMs, sleep } from './latency-trial.ts';
import type { TrialParams } from './latency-trial.ts';
import { RateProducer } from './rate-producer.ts';

/**
 * RxJS: records into a Subject, `bufferTime(interval, interval)` (a buffer opened every
 * interval: plain `bufferTime(interval)` restarts its timer after each emission, so its batches
 * drift by the processing time), count the records of each batch that contain the pattern.
 */
export async function rxjsTrial(p: TrialParams): Promise<LatencyTrial> {
  const records = new Subject<string>();
  const producer = new RateProducer(p.pool, p.rate, (r) => records.next(r));
  const recorder = new LatencyRecorder(producer, p.pattern);
  let processed = 0;
  // bufferTime's periodic timer is Node's setInterval, which re-arms from when its callback
  // ran: batch k is due one interval after batch k - 1 started, not at t0 + k intervals.
  let previousStart = performance.now();
  const subscription = records.pipe(
    bufferTime(p.intervalMs, p.intervalMs),
    map((batch) => {
      const start = performance.now();
      const due = previousStart + p.intervalMs;
      previousStart = start;
      let matches = 0;
      for (let i = 0; i < batch.length; i++) if (batch[i]!.includes(p.pattern)) matches++;
      processed += batch.length;
      recorder.batchDone(processed, Math.max(0, start - due), matches);
      return matches;
    }),
  ).subscribe();
  producer.start(p.seconds);
  await sleep(p.seconds * 1000 + graceMs(p.intervalMs));
  producer.stop();
  subscription.unsubscribe();
  return recorder.summary(p.intervalMs, p.seconds);
}
