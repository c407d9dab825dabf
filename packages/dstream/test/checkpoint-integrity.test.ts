// Checkpoints handled as a hostile user would (issue 10, defects 1-4): copied and moved
// checkpoint folders, two processes on one folder, damaged state files, checkpoint bodies that
// pass their CRC but say impossible things, and a restart after a long downtime. Each test is
// named after the probe it reproduces; every expected total is computed here from the input.
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Seconds, SparkConf, SparkContext, setLogSink } from '@kindling/core';
import type { ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { TestInputDStream } from '../src/testing/index.ts';
import { startChild } from './support/child-process.ts';
import { useCheckpointDirs } from './support/state-test-kit.ts';

type KV = [string, number];
const freshDir = useCheckpointDirs('kindling-integrity-');

/** Input of batch i (1-based). */
const inputOf = (i: number): KV[] => [['a', 1], ['b', i], [`k${i % 3}`, 2]];
/** The running totals after batch i, worked out from the input. */
function totalsAfter(i: number): string {
  const m = new Map<string, number>();
  for (let b = 1; b <= i; b++) for (const [k, v] of inputOf(b)) m.set(k, (m.get(k) ?? 0) + v);
  return JSON.stringify([...m].map((kv) => JSON.stringify(kv)).sort());
}

/** Warnings, whether they go through the logger or process warnings. */
let warnings: string[] = [];
const onWarning = (w: Error): void => { warnings.push(w.message); };
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
  setLogSink({ error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: () => {}, debug: () => {} });
});
afterEach(async () => {
  // A failed test must not leave its context running for the next one.
  await StreamingContext.getActive()?.stop(true, false);
  SparkContext.getActive()?.stop();
  process.off('warning', onWarning);
  setLogSink(undefined);
});

function program(dir: string, totals: Map<number, string>, conf: (c: SparkConf) => SparkConf = (c) => c, batches = 40): StreamingContext {
  const ssc = new StreamingContext(conf(new SparkConf().setMaster('local[2]').setAppName('integrity').set('spark.streaming.clock', 'manual')), Seconds(1));
  ssc.checkpoint(dir);
  const input = new TestInputDStream<KV>(ssc, Array.from({ length: batches }, (_, i) => inputOf(i + 1)), 2);
  input.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((x, y) => x + y, s ?? 0)).checkpoint(Seconds(2))
    .foreachRDD(async (rdd, time) => { totals.set(time.milliseconds, JSON.stringify((await rdd.collect()).map((kv) => JSON.stringify(kv)).sort())); });
  return ssc;
}

/** getOrCreate, run batches up to `until` ms, stop gracefully; returns the time it resumed at. */
async function runTo(dir: string, until: number, totals = new Map<number, string>()): Promise<number> {
  const ssc = await StreamingContext.getOrCreate(dir, () => program(dir, totals));
  await ssc.start();
  const clock = ssc.clock as ManualClock;
  const resumedAt = clock.getTimeMillis();
  while (clock.getTimeMillis() < until) await clock.advance(1000);
  await ssc.stop(true, true);
  return resumedAt;
}

function expectTotals(totals: Map<number, string>, from: number, to: number): void {
  for (let t = from; t <= to; t += 1000) expect(totals.get(t), `totals at ${t} ms`).toBe(totalsAfter(t / 1000));
}

/** The newest metadata checkpoint file of `dir`, and its JSON body. */
function newest(dir: string): { file: string; header: string[]; body: Record<string, unknown> } {
  const metadata = join(dir, 'metadata');
  const name = readdirSync(metadata).filter((n) => n.startsWith('checkpoint-')).sort().at(-1)!;
  const bytes = readFileSync(join(metadata, name));
  const nl = bytes.indexOf(0x0a);
  return { file: join(metadata, name), header: bytes.subarray(0, nl).toString().split(' '), body: JSON.parse(bytes.subarray(nl + 1).toString()) as Record<string, unknown> };
}

/** Writes `body` as a new newest checkpoint with a valid length and CRC (a forged but intact file). */
function forge(dir: string, edit: (body: Record<string, any>) => void): string {
  const { file, header, body } = newest(dir);
  edit(body);
  const seq = Number(/checkpoint-(\d+)$/.exec(file)![1]) + 1;
  const forged = join(dir, 'metadata', `checkpoint-${String(seq).padStart(12, '0')}`);
  body.sequence = seq;
  const bytes = Buffer.from(JSON.stringify(body));
  writeFileSync(forged, Buffer.concat([Buffer.from(`${header[0]} ${header[1]} ${bytes.length} ${crc32(bytes).toString(16).padStart(8, '0')}\n`), bytes]));
  return forged;
}

/** The part files of every state checkpoint folder under `dir`, newest batch first. */
function stateParts(dir: string): string[] {
  const out: { file: string; rdd: number }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const m = /rdd-(\d+)$/.exec(e.parentPath);
    if (e.isFile() && e.name.startsWith('part-') && m !== null) out.push({ file: join(e.parentPath, e.name), rdd: Number(m[1]) });
  }
  return out.sort((x, y) => y.rdd - x.rdd || (x.file < y.file ? -1 : 1)).map((x) => x.file);
}

describe('defect 1: relocatable checkpoints', () => {
  it('probe "cp -a A B; run B 15 s; run A": both folders recover independently, A keeps its state', async () => {
    const a = freshDir();
    await runTo(a, 6000);
    const b = `${a}-copy`;
    cpSync(a, b, { recursive: true, preserveTimestamps: true });
    try {
      const fromB = new Map<number, string>();
      expect(await runTo(b, 21_000, fromB)).toBe(6000);
      expectTotals(fromB, 7000, 21_000);
      const fromA = new Map<number, string>();
      expect(await runTo(a, 10_000, fromA)).toBe(6000);
      expectTotals(fromA, 7000, 10_000);
      expect(warnings.filter((w) => /no longer exists|unusable|falling back/i.test(w))).toEqual([]);
    } finally {
      // (the copy is outside useCheckpointDirs' list)
      rmSync(b, { recursive: true, force: true });
    }
  });

  it('probe "mv A C": the moved folder recovers, and no checkpoint names an absolute path', async () => {
    const a = freshDir();
    await runTo(a, 6000);
    const c = join(freshDir(), 'moved');
    renameSync(a, c);
    mkdirSync(a);
    const totals = new Map<number, string>();
    expect(await runTo(c, 10_000, totals)).toBe(6000);
    expectTotals(totals, 7000, 10_000);
    for (const name of readdirSync(join(c, 'metadata'))) {
      const text = readFileSync(join(c, 'metadata', name), 'utf8');
      expect(text).not.toContain(c);
      expect(text).not.toContain(a);
    }
  });
});

describe('defect 2: one process per checkpoint folder', () => {
  it('probe "two processes on one dir": the second start() fails naming the folder and the holder; a dead holder\'s lock is taken over', async () => {
    const dir = freshDir();
    const holder = startChild('packages/dstream/test/support/checkpoint-lock-holder.ts', { dir }, 240_000);
    try {
      // A loaded machine can take a minute to start a tsx child.
      const end = Date.now() + 120_000;
      while (!holder.output().includes('started')) {
        if (Date.now() > end) throw new Error(`the lock holder did not start: ${holder.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const ssc = program(dir, new Map());
      const error = await ssc.start().then(() => undefined, (e: unknown) => e as Error);
      await ssc.stop(true).catch(() => undefined);
      expect(error?.message).toContain(dir);
      expect(error?.message).toContain(`pid ${holder.child.pid}`);
      expect(error?.message).toContain(hostname());
      holder.child.kill('SIGKILL');
      await holder.done;
      // The holder died without releasing: the next start takes over, with a warning.
      const totals = new Map<number, string>();
      await runTo(dir, 3000, totals);
      expect(warnings.some((w) => w.includes(`pid ${holder.child.pid}`) && /taking it over|taken over/.test(w))).toBe(true);
      expect(totals.get(3000)).toBeDefined();
    } finally {
      holder.child.kill('SIGKILL');
      await holder.done.catch(() => undefined);
    }
  }, 240_000);
});

describe('defect 3: checksummed state files', () => {
  it('probe "one flipped byte in a state part": recovery falls back to an older checkpoint, warning with the file', async () => {
    const dir = freshDir();
    await runTo(dir, 6000);
    const part = stateParts(dir)[0]!;
    const bytes = readFileSync(part);
    bytes[bytes.length - 1] ^= 0x01;
    writeFileSync(part, bytes);
    const totals = new Map<number, string>();
    await runTo(dir, 10_000, totals);
    expectTotals(totals, 7000, 10_000);
    expect(warnings.some((w) => w.includes(part))).toBe(true);
  });

  it('probe "an emptied state part": recovery falls back instead of failing every restart', async () => {
    const dir = freshDir();
    await runTo(dir, 6000);
    const part = stateParts(dir)[0]!;
    writeFileSync(part, '');
    const totals = new Map<number, string>();
    await runTo(dir, 10_000, totals);
    expectTotals(totals, 7000, 10_000);
    expect(warnings.some((w) => w.includes(part))).toBe(true);
  });

  it('with every state checkpoint damaged, the error names the files and says what to do', async () => {
    const dir = freshDir();
    await runTo(dir, 6000);
    const parts = stateParts(dir);
    for (const p of parts) writeFileSync(p, 'garbage');
    // Checkpoints from before the first state checkpoint recover by recomputing: remove them.
    for (const name of readdirSync(join(dir, 'metadata'))) {
      if (!readFileSync(join(dir, 'metadata', name), 'utf8').includes('"checkpointedRDD":{')) rmSync(join(dir, 'metadata', name));
    }
    const error = await StreamingContext.getOrCreate(dir, () => program(dir, new Map())).then(async (ssc) => { await ssc.stop(true); }, (e: unknown) => e as Error);
    expect(error?.message).toContain(parts[0]);
    expect(error?.message).toMatch(/backup.*delete/);
  });

  it('probe "the newest metadata checkpoint is a folder": recovery falls back, and the warning names the file and the cause', async () => {
    const dir = freshDir();
    await runTo(dir, 6000);
    const { file } = newest(dir);
    rmSync(file);
    mkdirSync(file);
    const totals = new Map<number, string>();
    await runTo(dir, 9000, totals);
    expectTotals(totals, 7000, 9000);
    const warning = warnings.find((w) => w.includes('EISDIR'));
    expect(warning).toBeDefined();
    expect(warning).toContain(`Metadata checkpoint ${file} is unusable: cannot be read (EISDIR`);
  });

  it('probe "metadata/ deleted, state folders left": getOrCreate refuses, naming a state folder and what to do, instead of silently starting without the state', async () => {
    const dir = freshDir();
    await runTo(dir, 6000);
    const stateFolder = stateParts(dir)[0]!.replace(/\/part-\d+$/, '');
    rmSync(join(dir, 'metadata'), { recursive: true });
    let created = 0;
    const error = await StreamingContext.getOrCreate(dir, () => { created++; return program(dir, new Map()); })
      .then(async (ssc) => { await ssc.stop(true); return undefined; }, (e: unknown) => e as Error);
    expect(error?.name).toBe('UnrecoverableCheckpointError');
    expect(error?.message).toContain(stateFolder);
    expect(error?.message).toContain(join(dir, 'metadata'));
    expect(error?.message).toMatch(/backup.*delete/);
    expect(created).toBe(0);
    // The state is still there: nothing was deleted.
    expect(existsSync(stateFolder)).toBe(true);
    // Once the directory is deleted, a fresh start works.
    rmSync(dir, { recursive: true });
    const totals = new Map<number, string>();
    expect(await runTo(dir, 3000, totals)).toBe(0);
    expectTotals(totals, 1000, 3000);
  });
});

describe('defect 4: a checkpoint body with a valid CRC is validated field by field', () => {
  const cases: [string, (body: Record<string, any>) => void][] = [
    ['streams: [null]', (body) => { body.streams = [null]; }],
    ['latestGeneratedTime: 1e308', (body) => { body.latestGeneratedTime = 1e308; }],
    ['batchDurationMs: "1000"', (body) => { body.batchDurationMs = '1000'; }],
    ['a pending time off the batch grid', (body) => { body.pendingTimes = [5500]; }],
  ];
  for (const [probe, edit] of cases) {
    it(`probe "${probe}": treated as corrupt, warned about by file, and recovery falls back`, async () => {
      const dir = freshDir();
      await runTo(dir, 6000);
      const forged = forge(dir, edit);
      const totals = new Map<number, string>();
      expect(await runTo(dir, 10_000, totals)).toBe(6000);
      expectTotals(totals, 7000, 10_000);
      expect(warnings.some((w) => w.includes(forged))).toBe(true);
    });
  }

  it('probe "an input assignment naming a file outside the watched directory": never read, the checkpoint is treated as corrupt', async () => {
    const base = freshDir();
    const dir = join(base, 'checkpoint');
    const inDir = join(base, 'in');
    mkdirSync(inDir);
    const secret = join(base, 'secret.txt');
    writeFileSync(secret, 'SECRET LINE\n');
    const lines: string[] = [];
    const build = (): StreamingContext => {
      const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('paths').set('spark.streaming.clock', 'manual'), Seconds(1));
      ssc.checkpoint(dir);
      ssc.textFileStream(inDir).foreachRDD(async (rdd) => { lines.push(...(await rdd.collect())); });
      return ssc;
    };
    let ssc = await StreamingContext.getOrCreate(dir, build);
    await ssc.start();
    for (let i = 1; i <= 3; i++) {
      writeFileSync(join(inDir, `f${i}.txt`), `line ${i}\n`);
      await (ssc.clock as ManualClock).advance(1000);
    }
    await ssc.stop(true, true);
    expect(lines.sort()).toEqual(['line 1', 'line 2', 'line 3']);
    const forged = forge(dir, (body) => {
      for (const input of body.inputs) for (const [, batch] of input.assignments) if (batch.kind === 'files') for (const f of batch.files) f.path = secret;
    });
    lines.length = 0;
    ssc = await StreamingContext.getOrCreate(dir, build);
    await ssc.start();
    await (ssc.clock as ManualClock).advance(1000);
    await ssc.stop(true, true);
    expect(lines).not.toContain('SECRET LINE');
    expect(warnings.some((w) => w.includes(forged))).toBe(true);
  });

  it('probe "zero time 30 days back": missed batches are generated lazily (bounded queue), with progress in the log', async () => {
    const dir = freshDir();
    await runTo(dir, 3000);
    const missed = 600;
    const totals = new Map<number, string>();
    let outstanding = 0;
    let maxOutstanding = 0;
    let completed = 0;
    const info: string[] = [];
    setLogSink({ error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: (m) => info.push(m), debug: () => {} });
    const ssc = await StreamingContext.getOrCreate(dir, () => program(dir, totals, (c) => c.set('spark.streaming.manualClock.jump', String(missed * 1000)), missed + 10));
    ssc.addStreamingListener({
      onBatchSubmitted: () => { outstanding++; maxOutstanding = Math.max(maxOutstanding, outstanding); },
      onBatchCompleted: () => { outstanding--; completed++; },
    });
    await ssc.start();
    await (ssc.clock as ManualClock).advance(0);
    await ssc.stop(true, true);
    // Batch 3 (the checkpoint's own) runs again, then every batch up to the clock.
    expect(completed).toBe(missed + 1);
    expectTotals(totals, 3000, (missed + 3) * 1000);
    expect(maxOutstanding).toBeLessThanOrEqual(8);
    expect(info.some((m) => /missed batches/i.test(m) && m.includes(String(missed)))).toBe(true);
    expect(existsSync(dir)).toBe(true);
  }, 120_000);
});

describe('a reused metadata file (the writer rewrites a superseded file as its next checkpoint)', () => {
  it('probe "power cut after the rename, before the new body reached the disk": the old body under the newer name is never read as the newest', async () => {
    const dir = freshDir();
    await runTo(dir, 6000);
    const metadata = join(dir, 'metadata');
    const names = readdirSync(metadata).filter((n) => n.startsWith('checkpoint-')).sort();
    const seq = Number(/checkpoint-(\d+)$/.exec(names.at(-1)!)![1]) + 1;
    // the oldest retained checkpoint's bytes, intact (valid length and CRC), under the next name
    const stale = join(metadata, `checkpoint-${String(seq).padStart(12, '0')}`);
    writeFileSync(stale, readFileSync(join(metadata, names[0]!)));
    const totals = new Map<number, string>();
    // resumed where the newest real checkpoint left off, not at the stale body's batch
    expect(await runTo(dir, 10_000, totals)).toBe(6000);
    expectTotals(totals, 7000, 10_000);
    expect(warnings.some((w) => w.includes(`${stale} is unusable: its body is checkpoint`))).toBe(true);
  });
});

describe('the checkpoint directory after a run', () => {
  it('holds only the files docs/checkpoint-format.md lists (state and write-ahead log on, stopped gracefully)', async () => {
    const { Subject } = await import('rxjs');
    const dir = freshDir();
    const subject = new Subject<KV>();
    const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('layout').set('spark.streaming.clock', 'manual').set('spark.streaming.receiver.writeAheadLog.enable', 'true').set('spark.streaming.blockInterval', '50ms'), Seconds(1));
    ssc.checkpoint(dir);
    const input = new TestInputDStream<KV>(ssc, Array.from({ length: 10 }, (_, i) => inputOf(i + 1)), 2);
    const received = ssc.observableStream(subject, undefined, { log: () => {} });
    input.union(received).updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((x, y) => x + y, s ?? 0)).checkpoint(Seconds(2)).foreachRDD(async (rdd) => { await rdd.count(); });
    await ssc.start();
    expect(existsSync(join(dir, 'lock'))).toBe(true);
    for (let i = 0; i < 6; i++) {
      subject.next(['r', i]);
      await new Promise((r) => setTimeout(r, 80));
      await (ssc.clock as ManualClock).advance(1000);
    }
    await ssc.stop(true, true);
    // The layout block of docs/checkpoint-format.md, parsed: each line's first token is a path
    // template (`<uuid>`, `<id>` and digit runs are placeholders), so a file of a kind the
    // doc does not list fails this test.
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/checkpoint-format.md'), 'utf8');
    const layout = /## The checkpoint directory[\s\S]*?```\n([\s\S]*?)```/.exec(doc)![1]!;
    const templates = layout.split('\n').map((line) => line.trim().split(/\s+/)[0]!).filter((t) => t !== '' && t !== '<dir>/');
    const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
    const placeholder = (part: string): string =>
      part === '<uuid>' ? uuid : part === '<id>' ? '\\d+' : /^\d+$/.test(part) ? `\\d{${part.length}}` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const documented = templates.map((t) => new RegExp(`^${t.split(/(<uuid>|<id>|\d+)/).map(placeholder).join('')}$`));
    expect(templates).toEqual(expect.arrayContaining(['lock', 'metadata/checkpoint-000000000042', '<uuid>/rdd-<id>/part-00000', '<uuid>/rdd-<id>/_SUCCESS', 'receivedData/<uuid>/log-00000001']));
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
    const unexplained = files.filter((f) => !documented.some((re) => re.test(f)));
    // The patterns are not vacuous: a file the doc does not list is unexplained.
    expect(['metadata/other', 'stray.txt', `${randomUUID()}/rdd-3/extra`].filter((f) => !documented.some((re) => re.test(f)))).toHaveLength(3);
    expect(unexplained).toEqual([]);
    expect(files.some((f) => f.startsWith('receivedData/'))).toBe(true);
    expect(files.some((f) => f.endsWith('/_SUCCESS'))).toBe(true);
    // The lock is gone after the stop.
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});
