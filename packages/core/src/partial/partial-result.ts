import { formatElement } from '../util/format-element.ts';

/**
 * The result of an approximate action, as Spark's `PartialResult`: an `initialValue` known when
 * the action returns, and a final value that arrives when its job ends.
 *
 * Under a local context the job always runs to its end before the action's promise settles
 * (there is no cluster to wait for), so `isInitialValueFinal` is true, `initialValue` is
 * already the exact final value and `getFinalValue()` resolves to it at once. Spark's
 * `getFinalValue()` blocks; here it returns a promise. `onComplete` and `onFail` each take one
 * handler, as Spark's.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('approx'));
 * const result = await sc.parallelize([1, 2, 3, 4], 2).countApprox(1000);
 * assert.equal(result.isInitialValueFinal, true);
 * assert.equal(result.initialValue.mean, 4);
 * assert.equal((await result.getFinalValue()).toString(), '[4.000, 4.000]');
 * sc.stop();
 * ```
 */
export class PartialResult<R> {
  private finalValue: { value: R } | undefined;
  private failure: Error | undefined;
  // Typed without R: a field taking R would make the class (and RDD<T>, whose approximate
  // actions return it) invariant in its type; the methods keep the types.
  private completionHandler: ((value: unknown) => void) | undefined;
  private failureHandler: ((error: Error) => void) | undefined;
  private readonly waiters: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];

  constructor(
    private readonly initialVal: R,
    private readonly isFinal: boolean,
  ) {
    if (isFinal) this.finalValue = { value: initialVal };
  }

  /** The value known when the action returned (the exact one under a local context). */
  get initialValue(): R { return this.initialVal; }

  /** True when `initialValue` is the final value. */
  get isInitialValueFinal(): boolean { return this.isFinal; }

  /** The final value once the job ended; rejects with the job's error if it failed. */
  getFinalValue(): Promise<R> {
    if (this.finalValue !== undefined) return Promise.resolve(this.finalValue.value);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<R>((resolve, reject) => this.waiters.push({ resolve: resolve as (v: unknown) => void, reject }));
  }

  /**
   * Calls `handler` with the final value when it is known (at once if it is already); one
   * handler per result, a second call throws, as Spark's. Returns this.
   */
  onComplete(handler: (value: R) => void): this {
    if (this.completionHandler !== undefined) throw new Error('UnsupportedOperationException: onComplete cannot be called twice');
    this.completionHandler = handler as (value: unknown) => void;
    if (this.finalValue !== undefined) handler(this.finalValue.value);
    return this;
  }

  /** Calls `handler` with the job's error if it fails (at once if it has); one handler per result. */
  onFail(handler: (error: Error) => void): void {
    if (this.failureHandler !== undefined) throw new Error('UnsupportedOperationException: onFail cannot be called twice');
    this.failureHandler = handler;
    if (this.failure !== undefined) handler(this.failure);
  }

  /** A result whose values are `f` of this one's (initial and final). */
  map<T>(f: (value: R) => T): PartialResult<T> {
    const mapped = new PartialResult<T>(f(this.initialVal), this.isFinal);
    if (!this.isFinal) {
      this.getFinalValue().then((v) => mapped.setFinalValue(f(v)), (e: Error) => mapped.setFailure(e));
    }
    return mapped;
  }

  /** Records the final value (once). @internal */
  setFinalValue(value: R): void {
    if (this.finalValue !== undefined) throw new Error('UnsupportedOperationException: setFinalValue called twice on a PartialResult');
    this.finalValue = { value };
    this.completionHandler?.(value);
    for (const w of this.waiters.splice(0)) w.resolve(value);
  }

  /** Records the job's failure (once). @internal */
  setFailure(error: Error): void {
    if (this.failure !== undefined) throw new Error('UnsupportedOperationException: setFailure called twice on a PartialResult');
    this.failure = error;
    this.failureHandler?.(error);
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  /** `(final: value)` once final, else `(partial: initial value)`, as Spark prints it. */
  toString(): string {
    return this.finalValue !== undefined ? `(final: ${show(this.finalValue.value)})` : `(partial: ${show(this.initialVal)})`;
  }
}

/** Scala's `toString` of the values approximate actions give (a Map of bounds prints as Scala's). */
function show(v: unknown): string {
  if (v instanceof Map) return `Map(${[...v].map(([k, b]) => `${formatElement(k)} -> ${String(b)}`).join(', ')})`;
  return String(v);
}
