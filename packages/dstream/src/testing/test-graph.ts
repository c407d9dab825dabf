import type { DStream, StreamingContext } from '../internal.ts';
import { TestInputDStream } from './test-input-dstream.ts';

/**
 * A test pipeline defined in a module, so that it can run in worker threads: `exportName` is
 * a function `(inputs, args) => DStream` of the test's input streams (one or two) and
 * `args` (structured-cloneable data).
 */
export interface TestGraphModule {
  /** The module's URL (e.g. `new URL('./ops.ts', import.meta.url)`) or path. */
  readonly module: URL | string;
  readonly exportName: string;
  readonly args?: unknown;
}

/** What the test kit's graph module receives. @internal */
export interface TestGraphSpec {
  readonly inputs: readonly (readonly (readonly unknown[] | undefined)[])[];
  readonly numPartitions: number;
  readonly module: string;
  readonly exportName: string;
  readonly args: unknown;
}

/**
 * The test kit's graph builder (`ssc.buildGraph` calls it in the driver and in every worker):
 * creates the test inputs, then applies the user's operation from its module.
 * @internal
 */
export async function buildTestGraph(ssc: StreamingContext, spec: TestGraphSpec): Promise<DStream<unknown>> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const op = mod[spec.exportName];
  if (typeof op !== 'function') throw new Error(`Test graph module ${spec.module} has no exported function '${spec.exportName}'`);
  const inputs = spec.inputs.map((batches) => new TestInputDStream<unknown>(ssc, batches, spec.numPartitions));
  return (op as (inputs: DStream<unknown>[], args: unknown) => DStream<unknown>)(inputs, spec.args);
}
