import type { Duration } from '@kindling/core';
import type { DStream } from './dstream.ts';

/**
 * Window and slide durations must be positive multiples of the parent's slide duration
 * (API.md "Durations and time"); the error names both values.
 * @internal
 */
export function checkWindowDurations(operation: string, parent: DStream<unknown>, windowDuration: Duration, slideDuration: Duration): void {
  const parentSlide = parent.slideDuration;
  if (windowDuration.milliseconds <= 0 || !windowDuration.isMultipleOf(parentSlide)) {
    throw new Error(
      `${operation} on ${parent.name()}: the window duration (${windowDuration}) must be a positive multiple of the parent's slide duration (${parentSlide}); ` +
        `use a multiple of ${parentSlide}.`,
    );
  }
  if (slideDuration.milliseconds <= 0 || !slideDuration.isMultipleOf(parentSlide)) {
    throw new Error(
      `${operation} on ${parent.name()}: the slide duration (${slideDuration}) must be a positive multiple of the parent's slide duration (${parentSlide}); ` +
        `use a multiple of ${parentSlide}.`,
    );
  }
}
