/**
 * `pnpm bench:redis`: Redis Streams figures for issue 14 item 6, against a real redis-server
 * started here on a Unix socket (no persistence).
 *
 * (read)     records/s through `RedisStreamsUtils.createDirectStream` -> `count` (one batch
 *            reading the whole topic: offsets, chunked XRANGE per partition, ConsumerRecords,
 *            the count job), timed from `advance()` to its resolution, vs a plain node-redis
 *            loop over the same topic: `client.xRange(key, start, end, { COUNT })` in chunks of
 *            10,000, the partitions read in parallel as Kindling reads them, counting entries;
 *            and the tightest loop, the same XRANGEs through `sendCommand` (raw arrays).
 * (produce)  records/s of `RedisStreamsProducer.send` (keyed, HashPartitioner) vs a plain
 *            pipelined `XADD key 0-* ...` loop with the same fields and chunking.
 *
 * (group)    1, 2 and 3 instances (child processes, a fixed split) of a re-keying job (shares per
 *            stock, reduceByKey into 4 partitions; volume per client, updateStateByKey; count())
 *            over the same topic, all routed through repartition logs: records/s (all records /
 *            the slowest instance's wall time) and the median per-batch delay (advance() to the
 *            batch's completion, on a manual clock advanced as fast as batches run).
 * (leases)   1, 2 and 3 instances (child processes, group-lease-instance.ts) of the same job under
 *            leases (spark.kindling.group.enabled, no fixed split) on the system clock, 1 s
 *            batches: once the instances own their fair shares of an empty topic, the records
 *            are written to it; records/s = all records / (first write to the last batch whose
 *            one-partition stage counted records), and the per-batch delay (the batch's total
 *            delay, scheduling included) of the batches that read records.
 *
 * Data: the first N lines of `../shared/data/orders/orders.txt` (seeded lines of the same
 * shape when absent), keyed by client id, on a 4-partition topic. Kindling and the baseline
 * alternate; medians of the timed rounds after a warm-up. Ratios compare runs of one process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { SparkConf, setLogLevel, type ManualClock } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StreamingContext } from '@kindling/dstream';
import { createClient } from 'redis';
import { RedisStreamsAdmin, RedisStreamsProducer, RedisStreamsUtils } from '../src/index.ts';
import { startRedisServer } from '../test/support/redis-server.ts';

const N = Number(process.argv.find((a) => a.startsWith('--records='))?.slice(10) ?? 200_000);
const REPS = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
const PARTITIONS = 4;
const CHUNK = 10_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function orderLines(): { lines: string[]; source: string } {
  const shared = resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data/orders/orders.txt');
  if (existsSync(shared)) return { lines: readFileSync(shared, 'utf8').split('\n').filter((l) => l.length > 0).slice(0, N), source: shared };
  const lines: string[] = [];
  let seed = 42;
  const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let i = 1; i <= N; i++) lines.push(`2016-03-22 20:25:28,${i},${1 + next(101)},EPE,${1 + next(1001)},${1 + next(100)}.00,${next(2) === 0 ? 'B' : 'S'}`);
  return { lines, source: 'seeded generator (shared orders.txt not found)' };
}

async function kindlingRead(url: string, topic: string): Promise<number> {
  const conf = new SparkConf().setMaster('local[2]').setAppName('bench-redis').set('spark.streaming.clock', 'manual');
  const ssc = new StreamingContext(conf, Seconds(1));
  let counted = -1;
  RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([topic], { 'redis.url': url, 'auto.offset.reset': 'earliest' }))
    .count().foreachRDD(async (rdd) => { counted = (await rdd.collect())[0]!; });
  await ssc.start();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await (ssc.clock as ManualClock).advance(1000);
  const ms = performance.now() - t0;
  cpu.push(cpuMs(c0));
  await ssc.stop(true);
  if (counted !== N) throw new Error(`Kindling counted ${counted}, expected ${N}`);
  return ms;
}

/** CPU time of this process (user + system) since `c0`, ms: the client's own cost, without the server's. */
function cpuMs(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}
let cpu: number[] = [];

/** The plain loop; `raw`: XRANGE through `sendCommand` (arrays, no reply objects), the tightest one. */
async function plainRead(url: string, topic: string, raw = false): Promise<number> {
  const client = createClient({ socket: { path: url.slice('unix://'.length), tls: false } });
  await client.connect();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: PARTITIONS }, async (_, p) => {
    const key = `${topic}-${p}`;
    let n = 0;
    let start = '-';
    for (;;) {
      if (raw) {
        const entries = await client.sendCommand(['XRANGE', key, start, '+', 'COUNT', String(CHUNK)]) as [string, string[]][];
        n += entries.length;
        if (entries.length < CHUNK) break;
        start = `(${entries[entries.length - 1]![0]}`;
      } else {
        const entries = (await client.xRange(key, start, '+', { COUNT: CHUNK })) ?? [];
        n += entries.length;
        if (entries.length < CHUNK) break;
        start = `(${entries[entries.length - 1]!.id}`;
      }
    }
    return n;
  }));
  const ms = performance.now() - t0;
  cpu.push(cpuMs(c0));
  await client.close();
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== N) throw new Error(`the plain loop counted ${total}, expected ${N}`);
  return ms;
}

async function main(): Promise<void> {
  setLogLevel('WARN');
  const server = await startRedisServer();
  const { lines, source } = orderLines();
  const records = lines.map((l) => ({ key: l.split(',')[2]!, value: l }));
  const admin = new RedisStreamsAdmin({ url: server.url });
  const producer = new RedisStreamsProducer({ url: server.url });
  const raw = createClient({ socket: { path: server.socketPath, tls: false } });
  await raw.connect();
  try {
    console.log(`records: ${N} (${source}), ${PARTITIONS} partitions, ${REPS} timed rounds; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    // Produce: each round writes a fresh topic, alternately with the producer and a plain loop.
    const prodK: number[] = [];
    const prodB: number[] = [];
    for (let r = 0; r <= REPS; r++) {
      const tk = `produce-k-${r}`;
      await admin.createTopic(tk, PARTITIONS);
      let t0 = performance.now();
      await producer.send(tk, records);
      const k = performance.now() - t0;
      const tb = `produce-b-${r}`;
      t0 = performance.now();
      for (let start = 0; start < records.length; start += 2000) {
        const multi = raw.multi();
        for (let i = start; i < Math.min(records.length, start + 2000); i++) {
          const rec = records[i]!;
          multi.addCommand(['XADD', `${tb}-${i % PARTITIONS}`, '0-*', 'k', rec.key, 'v', rec.value, 't', String(Date.now())]);
        }
        await multi.execAsPipeline();
      }
      const b = performance.now() - t0;
      if (r > 0) { prodK.push(k); prodB.push(b); }
      await admin.deleteTopic(tk);
      await raw.sendCommand(['DEL', ...Array.from({ length: PARTITIONS }, (_, p) => `${tb}-${p}`)]);
    }
    // Read: one topic, read whole by each side in turn.
    await admin.createTopic('read', PARTITIONS);
    await producer.send('read', records);
    const readK: number[] = [];
    const readB: number[] = [];
    const readR: number[] = [];
    const cpuK: number[] = [];
    const cpuB: number[] = [];
    const cpuR: number[] = [];
    for (let r = 0; r <= REPS; r++) {
      cpu = [];
      const k = await kindlingRead(server.url, 'read');
      const b = await plainRead(server.url, 'read');
      const raw = await plainRead(server.url, 'read', true);
      if (r > 0) { readK.push(k); readB.push(b); readR.push(raw); cpuK.push(cpu[0]!); cpuB.push(cpu[1]!); cpuR.push(cpu[2]!); }
    }
    const rate = (ms: number): string => `${(N / (ms / 1000) / 1e6).toFixed(3)} M records/s (${ms.toFixed(0)} ms)`;
    const mk = median(readK);
    const mb = median(readB);
    const mr = median(readR);
    console.log(`read    createDirectStream -> count: ${rate(mk)} | plain node-redis XRANGE loop (client.xRange): ${rate(mb)} | ratio ${(mb / mk).toFixed(2)}`);
    console.log(`        against the raw-reply loop (sendCommand XRANGE, no objects): ${rate(mr)} | ratio ${(mr / mk).toFixed(2)}`);
    const ck = median(cpuK);
    console.log(`        client CPU time (medians): Kindling ${ck.toFixed(0)} ms, xRange loop ${median(cpuB).toFixed(0)} ms (ratio ${(median(cpuB) / ck).toFixed(2)}), raw loop ${median(cpuR).toFixed(0)} ms (ratio ${(median(cpuR) / ck).toFixed(2)})`);
    const pk = median(prodK);
    const pb = median(prodB);
    console.log(`produce RedisStreamsProducer.send:  ${rate(pk)} | plain pipelined XADD loop:    ${rate(pb)} | ratio ${(pb / pk).toFixed(2)}`);
    await groupBench(server.url, N);
    await groupLeaseBench(server.url, records);
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    await raw.close();
    await producer.close();
    await admin.close();
    await server.dispose();
  }
}

const GROUP_BATCHES = 10;

/** Runs `instances` child instances of group-instance.ts over `topic`; resolves with their JSON lines. */
function runInstances(url: string, topic: string, instances: number, rate: number, dir: string): Promise<{ records: number; elapsedMs: number; batchMs: number[] }[]> {
  const script = fileURLToPath(new URL('./group-instance.ts', import.meta.url));
  return Promise.all(Array.from({ length: instances }, (_, i) => new Promise<{ records: number; elapsedMs: number; batchMs: number[] }>((done, fail) => {
    const args = { url, topic, instance: i, instances, batches: GROUP_BATCHES, rate, app: `bench-${instances}`, checkpointDir: join(dir, `ck-${instances}-${i}`) };
    const child = spawn(process.execPath, ['--conditions=kindling-source', '--import', 'tsx', script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(out.trim().split('\n').pop()!)) : fail(new Error(`instance ${i}/${instances} exited ${code}: ${err}`))));
  })));
}

/** The group section: the same topic read by 1, 2 and 3 instances in turn. */
async function groupBench(url: string, n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-group-bench-'));
  try {
    const rate = Math.ceil(n / PARTITIONS / GROUP_BATCHES);
    for (const instances of [1, 2, 3]) {
      const runs = await runInstances(url, 'read', instances, rate, dir);
      const records = runs.reduce((s, r) => s + r.records, 0);
      const wall = Math.max(...runs.map((r) => r.elapsedMs));
      const delays = runs.flatMap((r) => r.batchMs);
      console.log(`group   ${instances} instance(s): ${records} records in ${wall.toFixed(0)} ms = ${(records / (wall / 1000)).toFixed(0)} records/s; per-batch delay median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms (load ${loadavg()[0]!.toFixed(1)})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LEASE_BATCH_MS = 1000;

/** A child of group-lease-instance.ts: its output lines so far, and its exit. */
interface LeaseChild { lines: () => string[]; exit: Promise<number | null>; kill: () => void }

function startLeaseInstance(args: object): LeaseChild {
  const script = fileURLToPath(new URL('./group-lease-instance.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=kindling-source', '--import', 'tsx', script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => {
    if (code !== 0) process.stderr.write(`a lease instance exited ${code}: ${err}\n`);
    done(code);
  }));
  return { lines: () => out.split('\n').filter((l) => l !== ''), exit, kill: () => child.kill('SIGKILL') };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`group leases bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The group section under leases: 1, 2 and 3 instances in turn, each run on a topic and group of its own. */
async function groupLeaseBench(url: string, records: readonly { key: string; value: string }[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-lease-bench-'));
  const admin = new RedisStreamsAdmin({ url });
  const producer = new RedisStreamsProducer({ url });
  try {
    for (const instances of [1, 2, 3]) {
      const topic = `lease-${instances}`;
      await admin.createTopic(topic, PARTITIONS);
      const stopFile = join(dir, `stop-${instances}`);
      const children = Array.from({ length: instances }, (_, i) => startLeaseInstance({
        url, topic, group: `bench-lease-${instances}`, batchMs: LEASE_BATCH_MS, leaseMs: 5000, checkpointDir: join(dir, `ck-${instances}-${i}`), stopFile,
      }));
      try {
        // Settled: every instance owns its fair share of the source (the stages are rebalanced in the same batches), then two more batches.
        const owns = (c: LeaseChild): number => Number(c.lines().filter((l) => l.startsWith('owns ')).at(-1)?.slice(5) ?? '0');
        await waitFor('the instances to share the partitions', () => children.every((c) => owns(c) >= Math.floor(PARTITIONS / instances)) && children.reduce((a, c) => a + owns(c), 0) === PARTITIONS, 300_000);
        await new Promise((r) => setTimeout(r, 2 * LEASE_BATCH_MS));
        const t0 = Date.now();
        await producer.send(topic, records);
        const counted = (): { n: number; at: number }[] => children.flatMap((c) => c.lines().filter((l) => l.startsWith('{"counted"')).map((l) => JSON.parse(l) as { counted: number; at: number }).map((x) => ({ n: x.counted, at: x.at })));
        await waitFor('every record to be counted', () => counted().reduce((a, x) => a + x.n, 0) >= records.length, 600_000);
        const done = counted();
        const total = done.reduce((a, x) => a + x.n, 0);
        if (total !== records.length) throw new Error(`group leases bench: ${instances} instance(s) counted ${total} records, expected ${records.length}`);
        const wall = Math.max(...done.map((x) => x.at)) - t0;
        writeFileSync(stopFile, '');
        await Promise.all(children.map((c) => c.exit));
        const batches = children.flatMap((c) => c.lines().filter((l) => l.startsWith('{"batch"')).map((l) => JSON.parse(l) as { batch: number; records: number; delayMs: number }));
        const delays = batches.map((b) => b.delayMs);
        console.log(`leases  ${instances} instance(s): ${total} records in ${wall} ms = ${(total / (wall / 1000)).toFixed(0)} records/s; ${new Set(batches.map((b) => b.batch)).size} batches read records, per-batch delay median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms (load ${loadavg()[0]!.toFixed(1)})`);
      } finally {
        for (const c of children) c.kill();
      }
      await admin.deleteTopic(topic);
    }
  } finally {
    await producer.close();
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
