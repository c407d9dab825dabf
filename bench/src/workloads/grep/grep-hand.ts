import type { SystemModule } from '../../harness/workload.ts';
import type { TextInput } from '../text/text-input.ts';

/** Grep as a plain loop. */
export const grepHand: SystemModule<TextInput> = {
  async run(input, ctx) {
    const pattern = input.pattern;
    for (let b = 0; b < input.batches.length; b++) {
      const lines = input.batches[b]!;
      let n = 0;
      for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(pattern)) n++;
      ctx.emit(b, n);
    }
  },
};
