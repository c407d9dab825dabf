/**
 * A session tracker in the style of the `mapWithState` examples that followed Spark 1.6
 * (Spark's examples folder has only StatefulNetworkWordCount): lines `user page` arrive on a
 * TCP socket every 2 seconds; `mapWithState` keeps each user's open session (the pages seen)
 * with `StateSpec.function(...).timeout(...)` and `.initialState(...)`, emits the session so
 * far on every click, and closes it (`session ended` with its page count) once the user has
 * been idle longer than the timeout. `stateSnapshots()` prints the open sessions.
 *
 * Usage: `SessionTracker <hostname> <port> [<timeout seconds>]` (default 6).
 *
 * It runs on every core (`local[*]`): this module is its own graph module (see
 * {@link trackSessions}); each user's session lives on the worker thread owning its key.
 */
import { SparkConf } from '@kindling/core';
import { Seconds, StateSpec, StreamingContext } from '@kindling/dstream';
import type { DStream, MapWithStateDStream, State } from '@kindling/dstream';
import type { SocketAddress } from './network-word-count.ts';
import type { Println } from './recoverable-network-word-count.ts';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** What {@link trackSessions} needs (plain data: every worker thread gets a copy). */
export interface SessionArgs extends SocketAddress {
  readonly timeoutSeconds: number;
  /** Sessions open when the job starts (e.g. restored from elsewhere): user -> pages seen. */
  readonly openSessions: readonly (readonly [string, readonly string[]])[];
}

/** What the tracker emits per click (`pages`: the session so far) and per closed session (`ended`). */
export type SessionEvent = readonly [user: string, event: string];

/**
 * The mapping function: a click appends its page to the user's session and emits it; the
 * timeout call (no page) emits the session's end.
 */
export function trackSession(user: string, page: string | undefined, state: State<string[]>): SessionEvent {
  if (state.isTimingOut()) return [user, `session ended after ${state.get().length} pages`];
  const pages = [...(state.getOption() ?? []), page!];
  state.update(pages);
  return [user, pages.join(' > ')];
}

/** The example's graph, built in the driver and in every worker thread. */
export function trackSessions(ssc: StreamingContext, { host, port, timeoutSeconds, openSessions }: SessionArgs): MapWithStateDStream<string, string, string[], SessionEvent> {
  const initialState = ssc.sparkContext.parallelize(openSessions.map(([user, pages]) => [user, [...pages]] as [string, string[]]));
  const clicks: DStream<[string, string]> = ssc.socketTextStream(host, port)
    .map((line) => line.split(' '))
    .filter((fields) => fields.length === 2)
    .map(([user, page]) => [user!, page!] as [string, string]);
  return clicks.mapWithState(StateSpec.function(trackSession).timeout(Seconds(timeoutSeconds)).initialState(initialState));
}

/** Builds the example on a new context (not started), checkpointing to `checkpointDir`, on every core (`local[*]`) unless `conf` says otherwise. */
export async function sessionTracker(
  args: readonly string[],
  conf = new SparkConf().setMaster('local[*]'),
  checkpointDir = '.',
  println: Println = (line) => console.log(line),
  openSessions: SessionArgs['openSessions'] = [['alice', ['home']]],
): Promise<StreamingContext> {
  requireArgs(args.length >= 2, 'Usage: SessionTracker <hostname> <port> [<timeout seconds>]');
  const graphArgs: SessionArgs = {
    host: args[0]!,
    port: intArg(args[1], 'port'),
    timeoutSeconds: args[2] === undefined ? 6 : intArg(args[2], 'timeout seconds'),
    openSessions,
  };
  const ssc = new StreamingContext(conf.setAppName('SessionTracker'), Seconds(2));
  ssc.checkpoint(checkpointDir);
  const events = await ssc.buildGraph<MapWithStateDStream<string, string, string[], SessionEvent>>(import.meta.url, 'trackSessions', graphArgs);
  events.print();
  events.stateSnapshots().foreachRDD(async (rdd, time) => {
    const open = (await rdd.collect()).map(([user, pages]) => `${user}(${pages.length})`).sort();
    println(`Open sessions at ${time}: ${open.join(', ')}`);
  });
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = await sessionTracker(args);
  await ssc.start();
  await ssc.awaitTermination();
});
