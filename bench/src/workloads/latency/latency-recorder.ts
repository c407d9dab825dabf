import { percentile } from '../../harness/median.ts';
import type { LatencyTrial } from '../../harness/child-protocol.ts';
import type { RateProducer } from './rate-producer.ts';

/**
 * Collects, per trial, each record's end-to-end latency (from its due time to the end of the
 * output of the batch that held it) and each batch's scheduling delay (processing start minus
 * the batch's scheduled time). Records are processed in the order offered, so a batch is
 * described by how many records have been processed once it is done.
 */
export class LatencyRecorder {
  private readonly latencies: number[] = [];
  private readonly schedulingDelays: number[] = [];
  private processed = 0;
  private matches = 0;

  /** `pattern`: what every batch counts, to check the counts once the trial is over. */
  constructor(private readonly producer: RateProducer, private readonly pattern: string) {}

  /**
   * A batch that started `schedulingDelayMs` late finished: records up to `processedTotal` are
   * out, and the system counted `matches` records containing the pattern among them.
   */
  batchDone(processedTotal: number, schedulingDelayMs: number, matches: number): void {
    const now = performance.now();
    for (let i = this.processed; i < processedTotal; i++) this.latencies.push(now - this.producer.dueTime(i));
    this.processed = processedTotal;
    this.matches += matches;
    this.schedulingDelays.push(schedulingDelayMs);
  }

  /** Sums up the trial. Sustained: every record out within the trial and no backlog building up. */
  summary(intervalMs: number, seconds: number): LatencyTrial {
    const offered = this.producer.count;
    const d = this.schedulingDelays;
    const tail = d.slice(Math.floor((d.length * 3) / 4));
    const tailMean = tail.length > 0 ? tail.reduce((a, b) => a + b, 0) / tail.length : Number.NaN;
    const trial: LatencyTrial = {
      intervalMs,
      batches: d.length,
      records: this.processed,
      achievedRate: this.processed / seconds,
      p50Ms: percentile(this.latencies, 50),
      p99Ms: percentile(this.latencies, 99),
      maxSchedulingDelayMs: d.length > 0 ? Math.max(...d) : Number.NaN,
      tailSchedulingDelayMs: tailMean,
      sustained: true,
      matches: this.matches,
      expectedMatches: this.expectedMatches(),
    };
    if (this.processed < offered * 0.99) {
      trial.sustained = false;
      trial.reason = `processed ${this.processed} of ${offered} records offered`;
    } else if (!(tailMean <= intervalMs)) {
      trial.sustained = false;
      trial.reason = `scheduling delay over the last quarter ${tailMean.toFixed(1)} ms > ${intervalMs} ms batch`;
    }
    return trial;
  }

  /** Records among the first `processed` offered that contain the pattern, counted here (after the trial). */
  private expectedMatches(): number {
    let n = 0;
    for (let i = 0; i < this.processed; i++) if (this.producer.record(i).includes(this.pattern)) n++;
    return n;
  }
}
