import { getLogger } from '@kindling/core';
import { Subject, type Observable } from 'rxjs';
import type { BatchInfo } from './batch-info.ts';
import type { StreamingListener, StreamingListenerEvents } from './streaming-listener.ts';

const log = getLogger('StreamingListenerBus');

/**
 * Delivers events to the registered listeners, in order, and completed batches to
 * `batches$`. A listener that throws is reported as a warning of the engine's logger and otherwise ignored,
 * as Spark's listener bus does.
 */
export class StreamingListenerBus {
  private readonly listeners: StreamingListener[] = [];
  private readonly completed = new Subject<BatchInfo>();
  /** Completed batches (successful or failed), for dashboards. Completes when the context stops. */
  readonly batches$: Observable<BatchInfo> = this.completed.asObservable();

  addListener(listener: StreamingListener): void { this.listeners.push(listener); }

  removeListener(listener: StreamingListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /**
   * Whether an event of `kind` would reach anyone: a listener with that callback, or, for
   * completed batches, a `batches$` subscriber. Lets the scheduler skip building events
   * (batch infos copy the batch's operations) that nobody reads. @internal
   */
  wants(kind: keyof StreamingListenerEvents): boolean {
    for (const listener of this.listeners) if (listener[kind] !== undefined) return true;
    return kind === 'onBatchCompleted' && this.completed.observed;
  }

  post<K extends keyof StreamingListenerEvents>(kind: K, event: StreamingListenerEvents[K]): void {
    for (const listener of this.listeners.slice()) {
      const callback = listener[kind] as ((e: StreamingListenerEvents[K]) => void) | undefined;
      if (callback === undefined) continue;
      try {
        callback.call(listener, event);
      } catch (e) {
        log.warn(`StreamingListener.${kind} threw and was ignored: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (kind === 'onBatchCompleted') {
      try {
        this.completed.next((event as StreamingListenerEvents['onBatchCompleted']).batchInfo);
      } catch (e) {
        log.warn(`A batches$ subscriber threw and was ignored: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Completes `batches$`; called when the context stops. */
  stop(): void { this.completed.complete(); }
}
