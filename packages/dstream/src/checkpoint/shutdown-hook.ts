import { getLogger } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';

const log = getLogger('StreamingContext');

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * `spark.streaming.stopGracefullyOnShutdown`: on SIGTERM or SIGINT, stops `ssc` gracefully
 * (receivers stop, everything received is processed, a final metadata checkpoint is written),
 * then lets the signal take its default course (the process exits as it would have) unless
 * the application installed handlers of its own. Returns a function removing the handlers
 * (called when the context stops).
 */
export function installShutdownHook(ssc: StreamingContext): () => void {
  let fired = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (fired) return;
    fired = true;
    remove();
    ssc.stop(undefined, true).then(
      () => reraise(signal),
      (e: unknown) => {
        log.warn(`Graceful stop on ${signal} failed: ${e instanceof Error ? e.message : String(e)}`);
        reraise(signal);
      },
    );
  };
  const remove = (): void => {
    for (const s of SIGNALS) process.removeListener(s, handler);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return remove;
}

function reraise(signal: NodeJS.Signals): void {
  // Other listeners mean the application handles the signal itself: leave the exit to it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
