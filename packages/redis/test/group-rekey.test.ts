// Re-keying under group leases (issue 15): with spark.kindling.group.enabled and no fixed
// split, a graph that re-keys (reduceByKey into 3 partitions of a 4-partition topic, a running
// total by updateStateByKey into 2 partitions, a top 3 after repartition(1)) runs with the
// repartition logs' partitions owned by leases like the topic's: each has an epoch, a commit
// (its consumed batch times) and its state in Redis. In process, one instance on a manual
// clock: the batch folders (word counts, running totals, a 3 s window without an inverse
// function, a top 3) equal the answers worked out here, the state committed in Redis equals the
// running totals, and graphs the leases cannot route yet fail at start. A second graph keeps
// state after a re-keying in the other forms: mapWithState with a timeout (and its state
// snapshots), inverse-function windows (countByValueAndWindow into 2 partitions, countByWindow
// into one), and a window over the topic's own partitions, each batch equal to the answers
// worked out here.
import { ManualClock, SparkConf } from '@kindling/core';
import { ConsumerStrategies, GroupPlanError, LocationStrategies, NotCoPartitionedError, Seconds, StateSpec, StreamingContext, type State } from '@kindling/dstream';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLogSource, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { withRawClient } from './support/direct-stream-kit.ts';
import { batchWords, GROUP_PARTITIONS, partitionLines, RATE } from './support/repartition-feed.ts';
import type { RedisServer } from './support/redis-server.ts';
import { disposeGroupTopic, seedGroupTopic } from './support/seeded-group-topic.ts';
import { startError } from './support/start-error.ts';

const BATCHES = 6;
const TOPIC = 'rekey-words';

let root: string;
let server: RedisServer;

beforeAll(async () => {
  ({ root, server } = await seedGroupTopic('kindling-group-rekey-', TOPIC, BATCHES));
}, 60_000);

afterAll(() => disposeGroupTopic(root, server));

function leaseConf(app: string): SparkConf {
  return new SparkConf().setMaster('local[2]').setAppName(app).set('spark.streaming.clock', 'manual')
    .set('spark.streaming.kafka.maxRatePerPartition', String(RATE))
    .set('spark.kindling.group.enabled', 'true');
}

/** Starts `ssc`, runs BATCHES one-second batches on its manual clock, and stops it gracefully. */
async function runBatches(ssc: StreamingContext): Promise<void> {
  const clock = ssc.clock as ManualClock;
  await ssc.start();
  try {
    for (let k = 1; k <= BATCHES; k++) await clock.advance(1000);
  } finally {
    await ssc.stop(true, true);
  }
}

function countBy(words: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

/** The `(word,n)` lines of every part file of folder `<prefix>-<t>`, sorted; undefined when the folder is missing. */
function folderLines(prefix: string, t: number): string[] | undefined {
  const dir = `${prefix}-${t}`;
  if (!existsSync(dir)) return undefined;
  const lines: string[] = [];
  for (const f of readdirSync(dir)) if (f.startsWith('part-')) for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) if (l !== '') lines.push(l);
  return lines.sort();
}

/** An HGETALL reply (a flat array, or a map under RESP3) as a Map. */
function hash(reply: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) m.set(String(reply[i]), String(reply[i + 1]));
  else for (const [k, v] of Object.entries(reply as Record<string, string>)) m.set(k, String(v));
  return m;
}

function asLines(m: Map<string, number>): string[] {
  return [...m].map(([w, n]) => `(${w},${n})`).sort();
}

describe('a re-keyed graph under group leases, one instance', () => {
  const tops = new Map<number, [string, number][]>();
  const out = (): string => join(root, 'solo');

  beforeAll(async () => {
    const ssc = new StreamingContext(leaseConf('rekey'), Seconds(1));
    ssc.checkpoint(join(root, 'solo-checkpoint'));
    const words = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': 'rekey', 'auto.offset.reset': 'earliest' }))
      .flatMap((r: ConsumerRecord) => r.value().split(' ')).setName('words');
    const pairs = words.map((w) => [w, 1] as [string, number]).setName('pairs');
    const counts = pairs.reduceByKey((a, b) => a + b, 3).setName('counts');
    counts.saveAsTextFiles(join(out(), 'counts'));
    pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce((a, b) => a + b, total ?? 0), 2).setName('totals')
      .saveAsTextFiles(join(out(), 'totals'));
    // The book's window: reduceByKey, then a window without an inverse function, then reduceByKey in place.
    pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(3), Seconds(1), 3).setName('windowed')
      .saveAsTextFiles(join(out(), 'windowed'));
    counts.repartition(1).setName('countsInOne')
      .transform((rdd) => rdd.sortBy((kv) => `${String(1e6 - kv[1]).padStart(8, '0')} ${kv[0]}`, true, 1)).setName('top')
      .foreachRDD(async (rdd, time) => { tops.set(time.milliseconds, await rdd.take(3)); });
    await runBatches(ssc);
  }, 120_000);

  it('writes each batch\'s word counts, running totals and top 3 as worked out from the input', () => {
    const totals = new Map<string, number>();
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      const counts = countBy(batchWords(k, BATCHES));
      for (const [w, n] of counts) totals.set(w, (totals.get(w) ?? 0) + n);
      expect(folderLines(join(out(), 'counts'), t), `counts at ${t}`).toEqual(asLines(counts));
      expect(folderLines(join(out(), 'totals'), t), `totals at ${t}`).toEqual(asLines(totals));
      const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
      expect(tops.get(t), `top at ${t}`).toEqual(top);
      // The window holds the last 3 batches (fewer at the start).
      const windowed = countBy(Array.from({ length: Math.min(k, 3) }, (_, i) => batchWords(k - i, BATCHES)).flat());
      expect(folderLines(join(out(), 'windowed'), t), `window at ${t}`).toEqual(asLines(windowed));
    }
  });

  it('commits the repartition partitions with epochs and their consumed batch times, and the state with them', async () => {
    const totals = new Map<string, number>();
    for (let k = 1; k <= BATCHES; k++) for (const [w, n] of countBy(batchWords(k, BATCHES))) totals.set(w, (totals.get(w) ?? 0) + n);
    await withRawClient(server.url, async (c) => {
      for (let j = 0; j < 3; j++) {
        const m = hash(await c.sendCommand(['HGETALL', `kindling:group:{rekey}:rekey-counts-repartition-${j}:commit`]));
        expect(m.get('batch'), `partition ${j}`).toBe(String(BATCHES * 1000));
        expect(m.get('next'), `partition ${j}`).toBe(String(BATCHES * 1000));
        expect(Number(m.get('epoch'))).toBeGreaterThanOrEqual(1);
      }
    });
    // The committed state (snapshot plus deltas), as a new owner restores it.
    const state = new Map<string, number>();
    const source = new RedisLogSource(server.url);
    await source.open();
    try {
      for (let j = 0; j < 2; j++) {
        for (const [k, v] of await source.ownership('rekey').loadState({ topic: 'rekey-totals-repartition', partition: j }, 'totals')) state.set(JSON.parse(k) as string, JSON.parse(v) as number);
      }
    } finally {
      await source.close();
    }
    expect([...state].sort()).toEqual([...totals].sort());
  });

  it('keeps, on the log the window reads, the entries of the batches still inside the window, and trims the older ones', async () => {
    await withRawClient(server.url, async (c) => {
      // The window's own shuffle (the reduceByKey inside reduceByKeyAndWindow, unnamed: combineByKey#N), 3 partitions.
      const keys = (await c.sendCommand(['KEYS', 'rekey-combineByKey*-repartition-*']) as string[]).filter((k) => !k.startsWith('rekey-counts'));
      expect(keys.length, keys.join(', ')).toBe(3);
      const times = new Set<number>();
      for (const key of keys) {
        for (const e of await c.sendCommand(['XRANGE', key, '-', '+']) as [string, string[]][]) times.add(Number(e[1][e[1].indexOf('t') + 1]));
      }
      // A new owner of a partition at the last batch would read (3000, 6000] again: all there.
      for (const t of [4000, 5000, 6000]) expect(times.has(t), `batch ${t}`).toBe(true);
      expect(times.has(1000), 'the first batch, out of every window since 4000').toBe(false);
    });
  });

  it('trims the repartition logs after the fenced commits', async () => {
    await withRawClient(server.url, async (c) => {
      for (let j = 0; j < 3; j++) {
        const entries = await c.sendCommand(['XRANGE', `rekey-counts-repartition-${j}`, '-', '+']) as [string, string[]][];
        // Committed up to the last batch: nothing the partition consumed is left.
        const times = entries.map((e) => Number(e[1][e[1].indexOf('t') + 1]));
        expect(times.filter((t) => t <= BATCHES * 1000), `partition ${j}`).toEqual([]);
      }
    });
  });
});

describe('mapWithState and inverse windows after a re-keying under group leases, one instance', () => {
  /** Per batch time: the mapped lines, the state snapshot, the windowed counts per word, the window's word count. */
  const mapped = new Map<number, string[]>();
  const snapshots = new Map<number, string[]>();
  const counted = new Map<number, string[]>();
  const windowTotals = new Map<number, number[]>();
  const out = (): string => join(root, 'state-forms');
  // One line's session: how often the line was read, ended once it was missing from a whole batch (idle for more than 1 s).
  const session = (line: string, one: number | undefined, state: State<number>): string => {
    if (state.isTimingOut()) return `${line} end ${state.get()}`;
    state.update((state.getOption() ?? 0) + (one ?? 0));
    return line;
  };
  const batchLines = (k: number): string[] => Array.from({ length: GROUP_PARTITIONS }, (_, p) => partitionLines(p, BATCHES).slice((k - 1) * RATE, k * RATE)).flat();

  beforeAll(async () => {
    const ssc = new StreamingContext(leaseConf('rekey-state'), Seconds(1));
    ssc.checkpoint(join(root, 'state-forms-checkpoint'));
    const lines = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
      ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': 'rekey-state', 'auto.offset.reset': 'earliest' }))
      .map((r: ConsumerRecord) => r.value());
    const words = lines.flatMap((l) => l.split(' ')).setName('words');
    const sessions = lines.map((l) => [l, 1] as [string, number])
      .mapWithState(StateSpec.function(session).numPartitions(3).timeout(Seconds(1))).setName('sessions');
    sessions.foreachRDD(async (rdd, time) => { mapped.set(time.milliseconds, await rdd.collect()); });
    sessions.stateSnapshots().foreachRDD(async (rdd, time) => { snapshots.set(time.milliseconds, (await rdd.collect()).map(([w, n]) => `(${w},${n})`)); });
    words.countByValueAndWindow(Seconds(3), Seconds(1), 2).setName('counted')
      .saveAsTextFiles(join(out(), 'counted'));
    // A window over the topic's own partitions (no re-keying before it): routed through a log of its own.
    words.window(Seconds(3)).setName('ownWindow').countByValue(2).saveAsTextFiles(join(out(), 'ownWindow'));
    words.countByWindow(Seconds(3)).setName('total')
      .foreachRDD(async (rdd, time) => { windowTotals.set(time.milliseconds, await rdd.collect()); });
    await runBatches(ssc);
    for (let k = 1; k <= BATCHES; k++) counted.set(k * 1000, folderLines(join(out(), 'counted'), k * 1000) ?? []);
  }, 120_000);

  it('maps each line, times idle lines out at the batch a single instance would, and snapshots the state after every batch', () => {
    const state = new Map<string, { n: number; last: number }>();
    let endings = 0;
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      const read = batchLines(k);
      for (const l of read) state.set(l, { n: (state.get(l)?.n ?? 0) + 1, last: t });
      const ended: string[] = [];
      // Idle for more than the 1 s timeout: one last call, then gone.
      for (const [w, e] of state) {
        if (e.last < t - 1000) {
          ended.push(`${w} end ${e.n}`);
          state.delete(w);
        }
      }
      endings += ended.length;
      expect((mapped.get(t) ?? []).slice().sort(), `mapped at ${t}`).toEqual([...read, ...ended].sort());
      expect((snapshots.get(t) ?? []).slice().sort(), `snapshot at ${t}`).toEqual([...state].map(([w, e]) => `(${w},${e.n})`).sort());
    }
    expect(endings, 'sessions that timed out').toBeGreaterThan(0);
  });

  it('commits, batch after batch, only the keys each batch changed, and the state in Redis is the open sessions with their last update times', async () => {
    const state = new Map<string, { n: number; last: number }>();
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      for (const l of batchLines(k)) state.set(l, { n: (state.get(l)?.n ?? 0) + 1, last: t });
      for (const [w, e] of state) if (e.last < t - 1000) state.delete(w);
    }
    // The mapWithState's state keys (its internal stream's name, on its repartition log's 3 partitions): delta lists (and snapshot hashes once folded).
    const keys = await withRawClient(server.url, async (c) => c.sendCommand(['KEYS', 'kindling:group:{rekey-state}:*']) as Promise<string[]>);
    const found = new Set<string>();
    for (const key of keys) {
      const m = /^kindling:group:\{rekey-state\}:(.*)-(\d+):(?:state|deltas):(.*)$/.exec(key);
      if (m !== null && m[1]!.includes('MapWithState')) found.add(JSON.stringify([m[1], m[3]]));
    }
    expect(found.size, keys.join(', ')).toBe(1);
    const [log, stream] = JSON.parse([...found][0]!) as [string, string];
    const stored = new Map<string, unknown>();
    const source = new RedisLogSource(server.url);
    await source.open();
    try {
      for (let j = 0; j < 3; j++) {
        for (const [k, v] of await source.ownership('rekey-state').loadState({ topic: log, partition: j }, stream)) stored.set(JSON.parse(k) as string, JSON.parse(v));
      }
    } finally {
      await source.close();
    }
    expect([...stored].sort()).toEqual([...state].map(([w, e]) => [w, [e.n, e.last]]).sort());
  });

  it('counts each window by value (2 partitions, and after a window over the topic\'s own partitions) and in one partition, batch for batch', () => {
    for (let k = 1; k <= BATCHES; k++) {
      const t = k * 1000;
      const inWindow = Array.from({ length: Math.min(k, 3) }, (_, i) => batchWords(k - i, BATCHES)).flat();
      expect(counted.get(t), `counts by value at ${t}`).toEqual(asLines(countBy(inWindow)));
      expect(folderLines(join(out(), 'ownWindow'), t), `a window of the topic's partitions, counted by value, at ${t}`).toEqual(asLines(countBy(inWindow)));
      expect(windowTotals.get(t), `count at ${t}`).toEqual([inWindow.length]);
    }
  });
});

describe('graphs leases cannot route yet fail at start, naming the stream', () => {
  async function startFails(build: (ssc: StreamingContext) => void): Promise<Error> {
    return startError(new StreamingContext(leaseConf(`bad-${Math.random().toString(36).slice(2)}`), Seconds(1)), build);
  }
  const direct = (ssc: StreamingContext) => RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'group.id': `bad-${Math.random()}`, 'auto.offset.reset': 'earliest' }));

  it('a window of a union of streams on different logs\' partitions (the topic\'s and a re-keying\'s)', async () => {
    const e = await startFails((ssc) => {
      const lengths = direct(ssc).map((r: ConsumerRecord) => r.value().length);
      const counted = lengths.map((n) => [n, 1] as [number, number]).reduceByKey((a, b) => a + b, 3).map(([n]) => n);
      lengths.union(counted).window(Seconds(3)).setName('unionWindow').print();
    });
    expect(e).toBeInstanceOf(NotCoPartitionedError);
    expect((e.cause as Error).message).toMatch(/unionWindow.*needs its input's partitions to be one log's \(or a union or transform of streams on one log's partitions\); its input comes from union/);
  });
});
