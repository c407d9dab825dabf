// Re-keying with several instances (issue 15, item 4), against a real Redis: a job whose
// shuffles re-key a 4-partition topic (reduceByKey into 3 partitions, updateStateByKey into 2,
// an inverse window over word lengths, count() and a top 3 after repartition(1)) runs as two
// child processes in group mode, each owning half of every log's partitions; the union of what
// they output must equal a single-instance run and the answers worked out here from the input,
// batch by batch, with no key output twice. A rerun of one instance (its map side written a
// second time) must not count anything twice, and graphs that cannot be routed fail at start.
import { SparkConf } from '@kindling/core';
import { ConsumerStrategies, GroupPlanError, LocationStrategies, Seconds, StreamingContext } from '@kindling/dstream';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild, startChild } from '../../dstream/test/support/child-process.ts';
import { RedisLogSource, RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';
import { withRawClient } from './support/direct-stream-kit.ts';
import { batchWords, GROUP_PARTITIONS } from './support/repartition-feed.ts';
import type { GroupPipelineArgs } from './support/repartition-pipeline.ts';
import type { RedisServer } from './support/redis-server.ts';
import { disposeGroupTopic, seedGroupTopic } from './support/seeded-group-topic.ts';
import { startError } from './support/start-error.ts';

const SCRIPT = 'packages/redis/test/support/repartition-pipeline.ts';
const BATCHES = 6;
const TOPIC = 'words';
const OUTPUTS = ['counts', 'totals', 'lengths', 'count', 'top'] as const;

let root: string;
let server: RedisServer;

type Rows = [unknown, unknown][] | unknown[];

/** Every file `<output>-<ms>-<instance>.json` of a run: output -> batch ms -> instance -> rows. */
function readRun(outDir: string): Map<string, Map<number, Map<number, Rows>>> {
  const out = new Map<string, Map<number, Map<number, Rows>>>();
  for (const name of existsSync(outDir) ? readdirSync(outDir) : []) {
    const m = /^(\w+)-(\d+)-(\d+)\.json$/.exec(name);
    if (m === null) continue;
    const byTime = out.get(m[1]!) ?? new Map<number, Map<number, Rows>>();
    out.set(m[1]!, byTime);
    const byInstance = byTime.get(Number(m[2])) ?? new Map<number, Rows>();
    byTime.set(Number(m[2]), byInstance);
    byInstance.set(Number(m[3]), JSON.parse(readFileSync(join(outDir, name), 'utf8')) as Rows);
  }
  return out;
}

function sortedPairs(rows: Rows): [unknown, unknown][] {
  return ([...rows] as [unknown, unknown][]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
}

function countBy<K>(xs: readonly K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** The answers, worked out from the input: output -> batch ms -> rows. */
function expected(): Map<string, Map<number, Rows>> {
  const out = new Map<string, Map<number, Rows>>(OUTPUTS.map((o) => [o, new Map()]));
  const totals = new Map<string, number>();
  for (let k = 1; k <= BATCHES; k++) {
    const t = k * 1000;
    const words = batchWords(k, BATCHES);
    const counts = countBy(words);
    for (const [w, n] of counts) totals.set(w, (totals.get(w) ?? 0) + n);
    out.get('counts')!.set(t, sortedPairs([...counts]));
    out.get('totals')!.set(t, sortedPairs([...totals]));
    const windowWords: string[] = [];
    for (let j = Math.max(1, k - 2); j <= k; j++) windowWords.push(...batchWords(j, BATCHES));
    out.get('lengths')!.set(t, sortedPairs([...countBy(windowWords.map((w) => w.length))]));
    out.get('count')!.set(t, [words.length]);
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    out.get('top')!.set(t, top);
  }
  return out;
}

function argsFor(run: string, instance: number, instances: number, appName: string): GroupPipelineArgs {
  return { url: server.url, topic: TOPIC, checkpointDir: join(root, run, `checkpoint-${instance}`), outDir: join(root, run, 'out'), batches: BATCHES, instance, instances, appName };
}

/** One output of one run as the union of what its instances wrote (each key from one instance only). */
function merged(run: Map<string, Map<number, Map<number, Rows>>>, output: string, keyed: boolean): Map<number, Rows> {
  const out = new Map<number, Rows>();
  for (const [t, byInstance] of run.get(output) ?? []) {
    if (!keyed) {
      // A one-partition stage: written once, by the instance owning it.
      expect([...byInstance.keys()], `${output} at ${t} written by one instance`).toHaveLength(1);
      out.set(t, [...byInstance.values()][0]!);
      continue;
    }
    const rows: [unknown, unknown][] = [];
    for (const r of byInstance.values()) rows.push(...(r as [unknown, unknown][]));
    const keys = rows.map((r) => JSON.stringify(r[0]));
    expect(new Set(keys).size, `${output} at ${t}: no key from two instances`).toBe(keys.length);
    out.set(t, sortedPairs(rows));
  }
  return out;
}

beforeAll(async () => {
  ({ root, server } = await seedGroupTopic('kindling-repartition-', TOPIC, BATCHES));
}, 60_000);

afterAll(() => disposeGroupTopic(root, server));

describe('re-keying through repartition logs, 2 instances', () => {
  let solo: Map<string, Map<number, Map<number, Rows>>>;
  let duo: Map<string, Map<number, Map<number, Rows>>>;

  beforeAll(async () => {
    const one = await runChild(SCRIPT, argsFor('solo', 0, 0, 'solo'), 120_000);
    expect(one.stdout, one.stderr).toContain('done');
    solo = readRun(join(root, 'solo', 'out'));
    const a = startChild(SCRIPT, argsFor('duo', 0, 2, 'duo'), 120_000);
    const b = startChild(SCRIPT, argsFor('duo', 1, 2, 'duo'), 120_000);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.stdout, ra.stderr).toContain('done');
    expect(rb.stdout, rb.stderr).toContain('done');
    duo = readRun(join(root, 'duo', 'out'));
  }, 240_000);

  it('a single instance gives the answers worked out from the input', () => {
    const want = expected();
    for (const o of OUTPUTS) {
      const got = new Map([...solo.get(o) ?? []].map(([t, m]) => [t, o === 'count' || o === 'top' ? m.get(0)! : sortedPairs(m.get(0)!)]));
      expect(got, o).toEqual(want.get(o));
    }
  });

  it('two instances give, batch by batch, what one instance gives (word counts, state, window, count, top 3)', () => {
    const want = expected();
    for (const o of OUTPUTS) {
      const keyed = o !== 'count' && o !== 'top';
      expect(merged(duo, o, keyed), o).toEqual(want.get(o));
    }
    // Both instances did work: each owns part of every keyed output.
    for (const o of ['counts', 'totals', 'lengths']) {
      const rowsOf = (i: number): number => [...duo.get(o)!.values()].reduce((n, m) => n + (m.get(i) as unknown[]).length, 0);
      expect(rowsOf(0), o).toBeGreaterThan(0);
      expect(rowsOf(1), o).toBeGreaterThan(0);
    }
  });

  it('the repartition logs hold one end-of-batch marker per batch and source partition', async () => {
    await withRawClient(server.url, async (c) => {
      const entries = await c.sendCommand(['XRANGE', 'duo-counts-repartition-0', '-', '+']) as [string, string[]][];
      const markers = entries.map((e) => e[1]).filter((f) => f[f.indexOf('m') + 1] === 'e').map((f) => `${f[f.indexOf('t') + 1]}/${f[f.indexOf('s') + 1]}`);
      expect(markers.sort()).toEqual(Array.from({ length: BATCHES }, (_, k) => Array.from({ length: GROUP_PARTITIONS }, (_, s) => `${(k + 1) * 1000}/${s}`)).flat().sort());
    });
  });

  it('a replayed map side (instance 0 run again from scratch) counts nothing twice', async () => {
    const again = await runChild(SCRIPT, { ...argsFor('duo-again', 0, 2, 'duo') }, 120_000);
    expect(again.stdout, again.stderr).toContain('done');
    const rerun = readRun(join(root, 'duo-again', 'out'));
    for (const o of OUTPUTS) {
      for (const [t, byInstance] of duo.get(o)!) {
        if (!byInstance.has(0)) continue;
        expect(rerun.get(o)?.get(t)?.get(0), `${o} at ${t}`).toEqual(byInstance.get(0));
      }
    }
    // The log now holds two copies of instance 0's map side; readers kept one.
    await withRawClient(server.url, async (c) => {
      const entries = await c.sendCommand(['XRANGE', 'duo-counts-repartition-0', '-', '+']) as [string, string[]][];
      const markers = entries.map((e) => e[1]).filter((f) => f[f.indexOf('m') + 1] === 'e');
      expect(markers.length).toBe(BATCHES * GROUP_PARTITIONS + BATCHES * (GROUP_PARTITIONS / 2));
    });
  }, 180_000);
});

describe('RedisRepartitionLog', () => {
  it('keeps the first complete copy of a (batch, source) and reports missing markers', async () => {
    const source = new RedisLogSource(server.url);
    await source.open();
    try {
      const rlog = source.repartitionLog('unit-log', 2);
      expect(await rlog.readBatch(0, 1000, 2)).toEqual({ complete: false, missing: [0, 1] });
      // A write cut short (data, no marker) by another writer, then the real one, then a replay.
      await withRawClient(server.url, (c) => c.sendCommand(['XADD', 'unit-log-0', '*', 't', '1000', 's', '0', 'w', 'cut', 'm', 'd', 'b', 'garbage']));
      await rlog.writeMapOutput(1000, 0, [[['a', 1], ['b', 2]], [['c', 3]]]);
      expect(await rlog.readBatch(0, 1000, 2)).toEqual({ complete: false, missing: [1] });
      await rlog.writeMapOutput(1000, 0, [[['a', 1], ['b', 2]], [['c', 3]]]);
      await rlog.writeMapOutput(1000, 1, [[['a', 10]], []]);
      await rlog.writeMapOutput(2000, 1, [[['z', 0]], []]);
      expect(await rlog.readBatch(0, 1000, 2)).toEqual({ complete: true, blocks: [[['a', 1], ['b', 2]], [['a', 10]]] });
      expect(await rlog.readBatch(1, 1000, 2)).toEqual({ complete: true, blocks: [[['c', 3]], []] });
      // Keys and values keep their types through the codec (tuples, numbers, nested arrays).
      await rlog.writeMapOutput(3000, 0, [[[['x', 1], [1.5, [2]]]], []]);
      await rlog.writeMapOutput(3000, 1, [[], []]);
      expect(await rlog.readBatch(0, 3000, 2)).toEqual({ complete: true, blocks: [[[['x', 1], [1.5, [2]]]], []] });
    } finally {
      await source.close();
    }
  });
});

describe('RedisRepartitionLog under leases (readRange)', () => {
  it('knows a source partition\'s batches through a time from the chain of its markers, and waits on a missing link', async () => {
    const source = new RedisLogSource(server.url);
    await source.open();
    try {
      const rlog = source.repartitionLog('chain-log', 1);
      expect(await rlog.firstBatchAfter(0, 0), 'no marker yet').toBeUndefined();
      await rlog.writeMapOutput(1000, 0, [[['a', 1]]], null);
      await rlog.writeMapOutput(1000, 1, [[['b', 1]]], null);
      expect(await rlog.readRange(0, 0, 1000, 2)).toEqual({ complete: true, blocks: [[['a', 1]], [['b', 1]]] });
      expect(await rlog.firstBatchAfter(0, 0), 'the earliest source batch after 0').toBe(1000);
      expect(await rlog.firstBatchAfter(0, 1000), 'none after 1000 yet').toBeUndefined();
      // Source 1 has no batch at 2000 (no owner then): until its next marker, nothing says so.
      await rlog.writeMapOutput(2000, 0, [[['a', 2]]], 1000);
      expect(await rlog.readRange(0, 1000, 2000, 2)).toEqual({ complete: false, missing: [1] });
      // Its next batch (3000) links to 1000: it skipped 2000.
      await rlog.writeMapOutput(3000, 1, [[['b', 3]]], 1000);
      expect(await rlog.readRange(0, 1000, 2000, 2)).toEqual({ complete: true, blocks: [[['a', 2]]] });
      // A range covering several source batches (a catch-up) takes each once, in time order.
      await rlog.writeMapOutput(3000, 0, [[['a', 3]]], 2000);
      await rlog.writeMapOutput(3000, 0, [[['a', 3]]], 2000);
      await rlog.writeMapOutput(5000, 0, [[['a', 5]]], 4000);
      await rlog.writeMapOutput(5000, 1, [[['b', 5]]], 3000);
      // No source has a marker at 4000 yet: the first batch time after 3000 the log knows is 5000.
      expect(await rlog.firstBatchAfter(0, 3000)).toBe(5000);
      // Source 0's link to 4000 is missing: its batch at 4000 has not been written yet.
      expect(await rlog.readRange(0, 2000, 5000, 2)).toEqual({ complete: false, missing: [0] });
      await rlog.writeMapOutput(4000, 0, [[['a', 4]]], 3000);
      expect(await rlog.readRange(0, 2000, 5000, 2)).toEqual({ complete: true, blocks: [[['a', 3]], [['b', 3]], [['a', 4]], [['a', 5]], [['b', 5]]] });
      // After release and trim, the consumed entries are gone from the stream.
      await rlog.release(0, 5000);
      expect(await rlog.trim(0, 5000)).toBeGreaterThan(0);
      await withRawClient(server.url, async (c) => expect(Number(await c.sendCommand(['XLEN', 'chain-log-0']))).toBe(0));
    } finally {
      await source.close();
    }
  });
});

describe('graphs that cannot be routed fail at start, naming the stream', () => {
  async function startFails(build: (ssc: StreamingContext) => void): Promise<Error> {
    const conf = new SparkConf().setMaster('local[2]').setAppName('bad').set('spark.streaming.clock', 'manual')
      .set('spark.kindling.group.enabled', 'true').set('spark.kindling.group.instances', '2').set('spark.kindling.group.instance', '0');
    const ssc = new StreamingContext(conf, Seconds(1));
    ssc.checkpoint(join(root, `bad-${Math.random().toString(36).slice(2)}`));
    return startError(ssc, build);
  }
  const direct = (ssc: StreamingContext) => RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([TOPIC], { 'redis.url': server.url, 'auto.offset.reset': 'earliest' }));

  it('a keyed aggregation after a transform', async () => {
    const e = await startFails((ssc) => {
      direct(ssc).transform((rdd) => rdd.map((r: ConsumerRecord) => r.value())).setName('lines')
        .map((l) => [l, 1] as [string, number]).reduceByKey((a, b) => a + b).setName('perLine').print();
    });
    expect(e).toBeInstanceOf(GroupPlanError);
    expect(e.message).toContain('perLine');
    expect(e.message).toContain('transform lines');
  });

  it('a join of two re-keyed streams', async () => {
    const e = await startFails((ssc) => {
      const pairs = direct(ssc).map((r: ConsumerRecord) => [r.value(), 1] as [string, number]);
      pairs.join(pairs.mapValues((n) => n * 2)).setName('joined').print();
    });
    expect(e).toBeInstanceOf(GroupPlanError);
    expect(e.message).toContain('joined');
  });

  it('updateStateByKey with an initial RDD', async () => {
    const e = await startFails((ssc) => {
      const initial = ssc.sparkContext.parallelize([['a', 1] as [string, number]]);
      direct(ssc).map((r: ConsumerRecord) => [r.value(), 1] as [string, number])
        .updateStateByKey((vs: number[], s: number | undefined) => vs.length + (s ?? 0), 2, initial).setName('seeded').print();
    });
    expect(e).toBeInstanceOf(GroupPlanError);
    expect(e.message).toContain('seeded');
    expect(e.message).toContain('initial RDD');
  });
});
