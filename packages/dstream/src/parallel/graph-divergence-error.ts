import type { Time } from '@kindling/core';

/**
 * A worker thread of a `local[N]` context built a different graph, or generated different
 * RDDs for a batch, than the driver: the batch fails instead of computing wrong data. The
 * graph module must make the same structural decisions in every thread (see
 * `docs/architecture.md`, "Worker threads").
 */
export class GraphDivergenceError extends Error {
  override readonly name = 'GraphDivergenceError';
  constructor(
    /** The batch whose RDDs differ, or undefined when the graphs differ at build time. */
    readonly batchTime: Time | undefined,
    /** The stream whose RDDs (or the graph position) differ. */
    readonly stream: string,
    readonly worker: number,
    /** What the driver and the worker have at the first difference. */
    readonly driverHas: string,
    readonly workerHas: string,
  ) {
    super(
      `Worker thread ${worker} ${batchTime === undefined ? 'built a different graph' : `generated different RDDs for batch ${batchTime}`} than the driver at stream ${stream}: ` +
        `driver has '${driverHas}', worker has '${workerHas}'. The graph module must build the same streams and RDDs in every thread: ` +
        'no Math.random()/Date.now()/environment-dependent choices of operators or partition counts, and no RDDs created outside the graph module (e.g. pushed into a queueStream from the main program).',
    );
  }
}
