import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

/** A window of time on `performance.now()`'s clock: one timed run. */
export interface TimeSpan {
  start: number;
  end: number;
}

/** Collections seen in one span, by kind, and their total pause, ms. */
export interface GcTally {
  scavenges: number;
  fullCollections: number;
  pauseMs: number;
}

/** One collection as `perf_hooks` reports it: when it started, how long it took, which kind. */
export interface GcEvent {
  startTime: number;
  duration: number;
  minor: boolean;
}

/**
 * Tallies collections per span from events that may arrive after the span ended (a `gc`
 * observer's entries are delivered asynchronously): each event counts in the span its start
 * falls in, and events outside every span count nowhere.
 */
export function tallyBySpan(spans: readonly TimeSpan[], events: readonly GcEvent[]): GcTally[] {
  const tallies = spans.map(() => ({ scavenges: 0, fullCollections: 0, pauseMs: 0 }));
  for (const e of events) {
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i];
      if (e.startTime < s.start || e.startTime >= s.end) continue;
      const t = tallies[i];
      if (e.minor) t.scavenges++;
      else t.fullCollections++;
      t.pauseMs += e.duration;
      break;
    }
  }
  return tallies;
}

/**
 * Records the process's garbage collections (main thread's heap) while it lives, so that a
 * bench child can say how many scavenges each timed run paid: a process idle between runs (the
 * interleaved schedule) may have its young generation shrunk by V8 and pay more of them.
 */
export class GcCounter {
  private readonly events: GcEvent[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.events.push(toEvent(entry));
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Tallies per span, after letting the observer receive what is still queued; stops observing. */
  async tally(spans: readonly TimeSpan[]): Promise<GcTally[]> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const entry of this.observer.takeRecords()) this.events.push(toEvent(entry));
    this.observer.disconnect();
    return tallyBySpan(spans, this.events);
  }
}

function toEvent(entry: PerformanceEntry): GcEvent {
  const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  return { startTime: entry.startTime, duration: entry.duration, minor: kind === constants.NODE_PERFORMANCE_GC_MINOR };
}
