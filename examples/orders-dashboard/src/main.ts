/**
 * `pnpm dashboard [options]`: the stock-order dashboard. See `--help` (cli-options.ts).
 */
import { parseDashboardArgs, USAGE } from './cli-options.ts';
import type { DashboardOptions } from './cli-options.ts';
import { runDashboard } from './run-dashboard.ts';

async function main(argv: readonly string[]): Promise<number> {
  let options: DashboardOptions;
  try {
    options = parseDashboardArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const run = await runDashboard(options);
  // Ctrl-C stops after the batch in progress. pnpm passes the terminal's Ctrl-C on to the
  // script a second time within milliseconds: one stop is enough. A Ctrl-C pressed again later
  // gives up waiting.
  let stopRequestedAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopRequestedAt === undefined) {
      stopRequestedAt = Date.now();
      console.error('\nStopping (waiting for the batch in progress; Ctrl-C again to quit at once)...');
      void run.stop();
    } else if (Date.now() - stopRequestedAt > 1000) {
      console.error(`Quitting without waiting (${signal}).`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const summary = await run.done;
  if (summary) {
    const seconds = summary.elapsedMs / 1000;
    console.log(
      `Replayed ${summary.files} files (${summary.orders.toLocaleString('en-US')} orders) in ${summary.batches} batches ` +
      `in ${seconds.toFixed(2)} s: ${Math.round(summary.orders / seconds).toLocaleString('en-US')} orders/s`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error;
    console.error(`The dashboard failed: ${err.message}`);
    for (let c = err.cause as Error | undefined; c; c = c.cause as Error | undefined) console.error(`  caused by: ${c.message ?? String(c)}`);
    process.exit(1);
  },
);
