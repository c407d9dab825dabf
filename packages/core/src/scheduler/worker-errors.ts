import { RDDComputeError } from '../rdd/rdd-compute-error.ts';
import type { SerializedError } from './worker-protocol.ts';

/** An error as plain data, keeping what the driver needs to rebuild it. @internal */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof RDDComputeError) {
    return { name: e.name, message: e.message, stack: e.stack, rdd: e.rddDescription, partition: e.partition, what: e.what, cause: serializeError(e.cause) };
  }
  if (e instanceof Error) {
    const blame = (e as { blame?: unknown }).blame;
    return { name: e.name, message: e.message, stack: e.stack, cause: e.cause === undefined ? undefined : serializeError(e.cause), ...(typeof blame === 'string' ? { blame } : {}) };
  }
  return { name: 'Error', message: String(e), stack: undefined };
}

/**
 * Rebuilds a worker's error on the driver: an `RDDComputeError` stays one (same RDD,
 * partition and message); its cause keeps the original stack, with the worker named.
 * @internal
 */
export function reviveError(s: SerializedError, worker: number): Error {
  if (s.rdd !== undefined && s.partition !== undefined && s.what !== undefined) {
    return new RDDComputeError(s.rdd, s.partition, s.what, s.cause === undefined ? new Error('unknown cause') : reviveError(s.cause, worker));
  }
  const e = new Error(s.message, s.cause === undefined ? undefined : { cause: reviveError(s.cause, worker) });
  e.name = s.name;
  if (s.blame !== undefined) (e as Error & { blame?: string }).blame = s.blame;
  e.stack = `${s.stack ?? `${s.name}: ${s.message}`}\n    (in worker thread ${worker})`;
  return e;
}

/**
 * A worker thread of a `local[N]` context died (or was stopped) while the driver waited for it:
 * the batch fails with this error; nothing it computed is used.
 */
export class WorkerLostError extends Error {
  override readonly name = 'WorkerLostError';
  constructor(readonly worker: number, readonly reason: string) {
    super(`Worker thread ${worker} was lost (${reason}); its partitions cannot be computed. The StreamingContext stops as after a driver crash: restart the program (StreamingContext.getOrCreate recovers from the checkpoint).`);
  }
}
