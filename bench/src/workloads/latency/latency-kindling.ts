import { SparkConf } from '@kindling/core';
import type { RDD, Time } from '@kindling/core';
import { InputDStream, Milliseconds, StreamingContext } from '@kindling/dstream';
import type { LatencyTrial } from '../../harness/child-protocol.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { graceMs, sleep } from './latency-trial.ts';
import type { TrialParams } from './latency-trial.ts';
import { RateProducer } from './rate-producer.ts';

/**
 * A source fed in-process (as a receiver's block store would be): each batch takes what has
 * arrived since the last one, and remembers how many records had been taken in total.
 */
class OfferedInputDStream extends InputDStream<string> {
  static override kind = 'OfferedInputDStream';
  buffer: string[] = [];
  private taken = 0;
  readonly takenBy = new Map<number, number>();

  start(): void {}
  stop(): void {}

  compute(validTime: Time): RDD<string> {
    const batch = this.buffer;
    this.buffer = [];
    this.taken += batch.length;
    this.takenBy.set(validTime.milliseconds, this.taken);
    this.reportInputInfo(validTime, batch.length);
    return this.context.sparkContext.parallelize(batch);
  }
}

/**
 * Kindling on the real clock: batches of `intervalMs`, each running Grep
 * (`filter(_.contains(pattern)).count()`) and collecting the count in its output operation.
 */
export async function kindlingTrial(p: TrialParams): Promise<LatencyTrial> {
  const conf = new SparkConf().setMaster('local[1]').setAppName('bench-latency');
  const ssc = new StreamingContext(conf, Milliseconds(p.intervalMs));
  const input = new OfferedInputDStream(ssc);
  const producer = new RateProducer(p.pool, p.rate, (r) => input.buffer.push(r));
  const recorder = new LatencyRecorder(producer, p.pattern);
  input.filter((line) => line.includes(p.pattern)).count()
    .foreachRDD(async (rdd, time) => {
      const schedulingDelay = Date.now() - time.milliseconds;
      const counted = await rdd.collect();
      recorder.batchDone(input.takenBy.get(time.milliseconds) ?? 0, schedulingDelay, counted[0] ?? 0);
      input.takenBy.delete(time.milliseconds);
    });
  await ssc.start();
  producer.start(p.seconds);
  await sleep(p.seconds * 1000 + graceMs(p.intervalMs));
  producer.stop();
  await ssc.stop(true, false);
  return recorder.summary(p.intervalMs, p.seconds);
}
