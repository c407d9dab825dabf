/**
 * Thrown by `StreamingContext.getOrCreate` when the program's graph cannot continue from the
 * checkpoint: `differences` lists each incompatibility; the message says how to proceed.
 * `missingStateful` lists the checkpoint's stateful streams the new program does not have (a
 * stream whose every output was removed is not part of the graph, as in Spark).
 */
export class IncompatibleCheckpointError extends Error {
  override readonly name = 'IncompatibleCheckpointError';

  constructor(
    readonly checkpointFile: string,
    readonly differences: readonly string[],
    readonly missingStateful: readonly string[] = [],
    checkpointDir?: string,
  ) {
    const ways: string[] = [];
    if (missingStateful.length > 0) {
      ways.push(
        `keep a stateful stream whose outputs were removed (${missingStateful.map((id) => `'${id}'`).join(', ')}): build it as before and give it an output that does nothing, ` +
          'e.g. `state.foreachRDD(() => {})`: only streams with an output are part of the program, and its state is then restored and kept up to date',
      );
    }
    ways.push(
      "give the stateful streams of the new program the ids of the old ones (stream.name('<old id>'), e.g. the ids listed above; " +
        'name streams in the first version to make ids independent of code order) and keep their durations',
    );
    ways.push(`start fresh by deleting the checkpoint directory${checkpointDir === undefined ? '' : ` ${checkpointDir}`} or using another one (the state in it is then lost)`);
    super(
      `The streaming program cannot recover from checkpoint ${checkpointFile}: its graph is incompatible with the one that wrote it:\n` +
        differences.map((d) => `  - ${d}`).join('\n') +
        `\nTo proceed:\n${ways.map((w, i) => `  - ${i === 0 ? '' : 'or '}${w}`).join(';\n')}.`,
    );
  }
}
