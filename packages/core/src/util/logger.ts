/**
 * The engine's one logger, shaped like Spark's log4j setup: every engine message goes through
 * {@link getLogger}, is filtered by one process-wide level, and is written by one sink. The
 * default sink writes to **stderr** in log4j's console pattern
 * (`yy/MM/dd HH:mm:ss LEVEL Component: message`), so a program's stdout carries only its own
 * output (and `print()`).
 *
 * @example
 * ```ts
 * import { getLogger, setLogLevel } from '@kindling/core';
 * setLogLevel('WARN');
 * getLogger('MyApp').warn('disk almost full');
 * ```
 */

/** The levels, most severe first, as Spark's `setLogLevel` accepts them. */
export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

/**
 * Where log lines go: any object with these four methods, given to {@link setLogSink}. A
 * pino or winston logger fits as it is (both have `error`/`warn`/`info`/`debug` taking a
 * message), and so does a test's collector. A custom sink receives `Component: message`
 * (no time or level: the sink records those itself); the level filter still applies.
 *
 * ```ts fragment: needs pino or winston installed in your project
 * import pino from 'pino';
 * setLogSink(pino({ level: 'debug' }));          // pino: JSON lines on stdout or a transport
 *
 * import winston from 'winston';
 * setLogSink(winston.createLogger({ level: 'debug', transports: [new winston.transports.Console()] }));
 * ```
 *
 * @example
 * ```ts
 * import assert from 'node:assert';
 * const lines: string[] = [];
 * const keep = (m: string): void => { lines.push(m); };
 * setLogSink({ error: keep, warn: keep, info: keep, debug: keep });
 * setLogLevel('WARN');
 * getLogger('JobScheduler').info('dropped: below WARN');
 * getLogger('JobScheduler').warn('kept');
 * setLogSink(undefined); // back to stderr
 * setLogLevel('INFO');
 * assert.deepStrictEqual(lines, ['JobScheduler: kept']);
 * ```
 */
export interface LogSink {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** A named component's logger. Messages below the process-wide level are dropped unformatted. */
export interface Logger {
  /** Logs at ERROR; an `Error` given as `cause` adds its stack. */
  error(message: string, cause?: unknown): void;
  /** Logs at WARN; an `Error` given as `cause` adds its stack. */
  warn(message: string, cause?: unknown): void;
  /** Logs at INFO. */
  info(message: string): void;
  /** Logs at DEBUG. */
  debug(message: string): void;
  /** True when DEBUG lines are written (to skip building expensive messages). */
  isDebugEnabled(): boolean;
}

const SEVERITY: Record<LogLevel, number> = { ERROR: 0, WARN: 1, INFO: 2, DEBUG: 3 };
const LEVEL_NAMES: Record<string, LogLevel> = {
  ERROR: 'ERROR', WARN: 'WARN', INFO: 'INFO', DEBUG: 'DEBUG',
  // log4j's other names, accepted as Spark's setLogLevel accepts them
  FATAL: 'ERROR', TRACE: 'DEBUG', ALL: 'DEBUG', OFF: 'ERROR',
};

/** The default sink: log4j's console pattern on stderr, one line per message (stacks follow). */
export class StderrLogSink implements LogSink {
  error(message: string): void { process.stderr.write(`${message}\n`); }
  warn(message: string): void { process.stderr.write(`${message}\n`); }
  info(message: string): void { process.stderr.write(`${message}\n`); }
  debug(message: string): void { process.stderr.write(`${message}\n`); }
}

let threshold = SEVERITY.INFO;
let sink: LogSink = new StderrLogSink();
let sinkIsCustom = false;

/**
 * Parses a level name (case-insensitive; log4j's `FATAL`, `TRACE`, `ALL`, `OFF` map to the
 * nearest of the four). Throws naming the accepted values otherwise.
 */
export function parseLogLevel(level: string): LogLevel {
  const parsed = LEVEL_NAMES[level.trim().toUpperCase()];
  if (parsed === undefined) {
    throw new Error(`Unknown log level '${level}': use one of ERROR, WARN, INFO, DEBUG (or log4j's FATAL, TRACE, ALL, OFF)`);
  }
  return parsed;
}

/** Sets the process-wide level, as Spark's `sc.setLogLevel`. */
export function setLogLevel(level: LogLevel | string): void {
  threshold = SEVERITY[parseLogLevel(level)];
}

/** The process-wide level in force. */
export function getLogLevel(): LogLevel {
  return (Object.keys(SEVERITY) as LogLevel[]).find((l) => SEVERITY[l] === threshold)!;
}

/**
 * Replaces the sink (pino, winston, or a test's collector); `undefined` restores the stderr
 * default. A custom sink receives the bare message prefixed with the component
 * (`Component: message`), since it keeps its own time and level fields.
 */
export function setLogSink(newSink: LogSink | undefined): void {
  sink = newSink ?? new StderrLogSink();
  sinkIsCustom = newSink !== undefined;
}

function pad2(n: number): string { return n < 10 ? `0${n}` : String(n); }

function timestamp(d: Date): string {
  return `${pad2(d.getFullYear() % 100)}/${pad2(d.getMonth() + 1)}/${pad2(d.getDate())} `
    + `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function withCause(message: string, cause: unknown): string {
  if (cause === undefined) return message;
  const detail = cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : String(cause);
  return `${message}\n${detail}`;
}

function emit(level: LogLevel, component: string, message: string): void {
  const line = sinkIsCustom
    ? `${component}: ${message}`
    : `${timestamp(new Date())} ${level} ${component}: ${message}`;
  switch (level) {
    case 'ERROR': sink.error(line); break;
    case 'WARN': sink.warn(line); break;
    case 'INFO': sink.info(line); break;
    case 'DEBUG': sink.debug(line); break;
  }
}

/** The logger of one component (Spark logs by class: `JobScheduler`, `FileInputDStream`, ...). */
export function getLogger(component: string): Logger {
  return {
    error(message, cause) { if (threshold >= SEVERITY.ERROR) emit('ERROR', component, withCause(message, cause)); },
    warn(message, cause) { if (threshold >= SEVERITY.WARN) emit('WARN', component, withCause(message, cause)); },
    info(message) { if (threshold >= SEVERITY.INFO) emit('INFO', component, message); },
    debug(message) { if (threshold >= SEVERITY.DEBUG) emit('DEBUG', component, message); },
    isDebugEnabled() { return threshold >= SEVERITY.DEBUG; },
  };
}
