// Repartition logs are trimmed (issue 15): once a batch completed and left the routed stream's
// remember window, the owner of each repartition partition deletes that batch's entries, so a
// long run keeps a bounded number of entries per partition. Against a real Redis, in process:
// a word count re-keyed from a 4-partition topic into 3 partitions, in group mode (a fixed split
// of one instance, which owns every partition), over many batches. The stream lengths are
// counted after every batch; a run with `spark.kindling.group.trimRepartitionLogs=false` shows
// the same log growing with every batch. Both runs' counts equal the answers worked out here.
import { SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StreamingContext } from '@kindling/dstream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '@kindling/core';
import { RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { withRawClient } from './support/direct-stream-kit.ts';
import { batchWords, GROUP_PARTITIONS, RATE } from './support/repartition-feed.ts';
import type { RedisServer } from './support/redis-server.ts';
import { disposeGroupTopic, seedGroupTopic } from './support/seeded-group-topic.ts';

const BATCHES = 30;
const TOPIC = 'trim-words';
const TARGETS = 3;
/**
 * The most entries a partition may hold after a batch with trimming: every batch writes, per
 * repartition partition, one marker and at most one data entry per source partition; the
 * batches still inside the remember window (and the one just completed) stay.
 */
const PER_BATCH = 2 * GROUP_PARTITIONS;
const BOUND = 4 * PER_BATCH;

let root: string;
let server: RedisServer;

beforeAll(async () => {
  ({ root, server } = await seedGroupTopic('kindling-repartition-trim-', TOPIC, BATCHES));
}, 60_000);

afterAll(() => disposeGroupTopic(root, server));

function streamLengths(app: string): Promise<number[]> {
  return withRawClient(server.url, async (c) => {
    const out: number[] = [];
    for (let j = 0; j < TARGETS; j++) out.push(Number(await c.sendCommand(['XLEN', `${app}-counts-repartition-${j}`])));
    return out;
  });
}

/** Waits (polling Redis) until every partition of the app's log holds at most `bound` entries; the lengths last seen. */
async function lengthsWithin(app: string, bound: number): Promise<number[]> {
  let seen = await streamLengths(app);
  for (let i = 0; i < 1500 && seen.some((n) => n > bound); i++) {
    await new Promise((r) => setTimeout(r, 20));
    seen = await streamLengths(app);
  }
  return seen;
}

interface Run {
  /** Batch ms -> the word counts output. */
  readonly counts: Map<number, [string, number][]>;
  /** After batch k (index k - 1): the length of each repartition partition. */
  readonly lengths: number[][];
}

async function run(app: string, trim: boolean): Promise<Run> {
  const conf = new SparkConf().setMaster('local[2]').setAppName(app).set('spark.streaming.clock', 'manual')
    .set('spark.streaming.kafka.maxRatePerPartition', String(RATE))
    .set('spark.kindling.group.enabled', 'true').set('spark.kindling.group.instances', '1').set('spark.kindling.group.instance', '0')
    .set('spark.kindling.group.trimRepartitionLogs', String(trim));
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(join(root, app));
  const counts = new Map<number, [string, number][]>();
  const lengths: number[][] = [];
  let completed = 0;
  let wake: (() => void) | undefined;
  ssc.addStreamingListener({ onBatchCompleted: () => { completed++; wake?.(); } });
  RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': app, 'auto.offset.reset': 'earliest' }))
    .flatMap((r: ConsumerRecord) => r.value().split(' '))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b, TARGETS).setName('counts')
    .foreachRDD(async (rdd, time) => { counts.set(time.milliseconds, await rdd.collect()); });
  const clock = ssc.clock as ManualClock;
  await ssc.start();
  try {
    for (let k = 1; k <= BATCHES; k++) {
      await clock.advance(1000);
      while (completed < k) await new Promise<void>((r) => { wake = r; });
      lengths.push(trim ? await lengthsWithin(app, BOUND) : await streamLengths(app));
    }
  } finally {
    await ssc.stop(true, true);
  }
  return { counts, lengths };
}

function expectedCounts(k: number): [string, number][] {
  const m = new Map<string, number>();
  for (const w of batchWords(k, BATCHES)) m.set(w, (m.get(w) ?? 0) + 1);
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function sorted(rows: [string, number][] | undefined): [string, number][] {
  return [...rows ?? []].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('repartition logs are trimmed once every consumer is past them', () => {
  let trimmed: Run;
  let kept: Run;

  beforeAll(async () => {
    trimmed = await run('trimmed', true);
    kept = await run('kept', false);
  }, 240_000);

  it('both runs count every batch right', () => {
    for (const r of [trimmed, kept]) {
      for (let k = 1; k <= BATCHES; k++) expect(sorted(r.counts.get(k * 1000)), `batch ${k}`).toEqual(expectedCounts(k));
    }
  });

  it('with trimming, each partition stays within a few batches of entries over the whole run', () => {
    for (let k = 1; k <= BATCHES; k++) {
      for (const n of trimmed.lengths[k - 1]!) expect(n, `after batch ${k}`).toBeLessThanOrEqual(BOUND);
    }
  });

  it('without trimming, the same log holds every batch (at least one marker per batch and source partition)', () => {
    const last = kept.lengths[BATCHES - 1]!;
    for (const n of last) expect(n).toBeGreaterThanOrEqual(BATCHES * GROUP_PARTITIONS);
    // And it grew batch after batch, past the trimmed run's bound.
    expect(Math.min(...kept.lengths[9]!)).toBeGreaterThan(BOUND);
  });

  it('after a graceful stop, only the batches of the remember window are left', async () => {
    const left = await streamLengths('trimmed');
    for (const n of left) expect(n).toBeLessThanOrEqual(BOUND);
    // The entries still there belong to the last batches only.
    await withRawClient(server.url, async (c) => {
      for (let j = 0; j < TARGETS; j++) {
        const entries = await c.sendCommand(['XRANGE', `trimmed-counts-repartition-${j}`, '-', '+']) as [string, string[]][];
        const times = entries.map((e) => Number(e[1][e[1].indexOf('t') + 1]));
        for (const t of times) expect(t, `partition ${j}`).toBeGreaterThan((BATCHES - 4) * 1000);
      }
    });
  });
});
