// A process that starts a streaming context on a checkpoint folder and keeps it running until
// it is killed: the other process of checkpoint-integrity.test.ts's lock test.
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '../../src/index.ts';
import { TestInputDStream } from '../../src/testing/index.ts';

const { dir } = JSON.parse(process.argv[2]!) as { dir: string };
const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('lock-holder').set('spark.streaming.clock', 'manual'), Seconds(1));
ssc.checkpoint(dir);
new TestInputDStream<number>(ssc, [[1]], 1).foreachRDD(() => {});
await ssc.start();
console.log('started');
setInterval(() => {}, 1000);
