import { Subject, bufferTime, map } from 'rxjs';
import type { LatencyTrial } from '../../harness/child-protocol.ts';
import { countWords } from '../text/window-counts.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { graceMs, sleep } from './latency-trial.ts';
import type { TrialParams } from './latency-trial.ts';
import { RateProducer } from './rate-producer.ts';

/**
 * RxJS: records into a Subject, `bufferTime(interval, interval)` (a buffer opened every
 * interval: plain `bufferTime(interval)` restarts its timer after each emission, so its batches
 * drift by the processing time), count each batch's words.
 */
export async function rxjsTrial(p: TrialParams): Promise<LatencyTrial> {
  const records = new Subject<string>();
  const producer = new RateProducer(p.pool, p.rate, (r) => records.next(r));
  const recorder = new LatencyRecorder(producer);
  let processed = 0;
  let k = 0;
  const t0 = performance.now();
  const subscription = records.pipe(
    bufferTime(p.intervalMs, p.intervalMs),
    map((batch) => {
      const start = performance.now();
      k++;
      const distinct = countWords(batch).size;
      processed += batch.length;
      recorder.batchDone(processed, Math.max(0, start - (t0 + k * p.intervalMs)));
      return distinct;
    }),
  ).subscribe();
  producer.start(p.seconds);
  await sleep(p.seconds * 1000 + graceMs(p.intervalMs));
  producer.stop();
  subscription.unsubscribe();
  return recorder.summary(p.intervalMs, p.seconds);
}
