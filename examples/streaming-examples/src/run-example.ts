import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/**
 * A wrong command line. Spark's examples print their usage to stderr and exit 1;
 * {@link runExample} does that with this error's message.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Throws a {@link UsageError} with `usage` unless `ok`. */
export function requireArgs(ok: boolean, usage: string): asserts ok {
  if (!ok) throw new UsageError(usage);
}

/** Reads a port or count argument like Scala's `toInt`, with an error naming the argument. */
export function intArg(value: string | undefined, name: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n)) throw new UsageError(`<${name}> must be an integer, got ${JSON.stringify(value ?? '')}`);
  return n;
}

function isEntryPoint(moduleUrl: string): boolean {
  // A worker thread of local[N] imports the example as its graph module: it builds, never runs.
  if (!isMainThread) return false;
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * Runs `main(args)` when the module at `moduleUrl` is the script node was started with (as
 * `tsx src/network-word-count.ts localhost 9999`), and does nothing when it is imported (as
 * tests do, and as the worker threads of `local[N]` do when the example is its own graph
 * module). A {@link UsageError} prints its message and exits 1, as Spark's examples do.
 */
export function runExample(moduleUrl: string, main: (args: string[]) => Promise<void>): void {
  if (!isEntryPoint(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(e.message);
      } else {
        console.error(e);
      }
      process.exit(1);
    },
  );
}
