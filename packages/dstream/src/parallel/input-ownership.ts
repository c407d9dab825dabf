import type { StreamingContext } from '../streaming-context.ts';

/**
 * Which partitions of a batch's input this thread holds, under `local[N]` with a graph module:
 * partition `p` belongs to worker `p mod size`. On the driver `rank` is undefined: it reads no
 * file and keeps no receiver block (the workers do). Absent (one thread): every partition.
 * @internal
 */
export interface InputOwnership {
  readonly size: number;
  readonly rank: number | undefined;
}

const ownership = new WeakMap<StreamingContext, InputOwnership>();

/** Sets the context's input ownership (when its worker threads start, or in a worker). @internal */
export function setInputOwnership(ssc: StreamingContext, o: InputOwnership): void { ownership.set(ssc, o); }

/** The context's input ownership, if its graph runs in worker threads. @internal */
export function inputOwnershipOf(ssc: StreamingContext): InputOwnership | undefined { return ownership.get(ssc); }
