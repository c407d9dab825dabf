import type { SystemModule } from '../../harness/workload.ts';
import type { TextInput } from '../text/text-input.ts';
import { topK } from '../text/top-k.ts';
import { WindowCounts, countWords } from '../text/window-counts.ts';

/** TopKCount as a loop: incremental window counts (add/subtract) and a one-pass top-k. */
export const topKHand: SystemModule<TextInput> = {
  async run(input, ctx) {
    const window = new WindowCounts(input.window, true);
    for (let b = 0; b < input.batches.length; b++) {
      ctx.emit(b, topK(window.push(countWords(input.batches[b]!)), input.topK));
    }
  },
};
