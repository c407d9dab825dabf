/**
 * Thrown by `StreamingContext.getOrCreate` when a checkpoint directory holds state that cannot
 * be recovered: every metadata checkpoint file is unusable, or the metadata checkpoints are gone
 * while checkpointed state is still there. `problems` names each file and why; the message says
 * how to proceed. Nothing in the directory is changed, so it can still be restored from a backup.
 */
export class UnrecoverableCheckpointError extends Error {
  override readonly name = 'UnrecoverableCheckpointError';

  constructor(readonly checkpointDir: string, summary: string, readonly problems: readonly string[]) {
    super(
      `The checkpoint directory ${checkpointDir} ${summary}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Restore the directory from a backup, or delete it to start fresh (its state is then lost).',
    );
  }
}
