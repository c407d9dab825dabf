import type { InputDStream } from '../input/input-dstream.ts';

/**
 * The optional protocol by which an input stream's own position (beyond the per-batch
 * assignments of {@link InputDStream.assignedInputs}) goes into metadata checkpoints: a file
 * stream's ledger, a log source's next offsets. `snapshotState()` returns JSON-compatible
 * data, captured synchronously right after a batch is generated or completed;
 * `restoreState(state)` is called on the rebuilt stream before the context starts.
 */
export interface CheckpointableInput {
  snapshotState(): unknown;
  restoreState(state: unknown): void;
}

/** Whether `input` implements {@link CheckpointableInput}. */
export function isCheckpointableInput(input: InputDStream<unknown>): input is InputDStream<unknown> & CheckpointableInput {
  const c = input as Partial<CheckpointableInput>;
  return typeof c.snapshotState === 'function' && typeof c.restoreState === 'function';
}
