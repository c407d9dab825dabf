// Spark's QueueInputDStream reports no input info (its compute never calls the
// InputInfoTracker): a batch fed only by a queue stream counts 0 records in BatchInfo, the
// Streaming UI and the REST API, however much the queue held; the data itself still flows.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Milliseconds, SparkConf } from '@kindling/core';
import { StreamingContext, type BatchInfo } from '../src/index.ts';

let ssc: StreamingContext | undefined;
afterEach(async () => { await ssc?.stop(); ssc = undefined; });

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.json();
}

describe('queueStream reports no records, as Spark', () => {
  it('arrays and RDDs in the queue: batches count 0 records, outputs see every record', async () => {
    const conf = new SparkConf().setMaster('local[1]').setAppName('queue-input-info').set('spark.streaming.clock', 'manual')
      .set('spark.ui.enabled', 'true').set('spark.ui.port', '0');
    ssc = new StreamingContext(conf, Milliseconds(1000));
    const sc = ssc.sparkContext;
    const queue = [['a', 'b', 'c'], sc.parallelize(['d', 'e'], 2), ['f']];
    const counts: number[] = [];
    ssc.queueStream<string>(queue).foreachRDD(async (rdd) => { counts.push(await rdd.count()); });
    const infos: BatchInfo[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => { infos.push(e.batchInfo); } });
    await ssc.start();
    await (ssc.clock as ManualClock).advance(3000);
    expect(counts).toEqual([3, 2, 1]);
    expect(infos.map((i) => [i.batchTime.milliseconds, i.numRecords, i.streamIdToInputInfo.size])).toEqual([[1000, 0, 0], [2000, 0, 0], [3000, 0, 0]]);

    const base = `${sc.uiWebUrl!}/api/v1/applications/${sc.applicationId}/streaming`;
    const batches = await getJson(`${base}/batches`);
    expect(batches.map((b: { batchId: number; inputSize: number }) => [b.batchId, b.inputSize])).toEqual([[3000, 0], [2000, 0], [1000, 0]]);
    expect(await getJson(`${base}/statistics`)).toMatchObject({ numProcessedRecords: 0, numReceivedRecords: 0, avgInputRate: 0 });
    // The queue stream is still listed as an input, with a rate of 0 for each batch.
    const [input] = await getJson(`${base}/receivers`);
    expect(input).toMatchObject({ streamId: 0, streamName: 'Queue stream [0]', avgEventRate: 0, eventRates: [[1000, 0], [2000, 0], [3000, 0]] });
  });
});
