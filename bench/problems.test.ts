import { describe, expect, it } from 'vitest';
import { suiteProblems } from './src/harness/problems.ts';
import type { Row, SuiteResult } from './src/harness/suite.ts';

function row(system: Row['system'], extra: Partial<Row>): Row {
  return {
    workload: 'grep', system, scope: 'full', records: 10, batches: 1, digest: 'd', runsMs: [1], medianMs: 1,
    recordsPerSec: 10_000, peakHeapBytes: 1, ratioToHand: 1, coldRatioToHand: 1, agrees: true, ...extra,
  };
}

function suite(rows: Row[], latency: SuiteResult['latency'] = []): SuiteResult {
  return { machine: { cpus: 1, cpuModel: 'x', node: 'v20', platform: 'linux', loadAverage: [0, 0, 0] }, startedAt: '', options: {} as SuiteResult['options'], rows, latency, wallMs: {} };
}

describe('suiteProblems (what makes pnpm bench exit 1)', () => {
  it('accepts a suite where every system ran and agreed', () => {
    expect(suiteProblems(suite([row('hand', {}), row('kindling', {})]))).toEqual([]);
  });

  it('reports a system that failed, even with no disagreement to show', () => {
    const problems = suiteProblems(suite([row('hand', {}), row('kindling', { error: 'failed: boom', agrees: undefined })]));
    expect(problems).toEqual(['grep/kindling failed: failed: boom']);
  });

  it('reports a disagreement and a row that could not be compared', () => {
    const problems = suiteProblems(suite([
      row('hand', { error: 'cannot load: x', agrees: undefined }),
      row('rxjs', { agrees: undefined }),
      row('kindling', { agrees: false, disagreement: 'batch 0' }),
    ]));
    expect(problems).toHaveLength(3);
    expect(problems[1]).toContain('not compared');
    expect(problems[2]).toContain('batch 0');
  });

  it('reports a latency search that failed or ran no trial', () => {
    const problems = suiteProblems(suite([], [
      { system: 'kindling', error: 'wrong result: counted 3', rate: 1, trials: [], peakHeapBytes: 0 },
      { system: 'rxjs', rate: 1, trials: [], peakHeapBytes: 0 },
    ]));
    expect(problems).toEqual(['latency/kindling failed: wrong result: counted 3', 'latency/rxjs ran no trial']);
  });
});
