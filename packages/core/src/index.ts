export { Duration, Milliseconds, Seconds, Minutes } from './time/duration.ts';
export { Time } from './time/time.ts';
export type { Clock } from './time/clock.ts';
export { SystemClock } from './time/clock.ts';
export { ManualClock } from './time/manual-clock.ts';
