// What the lease-mode child programs share: start, say which member started, run until the
// test creates the stop file, stop gracefully; and report a failure on stderr with exit code 1.
import { existsSync } from 'node:fs';
import type { StreamingContext } from '@kindling/dstream';

/**
 * Starts `ssc`, calls `started` (if given), prints `started <member>` (known once started),
 * stops it gracefully once `stopFile` exists, then prints `done`.
 */
export async function runUntilStopFile(ssc: StreamingContext, member: () => string | undefined, stopFile: string, started?: () => void): Promise<void> {
  await ssc.start();
  started?.();
  process.stdout.write(`started ${member()}\n`);
  while (!existsSync(stopFile)) await new Promise((r) => setTimeout(r, 100));
  await ssc.stop(true, true);
  process.stdout.write('done\n');
}

/** Runs a child's `main`, writing its error's stack to stderr and exiting 1 when it fails. */
export function runChildMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
