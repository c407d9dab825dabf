/**
 * A reduce task found a shuffle's map output missing: the outputs were released (the RDDs
 * reading them had been persisted in full, then unpersisted while a job was under way) or
 * dropped. Spark's `FetchFailedException`: the DAG scheduler catches it, re-runs the map
 * stage from lineage and then the tasks that had not finished. It reaches the user only when
 * that keeps failing (see the message).
 */
export class MissingMapOutputError extends Error {
  override readonly name = 'MissingMapOutputError';
  constructor(
    /** The RDD reading the shuffle. */
    readonly rddDescription: string,
    readonly shuffleId: number,
    readonly mapPartition: number,
    readonly reducePartition: number,
  ) {
    super(
      `${rddDescription} read shuffle ${shuffleId}, whose output of map partition ${mapPartition} (for reduce partition ${reducePartition}) ` +
        'is missing; the scheduler re-runs the map stage when this happens. Seen here, it kept happening: ' +
        'check that nothing calls clearMapOutputs() on the shuffle or unpersists its readers in a loop while jobs run.',
    );
  }
}

/** The {@link MissingMapOutputError} in `e` or its `cause` chain, if any. @internal */
export function missingMapOutputIn(e: unknown): MissingMapOutputError | undefined {
  for (let c = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
    if (c instanceof MissingMapOutputError) return c;
  }
  return undefined;
}
