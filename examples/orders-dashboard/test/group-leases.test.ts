// `--source redis://... --group NAME` without `--instance`: two dashboards share the book's job
// under leases (issue 15, item 7). The topic's partitions, the repartition logs' partitions and
// the one-partition stage are owned by leases in Redis; the feeder (the instance that claimed
// the role) sets the batch clock the other follows. Their batch folders (one shared output
// folder: whoever owns the one-partition stage in a batch writes its folder) must equal, batch
// for batch and line for line, a single instance's on the same input: every folder with orders
// in the single run's order, and no other. Ownership settles between batches (the engine takes
// leases on its timer), so without a kill the batch times are the single run's; after a kill
// too: once the survivor holds every lease the feeder goes on, and before the next piece's batch
// the survivor runs catch-up batches (the engine's) re-running the dead one's recorded batch at its
// own time, so no batch time is taken from the pieces that follow. In the second case the
// follower is SIGKILLed in the middle of a batch (frozen with SIGSTOP until the test has checked
// in Redis that it recorded every partition it owns for that batch and committed none) and the
// feeder takes over its partitions, its 60-minute window included. The book's second version
// (`--state mapWithState`) runs under leases too, its state living with the repartition
// partitions. A real Redis server, child processes, every wait on a condition.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupKeys } from '@kindling/redis';
import { startRedisServer, type RedisServer } from '../../../packages/redis/test/support/redis-server.ts';
import { REPO_ROOT, batchLines, runCli, startCli, type CliRun } from './support/run-cli.ts';

const PIECE = 1000;
const PIECES = 5;
const BATCH = 5000;

let dir: string;
let server: RedisServer;
let redis: ReturnType<typeof createClient>;
let solo: string[][];
/** The single run's batch times (one folder each). */
let soloTimes: number[];
const runs: CliRun[] = [];

/** The lines of every `output-<ms>.txt` folder of `out`, by time. */
async function folders(out: string): Promise<[number, string[]][]> {
  const names = (await readdir(out).catch(() => [] as string[])).filter((n) => /^output-\d+\.txt$/.test(n));
  const times = names.map((n) => Number(/\d+/.exec(n)![0])).sort((a, b) => a - b);
  const res: [number, string[]][] = [];
  for (const t of times) res.push([t, await batchLines(out, t)]);
  return res;
}

const hasOrders = (lines: readonly string[]): boolean => lines.some((l) => l.startsWith('(BUYS,') || l.startsWith('(SELLS,'));

/** The shared folders against the single run: the single run's folders, line for line and in order, and no other (no empty batch). */
function expectSameAsSolo(got: readonly [number, string[]][]): void {
  for (const [t, lines] of got) expect(hasOrders(lines), `folder ${t} holds orders`).toBe(true);
  expect(got.map(([, l]) => l)).toEqual(solo);
}

function leaseArgs(topic: string, out: string, work: string): string[] {
  return ['--replay', '--no-ui', '--input', join(dir, 'orders.txt'), '--lines-per-file', String(PIECE), '--batch', String(BATCH), '--source', server.url, '--partitions', '4',
    '--topic', topic, '--group', topic, '--members', '2', '--lease', '3000', '--master', 'local[2]', '--out', out, '--work', work];
}

function start(args: string[]): CliRun {
  const r = startCli(args);
  runs.push(r);
  return r;
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}.\n${runs.map((r) => `stdout:\n${r.stdout()}\nstderr:\n${r.stderr()}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orders-group-leases-'));
  server = await startRedisServer();
  redis = createClient({ url: server.url });
  await redis.connect();
  const BOOK = join(REPO_ROOT, '../shared/data/orders/orders.txt');
  const text = await readFile(BOOK, 'utf8').catch((e: unknown) => {
    throw new Error(`The book's orders are expected at ${BOOK} (../shared/data/orders/orders.txt from the repository root)`, { cause: e });
  });
  await writeFile(join(dir, 'orders.txt'), `${text.split('\n').filter((l) => l !== '').slice(0, PIECE * PIECES).join('\n')}\n`);
  await runCli(['--replay', '--no-ui', '--input', join(dir, 'orders.txt'), '--lines-per-file', String(PIECE), '--batch', String(BATCH), '--source', server.url, '--partitions', '4',
    '--topic', 'solo-orders', '--master', 'local[2]', '--out', join(dir, 'out-solo'), '--work', join(dir, 'work-solo')]);
  const soloFolders = await folders(join(dir, 'out-solo'));
  solo = soloFolders.map(([, l]) => l);
  soloTimes = soloFolders.map(([t]) => t);
}, 240_000);

afterAll(async () => {
  for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await Promise.allSettled(runs.map((r) => r.exit));
  await redis?.quit().catch(() => undefined);
  await server?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('--group without --instance: two dashboards under leases', () => {
  it('the single run feeds one folder per piece, each with buys and sells', () => {
    expect(solo).toHaveLength(PIECES);
    for (const lines of solo) expect(hasOrders(lines)).toBe(true);
  });

  it('write, from whichever owns the one-partition stage, the single run\'s folders', async () => {
    const out = join(dir, 'out-two');
    const a = start(leaseArgs('two-orders', out, join(dir, 'work-two-a')));
    const b = start(leaseArgs('two-orders', out, join(dir, 'work-two-b')));
    const [ca, cb] = await Promise.all([a.exit, b.exit]);
    expect(ca, `${a.stdout()}\n${a.stderr()}`).toBe(0);
    expect(cb, `${b.stdout()}\n${b.stderr()}`).toBe(0);
    // One fed, the other followed; each said which partitions it owns, and each owned some.
    expect([a.stdout(), b.stdout()].filter((s) => s.includes('this instance feeds the topic'))).toHaveLength(1);
    for (const r of [a, b]) expect(r.stdout()).toMatch(/Group two-orders: instance \S+ owns two-orders \[\d(, \d)*\] of 4/);
    // Ownership settled between batches (no batch to wait for it): the same batch times as the single run, no folder more.
    const got = await folders(out);
    expect(got.map(([t]) => t)).toEqual(soloTimes);
    expectSameAsSolo(got);
  }, 300_000);

  it('with --state mapWithState (its state after the re-keying committed with the repartition partitions), write the single run\'s folders', async () => {
    const out = join(dir, 'out-mws');
    const a = start([...leaseArgs('mws-orders', out, join(dir, 'work-mws-a')), '--state', 'mapWithState']);
    const b = start([...leaseArgs('mws-orders', out, join(dir, 'work-mws-b')), '--state', 'mapWithState']);
    const [ca, cb] = await Promise.all([a.exit, b.exit]);
    expect(ca, `${a.stdout()}\n${a.stderr()}`).toBe(0);
    expect(cb, `${b.stdout()}\n${b.stderr()}`).toBe(0);
    for (const r of [a, b]) expect(r.stdout()).toMatch(/Group mws-orders: instance \S+ owns mws-orders \[\d(, \d)*\] of 4/);
    // The book's two versions rank the same totals: the single run (updateStateByKey) is the reference.
    const got = await folders(out);
    expect(got.map(([t]) => t)).toEqual(soloTimes);
    expectSameAsSolo(got);
  }, 300_000);

  it('after the follower is SIGKILLed mid-batch, the feeder takes its partitions over and the folders still equal the single run\'s', async () => {
    const topic = 'kill-orders';
    const out = join(dir, 'out-kill');
    const a = start(leaseArgs(topic, out, join(dir, 'work-kill-a')));
    const b = start(leaseArgs(topic, out, join(dir, 'work-kill-b')));
    const feeder = async (): Promise<CliRun | undefined> => [a, b].find((r) => r.stdout().includes('this instance feeds the topic'));
    await until('the feeder to be known', async () => (await feeder()) !== undefined);
    const follower = (await feeder()) === a ? b : a;
    const keys = groupKeys(topic);
    const member = (): string | undefined => /Group \S+: instance (\S+) owns/.exec(follower.stdout())?.[1];
    await until('the follower to own partitions', async () => member() !== undefined);
    /** The partitions (per lease log) the follower holds. */
    const held = async (): Promise<{ log: string; partition: number }[]> => {
      const out: { log: string; partition: number }[] = [];
      for (const lease of await redis.keys(`${keys.record}:*:lease`)) {
        if (await redis.get(lease) !== member()) continue;
        const m = /^.*\}:(.+)-(\d+):lease$/.exec(lease)!;
        out.push({ log: m[1]!, partition: Number(m[2]) });
      }
      return out;
    };
    // Freeze the follower once it has recorded (not committed) a batch with orders on every partition it holds; else let it go on.
    let killedAt: number | undefined;
    let fedBefore = 0;
    await until('the follower to be frozen in the middle of a batch with orders', async () => {
      const fed = await feederLines(topic);
      if (fed <= fedBefore || fed >= PIECE * PIECES) return false;
      const parts = await held();
      if (parts.length === 0) return false;
      const recorded = async (): Promise<number | undefined> => {
        let time: number | undefined;
        for (const p of parts) {
          const k = keys.partition({ topic: p.log, partition: p.partition });
          const desc = Object.keys(await redis.hGetAll(k.desc)).map(Number);
          const top = desc.length === 0 ? undefined : Math.max(...desc);
          if (top === undefined || (time !== undefined && top !== time)) return undefined;
          const committed = Number(await redis.hGet(k.commit, 'batch') ?? '0');
          if (committed >= top) return undefined;
          time = top;
        }
        return time;
      };
      if ((await recorded()) === undefined) return false;
      follower.child.kill('SIGSTOP');
      const t = await recorded();
      if (t === undefined) {
        follower.child.kill('SIGCONT');
        fedBefore = fed;
        return false;
      }
      follower.child.kill('SIGKILL');
      killedAt = t;
      return true;
    });
    expect(killedAt).toBeDefined();
    expect((await follower.exit)).toBe(null);
    const f = (await feeder())!;
    let exited = false;
    void f.exit.then(() => { exited = true; });
    await until('the feeder to finish the replay', async () => exited);
    const code = await f.exit;
    expect(code, `${f.stdout()}\n${f.stderr()}`).toBe(0);
    // The feeder took the follower's partitions over: it re-ran the recorded batch, and owns everything in the end.
    expect(f.stderr() + f.stdout()).toMatch(/re-runs \d+ recorded uncommitted batch/);
    const me = [...f.stdout().matchAll(/Group \S+: instance (\S+) owns/g)].at(-1)![1]!;
    const last = [...f.stdout().matchAll(/\(owners: (.*)\)$/gm)].at(-1)![1]!;
    const logs = last.split('; ').map((l) => l.split(': ') as [string, string]);
    expect(logs.map(([log]) => log)).toContain(topic);
    for (const [log, owners] of logs) expect(owners.split(' '), log).toEqual(owners.split(' ').map(() => me));
    // The recorded batch was re-run at its own time in a catch-up batch before the next piece's:
    // the same folders as the single run, each ranking the whole state, with the same batch times
    // (the killed batch's included), no folder more.
    expect(f.stdout() + f.stderr()).toMatch(/catch-up batches before batch/);
    const got = await folders(out);
    expect(got.map(([t]) => t)).toContain(killedAt);
    expect(got.map(([t]) => t)).toEqual(soloTimes);
    expectSameAsSolo(got);
  }, 360_000);
});

/** How many order lines the topic holds (what the feeder has produced so far). */
async function feederLines(topic: string): Promise<number> {
  let n = 0;
  for (let p = 0; p < 4; p++) n += await redis.xLen(`${topic}-${p}`).catch(() => 0);
  return n;
}
