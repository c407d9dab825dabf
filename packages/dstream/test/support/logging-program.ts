/**
 * A small streaming program for the logging test, run as a child process: it prints with
 * `print()` and `console.log` (its own output) while the engine logs (files set aside at
 * start, context started/stopped, a glob matching nothing). Argument: JSON
 * `{ dir, setLogLevel?, confLogLevel? }`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkConf, Seconds, type ManualClock } from '@kindling/core';
import { StreamingContext } from '../../src/index.ts';

const args = JSON.parse(process.argv[2]!) as { dir: string; setLogLevel?: string; confLogLevel?: string };
const conf = new SparkConf().setMaster('local[2]').setAppName('logging-program').set('spark.streaming.clock', 'manual');
if (args.confLogLevel !== undefined) conf.set('spark.log.level', args.confLogLevel);
const ssc = new StreamingContext(conf, Seconds(1));
if (args.setLogLevel !== undefined) ssc.sparkContext.setLogLevel(args.setLogLevel);

const inbox = join(args.dir, 'inbox');
mkdirSync(inbox, { recursive: true });
writeFileSync(join(inbox, 'old-1.txt'), 'x\n');
writeFileSync(join(inbox, 'old-2.txt'), 'y\n');
let fileLines = 0;
ssc.textFileStream(inbox).foreachRDD(async (rdd) => { fileLines += await rdd.count(); });
ssc.queueStream([['a', 'b'], ['c']]).map((w) => w.toUpperCase()).print();

await ssc.start();
const clock = ssc.clock as ManualClock;
await clock.advance(1000);
await clock.advance(1000);
const nothing = await ssc.sparkContext.textFile(join(args.dir, 'nothing-*')).count();
console.log(`program: ${nothing} lines match nothing-*, ${fileLines} new file lines`);
await ssc.stop();
