import { afterEach, describe, expect, it } from 'vitest';
import { getLogger, getLogLevel, parseLogLevel, setLogLevel, setLogSink, type LogSink } from './logger.ts';

function collector(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    error: (m) => lines.push(`E ${m}`),
    warn: (m) => lines.push(`W ${m}`),
    info: (m) => lines.push(`I ${m}`),
    debug: (m) => lines.push(`D ${m}`),
  };
}

describe('logger', () => {
  afterEach(() => { setLogSink(undefined); setLogLevel('INFO'); });

  it('drops messages below the level and routes each level to its sink method', () => {
    const sink = collector();
    setLogSink(sink);
    setLogLevel('WARN');
    const log = getLogger('JobScheduler');
    log.debug('d'); log.info('i'); log.warn('w'); log.error('e');
    expect(sink.lines).toEqual(['W JobScheduler: w', 'E JobScheduler: e']);
    expect(log.isDebugEnabled()).toBe(false);
  });

  it("accepts Spark's level names case-insensitively and refuses others naming the accepted ones", () => {
    expect(parseLogLevel('warn')).toBe('WARN');
    expect(parseLogLevel('TRACE')).toBe('DEBUG');
    setLogLevel('debug');
    expect(getLogLevel()).toBe('DEBUG');
    expect(() => setLogLevel('LOUD')).toThrow(/Unknown log level 'LOUD'.*ERROR, WARN, INFO, DEBUG/);
  });

  it("writes log4j's console shape to stderr by default, never to stdout", () => {
    const err: string[] = [];
    const out: string[] = [];
    const origErr = process.stderr.write;
    const origOut = process.stdout.write;
    process.stderr.write = ((c: string) => { err.push(c); return true; }) as typeof process.stderr.write;
    process.stdout.write = ((c: string) => { out.push(c); return true; }) as typeof process.stdout.write;
    try {
      getLogger('StreamingContext').warn('boom', new Error('cause here'));
    } finally {
      process.stderr.write = origErr;
      process.stdout.write = origOut;
    }
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d WARN StreamingContext: boom\nError: cause here\n/);
  });
});
