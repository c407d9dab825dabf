import type { SuiteResult } from './suite.ts';

/**
 * Why a suite's results cannot be trusted, one line per problem: a system that failed, one whose
 * output differs from the hand loop's, one not compared, a latency search that failed or ran no
 * trial. `pnpm bench` prints them and exits 1 when there is any.
 */
export function suiteProblems(suite: SuiteResult): string[] {
  const problems: string[] = [];
  for (const r of suite.rows) {
    if (r.error) problems.push(`${r.workload}/${r.system} failed: ${r.error}`);
    else if (r.agrees === false) problems.push(`${r.workload}/${r.system} does not produce the hand loop's result: ${r.disagreement}`);
    else if (r.agrees === undefined) problems.push(`${r.workload}/${r.system} was not compared with the hand loop (the hand loop failed)`);
  }
  for (const l of suite.latency) {
    if (l.error) problems.push(`latency/${l.system} failed: ${l.error}`);
    else if (l.trials.length === 0) problems.push(`latency/${l.system} ran no trial`);
  }
  return problems;
}
