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
  const onSignal = (): void => {
    console.error('\nStopping (waiting for the batch in progress)...');
    void run.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
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
