import { StorageLevel } from '@kindling/core';
import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';
import { checkWindowDurations } from './window-durations.ts';

/**
 * `parent.window(windowDuration, slideDuration)`: at every multiple of the slide, the union of
 * the parent's RDDs in `(t - windowDuration, t]`. Early windows are partial (nothing before
 * the first batch), not suppressed.
 *
 * ```
 *  parent   |  1  |  2  |  3  |  4  |  5  |  6  |      batch 1 s, window 4 s, slide 2 s
 *  window               [1 2]       [1 2 3 4]   [3 4 5 6]
 *                        t=2         t=4         t=6
 * ```
 * Each parent RDD is shared by several windows, so the parent is persisted (unless the user
 * chose a level) and remembers `windowDuration` more than this stream needs.
 */
export class WindowedDStream<T> extends DStream<T> {
  static override kind = 'window';
  constructor(
    private readonly parent: DStream<T>,
    readonly windowDuration: Duration,
    private readonly slide: Duration,
  ) {
    super(parent.ssc);
    checkWindowDurations(this, parent, windowDuration, slide);
    if (parent.storageLevel === StorageLevel.NONE) parent.persist(StorageLevel.MEMORY_ONLY_SER);
  }

  get dependencies(): readonly DStream<unknown>[] { return [this.parent]; }
  get slideDuration(): Duration { return this.slide; }
  override get parentRememberDuration(): Duration | undefined { return this.rememberDuration?.plus(this.windowDuration); }

  /**
   * Persists the parent instead: windows share the parent's RDDs, and persisting the unions
   * would store each batch `windowDuration / slide` times (as Spark).
   */
  override persist(level: StorageLevel = StorageLevel.MEMORY_ONLY_SER): this {
    this.parent.persist(level);
    return this;
  }

  compute(validTime: Time): RDD<T> | undefined {
    const from = validTime.minus(this.windowDuration).plus(this.parent.slideDuration);
    const rdds = this.parent.slice(from, validTime);
    const sc = this.ssc.sparkContext;
    return rdds.length === 0 ? sc.emptyRDD<T>() : sc.union(rdds);
  }
}
dstreamClasses.WindowedDStream = WindowedDStream;
