import type { Workload } from '../../harness/workload.ts';
import { prepareTextInput } from '../text/text-input.ts';
import type { TextInput } from '../text/text-input.ts';

/**
 * TopKCount: the `topK` most frequent words over a window of `window` 1 s batches sliding every
 * batch, ranked by count, ties by word. Each batch's output is the ranked list.
 */
export const topKWorkload: Workload<TextInput> = {
  name: 'topk',
  prepare: async (options, scope) => prepareTextInput(options, scope),
  records: (input) => input.records.length,
  canonical: (value) => [...(value as Iterable<[string, number]>)].map(([w, n]) => [w, n]),
  systems: {
    hand: async () => (await import('./top-k-hand.ts')).topKHand,
    rxjs: async () => (await import('./top-k-rxjs.ts')).topKRxjs,
    kindling: async () => (await import('./top-k-kindling.ts')).topKKindling,
    'kindling-2': async () => (await import('./top-k-kindling.ts')).topKKindlingParallel(2),
    'kindling-4': async () => (await import('./top-k-kindling.ts')).topKKindlingParallel(4),
  },
};
