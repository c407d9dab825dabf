import * as beam from 'apache-beam';
import { directRunner } from 'apache-beam/runners/direct_runner';
import { countPerElement, groupBy } from 'apache-beam/transforms/group_and_combine';
import { sum } from 'apache-beam/transforms/combiners';
import { windowParam } from 'apache-beam/transforms/pardo';
import { assignTimestamps, windowInto } from 'apache-beam/transforms/window';
import { fixedWindows, slidingWindows } from 'apache-beam/transforms/windowings';
import { splitWords } from '../../data/text-records.ts';
import type { SystemModule } from '../../harness/workload.ts';
import { beamBridge, beamLong } from '../beam/beam-bridge.ts';
import type { TextInput } from '../text/text-input.ts';

interface Bridge {
  [key: string]: unknown;
  batches: string[][];
  split: (line: string) => string[];
  Long: { fromNumber(n: number): unknown };
  out: Map<string, number>[];
  last: number;
}

// Reached from the pipeline's functions, which lose their closures (see beam-bridge.ts).
declare const globalThis: { __kindlingBeam: Bridge };

/** Stamps a batch index with its second (Beam names a step after its function). */
function stampWithBatch(b: number): never {
  return globalThis.__kindlingBeam.Long.fromNumber(b * 1000) as never;
}

function batchLines(b: number): string[] {
  return globalThis.__kindlingBeam.batches[b]!;
}

function lineWords(line: string): string[] {
  return globalThis.__kindlingBeam.split(line);
}

/** Files a window's count under the Spark batch whose window it is (the one ending with it). */
function collectWindowCount(kv: { element: string; count: number }, w: { window: { lookup(): { end: { toNumber(): number } } } }): void {
  const g = globalThis.__kindlingBeam;
  const batch = w.window.lookup().end.toNumber() / 1000 - 1;
  if (batch < g.last) g.out[batch]!.set(kv.element, kv.count);
}

/**
 * WordCount in Apache Beam's TypeScript SDK on its in-process direct runner: the batches as
 * elements stamped with their second, words counted in 1 s fixed windows, then summed over
 * sliding windows of `window` seconds every second (windows ending after the last batch are
 * dropped, as no Spark batch produces them).
 */
export function wordCountBeam(): SystemModule<TextInput> {
  return {
    async run(input, ctx) {
      const bridge = beamBridge<Bridge>({
        batches: input.batches, split: splitWords, Long: beamLong(),
        out: input.batches.map(() => new Map<string, number>()), last: input.batches.length,
      });
      await directRunner().run((root) => {
        root.apply(beam.create(input.batches.map((_, i) => i)))
          .apply(assignTimestamps(stampWithBatch))
          .flatMap(batchLines)
          .flatMap(lineWords)
          .apply(windowInto(fixedWindows(1)))
          .apply(countPerElement())
          .apply(windowInto(slidingWindows(input.window, 1)))
          .apply(groupBy('element').combining('count', sum, 'count'))
          .map(collectWindowCount, { window: windowParam() } as never);
      });
      for (let b = 0; b < bridge.out.length; b++) ctx.emit(b, bridge.out[b]!);
    },
  };
}
