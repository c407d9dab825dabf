/**
 * The latency search for one system, in its own process: at the offered rate, try each batch
 * interval (longest first) for a few seconds on the real clock; the smallest interval sustained
 * (every record out, no growing scheduling delay) is the result, with that trial's p99
 * end-to-end latency. Stops after two intervals in a row are not sustained.
 */
import { writeFileSync } from 'node:fs';
import type { LatencyResult, LatencyTrial } from '../../harness/child-protocol.ts';
import { HeapSampler } from '../../harness/heap-sampler.ts';
import type { BenchOptions, SystemName } from '../../harness/workload.ts';
import { generateTextRecords } from '../../data/text-records.ts';
import type { TrialParams } from './latency-trial.ts';

async function loadTrial(system: SystemName): Promise<(p: TrialParams) => Promise<LatencyTrial>> {
  switch (system) {
    case 'hand': return (await import('./latency-hand.ts')).handTrial;
    case 'rxjs': return (await import('./latency-rxjs.ts')).rxjsTrial;
    case 'kindling': return (await import('./latency-kindling.ts')).kindlingTrial;
    default: throw new Error(`${system} has no latency trial (Beam's direct runner is batch-only)`);
  }
}

async function main(system: SystemName, options: BenchOptions): Promise<LatencyResult> {
  const result: LatencyResult = { system, rate: options.latencyRate, trials: [], peakHeapBytes: 0 };
  let trial: (p: TrialParams) => Promise<LatencyTrial>;
  try {
    trial = await loadTrial(system);
  } catch (e) {
    return { ...result, error: `cannot load: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  }
  const pool = generateTextRecords({ count: 20_000, seed: options.seed, vocabulary: options.vocabulary });
  const sampler = new HeapSampler();
  try {
    // Warm-up: one second at the longest interval, not reported.
    await trial({ pool, pattern: options.pattern, rate: options.latencyRate, intervalMs: options.latencyIntervals[0]!, seconds: 1 });
    sampler.start();
    let failures = 0;
    for (const intervalMs of options.latencyIntervals) {
      const t = await trial({ pool, pattern: options.pattern, rate: options.latencyRate, intervalMs, seconds: options.latencySeconds });
      result.trials.push(t);
      if (t.matches !== t.expectedMatches) {
        result.error = `wrong result: the ${intervalMs} ms trial counted ${t.matches} records containing ${JSON.stringify(options.pattern)}, the records its batches held have ${t.expectedMatches}`;
        break;
      }
      if (t.sustained) {
        failures = 0;
        result.bestIntervalMs = intervalMs;
        result.p99Ms = t.p99Ms;
      } else if (++failures === 2) break;
    }
  } catch (e) {
    result.error = `failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  result.peakHeapBytes = sampler.stop();
  return result;
}

const request = JSON.parse(process.argv[2]!) as { system: SystemName; options: BenchOptions; resultFile: string };
writeFileSync(request.resultFile, JSON.stringify(await main(request.system, request.options)));
process.exit(0);
