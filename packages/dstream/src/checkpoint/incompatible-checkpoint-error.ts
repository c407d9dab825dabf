/**
 * Thrown by `StreamingContext.getOrCreate` when the program's graph cannot continue from the
 * checkpoint: `differences` lists each incompatibility; the message says how to proceed.
 */
export class IncompatibleCheckpointError extends Error {
  override readonly name = 'IncompatibleCheckpointError';

  constructor(readonly checkpointFile: string, readonly differences: readonly string[]) {
    super(
      `The streaming program cannot recover from checkpoint ${checkpointFile}: its graph is incompatible with the one that wrote it:\n` +
        differences.map((d) => `  - ${d}`).join('\n') +
        '\nTo proceed, either give the stateful streams of the new program the ids of the old ones ' +
        "(stream.name('<old id>'), e.g. the ids listed above; name streams in the first version to make ids independent of code order) " +
        'and keep their durations, or start fresh by deleting the checkpoint directory (the state in it is then lost).',
    );
  }
}
