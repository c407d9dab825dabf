/**
 * `pnpm bench`: every workload on every system, each in its own process, side by side on the
 * same generated data; prints the table and writes bench/results.json. Flags: `--help`.
 */
import { writeFileSync } from 'node:fs';
import { parseOptions } from './src/harness/options.ts';
import { runSuite } from './src/harness/suite.ts';
import { formatScaling, formatTables } from './src/harness/table.ts';
import { suiteProblems } from './src/harness/problems.ts';

let cli;
try {
  cli = parseOptions(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const suite = await runSuite(cli, (line) => console.error(line));
writeFileSync(cli.out, JSON.stringify(suite, null, 2) + '\n');
console.log(formatTables(suite));
const scaling = formatScaling(suite);
if (scaling !== '') console.log(`\nlocal[N] against local[1] (CPU per batch from /proc; worker start not timed):\n\n${scaling}`);
// A benchmark whose systems failed or disagree measured nothing worth reading: exit 1.
const problems = suiteProblems(suite);
for (const p of problems) console.error(`\n${p}`);
if (problems.length > 0) process.exitCode = 1;
