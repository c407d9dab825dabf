import { generateTextRecords, toBatches } from '../../data/text-records.ts';
import type { BenchOptions, InputScope } from '../../harness/workload.ts';

/** The input of WordCount, Grep and TopKCount: 100-byte records cut into 1 s batches. */
export interface TextInput {
  /** All records, in order (RxJS streams them one by one and re-batches with `bufferCount`). */
  records: string[];
  /** `records` cut into batches of `perBatch`: batch i is the data of second i + 1. */
  batches: string[][];
  perBatch: number;
  /** Window length in batches (slide: one batch). */
  window: number;
  pattern: string;
  topK: number;
}

/** Builds the text input (Beam's scope: the first whole batches within `beamMaxRecords`). */
export function prepareTextInput(options: BenchOptions, scope: InputScope): TextInput {
  const batches = scope === 'beam'
    ? Math.max(1, Math.min(options.textBatches, Math.floor(options.beamMaxRecords / options.textRecords)))
    : options.textBatches;
  const records = generateTextRecords({ count: batches * options.textRecords, seed: options.seed, vocabulary: options.vocabulary });
  return {
    records,
    batches: toBatches(records, options.textRecords),
    perBatch: options.textRecords,
    window: options.window,
    pattern: options.pattern,
    topK: options.topK,
  };
}
