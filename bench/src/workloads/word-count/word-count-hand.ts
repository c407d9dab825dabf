import type { SystemModule } from '../../harness/workload.ts';
import type { TextInput } from '../text/text-input.ts';
import { WindowCounts, countWords } from '../text/window-counts.ts';

/** WordCount as a single-pass loop over native Maps: the practical limit on Node. */
export function wordCountHand(inverse: boolean): SystemModule<TextInput> {
  return {
    async run(input, ctx) {
      const window = new WindowCounts(input.window, inverse);
      for (let b = 0; b < input.batches.length; b++) ctx.emit(b, window.push(countWords(input.batches[b]!)));
    },
  };
}
