import { parseArgs } from 'node:util';

/** How the per-client volumes are kept: the book's `updateStateByKey` or `mapWithState`. */
export type StateMode = 'updateStateByKey' | 'mapWithState';

/** The dashboard's command line, parsed. */
export interface DashboardOptions {
  /** Orders file to feed; undefined: generate one. */
  input: string | undefined;
  linesPerFile: number;
  /** Feed interval in ms. */
  every: number;
  /** Batch interval in ms. */
  batch: number;
  /** Folder for the batch output folders `output-<ms>.txt`; undefined: `<work>/output`. */
  out: string | undefined;
  /** Folder for generated data, staging, input and checkpoints; undefined: a fresh temp folder. */
  work: string | undefined;
  /** Keep the temp work folder on exit (a `--work` folder is always kept). */
  keep: boolean;
  state: StateMode;
  port: number;
  ui: boolean;
  replay: boolean;
  /** Generated orders (when no `--input`). */
  orders: number;
  seed: number;
  /** `redis://...`, `rediss://...` or `unix:///...`: feed a Redis Streams topic instead of a folder. */
  source: string | undefined;
  /** The topic with `--source` (default `orders`). */
  topic: string;
  /** Partitions of the topic when the dashboard creates it (default 4). */
  partitions: number;
  /** With `--source`: share the job with other instances started with the same group. */
  group: string | undefined;
  /** With `--group`: this instance's index and the instance count of a fixed split (`0/2`); none: leases. */
  instance: { index: number; count: number } | undefined;
  /** With `--group` and leases: a partition's lease (and a member's heartbeat) in ms (`spark.kindling.group.leaseTimeout`, default 10000). */
  lease: number;
  /** With `--group`, leases and `--replay`: the feeder feeds no order before this many instances share the partitions (default 1). */
  members: number;
  /** Spark's master: `local[*]` (default: a worker thread per core), `local[N]`, or `local` / `local[1]` (one thread). */
  master: string;
  help: boolean;
}

export const USAGE = `Usage: pnpm dashboard [options]

The stock-order dashboard of "Spark in Action" (chapter 6) on Kindling: a feeder moves pieces of
an orders file into an input folder, a 5 s batch stream counts buys and sells, keeps each
client's volume, ranks the top 5 clients and the top 5 stocks of the last hour, writes every
batch to a folder and shows it live at http://127.0.0.1:<port>.

  --input FILE          orders file to feed (default: generate one with the seeded generator)
  --lines-per-file N    lines per piece fed to the stream (default 10000)
  --every MS            move one piece into the input folder every MS ms (default 3000;
                        with --replay default 0: as fast as batches run)
  --batch MS            batch interval (default 5000)
  --out DIR             batch folders DIR/output-<ms>.txt (default <work>/output)
  --work DIR            folder for generated data, staging, input, checkpoint, kept on exit
                        (default: a new temp folder, removed on exit)
  --keep                keep the temp work folder (and the output in it) on exit
  --state MODE          updateStateByKey (default) or mapWithState
  --port N              web page port on 127.0.0.1 (default 4040; 0 picks a free one)
  --no-ui               no web page
  --replay              deterministic run on a manual clock: each piece is exactly one batch;
                        exits 0 when every piece is processed
  --orders N            how many orders to generate without --input (default 500000)
  --seed N              generator seed (default 42)
  --source URL          read the orders from a Redis Streams topic (redis://host:port, rediss://...
                        or unix:///path/redis.sock) instead of a folder: the feeder produces each
                        piece into the topic, keyed by client id, and the pipeline reads it with
                        createDirectStream (Spark's Kafka direct stream)
  --topic NAME          the topic with --source (default orders; created when missing)
  --partitions N        its partition count when created (default 4)
  --group NAME          with --source: share the job with the other instances started with the
                        same NAME (group mode: the instances split the topic's partitions by
                        leases in Redis, the re-keying goes through repartition logs whose
                        partitions are leased too, and the instance owning the one-partition
                        stage writes the batch folders; an instance that stops or dies has its
                        partitions taken over once its leases expire); a new group reads the
                        topic from its start. The first instance to claim it feeds the topic; in
                        --replay it also sets the batch clock every instance follows
  --lease MS            with --group: a partition's lease in ms (default 10000)
  --members N           with --group and --replay: feed no order before N instances share the
                        partitions (default 1)
  --instance I/N        with --group: this is instance I of N (a fixed split of the partitions,
                        no leases: nothing takes over a stopped instance's partitions). Instance
                        0 feeds the topic; in --replay the others wait for each piece
  --master M            local[*] (default: the pipeline module runs in a worker thread per
                        core), local[N] (N threads) or local[1] (one thread, no workers)
  -h, --help            this text
`;

function positiveInt(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(value)}. See --help.`);
  }
  return n;
}

function sourceUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === 'files') return undefined;
  if (/^(rediss?:\/\/|unix:\/\/\/)/.test(value)) return value;
  throw new Error(`--source must be a Redis URL (redis://host:port, rediss://host:port or unix:///path/redis.sock), got ${JSON.stringify(value)}. See --help.`);
}

/** Parses the dashboard's flags; throws an error that names the bad flag and says what to do. */
export function parseDashboardArgs(argv: readonly string[]): DashboardOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        input: { type: 'string' },
        'lines-per-file': { type: 'string' },
        every: { type: 'string' },
        batch: { type: 'string' },
        out: { type: 'string' },
        work: { type: 'string' },
        keep: { type: 'boolean' },
        state: { type: 'string' },
        port: { type: 'string' },
        'no-ui': { type: 'boolean' },
        replay: { type: 'boolean' },
        orders: { type: 'string' },
        seed: { type: 'string' },
        source: { type: 'string' },
        topic: { type: 'string' },
        partitions: { type: 'string' },
        group: { type: 'string' },
        instance: { type: 'string' },
        lease: { type: 'string' },
        members: { type: 'string' },
        master: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}. See --help.`, { cause: e });
  }
  const v = parsed.values;
  const source = sourceUrl(v.source);
  if (v.group !== undefined && source === undefined) throw new Error('--group needs --source (several instances share a Redis Streams topic). See --help.');
  if (v.instance !== undefined && v.group === undefined) throw new Error('--instance needs --group. See --help.');
  let instance: DashboardOptions['instance'];
  if (v.instance !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v.instance);
    if (m === null || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new Error(`--instance must be I/N with 0 <= I < N (e.g. 0/2), got ${JSON.stringify(v.instance)}. See --help.`);
    instance = { index: Number(m[1]), count: Number(m[2]) };
  }
  if ((v.lease !== undefined || v.members !== undefined) && (v.group === undefined || instance !== undefined)) {
    throw new Error('--lease and --members need --group without --instance (leases). See --help.');
  }
  const master = v.master ?? 'local[*]';
  if (!/^local(\[(\*|[1-9]\d*)\])?$/.test(master)) {
    throw new Error(`--master must be local, local[N] (N >= 1) or local[*], got ${JSON.stringify(master)}. See --help.`);
  }
  const state = v.state ?? 'updateStateByKey';
  if (state !== 'updateStateByKey' && state !== 'mapWithState') {
    throw new Error(`--state must be updateStateByKey or mapWithState, got ${JSON.stringify(state)}`);
  }
  return {
    input: v.input,
    linesPerFile: positiveInt('lines-per-file', v['lines-per-file'], 10_000),
    // A replay runs as fast as it can unless asked to pace itself.
    every: positiveInt('every', v.every, v.replay ? 0 : 3000, true),
    batch: positiveInt('batch', v.batch, 5000),
    out: v.out,
    work: v.work,
    keep: v.keep ?? false,
    state,
    port: positiveInt('port', v.port, 4040, true),
    ui: !v['no-ui'],
    replay: v.replay ?? false,
    orders: positiveInt('orders', v.orders, 500_000),
    seed: positiveInt('seed', v.seed, 42, true),
    source,
    topic: v.topic ?? 'orders',
    partitions: positiveInt('partitions', v.partitions, 4),
    group: v.group,
    instance,
    lease: positiveInt('lease', v.lease, 10_000),
    members: positiveInt('members', v.members, 1),
    master,
    help: v.help ?? false,
  };
}
