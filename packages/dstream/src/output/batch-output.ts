import { formatElement, type RDD } from '@kindling/core';
import { encodeValues, writeFolderAtomically } from '@kindling/io';
import type { StreamingConf } from '../streaming-conf.ts';

/** Options of `saveAsTextFiles` / `saveAsObjectFiles`. */
export interface SaveBatchOptions {
  /**
   * Write no folder for a batch without elements. Default: the configuration key
   * `spark.kindling.output.skipEmptyBatches` (`false` unless set), so Spark's behaviour (an
   * empty folder with `_SUCCESS` per batch) is kept unless asked.
   */
  skipEmptyBatches?: boolean;
}

/** Whether empty batches are skipped: the option, else `spark.kindling.output.skipEmptyBatches` (`ssc.streamingConf`). */
export function shouldSkipEmptyBatches(conf: StreamingConf, options: SaveBatchOptions | undefined): boolean {
  return options?.skipEmptyBatches ?? conf.skipEmptyBatches;
}

/**
 * Writes one batch's folder atomically (`part-NNNNN` files then `_SUCCESS`, in a hidden
 * temporary folder renamed into place; a re-run replaces the folder), or nothing when
 * `skipEmpty` and the RDD has no element. The RDD is evaluated once either way.
 * @returns whether a folder was written.
 */
export async function saveBatch(rdd: RDD<unknown>, path: string, format: 'text' | 'object', skipEmpty: boolean): Promise<boolean> {
  if (!skipEmpty) {
    if (format === 'text') await rdd.saveAsTextFile(path);
    else await rdd.saveAsObjectFile(path);
    return true;
  }
  const parts = await rdd.context.runJob(
    rdd,
    (data): [number, string | Uint8Array] => {
      if (format === 'object') return [data.length, encodeValues(data)];
      let s = '';
      for (let i = 0; i < data.length; i++) s += formatElement(data[i]) + '\n';
      return [data.length, s];
    },
    undefined,
    format === 'text' ? 'saveAsTextFiles' : 'saveAsObjectFiles',
  );
  let n = 0;
  for (const p of parts) n += p[0];
  if (n === 0) return false;
  try {
    await writeFolderAtomically(path, parts.map((p) => p[1]));
  } catch (e) {
    throw new Error(`Could not write the output of ${rdd.toString()} to ${path}: ${(e as Error).message ?? String(e)}. Check that the parent folder is writable.`, { cause: e });
  }
  return true;
}
