import { sortedEntries } from '../../harness/digest.ts';
import type { Workload } from '../../harness/workload.ts';
import { prepareTextInput } from '../text/text-input.ts';
import type { TextInput } from '../text/text-input.ts';

/**
 * WordCount, the D-Streams paper's workload: word counts over a window of `window` 1 s batches
 * sliding every batch, without (`wordcount`) or with (`wordcount-inv`) the inverse function.
 * Each batch's output is the window's (word, count) pairs.
 */
export function wordCountWorkload(inverse: boolean): Workload<TextInput> {
  return {
    name: inverse ? 'wordcount-inv' : 'wordcount',
    prepare: async (options, scope) => prepareTextInput(options, scope),
    records: (input) => input.records.length,
    canonical: sortedEntries,
    systems: {
      hand: async () => (await import('./word-count-hand.ts')).wordCountHand(inverse),
      rxjs: async () => (await import('./word-count-rxjs.ts')).wordCountRxjs(inverse),
      kindling: async () => (await import('./word-count-kindling.ts')).wordCountKindling(inverse),
      'kindling-2': async () => (await import('./word-count-kindling.ts')).wordCountKindlingParallel(inverse, 2),
      'kindling-4': async () => (await import('./word-count-kindling.ts')).wordCountKindlingParallel(inverse, 4),
      // Beam has no inverse-function variant: it runs the plain window once.
      ...(inverse ? {} : { beam: async () => (await import('./word-count-beam.ts')).wordCountBeam() }),
    },
  };
}
