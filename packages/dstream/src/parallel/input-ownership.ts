/**
 * Which partitions of a batch's input this thread holds, under `local[N]` with a graph module:
 * partition `p` belongs to worker `p mod size`. On the driver `rank` is undefined: it reads no
 * file and keeps no receiver block (the workers do). Absent (one thread): every partition.
 * Handed to every input stream of the graph (`InputDStream.readOwnedPartitions`).
 * @internal
 */
export interface InputOwnership {
  readonly size: number;
  readonly rank: number | undefined;
}
