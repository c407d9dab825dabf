// What the group suites' "fails at start" cases share: build a graph on a context and return the
// error its start() throws, stopping the context either way.
import type { StreamingContext } from '@kindling/dstream';

/** Builds with `build`, starts `ssc` and returns what `start()` threw; throws when it did not fail. */
export async function startError(ssc: StreamingContext, build: (ssc: StreamingContext) => void): Promise<Error> {
  build(ssc);
  try {
    await ssc.start();
  } catch (e) {
    return e as Error;
  } finally {
    await ssc.stop(true);
  }
  throw new Error('start() did not fail');
}
