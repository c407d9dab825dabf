import type { SystemModule } from '../../harness/workload.ts';
import { manualContext, runBatches } from '../kindling-driver.ts';
import type { TextInput } from '../text/text-input.ts';

/** Grep in Kindling: `filter(_.contains(pattern)).count()` over a queue stream. */
export const grepKindling: SystemModule<TextInput> = {
  async run(input, ctx) {
    const { ssc, queue } = manualContext<string>('bench-grep');
    const pattern = input.pattern;
    ssc.queueStream(queue).filter((line) => line.includes(pattern)).count()
      .foreachRDD(async (rdd, time) => ctx.emit(time.milliseconds / 1000 - 1, (await rdd.collect())[0]));
    await runBatches(ssc, queue, input.batches);
  },
};
