import { median } from './median.ts';
import { speedRatio } from './paired-ratio.ts';
import type { SuiteResult } from './suite.ts';

function pad(cells: string[][], rightAlign: boolean[]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAlign[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

const mb = (bytes: number): string => (bytes > 0 ? `${(bytes / 2 ** 20).toFixed(0)} MB` : '-');
const num = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
/** Milliseconds: whole above 10, one decimal below (the smoke test's runs take a few). */
const ms = (n: number): string => (Number.isFinite(n) && n < 10 ? n.toFixed(1) : num(n));

/** Scavenges a run, timed / back to back (the last 3 warm-up runs), medians; '-' where not counted. */
function scavenges(r: SuiteResult['rows'][number]): string {
  const timed = r.scavengesPerRun ?? [];
  const warm = (r.warmupScavengesPerRun ?? []).slice(-3);
  if (timed.length === 0) return '-';
  return warm.length === 0 ? String(median(timed)) : `${median(timed)} / ${median(warm)}`;
}

/**
 * The results as Markdown tables (throughput, then latency), as printed and pasted into
 * BENCHMARKS.md. "records/s" is from the median timed run (warm: after the warm-up); "x hand"
 * is the speed over the hand loop's by wall time and "x hand CPU" by CPU time of the whole
 * process ("CPU ms/run", the median timed run's): under the interleaved schedule, the median of
 * the rounds' ratios, under the sequential one, from medians. "scavenges/run" is the median
 * count of young-generation collections on the main thread over the timed runs, then over the
 * last warm-up runs (back to back: what a run pays when its process did not idle before it;
 * the two differ when the young generation shrank while the process waited). "first run" and "x hand cold" are
 * the verifying run, the first of a fresh process; "warm-up runs" counts the runs between.
 */
export function formatTables(suite: SuiteResult): string {
  const header = ['workload', 'system', 'records', 'records/s (median)', 'x hand', 'CPU ms/run', 'x hand CPU', 'scavenges/run', 'first run', 'x hand cold', 'warm-up runs', 'peak heap', 'same result'];
  const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '-');
  const rows = suite.rows.map((r) => [
    r.workload,
    r.system,
    num(r.records),
    r.error ? 'unavailable' : num(r.recordsPerSec),
    r.error ? '-' : ratio(r.ratioToHand),
    r.error || r.runsCpuMs === undefined ? '-' : ms(median(r.runsCpuMs)),
    r.error || r.cpuRatioToHand === undefined ? '-' : ratio(r.cpuRatioToHand),
    r.error ? '-' : scavenges(r),
    r.coldMs !== undefined ? `${num(r.coldMs)} ms` : '-',
    r.error ? '-' : ratio(r.coldRatioToHand),
    r.warmupMs !== undefined ? String(r.warmupMs.length) : '-',
    mb(r.peakHeapBytes),
    r.error ? `- (${r.error.split('\n')[0]!.slice(0, 90)})` : r.agrees === undefined ? 'not compared' : r.agrees ? (r.scope === 'beam' ? 'yes (Beam input)' : 'yes') : 'NO',
  ]);
  const parts = rows.length > 0 ? [pad([header, ...rows], [false, false, true, true, true, true, true, true, true, true, true, true, false])] : [];
  if (suite.latency.length > 0) {
    const lh = ['latency', 'offered records/s', 'smallest sustained batch', 'p99 end-to-end', 'trials (interval: achieved records/s, p99, tail sched. delay)'];
    const lrows = suite.latency.map((l) => [
      l.system,
      num(l.rate),
      l.error ? 'unavailable' : l.bestIntervalMs !== undefined ? `${l.bestIntervalMs} ms` : 'none',
      l.p99Ms !== undefined ? `${l.p99Ms.toFixed(1)} ms` : '-',
      l.error ? l.error.split('\n')[0]!.slice(0, 90) : l.trials.map((t) => `${t.intervalMs}: ${num(t.achievedRate)}, ${t.p99Ms.toFixed(0)}, ${t.tailSchedulingDelayMs.toFixed(0)}${t.sustained ? '' : ' x'}`).join('; '),
    ]);
    parts.push(pad([lh, ...lrows], [false, true, true, true, false]));
  }
  const m = suite.machine;
  const schedule = suite.schedule === 'interleaved'
    ? `timed runs interleaved in ${suite.options.runs} rounds, x hand: median of the rounds' ratios`
    : 'timed runs one process after another, x hand: from medians';
  parts.push(`Machine: ${m.cpus} cores (${m.cpuModel}), Node ${m.node}, ${m.platform}, load average at start ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}; ${suite.startedAt}; ${schedule}; young generation ${suite.youngGeneration === 'pinned' ? 'pinned (16 MB semi-spaces)' : 'sized by V8'}.`);
  return parts.join('\n\n');
}

/**
 * The `kindling-N` rows against `kindling` (`local[1]`) of the same workload and run: speed-up
 * (paired per round when interleaved, as "x hand"),
 * the worker threads' start (setup, not timed) and the per-batch figures of
 * `measureBatches` (driver CPU, other threads' CPU, the threads' run-queue wait, remote stages, round trips to the workers). Empty when no `kindling-N`
 * row was measured.
 */
export function formatScaling(suite: SuiteResult): string {
  const header = ['workload', 'system', 'x kindling', 'x hand', 'driver CPU ms/batch', 'other threads CPU ms/batch', 'run-queue wait ms/batch', 'remote stages/batch', 'round trips/batch', 'worker start (setup)'];
  const rows: string[][] = [];
  const fixed = (n: number | undefined, digits = 1): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '-');
  for (const r of suite.rows) {
    if (!r.system.startsWith('kindling')) continue;
    const base = suite.rows.find((b) => b.workload === r.workload && b.system === 'kindling');
    if (base === undefined || !suite.rows.some((b) => b.workload === r.workload && /^kindling-\d+$/.test(b.system))) continue;
    if (r.system !== 'kindling' && !/^kindling-\d+$/.test(r.system)) continue;
    const m = r.metrics ?? {};
    rows.push([
      r.workload,
      r.system,
      r.error || base.error ? '-' : `${speedRatio(r, base, suite.schedule === 'interleaved', 'wall').toFixed(2)}x`,
      r.error ? '-' : `${r.ratioToHand.toFixed(2)}x`,
      fixed(m.driverCpuMsPerBatch),
      fixed(m.otherCpuMsPerBatch),
      fixed(m.runQueueMsPerBatch),
      fixed(m.remoteStagesPerBatch),
      fixed(m.remoteRequestsPerBatch),
      r.setupMs ? `${(r.setupMs / 1000).toFixed(1)} s` : '-',
    ]);
  }
  return rows.length === 0 ? '' : pad([header, ...rows], [false, false, true, true, true, true, true, true, true, true]);
}
