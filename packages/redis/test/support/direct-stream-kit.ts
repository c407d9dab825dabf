// Shared by the direct-stream suites: a manual-clock context, a log-line collector, a raw client.
import { SparkConf, setLogSink, type LogSink } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import { createClient } from 'redis';

/** A context on a manual clock with 1 s batches and extra settings. */
export function manualContext(settings: Record<string, string> = {}): StreamingContext {
  const conf = new SparkConf().setMaster('local[2]').setAppName('redis-direct-stream').set('spark.streaming.clock', 'manual');
  for (const [k, v] of Object.entries(settings)) conf.set(k, v);
  return new StreamingContext(conf, Seconds(1));
}

/** Collects engine log lines (WARN and up) while `f` runs. */
export async function collectingLogs<X>(f: (lines: string[]) => Promise<X>): Promise<X> {
  const lines: string[] = [];
  const sink: LogSink = { error: (m) => lines.push(m), warn: (m) => lines.push(m), info: () => undefined, debug: () => undefined };
  setLogSink(sink);
  try {
    return await f(lines);
  } finally {
    setLogSink(undefined);
  }
}

/** Runs `f` with a raw node-redis client on `url` (unix:// or redis://). */
export async function withRawClient<X>(url: string, f: (c: { sendCommand(args: string[]): Promise<unknown> }) => Promise<X>): Promise<X> {
  const c = url.startsWith('unix://') ? createClient({ socket: { path: url.slice('unix://'.length), tls: false } }) : createClient({ url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.close();
  }
}
