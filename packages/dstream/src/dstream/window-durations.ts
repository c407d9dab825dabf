import type { Duration } from '@kindling/core';
import type { DStream } from './dstream.ts';

/**
 * Window and slide durations must be positive multiples of the parent's slide duration
 * (API.md "Durations and time"); the error names both values and the window stream's
 * creation site (the operator the user called, and where).
 * @internal
 */
export function checkWindowDurations(window: DStream<unknown>, parent: DStream<unknown>, windowDuration: Duration, slideDuration: Duration): void {
  const parentSlide = parent.slideDuration;
  if (windowDuration.milliseconds <= 0 || !windowDuration.isMultipleOf(parentSlide)) {
    throw new Error(
      `${window.describe()}: the window duration (${windowDuration}) must be a positive multiple of the parent's slide duration (${parentSlide}); ` +
        `use a multiple of ${parentSlide}.`,
    );
  }
  if (slideDuration.milliseconds <= 0 || !slideDuration.isMultipleOf(parentSlide)) {
    throw new Error(
      `${window.describe()}: the slide duration (${slideDuration}) must be a positive multiple of the parent's slide duration (${parentSlide}); ` +
        `use a multiple of ${parentSlide}.`,
    );
  }
}
