import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Milliseconds, SparkConf, setLogSink } from '@kindling/core';
import type { RDD } from '@kindling/core';
import { Receiver, StreamingContext, UIBindError } from '../src/index.ts';
import { uiSettings } from '../src/ui/streaming-ui.ts';
import { graphWorkerPoolOf } from '../src/parallel/build-graph.ts';
import type { PageJob } from '../src/ui/streaming-page-data.ts';
import type { WordCountArgs, WordCountGraph } from './support/graphs/word-count-graph.ts';
import { LineServer } from './support/line-server.ts';
import { inputStreamName } from '../src/input/input-stream-name.ts';
import { TestInputDStream } from '../src/testing/index.ts';

const GMT_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}GMT$/;

function conf(extra: Record<string, string> = {}): SparkConf {
  const c = new SparkConf().setMaster('local[2]').setAppName('ui-rest').set('spark.streaming.clock', 'manual')
    .set('spark.ui.enabled', 'true').set('spark.ui.port', '0');
  for (const [k, v] of Object.entries(extra)) c.set(k, v);
  return c;
}

async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** An error answer as Spark's JacksonMessageWriter writes an ErrorWrapper: the bare message as text. */
async function getError(url: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** A raw request, so that the Host header and the method can be chosen. */
function raw(url: string, host: string, method = 'GET'): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: { host } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end();
  });
}

let ssc: StreamingContext | undefined;
afterEach(async () => { await ssc?.stop(); ssc = undefined; });

describe("Spark's REST API on a manual-clock run", () => {
  it('reports statistics, batches, output operations and a failed batch as Spark does', async () => {
    ssc = new StreamingContext(conf(), Milliseconds(1000));
    // An input that reports its records (a queue stream reports none, as Spark's).
    const lines = new TestInputDStream(ssc, [['a', 'b', 'c'], ['d', 'e'], ['f']], 1);
    const counts: number[] = [];
    lines.foreachRDD(async (rdd) => { counts.push(await rdd.count()); });
    lines.foreachRDD((_rdd, time) => { if (time.milliseconds === 3000) throw new Error('boom at 3000'); });
    await ssc.start();
    const ui = ssc.sparkContext.uiWebUrl!;
    expect(ui).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const clock = ssc.clock as ManualClock;
    await clock.advance(2000);
    expect(counts).toEqual([3, 2]);

    const apps = await get(`${ui}/api/v1/applications`);
    const appId = ssc.sparkContext.applicationId;
    expect(apps.status).toBe(200);
    expect(apps.body).toHaveLength(1);
    expect(apps.body[0].id).toBe(appId);
    expect(apps.body[0].name).toBe('ui-rest');
    expect(apps.body[0].attempts[0].completed).toBe(false);
    // As Spark's live UI (SparkUI.getApplicationInfoList): no end, a duration of 0 while running.
    expect(apps.body[0].attempts[0]).toMatchObject({ endTime: '1969-12-31T23:59:59.999GMT', endTimeEpoch: -1, duration: 0 });
    expect(apps.body[0].attempts[0]).not.toHaveProperty('attemptId');
    expect(apps.body[0].attempts[0].startTime).toMatch(GMT_DATE);
    const base = `${ui}/api/v1/applications/${appId}/streaming`;

    const batches = (await get(`${base}/batches`)).body;
    expect(batches.map((b: any) => b.batchId)).toEqual([2000, 1000]);
    expect(batches[0]).toMatchObject({
      batchTime: '1970-01-01T00:00:02.000GMT', status: 'COMPLETED', batchDuration: 1000, inputSize: 2,
      numActiveOutputOps: 0, numCompletedOutputOps: 2, numFailedOutputOps: 0, numTotalOutputOps: 2,
    });
    expect(batches[1].inputSize).toBe(3);
    for (const b of batches) {
      expect(b).not.toHaveProperty('firstFailureReason');
      expect(b.totalDelay).toBe(b.schedulingDelay + b.processingTime);
    }

    const stats = (await get(`${base}/statistics`)).body;
    const totals = batches.map((b: any) => b.totalDelay);
    expect(stats).toMatchObject({
      batchDuration: 1000, numReceivers: 0, numActiveReceivers: 0, numInactiveReceivers: 0,
      numTotalCompletedBatches: 2, numRetainedCompletedBatches: 2, numActiveBatches: 0,
      numProcessedRecords: 5, numReceivedRecords: 5, avgInputRate: (3 + 2) / 2, // records/s in 1 s batches
      avgTotalDelay: Math.trunc((totals[0] + totals[1]) / 2),
    });
    expect(stats.startTime).toMatch(GMT_DATE);

    const ops = (await get(`${base}/batches/1000/operations`)).body;
    // As Spark: the name is the call site's short form, the description its long form (the stack).
    expect(ops.map((o: any) => o.outputOpId)).toEqual([0, 1]);
    for (const o of ops) {
      expect(o.name).toMatch(/^foreachRDD at streaming-ui-rest\.test\.ts:\d+$/);
      expect(o.description).toContain('streaming-ui-rest.test.ts');
    }
    expect(ops[0].name).not.toBe(ops[1].name);
    expect(ops[0].jobIds).toHaveLength(1); // the count
    expect(ops[1].jobIds).toEqual([]);
    expect(ops[0].startTime).toMatch(GMT_DATE);
    expect(Date.parse(ops[0].endTime.replace('GMT', 'Z')) - Date.parse(ops[0].startTime.replace('GMT', 'Z'))).toBe(ops[0].duration);
    expect((await get(`${base}/batches/1000/operations/1`)).body.outputOpId).toBe(1);
    expect((await get(`${base}/batches/2000`)).body.batchId).toBe(2000);

    // Every input stream is listed, receiver or not, with its rate per retained batch.
    const receivers = (await get(`${base}/receivers`)).body;
    expect(receivers).toHaveLength(1);
    expect(receivers[0]).toMatchObject({ streamId: 0, eventRates: [[1000, 3], [2000, 2]], avgEventRate: 2.5 });
    expect(receivers[0]).not.toHaveProperty('isActive');
    expect((await get(`${base}/receivers/0`)).body.streamId).toBe(0);

    expect((await get(`${base}/batches?status=QUEUED`)).body).toEqual([]);
    expect((await get(`${base}/batches?status=PROCESSING&status=COMPLETED`)).body).toHaveLength(2);
    // A status BatchStatus.fromString rejects fails the query parameter's conversion: JAX-RS answers 404.
    expect((await getError(`${base}/batches?status=DONE`)).status).toBe(404);
    // Spark's BatchStatus.fromString parses the status ignoring case (EnumUtil.parseIgnoreCase).
    expect((await get(`${base}/batches?status=completed`)).body.map((b: any) => b.batchId)).toEqual([2000, 1000]);
    expect((await get(`${base}/batches?status=Queued&status=processing`)).body).toEqual([]);

    // Unknown ids: 404 with Spark's message as the whole body, in text (Spark's NotFoundException
    // carries an ErrorWrapper, which JacksonMessageWriter writes as the bare string).
    const text = { status: 404, type: 'text/plain; charset=utf-8' };
    expect(await getError(`${base}/batches/999`)).toEqual({ ...text, text: 'unknown batch: 999' });
    expect(await getError(`${base}/batches/999/operations`)).toEqual({ ...text, text: 'unknown batch: 999' });
    expect(await getError(`${base}/batches/1000/operations/7`)).toEqual({ ...text, text: 'unknown output operation: 7' });
    expect(await getError(`${base}/receivers/3`)).toEqual({ ...text, text: 'unknown receiver: 3' });
    expect(await getError(`${ui}/api/v1/applications/app-nope/streaming/statistics`)).toEqual({ ...text, text: 'no such app: app-nope' });
    expect(await getError(`${ui}/api/v1/applications/app-nope`)).toEqual({ ...text, text: 'no such app: app-nope' });
    // Spark's ApiStreamingApp also serves applications/{appId}/{attemptId}/streaming; a live UI
    // has one attempt and answers for any attempt id.
    expect((await get(`${ui}/api/v1/applications/${appId}/1/streaming/batches/1000`)).body.batchId).toBe(1000);
    expect((await get(`${ui}/api/v1/applications/${appId}/1/streaming/statistics`)).body.numTotalCompletedBatches).toBe(2);

    // The third batch fails in its second output operation: the context stops itself, and the
    // UI stays up until the application calls stop().
    await expect(clock.advance(1000)).rejects.toThrow(/boom at 3000/);
    await expect(ssc.awaitTermination()).rejects.toThrow(/boom at 3000/);
    const failed = (await get(`${base}/batches/3000`)).body;
    expect(failed).toMatchObject({ status: 'COMPLETED', inputSize: 1, numCompletedOutputOps: 1, numFailedOutputOps: 1, numTotalOutputOps: 2 });
    expect(failed.firstFailureReason).toMatch(/^Error: boom at 3000/);
    const failedOp = (await get(`${base}/batches/3000/operations/1`)).body;
    expect(failedOp.failureReason).toBe(failed.firstFailureReason);
    expect((await get(`${base}/statistics`)).body).toMatchObject({ numTotalCompletedBatches: 3, numProcessedRecords: 6 });

    await ssc.stop();
    await expect(fetch(`${ui}/api/v1/applications`)).rejects.toThrow();
  });

  it('refuses other Host headers and anything but GET/HEAD', async () => {
    ssc = new StreamingContext(conf(), Milliseconds(1000));
    ssc.queueStream<number>([]).foreachRDD(() => {});
    await ssc.start();
    const ui = ssc.sparkContext.uiWebUrl!;
    const port = new URL(ui).port;
    const path = `${ui}/api/v1/applications`;
    expect(await raw(path, `127.0.0.1:${port}`)).toBe(200);
    expect(await raw(path, `localhost:${port}`)).toBe(200);
    expect(await raw(path, `evil.example:${port}`)).toBe(403);
    expect(await raw(path, 'localhost')).toBe(403); // the port is part of the check
    expect(await raw(path, `localhost:${Number(port) + 1}`)).toBe(403);
    expect(await raw(path, `127.0.0.1:${port}`, 'POST')).toBe(405);
    expect(await raw(path, `127.0.0.1:${port}`, 'DELETE')).toBe(405);
    expect(await raw(`${ui}/static/..%2f..%2fpackage.json`, `127.0.0.1:${port}`)).toBe(404);
  });

  it('keeps spark.streaming.ui.retainedBatches completed batches over 10,000 batches', async () => {
    ssc = new StreamingContext(conf({ 'spark.streaming.ui.retainedBatches': '50' }), Milliseconds(10));
    const queue: string[][] = [];
    for (let i = 0; i < 10_000; i++) queue.push(i % 7 === 0 ? ['x', 'y'] : ['x']);
    let expectedRecords = 0;
    for (const b of queue) expectedRecords += b.length;
    new TestInputDStream(ssc, queue, 1).foreachRDD(() => {});
    await ssc.start();
    await (ssc.clock as ManualClock).advance(10 * 10_000);
    const ui = ssc.sparkContext.uiWebUrl!;
    const base = `${ui}/api/v1/applications/${ssc.sparkContext.applicationId}/streaming`;
    const stats = (await get(`${base}/statistics`)).body;
    expect(stats).toMatchObject({ numTotalCompletedBatches: 10_000, numRetainedCompletedBatches: 50, numProcessedRecords: expectedRecords });
    const batches = (await get(`${base}/batches`)).body;
    expect(batches.map((b: any) => b.batchId)).toEqual(Array.from({ length: 50 }, (_, i) => 10 * (10_000 - i)));
    expect(await getError(`${base}/batches/${10 * 9_950}`)).toMatchObject({ status: 404, text: `unknown batch: ${10 * 9_950}` });
    expect((await get(`${base}/receivers`)).body[0].eventRates).toHaveLength(50);
    const page = (await get(`${ui}/streaming/data`)).body;
    expect(page.batches).toHaveLength(50);
  }, 120_000);
});

/** The batch page's jobs per output operation (`/streaming/batch/data`). */
async function pageJobs(ui: string, batchTime: number): Promise<Record<string, PageJob[]>> {
  return (await get(`${ui}/streaming/batch/data?id=${batchTime}`)).body.jobs;
}

/** The fields of a job row the batch page shows: stages and tasks, succeeded / failed / total. */
function counts(j: PageJob): unknown {
  return { status: j.status, stages: [j.numCompletedStages, j.numFailedStages, j.numStages], tasks: [j.numCompletedTasks, j.numFailedTasks, j.numTasks], active: j.numActiveTasks };
}

describe('jobs, stages and tasks of each output operation', () => {
  it('reports the real job ids, and per job its stages and tasks as the scheduler ran them', async () => {
    ssc = new StreamingContext(conf(), Milliseconds(1000));
    const sc = ssc.sparkContext;
    const started: number[] = [];
    sc.addJobListener({ onJobStart: (e) => { started.push(e.jobId); } });
    // Four input partitions, one line each; the second batch's third line fails a map task.
    const queue = [sc.parallelize(['a b', 'c a', 'b', 'd'], 4), sc.parallelize(['x', 'y', 'boom', 'z'], 4)];
    const lines = ssc.queueStream(queue);
    const sums: [string, number][][] = [];
    lines.flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b, 3)
      .foreachRDD(async (rdd) => { sums.push(await rdd.collect()); });
    lines.foreachRDD(async (rdd) => {
      await rdd.count();
      await rdd.map((l) => { if (l === 'boom') throw new Error('cannot take boom'); return l; }).count();
    });
    await ssc.start();
    const ui = sc.uiWebUrl!;
    const clock = ssc.clock as ManualClock;
    await clock.advance(1000);
    expect(sums[0]!.sort()).toEqual([['a', 2], ['b', 2], ['c', 1], ['d', 1]]);
    await expect(clock.advance(1000)).rejects.toThrow(/cannot take boom/);
    await expect(ssc.awaitTermination()).rejects.toThrow(/cannot take boom/);

    // Jobs in the order they ran: batch 1 (collect; count, count), batch 2 (collect; count, failing count).
    expect(started).toHaveLength(6);
    const [b1collect, b1count, b1map, b2collect, b2count, b2fail] = started;
    const base = `${ui}/api/v1/applications/${sc.applicationId}/streaming/batches`;
    const ops1 = (await get(`${base}/1000/operations`)).body;
    const ops2 = (await get(`${base}/2000/operations`)).body;
    expect(ops1.map((o: any) => o.jobIds)).toEqual([[b1collect], [b1count, b1map]]);
    expect(ops2.map((o: any) => o.jobIds)).toEqual([[b2collect], [b2count, b2fail]]);
    expect((await get(`${base}/2000/operations/1`)).body.jobIds).toEqual([b2count, b2fail]);

    // reduceByKey(_, 3) over 4 partitions: a map stage of 4 tasks, then a result stage of 3.
    const jobs1 = await pageJobs(ui, 1000);
    expect(jobs1['0']!.map((j) => j.jobId)).toEqual([b1collect]);
    expect(counts(jobs1['0']![0]!)).toEqual({ status: 'SUCCEEDED', stages: [2, 0, 2], tasks: [7, 0, 7], active: 0 });
    expect(jobs1['0']![0]!.stageIds).toHaveLength(2);
    expect(jobs1['0']![0]!.stageIds[1]).toBeGreaterThan(jobs1['0']![0]!.stageIds[0]!);
    expect(jobs1['1']!.map(counts)).toEqual([
      { status: 'SUCCEEDED', stages: [1, 0, 1], tasks: [4, 0, 4], active: 0 },
      { status: 'SUCCEEDED', stages: [1, 0, 1], tasks: [4, 0, 4], active: 0 },
    ]);
    // The failing job: tasks run in partition order, so two completed before the third failed.
    const jobs2 = await pageJobs(ui, 2000);
    expect(jobs2['1']!.map((j) => j.jobId)).toEqual([b2count, b2fail]);
    expect(counts(jobs2['1']![1]!)).toEqual({ status: 'FAILED', stages: [0, 1, 1], tasks: [2, 1, 4], active: 0 });
    expect(jobs2['1']![1]!.error).toContain('cannot take boom');
    // Stage ids are unique across the run.
    const allStages = [...Object.values(jobs1), ...Object.values(jobs2)].flat().flatMap((j) => j.stageIds);
    expect(new Set(allStages).size).toBe(allStages.length);
  });

  it("shows each job's group and description, as Spark's JobData (sc.setJobGroup in an output operation)", async () => {
    ssc = new StreamingContext(conf(), Milliseconds(1000));
    const sc = ssc.sparkContext;
    const lines = ssc.queueStream([sc.parallelize(['a', 'b', 'c'], 2)]);
    lines.foreachRDD(async (rdd) => {
      sc.setJobGroup('audit', 'count the lines');
      await rdd.count();
      sc.clearJobGroup();
      sc.setJobDescription('collect them');
      await rdd.collect();
      sc.setLocalProperty('spark.job.description', undefined);
      await rdd.first();
    });
    await ssc.start();
    await (ssc.clock as ManualClock).advance(1000);
    const rows = (await pageJobs(sc.uiWebUrl!, 1000))['0']!;
    expect(rows.map((j) => [j.callSite, j.jobGroup, j.description])).toEqual([
      ['count', 'audit', 'count the lines'],
      ['collect', undefined, 'collect them'],
      ['take', undefined, undefined],
    ]);
  });

  it('reports them too when the graph runs in worker threads (local[2] with buildGraph)', async () => {
    ssc = new StreamingContext(conf({ 'spark.default.parallelism': '2' }), Milliseconds(1000));
    const started: number[] = [];
    ssc.sparkContext.addJobListener({ onJobStart: (e) => { started.push(e.jobId); } });
    const args: WordCountArgs = { batches: [['a b a', 'c a', 'b b d'], ['x y', 'x', 'z']], numPartitions: 3 };
    const g = await ssc.buildGraph<WordCountGraph>(new URL('./support/graphs/word-count-graph.ts', import.meta.url), 'wordCount', args);
    const out: [string, number][][] = [];
    g.counts.foreachRDD(async (rdd) => { out.push(await rdd.collect()); });
    await ssc.start();
    expect(graphWorkerPoolOf(ssc)?.workers.length).toBe(2);
    await (ssc.clock as ManualClock).advance(2000);
    expect(out[0]!.sort()).toEqual([['a', 3], ['b', 3], ['c', 1], ['d', 1]]);
    expect(started).toHaveLength(2);
    const ui = ssc.sparkContext.uiWebUrl!;
    const base = `${ui}/api/v1/applications/${ssc.sparkContext.applicationId}/streaming/batches`;
    expect((await get(`${base}/1000/operations/0`)).body.jobIds).toEqual([started[0]]);
    expect((await get(`${base}/2000/operations/0`)).body.jobIds).toEqual([started[1]]);
    // 3 input partitions on the map side, reduceByKey over the default parallelism (2).
    for (const t of [1000, 2000]) {
      const jobs = await pageJobs(ui, t);
      expect(jobs['0']!.map(counts)).toEqual([{ status: 'SUCCEEDED', stages: [2, 0, 2], tasks: [5, 0, 5], active: 0 }]);
    }
  }, 60_000);
});

/** Stores three records as one block when started, then reports an error without stopping. */
class ThreeAndAnError extends Receiver<string> {
  onStart(): void {
    this.store(['r1', 'r2', 'r3']);
    this.reportError('upstream hiccup', new Error('ECONNRESET'));
  }
  onStop(): void {}
}

describe("Spark's REST API for receivers", () => {
  it('lists a receiver as active, with its location and last error', async () => {
    ssc = new StreamingContext(conf(), Milliseconds(1000));
    const received: string[] = [];
    ssc.receiverStream(new ThreeAndAnError()).foreachRDD(async (rdd) => { received.push(...await rdd.collect()); });
    await ssc.start();
    await (ssc.clock as ManualClock).advance(1000);
    expect(received).toEqual(['r1', 'r2', 'r3']);
    const base = `${ssc.sparkContext.uiWebUrl!}/api/v1/applications/${ssc.sparkContext.applicationId}/streaming`;
    const stats = (await get(`${base}/statistics`)).body;
    expect(stats).toMatchObject({ numReceivers: 1, numActiveReceivers: 1, numInactiveReceivers: 0, numReceivedRecords: 3, numProcessedRecords: 3 });
    const [r] = (await get(`${base}/receivers`)).body;
    expect(r).toMatchObject({ streamId: 0, isActive: true, executorId: 'driver', executorHost: 'localhost', lastErrorMessage: 'upstream hiccup', eventRates: [[1000, 3]], avgEventRate: 3 });
    expect(r.lastErrorTime).toMatch(GMT_DATE);
    expect(r.lastError).toContain('ECONNRESET');
  });
});

describe('input stream and receiver names, as Spark names them', () => {
  it("Spark's InputDStream.name rule: the class name in words, then the id", () => {
    expect(inputStreamName('SocketInputDStream', 0)).toBe('Socket stream [0]');
    expect(inputStreamName('QueueInputDStream', 3)).toBe('Queue stream [3]');
    // The example in Spark's comment on InputDStream.name.
    expect(inputStreamName('FlumePollingInputDStream', 1)).toBe('Flume polling stream [1]');
    expect(inputStreamName('PluggableInputDStream', 2)).toBe('Pluggable stream [2]');
  });

  it('lists a receiver as <ReceiverClass>-<id>, another input as its stream name, and the batch page names inputs by stream', async () => {
    const server = new LineServer((socket) => { socket.write('s1\ns2\n'); });
    const port = await server.listen();
    try {
      ssc = new StreamingContext(conf(), Milliseconds(1000));
      const socket = ssc.socketTextStream('127.0.0.1', port, undefined, { log: () => {} });
      const queue = ssc.queueStream([['q1']]);
      const plugged = ssc.receiverStream(new ThreeAndAnError(), { log: () => {} });
      const got: string[] = [];
      socket.union(queue).union(plugged).foreachRDD(async (rdd) => { got.push(...await rdd.collect()); });
      const receiverNames: string[] = [];
      ssc.addStreamingListener({ onReceiverStarted: (e) => { receiverNames.push(e.receiverInfo.name); } });
      await ssc.start();
      for (let i = 0; i < 200 && socket.storedRecords < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await (ssc.clock as ManualClock).advance(1000);
      expect(got.sort()).toEqual(['q1', 'r1', 'r2', 'r3', 's1', 's2']);
      expect(receiverNames.sort()).toEqual(['SocketReceiver-0', 'ThreeAndAnError-2']);
      const ui = ssc.sparkContext.uiWebUrl!;
      const base = `${ui}/api/v1/applications/${ssc.sparkContext.applicationId}/streaming`;
      const receivers = (await get(`${base}/receivers`)).body;
      expect(receivers.map((r: any) => [r.streamId, r.streamName])).toEqual([[0, 'SocketReceiver-0'], [1, 'Queue stream [1]'], [2, 'ThreeAndAnError-2']]);
      expect((await get(`${base}/receivers/1`)).body.streamName).toBe('Queue stream [1]');
      // Spark's batch page lists each input by its stream's name (StreamingJobProgressListener.streamName).
      const page = (await get(`${ui}/streaming/batch/data?id=1000`)).body;
      // A queue stream reports no input info (as Spark's QueueInputDStream), so it has no row.
      expect(page.inputs.map((i: any) => [i.id, i.name, i.records])).toEqual([[0, 'Socket stream [0]', 2], [2, 'Pluggable stream [2]', 3]]);
    } finally {
      await ssc?.stop();
      ssc = undefined;
      await server.close();
    }
  });
});

describe('UI settings and lifecycle', () => {
  it("defaults as Spark's, off under the manual clock", () => {
    const base = new SparkConf().setMaster('local').setAppName('s');
    expect(uiSettings(base, false, 1000)).toEqual({ enabled: true, host: '127.0.0.1', port: 4040, maxRetries: 16, retainedBatches: 1000 });
    expect(uiSettings(base, true, 1000).enabled).toBe(false);
    expect(uiSettings(base.clone().set('spark.ui.enabled', 'true'), true, 1000).enabled).toBe(true);
    expect(uiSettings(base.clone().set('spark.driver.bindAddress', '0.0.0.0'), false, 1000).host).toBe('0.0.0.0');
    expect(uiSettings(base.clone().set('spark.driver.bindAddress', '0.0.0.0').set('spark.ui.host', '::1'), false, 1000).host).toBe('::1');
    expect(() => uiSettings(base.clone().set('spark.ui.port', 'x'), false, 1000)).toThrow(/spark\.ui\.port/);
    expect(() => uiSettings(base.clone().set('spark.ui.enabled', 'yes'), false, 1000)).toThrow(/spark\.ui\.enabled/);
  });

  it('is off under the manual clock unless set: no URL', async () => {
    ssc = new StreamingContext(new SparkConf().setMaster('local').setAppName('m').set('spark.streaming.clock', 'manual'), Milliseconds(1000));
    ssc.queueStream<number>([]).foreachRDD(() => {});
    await ssc.start();
    expect(ssc.sparkContext.uiWebUrl).toBeUndefined();
  });

  it('serves by default on the system clock, logs its URL at INFO, takes the next port when one is taken, and stop() closes it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as AddressInfo).port;
    const lines: string[] = [];
    setLogSink({ error: (m) => lines.push(`ERROR ${m}`), warn: (m) => lines.push(`WARN ${m}`), info: (m) => lines.push(`INFO ${m}`), debug: () => {} });
    try {
      ssc = new StreamingContext(new SparkConf().setMaster('local').setAppName('sys').set('spark.ui.port', String(taken)), Milliseconds(50));
      ssc.queueStream<number>([]).foreachRDD(() => {});
      await ssc.start();
      const url = ssc.sparkContext.uiWebUrl!;
      const port = Number(new URL(url).port);
      expect(port).toBeGreaterThan(taken);
      expect(port).toBeLessThanOrEqual(taken + 16);
      expect(lines.some((l) => l.includes('INFO') && l.includes(url))).toBe(true);
      expect((await fetch(`${url}/streaming/`)).status).toBe(200);
      const sc = ssc.sparkContext;
      await ssc.stop();
      ssc = undefined;
      expect(sc.uiWebUrl).toBeUndefined();
      await expect(fetch(`${url}/streaming/`)).rejects.toThrow();
    } finally {
      setLogSink(undefined);
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('fails to start, as Spark, when every port from spark.ui.port to spark.ui.port + spark.port.maxRetries is taken', async () => {
    // Three consecutive ports held by real sockets: find a free run of three and take it.
    const blockers: Server[] = [];
    const listen = (port: number): Promise<Server | undefined> => new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(undefined));
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      for (let attempt = 0; attempt < 20 && blockers.length < 3; attempt++) {
        for (const b of blockers.splice(0)) await new Promise<void>((r) => b.close(() => r()));
        const first = await listen(0);
        if (first === undefined) continue;
        blockers.push(first);
        const base = (first.address() as AddressInfo).port;
        for (let i = 1; i < 3; i++) {
          const next = base + i <= 65535 ? await listen(base + i) : undefined;
          if (next === undefined) break;
          blockers.push(next);
        }
      }
      expect(blockers).toHaveLength(3);
      const first = (blockers[0]!.address() as AddressInfo).port;
      ssc = new StreamingContext(new SparkConf().setMaster('local').setAppName('no-port')
        .set('spark.ui.port', String(first)).set('spark.port.maxRetries', '2'), Milliseconds(50));
      const seen: number[] = [];
      ssc.queueStream<number>([[1]]).foreachRDD(async (rdd) => { seen.push(...await rdd.collect()); });
      const error = await ssc.start().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(UIBindError);
      const e = error as UIBindError;
      expect([e.host, e.firstPort, e.lastPort]).toEqual(['127.0.0.1', first, first + 2]);
      expect(e.message).toContain(`127.0.0.1, ports ${first}..${first + 2}`);
      expect(e.message).toMatch(/spark\.ui\.port.*spark\.port\.maxRetries.*spark\.ui\.enabled=false/);
      expect((e.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
      // Nothing runs: the context is stopped, no UI URL, no batch, and another context may start.
      expect(ssc.getState()).toBe('STOPPED');
      expect(ssc.sparkContext.uiWebUrl).toBeUndefined();
      expect(seen).toEqual([]);
      // Once the ports are free, a new context on the same SparkContext starts with its UI.
      for (const b of blockers.splice(0)) await new Promise<void>((r) => b.close(() => r()));
      ssc = new StreamingContext(ssc.sparkContext, Milliseconds(50));
      ssc.queueStream<number>([]).foreachRDD(() => {});
      await ssc.start();
      expect(ssc.getState()).toBe('ACTIVE');
      const port = Number(new URL(ssc.sparkContext.uiWebUrl!).port);
      expect(port).toBeGreaterThanOrEqual(first);
      expect(port).toBeLessThanOrEqual(first + 2);
    } finally {
      for (const b of blockers) await new Promise<void>((r) => b.close(() => r()));
    }
  });

  it('fails to start naming spark.ui.host when the address is not one of this machine', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never a local address.
    ssc = new StreamingContext(new SparkConf().setMaster('local').setAppName('bad-host').set('spark.ui.host', '192.0.2.1').set('spark.ui.port', '0'), Milliseconds(50));
    ssc.queueStream<number>([]).foreachRDD(() => {});
    const error = await ssc.start().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UIBindError);
    expect((error as Error).message).toMatch(/could not listen on 192\.0\.2\.1, port 0: .*Set spark\.ui\.host \(or spark\.driver\.bindAddress\).*spark\.ui\.enabled=false/);
    expect(ssc.getState()).toBe('STOPPED');
  });
});
