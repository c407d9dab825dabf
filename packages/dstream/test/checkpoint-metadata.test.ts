// Metadata checkpoints in one process: the encoding, the store's retention and fallback, and
// getOrCreate's restore and compatibility rules (stable ids, structural matching, .name()).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Seconds, setLogSink, SparkConf } from '@kindling/core';
import type { ManualClock } from '@kindling/core';
import { IncompatibleCheckpointError, State, StateSpec, StreamingContext } from '../src/index.ts';
import type { CheckpointRecoveryInfo, DStream } from '../src/index.ts';
import { CheckpointStore } from '../src/checkpoint/checkpoint-store.ts';
import { CheckpointRetention } from '../src/checkpoint/checkpoint-retention.ts';
import { DStreamGraph } from '../src/dstream/dstream-graph.ts';
import { CHECKPOINT_FORMAT_VERSION, CorruptCheckpointError, decodeCheckpoint, encodeCheckpoint } from '../src/internal.ts';
import type { MetadataCheckpoint } from '../src/internal.ts';
import { TestInputDStream } from '../src/testing/index.ts';

type KV = [string, number];
const root = mkdtempSync(join(tmpdir(), 'kindling-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(root, `cp-${++dirs}`);

function sampleCheckpoint(sequence: number): MetadataCheckpoint {
  return {
    version: CHECKPOINT_FORMAT_VERSION, sequence, reason: 'generated', batchTime: sequence * 1000, latestGeneratedTime: sequence * 1000,
    writtenAt: 0, batchDurationMs: 1000, zeroTimeMs: 0, pendingTimes: [sequence * 1000], streams: [], outputs: [], rddCheckpointDir: undefined,
    inputs: [{ id: 'fileStream#0', structuralKey: 'fileStream@0', inputId: 0, kind: 'fileStream', replayable: true, assignments: [[1000, { kind: 'files', files: [] }]], position: { ledger: ['a'] } }],
  };
}

describe('metadata checkpoint encoding', () => {
  it('round-trips a checkpoint through its header-checked JSON encoding', () => {
    const cp = sampleCheckpoint(7);
    const bytes = encodeCheckpoint(cp);
    expect(bytes.subarray(0, 22).toString()).toBe(`KINDLING-CHECKPOINT ${CHECKPOINT_FORMAT_VERSION} `);
    expect(decodeCheckpoint(bytes, 'f')).toEqual(cp);
  });

  it('rejects a truncated file, garbage, a flipped byte and another version, naming the file', () => {
    const bytes = encodeCheckpoint(sampleCheckpoint(1));
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 5), '/x/checkpoint-1')).toThrow(/\/x\/checkpoint-1 is unusable: body has \d+ bytes, header says/);
    expect(() => decodeCheckpoint(Buffer.from('\u0000garbage'.repeat(30)), 'g')).toThrow(CorruptCheckpointError);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x01;
    expect(() => decodeCheckpoint(flipped, 'f')).toThrow(/checksum mismatch/);
    const v2 = Buffer.from(bytes.toString('utf8').replace(`KINDLING-CHECKPOINT ${CHECKPOINT_FORMAT_VERSION} `, 'KINDLING-CHECKPOINT 99 '));
    expect(() => decodeCheckpoint(v2, 'v')).toThrow(/format version 99 is not supported.*delete the checkpoint directory to start fresh/);
  });
});

describe('format version 1 (before relative paths and part checksums)', () => {
  /** A version 1 file as Kindling wrote it: absolute paths, no checksums, null before the first batch. */
  function v1File(checkpointDir: string, statePath: string): { file: string; bytes: Buffer } {
    const body = Buffer.from(JSON.stringify({
      ...sampleCheckpoint(3), version: 1, rddCheckpointDir: join(checkpointDir, 'run'),
      streams: [{ id: 'StateDStream#1', named: false, structuralKey: 'StateDStream(TestInputDStream@0)', kind: 'StateDStream', parents: ['TestInputDStream#0'], slideMs: 1000, checkpointMs: 2000, stateful: true,
        checkpointedRDD: { time: 2000, path: statePath, numPartitions: 2, partitioner: { kind: 'hash', numPartitions: 2 } } }],
    }));
    const header = `KINDLING-CHECKPOINT 1 ${body.length} ${crc32(body).toString(16).padStart(8, '0')}\n`;
    return { file: join(checkpointDir, 'metadata', 'checkpoint-000000000003'), bytes: Buffer.concat([Buffer.from(header), body]) };
  }

  it('is read: paths inside the directory become relative, parts are not checksum-verified', () => {
    const dir = join(root, 'v1');
    const { file, bytes } = v1File(dir, join(dir, 'run', 'rdd-7'));
    const cp = decodeCheckpoint(bytes, file);
    expect(cp.version).toBe(CHECKPOINT_FORMAT_VERSION);
    // Its class-style kinds become operator kinds, in ids, parents and structural keys too.
    expect(cp.streams[0]).toMatchObject({ id: 'updateStateByKey#1', kind: 'updateStateByKey', structuralKey: 'updateStateByKey(testInput@0)', parents: ['testInput#0'] });
    expect(cp.rddCheckpointDir).toBe('run');
    expect(cp.streams[0]!.checkpointedRDD).toEqual({ time: 2000, path: 'run/rdd-7', numPartitions: 2, partitioner: { kind: 'hash', numPartitions: 2 }, checksums: undefined });
  });

  it('is unusable when its absolute paths lie outside the directory it is read from (a copy), naming the field', () => {
    const dir = join(root, 'v1-copy');
    const { file, bytes } = v1File(dir, join(root, 'v1-original', 'run', 'rdd-7'));
    expect(() => decodeCheckpoint(bytes, file)).toThrow(/checkpoint-000000000003 is unusable: invalid body: streams\[0\]\.checkpointedRDD\.path .* must be a path inside the checkpoint directory/);
  });
});

describe('format version 2 (class-style kinds)', () => {
  it('is read in operator kinds: kinds, positional ids, parents, outputs and structural keys; custom names stay as they are', () => {
    const stream = (id: string, named: boolean, structuralKey: string, kind: string, parents: string[], stateful = false) => ({ id, named, structuralKey, kind, parents, slideMs: 1000, stateful });
    const body = Buffer.from(JSON.stringify({
      ...sampleCheckpoint(4), version: 2,
      inputs: [{ id: 'TestInputDStream#0', structuralKey: 'TestInputDStream@0', inputId: 0, kind: 'TestInputDStream', replayable: true, assignments: [] }],
      streams: [
        stream('TestInputDStream#0', false, 'TestInputDStream@0', 'TestInputDStream', []),
        // A custom name that looks like a kind and a key: never rewritten.
        stream('MappedDStream(odd)', true, 'name:MappedDStream(odd)', 'MappedDStream', ['TestInputDStream#0']),
        stream('StateDStream#2', false, 'StateDStream(name:MappedDStream(odd))', 'StateDStream', ['MappedDStream(odd)'], true),
        // A user's own class keeps its kind.
        stream('CustomDStream#3', false, 'CustomDStream(StateDStream(name:MappedDStream(odd)))', 'CustomDStream', ['StateDStream#2']),
      ],
      outputs: [{ outputOpId: 0, opName: 'foreachRDD', parent: 'StateDStream#2' }],
    }));
    const header = `KINDLING-CHECKPOINT 2 ${body.length} ${crc32(body).toString(16).padStart(8, '0')}\n`;
    const cp = decodeCheckpoint(Buffer.concat([Buffer.from(header), body]), join(root, 'v2', 'metadata', 'checkpoint-000000000004'));
    expect(cp.streams.map((s) => [s.id, s.kind, s.structuralKey, s.parents])).toEqual([
      ['testInput#0', 'testInput', 'testInput@0', []],
      ['MappedDStream(odd)', 'map', 'name:MappedDStream(odd)', ['testInput#0']],
      ['updateStateByKey#2', 'updateStateByKey', 'updateStateByKey(name:MappedDStream(odd))', ['MappedDStream(odd)']],
      ['CustomDStream#3', 'CustomDStream', 'CustomDStream(updateStateByKey(name:MappedDStream(odd)))', ['updateStateByKey#2']],
    ]);
    expect(cp.inputs.map((i) => [i.id, i.kind, i.structuralKey])).toEqual([['testInput#0', 'testInput', 'testInput@0']]);
    expect(cp.outputs[0]!.parent).toBe('updateStateByKey#2');
  });
});

/** The retention of a context without streams, over `store`. */
const retentionOf = (store: CheckpointStore): CheckpointRetention => new CheckpointRetention(store, new DStreamGraph(Seconds(1)), undefined, new Map(), undefined);

describe('CheckpointStore and CheckpointRetention', () => {
  it('the store only writes; retention keeps the newest 10 checkpoints; the newest is read', async () => {
    const store = new CheckpointStore(freshDir());
    for (let i = 1; i <= 3; i++) await store.write(sampleCheckpoint(i));
    expect(store.list().map((f) => f.seq)).toEqual([1, 2, 3]);
    const retention = retentionOf(store);
    for (let i = 4; i <= 13; i++) {
      const cp = sampleCheckpoint(i);
      await store.write(cp, i % 2 === 0);
      retention.afterWrite(cp);
    }
    expect(store.list().map((f) => f.seq)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(store.nextSequence()).toBe(14);
    expect(store.readLatest()?.checkpoint.sequence).toBe(13);
    // no temporary files are left behind
    expect(readdirSync(store.metadataDir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('retention removes temporary files a killed writer left', async () => {
    const store = new CheckpointStore(freshDir());
    await store.write(sampleCheckpoint(1));
    writeFileSync(join(store.metadataDir, '.checkpoint-000000000002.tmp-123-abcdef01'), 'half');
    await retentionOf(store).removeLeftovers();
    expect(readdirSync(store.metadataDir)).toEqual(['checkpoint-000000000001']);
  });

  it('falls back past damaged newest files with a warning naming each', async () => {
    const store = new CheckpointStore(freshDir());
    for (let i = 1; i <= 3; i++) await store.write(sampleCheckpoint(i));
    const [, second, third] = store.list();
    writeFileSync(third!.file, readFileSync(third!.file).subarray(0, 40));
    writeFileSync(second!.file, 'not a checkpoint');
    const warnings: string[] = [];
    expect(store.readLatest((w) => warnings.push(w))?.checkpoint.sequence).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(third!.file);
    expect(warnings[1]).toContain(second!.file);
  });
});

// --- getOrCreate in one process, on a manual clock ---

/** Per output, per batch time: the sorted collected elements. */
type Outputs = Map<string, Map<number, string>>;

interface Program {
  /** Values of input A (feeding the states) for batch `i` (1-based). */
  inputA: (i: number) => KV[];
  /** Inserts an unrelated stateless branch before the state streams (shifts positional ids). */
  extraBranchFirst?: boolean;
  /** Leaves out updateStateByKey. */
  withoutTotals?: boolean;
  /** The totals' output: recorded (default), none (the stream is built but unused), or one that does nothing. */
  totalsOutput?: 'record' | 'none' | 'nothing';
  /** Names the totals stream. */
  totalsName?: string;
  /** The totals' state becomes `{ total }` (a changed state type). */
  totalsAsObject?: boolean;
}

const BATCHES = 10;
const inputB = Array.from({ length: BATCHES + 5 }, (_, i) => [[`w${i % 3}`, i + 1] as KV]);
const goodA = (i: number): KV[] => [['a', 1], ['b', i], [`k${i % 4}`, 2]];

function build(dir: string, p: Program, outputs: Outputs): StreamingContext {
  const conf = new SparkConf().setMaster('local[2]').setAppName('checkpoint-metadata').set('spark.streaming.clock', 'manual');
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(dir);
  const record = (name: string, s: DStream<unknown>): void => s.foreachRDD(async (rdd, time) => {
    let m = outputs.get(name);
    if (m === undefined) outputs.set(name, (m = new Map()));
    m.set(time.milliseconds, JSON.stringify((await rdd.collect()).map((x) => JSON.stringify(x)).sort()));
  });
  const a = new TestInputDStream<KV>(ssc, Array.from({ length: BATCHES + 5 }, (_, i) => p.inputA(i + 1)), 2);
  const b = new TestInputDStream<KV>(ssc, inputB, 2);
  if (p.extraBranchFirst === true) record('extra', a.filter((kv) => kv[0] === 'a').map((kv) => kv[1]));
  if (p.withoutTotals !== true) {
    const totals = p.totalsAsObject === true
      ? a.updateStateByKey((vs: number[], s: { total: number } | undefined) => ({ total: vs.reduce((x, y) => x + y, typeof s === 'number' ? s : (s?.total ?? 0)) })).checkpoint(Seconds(2))
      : a.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((x, y) => x + y, s ?? 0)).checkpoint(Seconds(2));
    if (p.totalsName !== undefined) totals.name(p.totalsName);
    if (p.totalsOutput === 'nothing') totals.foreachRDD(() => {});
    else if (p.totalsOutput !== 'none') record('totals', totals);
  }
  const sessions = a.mapWithState(StateSpec.function((k: string, v: number | undefined, st: State<number>) => {
    const n = (st.getOption() ?? 0) + (v ?? 0);
    st.update(n);
    return [k, n] as KV;
  })).checkpoint(Seconds(2));
  record('snapshots', sessions.stateSnapshots());
  record('window', b.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, Seconds(3), Seconds(1)));
  return ssc;
}

/** Runs batches up to `until` (ms) with getOrCreate, then stops (every batch completed). */
async function runTo(dir: string, p: Program, until: number, outputs: Outputs): Promise<number> {
  let created = 0;
  let recovering: CheckpointRecoveryInfo | undefined;
  const ssc = await StreamingContext.getOrCreate(dir, (info) => { created++; recovering = info; return build(dir, p, outputs); });
  expect(created).toBe(1);
  // The factory learns whether it recovers, and from where.
  if (recovering !== undefined) expect(recovering.checkpointFile).toContain(join(dir, 'metadata', 'checkpoint-'));
  await ssc.start();
  const clock = ssc.clock as ManualClock;
  const startedAt = clock.getTimeMillis();
  while (clock.getTimeMillis() < until) await clock.advance(1000);
  await ssc.stop(true, false);
  return startedAt;
}

describe('StreamingContext.getOrCreate in one process', () => {
  let reference: Outputs;

  it('without a checkpoint calls create once and sets the checkpoint directory', async () => {
    reference = new Map();
    const dir = freshDir();
    let info: CheckpointRecoveryInfo | undefined | 'not called' = 'not called';
    const first = await StreamingContext.getOrCreate(dir, (i) => { info = i; return build(dir, { inputA: goodA }, new Map()); });
    expect(info).toBeUndefined();
    await first.stop(true);
    const started = await runTo(dir, { inputA: goodA }, BATCHES * 1000, reference);
    expect(started).toBe(0);
    // hand-checked: totals after 10 batches: a = 10, b = 1 + ... + 10 = 55, k0..k3 = 2 per batch with i % 4
    expect(reference.get('totals')!.get(10_000)).toBe(JSON.stringify(['["a",10]', '["b",55]', '["k0",4]', '["k1",6]', '["k2",6]', '["k3",4]'].sort()));
    expect(reference.get('snapshots')!.get(10_000)).toBe(reference.get('totals')!.get(10_000));
    expect(readdirSync(join(dir, 'metadata')).length).toBeGreaterThan(0);
  });

  it('restores state from its checkpoint files: the first 6 batches of input are not read again', async () => {
    const dir = freshDir();
    const outputs: Outputs = new Map();
    await runTo(dir, { inputA: goodA }, 6000, outputs);
    // The recovered program would compute wrong totals if it recomputed them from its input.
    const poisoned = (i: number): KV[] => (i <= 6 ? [['poison', 1000]] : goodA(i));
    const resumedAt = await runTo(dir, { inputA: poisoned }, BATCHES * 1000, outputs);
    expect(resumedAt).toBe(6000);
    for (const name of ['totals', 'snapshots', 'window']) {
      for (let t = 1000; t <= BATCHES * 1000; t += 1000) expect(outputs.get(name)!.get(t), `${name} at ${t}`).toBe(reference.get(name)!.get(t));
    }
  });

  it('matches streams by structure: a new branch created first shifts positional ids but recovers', async () => {
    const dir = freshDir();
    const outputs: Outputs = new Map();
    await runTo(dir, { inputA: goodA }, 5000, outputs);
    await runTo(dir, { inputA: goodA, extraBranchFirst: true }, BATCHES * 1000, outputs);
    for (let t = 6000; t <= BATCHES * 1000; t += 1000) expect(outputs.get('totals')!.get(t)).toBe(reference.get('totals')!.get(t));
    expect(outputs.get('extra')!.get(10_000)).toBe(JSON.stringify(['1']));
  });

  it('refuses a program whose stateful stream vanished, lists it, and leaves the process free to start fresh', async () => {
    const dir = freshDir();
    const outputs: Outputs = new Map();
    await runTo(dir, { inputA: goodA }, 4000, outputs);
    const error = await StreamingContext.getOrCreate(dir, () => build(dir, { inputA: goodA, withoutTotals: true }, new Map())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompatibleCheckpointError);
    const differences = (error as IncompatibleCheckpointError).differences;
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatch(/^stateful stream 'updateStateByKey#\d+' \(updateStateByKey over testInput#0\) is not in the new program$/);
    // The failed attempt released its contexts: a fresh one can run.
    await runTo(freshDir(), { inputA: goodA }, 1000, new Map());
  });

  it('refusing a stateful stream whose only output was removed says how to keep it (an output that does nothing) or start fresh; the kept stream goes on', async () => {
    const dir = freshDir();
    const outputs: Outputs = new Map();
    await runTo(dir, { inputA: goodA }, 4000, outputs);
    // The totals stream is built as before, but nothing outputs it: it is not in the graph.
    const error = await StreamingContext.getOrCreate(dir, () => build(dir, { inputA: goodA, totalsOutput: 'none' }, new Map())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompatibleCheckpointError);
    const message = (error as Error).message;
    expect(message).toMatch(/stateful stream 'updateStateByKey#\d+' \(updateStateByKey over testInput#0\) is not in the new program/);
    expect(message).toContain('give it an output that does nothing');
    expect(message).toContain('.foreachRDD(() => {})');
    expect(message).toContain(`start fresh by deleting the checkpoint directory ${dir}`);
    // Following the advice: the totals are restored and kept current while nothing outputs them.
    expect(await runTo(dir, { inputA: goodA, totalsOutput: 'nothing' }, 7000, outputs)).toBe(4000);
    expect(outputs.get('totals')!.has(5000)).toBe(false);
    expect(await runTo(dir, { inputA: goodA }, BATCHES * 1000, outputs)).toBe(7000);
    for (let t = 8000; t <= BATCHES * 1000; t += 1000) expect(outputs.get('totals')!.get(t), `totals at ${t}`).toBe(reference.get('totals')!.get(t));
  });

  it("accepts .name('<old id>') to map a stream to its old id", async () => {
    const dir = freshDir();
    const outputs: Outputs = new Map();
    await runTo(dir, { inputA: goodA }, 5000, outputs);
    const cp = new CheckpointStore(dir).readLatest()!.checkpoint;
    const oldId = cp.streams.find((s) => s.kind === 'updateStateByKey')!.id;
    await runTo(dir, { inputA: goodA, extraBranchFirst: true, totalsName: oldId }, BATCHES * 1000, outputs);
    expect(outputs.get('totals')!.get(10_000)).toBe(reference.get('totals')!.get(10_000));
  });

  it("deletes an earlier run's RDD checkpoint folder once no kept checkpoint needs it, never a folder it did not write", async () => {
    const dir = freshDir();
    const mine = join(dir, randomUUID());
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, 'data'), 'the application\'s own');
    await runTo(dir, { inputA: goodA }, 4000, new Map());
    const firstRun = join(dir, new CheckpointStore(dir).readLatest()!.checkpoint.rddCheckpointDir!);
    expect(existsSync(firstRun)).toBe(true);
    const outputs: Outputs = new Map();
    // Every folder a retained metadata file names is on disk (falling back to any of them finds
    // its state), and the earlier run's folder is there exactly while one of them names it.
    const checkOnDisk = (): boolean => {
      let namesFirstRun = false;
      for (const { file } of new CheckpointStore(dir).list()) {
        const cp = decodeCheckpoint(readFileSync(file), file);
        for (const st of cp.streams) {
          if (st.checkpointedRDD === undefined) continue;
          const folder = join(dir, st.checkpointedRDD.path);
          expect(existsSync(folder), `${folder}, named by ${file}`).toBe(true);
          if (folder.startsWith(`${firstRun}/`)) namesFirstRun = true;
        }
      }
      expect(existsSync(firstRun)).toBe(namesFirstRun);
      return namesFirstRun;
    };
    await runTo(dir, { inputA: goodA }, 14_000, outputs);
    checkOnDisk();
    await runTo(dir, { inputA: goodA }, 30_000, outputs);
    expect(checkOnDisk()).toBe(false);
    expect(readFileSync(join(mine, 'data'), 'utf8')).toBe("the application's own");
  });

  it('falls back to an older checkpoint when the state files the newest refers to are damaged', async () => {
    const dir = freshDir();
    await runTo(dir, { inputA: goodA }, 6000, new Map());
    const newest = new CheckpointStore(dir).readLatest()!.checkpoint;
    const state = newest.streams.find((s) => s.kind === 'updateStateByKey')!.checkpointedRDD!;
    expect(state.time).toBe(6000);
    rmSync(join(dir, state.path, 'part-00001'));
    const warnings: string[] = [];
    const ignore = (): void => {};
    setLogSink({ error: ignore, warn: (m) => warnings.push(m), info: ignore, debug: ignore });
    const outputs: Outputs = new Map();
    try {
      // The previous checkpoint (batch 6 generated, state of batch 4) re-runs batch 6.
      await runTo(dir, { inputA: goodA }, BATCHES * 1000, outputs);
    } finally {
      setLogSink(undefined);
    }
    expect(warnings.some((w) => w.includes('refers to checkpointed state that no longer exists') && w.includes(join(dir, state.path, 'part-00001')))).toBe(true);
    for (const name of ['totals', 'snapshots', 'window']) {
      for (let t = 6000; t <= BATCHES * 1000; t += 1000) expect(outputs.get(name)!.get(t), `${name} at ${t}`).toBe(reference.get(name)!.get(t));
    }
  });

  it('records the key/state shape and warns when a recovered program produces another one', async () => {
    const dir = freshDir();
    await runTo(dir, { inputA: goodA }, 4000, new Map());
    const cp = new CheckpointStore(dir).readLatest()!.checkpoint;
    const totals = cp.streams.find((s) => s.kind === 'updateStateByKey')!;
    expect(totals.stateShape).toBe('[string, number]');
    expect(cp.streams.find((s) => s.kind === 'map')?.stateShape).toBeUndefined();
    const warnings: string[] = [];
    const ignore = (): void => {};
    setLogSink({ error: ignore, warn: (m) => warnings.push(m), info: ignore, debug: ignore });
    try {
      await runTo(dir, { inputA: goodA, totalsAsObject: true }, 7000, new Map());
    } finally {
      setLogSink(undefined);
    }
    expect(warnings.filter((w) => w.includes('key/state'))).toEqual([
      `CheckpointWriter: The key/state of '${totals.id}' had the shape [string, number] in the checkpoint it was recovered from, and the new program produces [string, {total}]: the new code may misread the recovered state. If the state type changed on purpose, start fresh (delete the checkpoint directory) or convert old states in the update function.`,
    ]);
  });

  it('refuses a changed batch duration and a queue stream, saying what to do', async () => {
    const dir = freshDir();
    await runTo(dir, { inputA: goodA }, 2000, new Map());
    const other = await StreamingContext.getOrCreate(dir, () => {
      const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('x').set('spark.streaming.clock', 'manual'), Seconds(2));
      new TestInputDStream<KV>(ssc, [], 1).print();
      return ssc;
    }).catch((e: unknown) => e as Error);
    expect((other as IncompatibleCheckpointError).differences).toContain('the batch duration changed from 1000 ms to 2000 ms');
    const queue = await StreamingContext.getOrCreate(dir, () => {
      const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('x').set('spark.streaming.clock', 'manual'), Seconds(1));
      ssc.queueStream<number>([[1]]).print();
      return ssc;
    }).catch((e: unknown) => e as Error);
    expect((queue as Error).message).toMatch(/uses a queue stream \(queueStream#\d+\), whose contents are not checkpointed.*delete the checkpoint directory/);
  });
});

describe('graceful stop with a receiver, on a manual clock', () => {
  it('stops the receiver, advances the clock until every received record is in a batch, and processes them all', async () => {
    const { Subject } = await import('rxjs');
    const conf = new SparkConf().setMaster('local[2]').setAppName('graceful').set('spark.streaming.clock', 'manual').set('spark.streaming.blockInterval', '10s');
    const ssc = new StreamingContext(conf, Seconds(1));
    const subject = new Subject<number>();
    const seen: number[] = [];
    ssc.observableStream(subject, undefined, { log: () => {} }).foreachRDD(async (rdd) => { seen.push(...(await rdd.collect())); });
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    await clock.advance(1000);
    for (let i = 0; i < 1000; i++) subject.next(i);
    // With a 10 s block interval nothing has been cut into a block yet: all of it is in flight.
    expect(seen).toHaveLength(0);
    await ssc.stop(true, true);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(clock.getTimeMillis()).toBeGreaterThan(1000);
  });

  it('without a graceful stop, records still in flight are not processed (what graceful stop adds)', async () => {
    const { Subject } = await import('rxjs');
    const conf = new SparkConf().setMaster('local[2]').setAppName('graceful').set('spark.streaming.clock', 'manual').set('spark.streaming.blockInterval', '10s');
    const ssc = new StreamingContext(conf, Seconds(1));
    const subject = new Subject<number>();
    const seen: number[] = [];
    ssc.observableStream(subject, undefined, { log: () => {} }).foreachRDD(async (rdd) => { seen.push(...(await rdd.collect())); });
    await ssc.start();
    for (let i = 0; i < 10; i++) subject.next(i);
    await ssc.stop(true, false);
    expect(seen).toEqual([]);
  });
});

describe('WriteAheadLogBlockStore', () => {
  it('recovers the blocks of checkpointed batches and those never given to a batch, without id clashes across runs', async () => {
    const { WriteAheadLogBlockStore } = await import('../src/receiver/write-ahead-log-block-store.ts');
    const dir = freshDir();
    const rel = join('receivedData', 'test');
    const info = (i: number) => ({ blockId: `input-0-${i}`, streamId: 0, numRecords: 2, createdAtMs: 1000 + i });
    const first = new WriteAheadLogBlockStore(join(dir, rel), rel);
    await first.open(60_000);
    for (let i = 0; i < 5; i++) await first.put(info(i), [i, i]);
    expect(first.get('input-0-3')).toEqual([3, 3]);
    await first.close();
    // The checkpoint: blocks 0..2 were given to batches; its retained batches use 1 and 2.
    const run = first.run;
    const position = { kind: 'receiver-wal' as const, dir: rel, run, maxAllocatedOrd: 2 };
    const recovered = await WriteAheadLogBlockStore.recover(dir, position, new Set([`${run}/input-0-1`, `${run}/input-0-2`]), 0);
    expect([...recovered.blocks.keys()]).toEqual([1, 2, 3, 4].map((i) => `${run}/input-0-${i}`));
    expect(recovered.unallocated.map((u) => u.id)).toEqual([`${run}/input-0-3`, `${run}/input-0-4`]);
    expect(recovered.nextOrd).toBe(5);
    const second = new WriteAheadLogBlockStore(recovered.dir, recovered.relDir, recovered);
    await second.open(60_000);
    expect(second.get(`${run}/input-0-3`)).toEqual([3, 3]);
    // The new run numbers its blocks from 0 again: qualified ids keep them apart.
    await second.put(info(3), ['new']);
    expect(second.get('input-0-3')).toEqual(['new']);
    expect(second.get(`${run}/input-0-3`)).toEqual([3, 3]);
    expect(second.ordOf('input-0-3')).toBe(5);
    await second.close();
  });
});
