import { describe, expect, it } from 'vitest';
import { GcCounter, tallyBySpan } from './src/harness/gc-counter.ts';

describe('collections tallied per timed run', () => {
  it('counts each collection in the span its start falls in, by kind, and none outside every span', () => {
    const spans = [{ start: 100, end: 200 }, { start: 300, end: 400 }];
    const events = [
      { startTime: 50, duration: 1, minor: true }, // before the first run
      { startTime: 100, duration: 2, minor: true }, // at the first run's start: counted
      { startTime: 150, duration: 3, minor: false },
      { startTime: 199.5, duration: 4, minor: true },
      { startTime: 200, duration: 5, minor: true }, // at its end: between runs, not counted
      { startTime: 250, duration: 6, minor: true },
      { startTime: 399, duration: 7, minor: true },
    ];
    expect(tallyBySpan(spans, events)).toEqual([
      { scavenges: 2, fullCollections: 1, pauseMs: 9 },
      { scavenges: 1, fullCollections: 0, pauseMs: 7 },
    ]);
  });

  it('sees the scavenges a run that allocates pays, and none in a span where nothing ran', async () => {
    const counter = new GcCounter();
    const quietStart = performance.now();
    const quietEnd = performance.now();
    const start = performance.now();
    let keep = 0;
    // About 400 MB of short-lived arrays: far more than any young generation holds.
    for (let i = 0; i < 100_000; i++) keep += new Array(500).fill(i).length;
    const end = performance.now();
    const [quiet, busy] = await counter.tally([{ start: quietStart, end: quietEnd }, { start, end }]);
    expect(keep).toBe(50_000_000);
    expect(quiet).toEqual({ scavenges: 0, fullCollections: 0, pauseMs: 0 });
    expect(busy!.scavenges).toBeGreaterThan(0);
  });
});
