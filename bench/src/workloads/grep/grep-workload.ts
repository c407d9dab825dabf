import type { Workload } from '../../harness/workload.ts';
import { prepareTextInput } from '../text/text-input.ts';
import type { TextInput } from '../text/text-input.ts';

/** Grep: per 1 s batch, how many 100-byte records contain the pattern. */
export const grepWorkload: Workload<TextInput> = {
  name: 'grep',
  prepare: async (options, scope) => prepareTextInput(options, scope),
  records: (input) => input.records.length,
  canonical: (value) => value,
  systems: {
    hand: async () => (await import('./grep-hand.ts')).grepHand,
    rxjs: async () => (await import('./grep-rxjs.ts')).grepRxjs,
    kindling: async () => (await import('./grep-kindling.ts')).grepKindling,
  },
};
