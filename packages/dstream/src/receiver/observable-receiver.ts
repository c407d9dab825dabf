import { StorageLevel } from '@kindling/core';
import type { Observable, Subscription } from 'rxjs';
import { Receiver } from './receiver.ts';

/**
 * A receiver over an RxJS `Observable` (`ssc.observableStream(obs)`): subscribes on start,
 * stores every value, unsubscribes on stop. An error restarts the receiver, which subscribes
 * again (a cold Observable starts over; share a hot one if that is not wanted). Completion
 * just ends the input; the stream goes on with empty batches.
 *
 * Rate limits hold excess values in memory: an Observable cannot be paused from here. To
 * pause the source itself, build it from {@link Receiver.paused$} (e.g. `@kindling/io`'s
 * socket sources accept it as `paused`).
 */
export class ObservableReceiver<T> extends Receiver<T> {
  #subscription: Subscription | undefined;

  constructor(
    private readonly source: Observable<T>,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_2,
  ) {
    super(storageLevel);
  }

  onStart(): void {
    this.#subscription = this.source.subscribe({
      next: (value) => this.storeItem(value),
      error: (e: unknown) => this.restart('The observable errored', e),
    });
  }

  onStop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }
}
