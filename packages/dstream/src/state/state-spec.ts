import { Duration, HashPartitioner } from '@kindling/core';
import type { Partitioner, RDD, Time } from '@kindling/core';
import type { State } from './state.ts';
import type { MappingFunction } from './map-with-state-record.ts';

/**
 * Everything `mapWithState` needs, as Spark's `org.apache.spark.streaming.StateSpec`: the
 * mapping function and, optionally, the partitioning of the state, an initial state RDD and
 * an idle timeout. Built with {@link StateSpec.function}, then configured fluently.
 *
 * The function's arity picks the form (as Scala's overloads do by type), so don't give a
 * parameter a default value (it would not count in `fn.length`):
 * - `(key, value, state) => mapped`: every returned value is emitted, `undefined` included;
 * - `(time, key, value, state) => mapped | undefined`: only defined results are emitted.
 *
 * `value` is `undefined` only in the timeout call (`state.isTimingOut()`).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { runStreamingTest } from '@kindling/dstream/testing';
 * const spec = StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
 *   const sum = (one ?? 0) + (state.getOption() ?? 0);
 *   state.update(sum);
 *   return [word, sum] as [string, number];
 * }).numPartitions(4).timeout(Minutes(30));
 * const out = await runStreamingTest({
 *   input: [['a', 'b', 'a'], ['a']],
 *   operation: (words) => words.map((w) => [w, 1] as [string, number]).mapWithState(spec),
 *   checkpointDir: 'checkpoint',
 * });
 * // a running count per word, batch by batch (within a batch, in partition order)
 * assert.deepEqual(out.map((batch) => batch.sort()), [[['a', 1], ['a', 2], ['b', 1]], [['a', 3]]]);
 * ```
 */
export class StateSpec<K, V, S, M> {
  private partitionerValue: Partitioner | undefined;
  private initialStateValue: RDD<[K, S]> | undefined;
  private timeoutValue: Duration | undefined;

  private constructor(private readonly fn: MappingFunction<K, V, S, M>) {}

  /** A spec whose function is called as `fn(key, value, state)`; every result is emitted. */
  static function<K, V, S, M>(fn: (key: K, value: V | undefined, state: State<S>) => M): StateSpec<K, V, S, M>;
  /** A spec whose function is called as `fn(time, key, value, state)`; defined results are emitted. */
  static function<K, V, S, M>(fn: (time: Time, key: K, value: V | undefined, state: State<S>) => M | undefined): StateSpec<K, V, S, M>;
  static function<K, V, S, M>(fn: ((key: K, value: V | undefined, state: State<S>) => M) | ((time: Time, key: K, value: V | undefined, state: State<S>) => M | undefined)): StateSpec<K, V, S, M> {
    if (typeof fn !== 'function') throw new TypeError(`StateSpec.function needs a function, got ${typeof fn}`);
    if (fn.length === 3) {
      const f3 = fn as (key: K, value: V | undefined, state: State<S>) => M;
      return new StateSpec<K, V, S, M>({ call: (_t, k, v, s) => f3(k, v, s), emitAll: true });
    }
    if (fn.length === 4) {
      return new StateSpec<K, V, S, M>({ call: fn as MappingFunction<K, V, S, M>['call'], emitAll: false });
    }
    throw new TypeError(
      `StateSpec.function needs a function of 3 parameters (key, value, state) or 4 (time, key, value, state); ` +
        `this one declares ${fn.length}. Parameters with default values and rest parameters do not count: declare them plainly.`,
    );
  }

  /** Partitions the state with a `HashPartitioner` of `n` partitions. */
  numPartitions(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`StateSpec.numPartitions needs a positive integer, got ${n}`);
    this.partitionerValue = new HashPartitioner(n);
    return this;
  }

  /** Partitions the state (and each batch's data) with `partitioner`. */
  partitioner(partitioner: Partitioner): this {
    this.partitionerValue = partitioner;
    return this;
  }

  /** Starts the state from the `[key, state]` pairs of `rdd` (stamped with the first batch time). */
  initialState(rdd: RDD<[K, S]>): this {
    this.initialStateValue = rdd;
    return this;
  }

  /**
   * Removes the state of keys that receive no record for longer than `idleDuration`: in the
   * first batch whose time exceeds the key's last update by more than `idleDuration`, the
   * function is called once more with no value and `state.isTimingOut()` true, then the state
   * is dropped.
   */
  timeout(idleDuration: Duration): this {
    if (!(idleDuration instanceof Duration) || idleDuration.milliseconds <= 0) {
      throw new RangeError(`StateSpec.timeout needs a positive Duration, got ${String(idleDuration)}`);
    }
    this.timeoutValue = idleDuration;
    return this;
  }

  /** @internal */
  getFunction(): MappingFunction<K, V, S, M> { return this.fn; }
  /** @internal */
  getPartitioner(): Partitioner | undefined { return this.partitionerValue; }
  /** @internal */
  getInitialStateRDD(): RDD<[K, S]> | undefined { return this.initialStateValue; }
  /** @internal */
  getTimeoutInterval(): Duration | undefined { return this.timeoutValue; }
}
