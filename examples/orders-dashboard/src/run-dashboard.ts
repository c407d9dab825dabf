import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { List } from 'immutable';
import { SparkConf, formatElement } from '@kindling/core';
import { Milliseconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';
import type { DashboardOptions } from './cli-options.ts';
import { writeOrdersFile } from './order-generator.ts';
import { feedFiles, moveIntoFolder, splitOrdersFile, ttyProgress } from './feeder.ts';
import type { FeedFile, FeedProgress } from './feeder.ts';
import { ordersPipeline, type OrdersPipeline, type OrdersPipelineConfig } from './pipeline.ts';

/** The graph module's extension: `.ts` from sources, `.js` when built. */
const PIPELINE_EXT = /\.ts$/.test(import.meta.url) ? '.ts' : '.js';
import { setWrongLineReporter } from './order.ts';
import type { OutputLine } from './pipeline.ts';
import { DashboardModel } from './batch-view.ts';
import type { BatchView, FeedStatus, RankedEntry } from './batch-view.ts';
import { DashboardServer } from './dashboard-server.ts';
import { RedisStreamsAdmin, RedisStreamsProducer } from '@kindling/redis';
import { feedTopic, produceOrders } from './topic-feeder.ts';
import { GroupPace, type GroupLog } from './group-pace.ts';

/** Where a run keeps its files. */
export interface DashboardPaths {
  work: string;
  input: string;
  staging: string;
  checkpoint: string;
  /** Batch folders are `<outputPrefix>-<ms>.txt`. */
  outputPrefix: string;
  ordersFile: string;
  /** True when `work` is a temp folder of this run, removed when it ends (unless `--keep`). */
  temporaryWork: boolean;
}

/** What a finished replay reports. */
export interface ReplaySummary {
  files: number;
  orders: number;
  batches: number;
  /** Wall time from the context's start to the last batch's end. */
  elapsedMs: number;
}

/** Lines the run prints (stdout) and errors (stderr); tests pass their own. */
export interface DashboardIo {
  log: (line: string) => void;
  error: (line: string) => void;
  progress: (p: FeedProgress) => void;
}

const defaultIo: DashboardIo = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
  progress: ttyProgress(process.stderr),
};

/** A running dashboard: wait for it with `done`, end it with `stop()`. */
export interface DashboardRun {
  readonly paths: DashboardPaths;
  /** The page's URL, when the UI is on. */
  readonly url: string | undefined;
  readonly ssc: StreamingContext;
  /** Resolves when the run ends: after the last batch in a replay, after `stop()` otherwise. */
  readonly done: Promise<ReplaySummary | undefined>;
  stop(): Promise<void>;
}

async function preparePaths(options: DashboardOptions): Promise<DashboardPaths> {
  const work = options.work !== undefined ? resolve(options.work) : await mkdtemp(join(tmpdir(), 'kindling-orders-'));
  const paths: DashboardPaths = {
    work,
    input: join(work, 'input'),
    staging: join(work, 'staging'),
    checkpoint: join(work, 'checkpoint'),
    outputPrefix: join(options.out !== undefined ? resolve(options.out) : join(work, 'output'), 'output'),
    ordersFile: options.input !== undefined ? resolve(options.input) : join(work, 'orders.txt'),
    temporaryWork: options.work === undefined,
  };
  // These three belong to the run: start them empty so a reused --work folder replays the same.
  for (const dir of [paths.input, paths.staging, paths.checkpoint]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  await mkdir(join(paths.outputPrefix, '..'), { recursive: true });
  return paths;
}

function ranked(names: readonly string[], values: ReadonlyMap<string, number>): RankedEntry[] {
  return names.map((name, i) => ({ rank: i + 1, name, value: values.get(name) ?? Number.NaN }));
}

/**
 * Runs the orders dashboard: generates or reads the orders file, cuts it into pieces, starts the
 * chapter's pipeline, the feeder and (unless `--no-ui`) the web page. In `--replay` the clock is
 * manual and each piece is exactly one batch; `done` resolves with a summary after the last.
 */
export async function runDashboard(options: DashboardOptions, io: DashboardIo = defaultIo): Promise<DashboardRun> {
  const paths = await preparePaths(options);
  try {
    return await startDashboard(options, io, paths);
  } catch (e) {
    if (paths.temporaryWork && !options.keep) await rm(paths.work, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A temp work folder (no `--work`) is removed when the run ends, unless `--keep`: a
 * 500,000-order run leaves tens of MB there. Says where the outputs are when they stay.
 */
async function removeTemporaryWork(options: DashboardOptions, io: DashboardIo, paths: DashboardPaths): Promise<void> {
  const output = `${paths.outputPrefix}-<ms>.txt`;
  if (!paths.temporaryWork || options.keep) {
    io.log(`Outputs kept: ${output} (work folder ${paths.work})`);
    return;
  }
  await rm(paths.work, { recursive: true, force: true });
  const outputInWork = !relative(paths.work, paths.outputPrefix).startsWith('..');
  io.log(outputInWork
    ? `Removed the temporary work folder ${paths.work} (--keep or --work DIR keeps it and the output)`
    : `Removed the temporary work folder ${paths.work}; outputs kept: ${output}`);
}

async function startDashboard(options: DashboardOptions, io: DashboardIo, paths: DashboardPaths): Promise<DashboardRun> {
  if (options.input === undefined) {
    io.log(`Generating ${options.orders.toLocaleString('en-US')} orders (seed ${options.seed}) into ${paths.ordersFile}`);
    await writeOrdersFile(paths.ordersFile, { count: options.orders, seed: options.seed });
  }
  const files = await splitOrdersFile(paths.ordersFile, paths.staging, options.linesPerFile);
  const linesTotal = files.reduce((n, f) => n + f.lines, 0);

  const model = new DashboardModel('Kindling · stock orders', options.batch, options.state, options.replay);
  const server = options.ui ? new DashboardServer(model) : undefined;
  const setStatus = (status: FeedStatus): void => {
    model.status = status;
    server?.publish('status', status);
  };
  setStatus({ filesMoved: 0, filesTotal: files.length, linesMoved: 0, linesTotal, phase: 'starting' });

  // The application's name prefixes its repartition logs: under leases one per group, so that groups sharing a Redis do not share logs.
  let conf = new SparkConf().setMaster(options.master).setAppName(options.group !== undefined && options.instance === undefined ? `Orders dashboard ${options.group}` : 'Orders dashboard');
  if (options.replay) conf = conf.set('spark.streaming.clock', 'manual');
  // The Streaming UI (Spark's Streaming tab and REST API) serves beside the page, on the next
  // free port after it (4041 when the page has 4040), also in replay; --no-ui turns both off.
  conf = conf.set('spark.ui.enabled', String(options.ui));
  if (options.port === 0) conf = conf.set('spark.ui.port', '0');
  const grouped = options.group !== undefined;
  // --group without --instance: partitions owned by leases (a fixed split with it).
  const leases = grouped && options.instance === undefined;
  if (grouped) conf = conf.set('spark.kindling.group.enabled', 'true');
  if (leases) conf = conf.set('spark.kindling.group.leaseTimeout', `${options.lease}ms`);
  if (grouped && !leases) {
    conf = conf.set('spark.kindling.group.instances', String(options.instance!.count))
      .set('spark.kindling.group.instance', String(options.instance!.index));
  }
  // Under leases the instance that claims the feeder's role feeds; in a fixed split instance 0.
  // The others only read their partitions.
  const pace = leases ? await GroupPace.connect(options.source!, options.group!) : undefined;
  const feeds = !grouped || (pace !== undefined ? await pace.claimFeeder(`${hostname()}:${process.pid}`) : options.instance!.index === 0);
  if (pace !== undefined) io.log(feeds ? `Group ${options.group}: this instance feeds the topic${options.replay ? ' and sets the batch clock' : ''}` : `Group ${options.group}: another instance feeds the topic${options.replay ? '; this one follows its batch clock' : ''}`);
  const ssc = new StreamingContext(conf, Milliseconds(options.batch));
  // With --source, the feeder produces into a topic and the pipeline reads it (direct stream).
  let producer: RedisStreamsProducer | undefined;
  if (options.source !== undefined) {
    const admin = new RedisStreamsAdmin({ url: options.source });
    try {
      if (await admin.createTopic(options.topic, options.partitions)) io.log(`Created topic ${options.topic} (${options.partitions} partitions) at ${options.source}`);
    } finally {
      await admin.close();
    }
    producer = new RedisStreamsProducer({ url: options.source });
  }
  const config: OrdersPipelineConfig = {
    inputDir: paths.input,
    outputPrefix: paths.outputPrefix,
    checkpointDir: paths.checkpoint,
    state: options.state,
    source: options.source === undefined ? undefined : { url: options.source, topic: options.topic, groupId: options.group ?? 'orders-dashboard' },
    group: grouped,
  };
  // Fed by files, the graph module runs in every worker thread of local[*] (and on the main
  // thread); the Redis direct stream is not yet distributed, so that graph stays on one thread.
  const pipeline = options.source === undefined
    ? await ssc.buildGraph<OrdersPipeline>(new URL(`./pipeline${PIPELINE_EXT}`, import.meta.url), 'ordersPipeline', config)
    : ordersPipeline(ssc, config);
  const fedLines = files.map(((n) => (f: FeedFile) => (n += f.lines))(0));
  const feedOne = async (file: FeedFile, mtimeMs: number): Promise<void> => {
    if (!feeds) return waitForPiece(options, fedLines[files.indexOf(file)]!, abort.signal);
    if (producer !== undefined) await produceOrders(file, producer, options.topic);
    else await moveIntoFolder(file, paths.input, mtimeMs);
  };

  // The page's taps, registered after the book's output so each batch is written first.
  // finalStream is read twice per batch (saved, then shown): cache it rather than recompute.
  const views = new Map<number, BatchView>();
  const pending = new Map<number, { lines?: OutputLine[]; volumes?: Map<string, number>; shares?: Map<string, number> }>();
  const entry = (ms: number) => {
    let e = pending.get(ms);
    if (!e) pending.set(ms, (e = {}));
    return e;
  };
  pipeline.finalStream.cache();
  // Three branches read `orders` in every batch, so each line is parsed three times, and a
  // malformed one would be reported three times (in Spark too). Caching `orders` would parse
  // once but keep an hour of orders in memory (the window remembers its ancestors that long),
  // so instead the report is deduplicated within a batch.
  const reportedThisBatch = new Set<string>();
  const previousReporter = setWrongLineReporter((message) => {
    if (reportedThisBatch.has(message)) return;
    reportedThisBatch.add(message);
    io.log(message);
  });
  pipeline.finalStream.foreachRDD(async (rdd, time) => { entry(time.milliseconds).lines = await rdd.collect(); });
  pipeline.amountStateWhole.foreachRDD(async (rdd, time) => {
    const volumes = new Map<string, number>();
    for (const [client, volume] of await rdd.collect()) volumes.set(String(client), volume);
    entry(time.milliseconds).volumes = volumes;
  });
  pipeline.stocksPerWindowWhole.foreachRDD(async (rdd, time) => {
    entry(time.milliseconds).shares = new Map(await rdd.collect());
    // The last output of the batch: the view is complete, publish it.
    const ms = time.milliseconds;
    const e = pending.get(ms)!;
    pending.delete(ms);
    const lines = e.lines ?? [];
    const find = (label: string): List<string> | undefined => lines.find((l) => l[0] === label)?.[1];
    const view: BatchView = {
      time: ms,
      buys: Number(find('BUYS')?.get(0) ?? 0),
      sells: Number(find('SELLS')?.get(0) ?? 0),
      topClients: ranked(find('TOP5CLIENTS')?.toArray() ?? [], e.volumes ?? new Map()),
      topStocks: ranked(find('TOP5STOCKS')?.toArray() ?? [], e.shares ?? new Map()),
      lines: lines.map((l) => formatElement(l)),
      records: undefined,
      processingMs: undefined,
      schedulingDelayMs: undefined,
      totalDelayMs: undefined,
    };
    views.set(ms, view);
  });
  // The listener's figures arrive once the batch has completed; merge and push then.
  let batchesDone = 0;
  ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo }) => {
      const ms = batchInfo.batchTime.milliseconds;
      const view = views.get(ms);
      views.delete(ms);
      batchesDone++;
      reportedThisBatch.clear();
      if (!view) return;
      const full: BatchView = {
        ...view,
        records: batchInfo.numRecords,
        processingMs: batchInfo.processingDelay ?? undefined,
        schedulingDelayMs: batchInfo.schedulingDelay ?? undefined,
        totalDelayMs: batchInfo.totalDelay ?? undefined,
      };
      model.addBatch(full);
      server?.publish('batch', full);
      if (!server) io.log(`batch ${ms} ms: ${full.buys} buys, ${full.sells} sells; top clients ${full.topClients.map((c) => c.name).join(', ')}; top stocks ${full.topStocks.map((s) => s.name).join(', ')}`);
    },
  });

  const abort = new AbortController();
  const url = server ? await server.listen(options.port) : undefined;
  if (url) io.log(`Dashboard: ${url}`);
  io.log(`Work folder: ${paths.work}${paths.temporaryWork && !options.keep ? ' (removed on exit; --keep keeps it)' : ''} (batch output: ${paths.outputPrefix}-<ms>.txt)`);

  const progress = (p: FeedProgress): void => {
    io.progress(p);
    setStatus({ ...model.status, filesMoved: p.filesMoved, filesTotal: p.filesTotal, linesMoved: p.linesMoved, linesTotal: p.linesTotal, phase: p.filesMoved === p.filesTotal ? 'fed' : 'feeding' });
  };

  // One stop, however many ask for it (Ctrl-C, the end of a replay, the context ending): each
  // caller waits for the whole of it, so the process exits only after the cleanup.
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopOnce());
  const stopOnce = async (): Promise<void> => {
    stopped = true;
    abort.abort();
    try {
      if (ssc.getState() === 'ACTIVE') await ssc.stop(true, true);
    } finally {
      setWrongLineReporter(previousReporter);
      setStatus({ ...model.status, phase: 'finished', streamingUi: undefined });
      await server?.close();
      await producer?.close();
      await pace?.close().catch(() => undefined);
      await removeTemporaryWork(options, io, paths);
    }
  };

  await ssc.start();
  if (grouped && !leases) {
    const a = ssc.groupAssignment()!;
    setStatus({ ...model.status, group: { name: options.group!, instanceId: a.instanceId, logs: a.logs } });
    io.log(`Group ${options.group}: instance ${a.instanceId} owns ${a.logs.map((l) => `${l.log} [${l.owned.join(', ')}] of ${l.partitions}`).join('; ')}`);
  }
  // Under leases ownership moves (instances join, stop, die): shown as the leases in Redis say, after every batch.
  let shownOwners = '';
  let showing: Promise<void> = Promise.resolve();
  const showOwners = (): void => {
    if (pace === undefined) return;
    showing = showing.then(async () => {
      const a = ssc.groupAssignment()!;
      const logs = ownerLogs(a.logs);
      const owners = await pace.owners(logs);
      const text = JSON.stringify(owners);
      if (text === shownOwners) return;
      shownOwners = text;
      const me = a.instanceId;
      const view = logs.map((l, i) => ({ log: l.log, partitions: l.partitions, owned: owners[i]!.flatMap((o, p) => (o === me ? [p] : [])), owners: owners[i]! }));
      setStatus({ ...model.status, group: { name: options.group!, instanceId: me, logs: view } });
      io.log(`Group ${options.group}: instance ${me} owns ${view.map((l) => `${l.log} [${l.owned.join(', ')}] of ${l.partitions}`).join('; ')} (owners: ${view.map((l) => `${l.log}: ${l.owners.map((o) => o ?? '-').join(' ')}`).join('; ')})`);
    }).catch((e: unknown) => io.error(`Could not read the group's leases: ${(e as Error).message}`));
  };
  if (pace !== undefined) {
    showOwners();
    ssc.addStreamingListener({ onBatchCompleted: () => showOwners() });
  }
  const streamingUi = ssc.sparkContext.uiWebUrl;
  if (streamingUi !== undefined) {
    io.log(`Streaming UI: ${streamingUi}/streaming/`);
    setStatus({ ...model.status, streamingUi: `${streamingUi}/streaming/` });
  }

  let done: Promise<ReplaySummary | undefined>;
  if (options.replay) {
    done = (async () => {
      try {
        const elapsedMs = pace !== undefined
          ? await replayInGroup(ssc, files, options, feeds ? feedOne : undefined, progress, abort.signal, pace)
          : await replay(ssc, files, options, feedOne, progress, abort.signal);
        await showing;
        return { files: files.length, orders: linesTotal, batches: batchesDone, elapsedMs };
      } finally {
        await stop();
      }
    })();
  } else {
    const feeding = !feeds
      ? Promise.resolve()
      : producer !== undefined
      ? feedTopic(files, producer, options.topic, { everyMs: options.every, onProgress: progress, signal: abort.signal })
      : feedFiles(files, paths.input, { everyMs: options.every, onProgress: progress, signal: abort.signal });
    void feeding
      .then(() => { if (!stopped && feeds) io.log(`All ${files.length} files fed; the stream keeps running. Ctrl-C to stop.`); })
      .catch((e: unknown) => io.error(`The feeder stopped: ${(e as Error).message}`));
    done = (async () => {
      try {
        await ssc.awaitTermination();
      } finally {
        await stop();
      }
      return undefined;
    })();
  }
  return { paths, url, ssc, done, stop };
}

/**
 * Each piece is exactly one batch: stamp it with a time inside the coming batch, move it into
 * the input folder (or produce it into the topic), advance the manual clock by one batch (which
 * resolves once the batch has run its outputs). Paced by `--every` when given, so a person (or
 * a browser test) can watch.
 */
async function replay(
  ssc: StreamingContext,
  files: readonly FeedFile[],
  options: DashboardOptions,
  feedOne: (file: FeedFile, mtimeMs: number) => Promise<void>,
  progress: (p: FeedProgress) => void,
  signal: AbortSignal,
): Promise<number> {
  const clock = ssc.clock as ManualClock;
  const started = performance.now();
  let linesMoved = 0;
  const linesTotal = files.reduce((n, f) => n + f.lines, 0);
  for (let i = 0; i < files.length && !signal.aborted; i++) {
    const file = files[i]!;
    await feedOne(file, clock.getTimeMillis() + Math.floor(options.batch / 2));
    linesMoved += file.lines;
    progress({ filesMoved: i + 1, filesTotal: files.length, linesMoved, linesTotal, last: file });
    await clock.advance(options.batch);
    if (options.every > 0 && i < files.length - 1) await new Promise((r) => setTimeout(r, options.every));
  }
  return performance.now() - started;
}

/** The logs whose partitions are leased (one-partition stages share one), named as their leases are. */
function ownerLogs(logs: readonly { readonly ownerLog: string; readonly partitions: number }[]): GroupLog[] {
  const out = new Map<string, number>();
  for (const l of logs) out.set(l.ownerLog, Math.max(out.get(l.ownerLog) ?? 0, l.partitions));
  return [...out].map(([log, partitions]) => ({ log, partitions }));
}

/**
 * `--replay` under leases (`--group` without `--instance`): every instance's manual clock
 * follows the feeder's (`GroupPace`), and a batch is never awaited before the next one is
 * started: under leases a batch may wait for a later one (a partition without an owner in it
 * says so with its next batch's marker, and a dead instance's partitions are taken over only
 * by a new batch once its leases expire).
 *
 * The feeder (`feedOne` given) first waits, without any batch, until `--members` instances share
 * every log's partitions, each its fair share (the engine takes leases between batches too), so
 * that its batch times are a single run's; then for each piece: produces it, advances every clock
 * by one batch (which reads it), and waits until every partition of the topic committed that
 * batch before the next piece, so that each piece is exactly one batch on every partition. When
 * an instance died, it waits until the survivors took its leases over (between batches, once they
 * expired) and goes on with the next piece: before its batch, the new owners run catch-up
 * batches (the engine's) re-running the dead one's recorded batches and any batch time a
 * partition missed, each at its own time, so the next piece keeps the single run's batch time and
 * nothing stays behind (the replay completes). At the end it waits until every partition of every log
 * committed the last batch, then publishes the end. The others advance to the feeder's clock
 * until the end.
 */
async function replayInGroup(
  ssc: StreamingContext,
  files: readonly FeedFile[],
  options: DashboardOptions,
  feedOne: ((file: FeedFile, mtimeMs: number) => Promise<void>) | undefined,
  progress: (p: FeedProgress) => void,
  signal: AbortSignal,
  pace: GroupPace,
): Promise<number> {
  const clock = ssc.clock as ManualClock;
  const started = performance.now();
  const batch = options.batch;
  const running: Promise<void>[] = [];
  const step = (): void => { running.push(clock.advance(batch).catch(() => undefined)); };
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  if (feedOne === undefined) {
    for (;;) {
      if (signal.aborted) break;
      const published = await pace.readClock();
      while (published !== undefined && clock.getTimeMillis() < published.time) step();
      if (published?.done === true) break;
      await pause(20);
    }
  } else {
    const logs = ownerLogs(ssc.groupAssignment()!.logs);
    const topic = logs.slice(0, 1);
    const tick = async (): Promise<number> => {
      const t = clock.getTimeMillis() + batch;
      await pace.publishClock(t);
      step();
      return t;
    };
    let members = options.members;
    /**
     * Waits until `logs` committed batch `t`. When a member died (fewer live members than before)
     * and the survivors hold every lease again (taken between batches once the dead one's expired),
     * goes on (`more`: a batch follows) without waiting: the new owners re-run its recorded batches
     * in catch-up batches before their next batch (the engine's, see docs/log-sources.md), so the
     * next piece keeps the single run's batch time; at the end (no batch follows) it adds one. As a
     * last resort (nothing committed for five leases), one more batch.
     */
    const committed = async (of: readonly GroupLog[], t: number, more: boolean): Promise<void> => {
      let since = Date.now();
      while (!signal.aborted && !(await pace.committedThrough(of, t))) {
        const live = (await pace.members()).length;
        if (live < members && await pace.owned(logs)) {
          members = live;
          if (more) return;
          await tick();
          since = Date.now();
        } else if (Date.now() - since > 5 * options.lease) {
          await tick();
          since = Date.now();
        }
        await pause(20);
      }
    };
    // Leases are taken between batches too (the engine's timer): no batch is needed to settle, so the batch times are the single run's.
    while (!signal.aborted && !(await pace.settled(logs, options.members))) await pause(20);
    members = (await pace.members()).length;
    let linesMoved = 0;
    const linesTotal = files.reduce((n, f) => n + f.lines, 0);
    for (let i = 0; i < files.length && !signal.aborted; i++) {
      const file = files[i]!;
      await feedOne(file, clock.getTimeMillis() + Math.floor(batch / 2));
      linesMoved += file.lines;
      progress({ filesMoved: i + 1, filesTotal: files.length, linesMoved, linesTotal, last: file });
      await committed(topic, await tick(), i < files.length - 1);
    }
    await committed(logs, clock.getTimeMillis(), false);
    await pace.publishClock(clock.getTimeMillis(), true);
  }
  await Promise.all(running);
  return performance.now() - started;
}

/**
 * A group member that does not feed (`--group`, instance > 0) in `--replay`: waits until the
 * topic holds `lines` records (instance 0 has produced every piece up to this one), so that its
 * batch reads the same piece as instance 0's.
 */
async function waitForPiece(options: DashboardOptions, lines: number, signal: AbortSignal): Promise<void> {
  const admin = new RedisStreamsAdmin({ url: options.source! });
  try {
    let wait = 10;
    while (!signal.aborted) {
      const d = await admin.describeTopic(options.topic);
      if (d.partitions.reduce((n, p) => n + p.endOffset, 0) >= lines) return;
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 200);
    }
  } finally {
    await admin.close();
  }
}
