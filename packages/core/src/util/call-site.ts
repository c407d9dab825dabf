/**
 * Where user code called Kindling, as Spark's `CallSite`: errors, listeners and the UI name a
 * stream by the operator the user called and the user's line
 * (`countByValueAndWindow at pipeline.ts:42`), not by an internal class.
 *
 * The stack is captured once per stream (not per record or batch) and only formatted when a
 * site is first read, so building a graph stays cheap.
 */
import { basename, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where user code created a stream (Spark's `CallSite`). */
export interface CallSite {
  /**
   * The public operator the user called and the user's file and line:
   * `countByValueAndWindow at pipeline.ts:42` (Spark's `shortForm`).
   */
  readonly shortForm: string;
  /**
   * The stack from the user's frame outwards, one `at ...` frame a line, without Kindling's
   * own frames above it and without Node's internals (Spark's `longForm`).
   */
  readonly longForm: string;
}

interface Frame {
  readonly fn: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

// This file is <root>/core/src/util/call-site.ts in the workspace and
// <root>/core/dist/util/call-site.js when installed: <root> holds every Kindling package.
const KINDLING_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..') + sep;
const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
const MAX_LONG_FORM_FRAMES = 20;
const CAPTURE_DEPTH = 50;

function toPath(location: string): string {
  if (location.startsWith('file://')) {
    try { return fileURLToPath(location); } catch { return location; }
  }
  return location;
}

function parseFrames(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const raw of stack.split('\n')) {
    const m = FRAME.exec(raw);
    if (m === null) continue;
    frames.push({ fn: m[1] ?? '', file: toPath(m[2]!), line: Number(m[3]), column: Number(m[4]), text: raw.trim() });
  }
  return frames;
}

/** Kindling's own sources (`<package>/src` or `<package>/dist`), tests beside them excepted. */
function isKindlingFrame(file: string): boolean {
  if (!file.startsWith(KINDLING_ROOT)) return false;
  const rest = file.slice(KINDLING_ROOT.length).split(sep);
  if (rest.length < 3 || (rest[1] !== 'src' && rest[1] !== 'dist')) return false;
  return !/\.test(-d)?\.[cm]?[jt]s$/.test(file);
}

function isInternalFrame(file: string): boolean {
  return file.startsWith('node:') || file === 'native' || file === '<anonymous>' || !file.includes(sep);
}

function isLibraryFrame(file: string): boolean {
  return file.includes(`${sep}node_modules${sep}`);
}

/** `DStream.countByValueAndWindow` -> `countByValueAndWindow`; `new MappedDStream` -> `MappedDStream`. */
function methodName(fn: string): string {
  const bare = fn.replace(/^async /, '').replace(/^new /, '').replace(/ \[as [^\]]+\]$/, '');
  const dot = bare.lastIndexOf('.');
  const name = dot >= 0 ? bare.slice(dot + 1) : bare;
  return name === '<anonymous>' ? '' : name;
}

/** Builds a {@link CallSite} from a V8 stack (`Error().stack`); exported for tests. @internal */
export function callSiteFromStack(stack: string, fallbackOperator: string): CallSite {
  const frames = parseFrames(stack);
  let operator = '';
  let user = -1;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (isKindlingFrame(f.file)) {
      // The outermost Kindling frame before the user's is the public operator the user called
      // (countByValueAndWindow, not the map it builds inside).
      // A constructor (`new DStream` under a user's subclass, `new MappedDStream` called
      // directly) is named by the class being built: the fallback.
      if (f.fn.startsWith('new ')) operator = '';
      else operator = methodName(f.fn) || operator;
      continue;
    }
    if (isInternalFrame(f.file) || isLibraryFrame(f.file)) continue;
    user = i;
    break;
  }
  const op = operator === '' ? fallbackOperator : operator;
  if (user < 0) return { shortForm: `${op} at <unknown>`, longForm: '' };
  const u = frames[user]!;
  const longForm = frames.slice(user).filter((f) => !isInternalFrame(f.file)).slice(0, MAX_LONG_FORM_FRAMES).map((f) => f.text).join('\n');
  return { shortForm: `${op} at ${basename(u.file)}:${u.line}`, longForm };
}

/** A call site captured now and parsed on first read. */
class CapturedCallSite implements CallSite {
  #stack: { stack?: string } | undefined;
  #site: CallSite | undefined;

  constructor(stack: { stack?: string }, private readonly fallbackOperator: string) {
    this.#stack = stack;
  }

  #resolve(): CallSite {
    if (this.#site === undefined) {
      this.#site = callSiteFromStack(this.#stack?.stack ?? '', this.fallbackOperator);
      this.#stack = undefined;
    }
    return this.#site;
  }

  get shortForm(): string { return this.#resolve().shortForm; }
  get longForm(): string { return this.#resolve().longForm; }
  toString(): string { return this.shortForm; }
}

/**
 * The call site of the user code that is calling Kindling now (Spark's `getCallSite`):
 * captured now, formatted when first read. `fallbackOperator` names the operation when no
 * Kindling frame names one. @internal
 */
export function captureCallSite(fallbackOperator: string): CallSite {
  if (current !== undefined) return current;
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURE_DEPTH;
  // The frames from this function up are left out: the stack starts at its caller.
  Error.captureStackTrace(holder, captureCallSite);
  Error.stackTraceLimit = limit;
  return new CapturedCallSite(holder, fallbackOperator);
}

let current: CallSite | undefined;

/**
 * Runs `f` with `site` as the call site of everything it creates (Spark's
 * `sc.setCallSite` around a DStream's `compute`: the RDDs a stream generates are named by the
 * stream's creation site). @internal
 */
export function withCallSite<R>(site: CallSite, f: () => R): R {
  const previous = current;
  current = site;
  try {
    return f();
  } finally {
    current = previous;
  }
}

/**
 * {@link withCallSite} without a closure, for code run every batch: sets `site` and returns
 * the call site it replaces, which the caller hands to {@link restoreCallSite} in a `finally`.
 * @internal
 */
export function enterCallSite(site: CallSite): CallSite | undefined {
  const previous = current;
  current = site;
  return previous;
}

/** Puts back the call site {@link enterCallSite} replaced. @internal */
export function restoreCallSite(previous: CallSite | undefined): void {
  current = previous;
}

/** The call site set by {@link withCallSite} around the running code, if any. @internal */
export function currentCallSite(): CallSite | undefined { return current; }
