/**
 * The state of one key, handed to a `mapWithState` function, as Spark's
 * `org.apache.spark.streaming.State`. Read it with {@link exists}/{@link get}/{@link getOption},
 * change it with {@link update} or {@link remove}. When the key has been idle longer than the
 * spec's timeout, the function is called one last time with no value and
 * {@link isTimingOut} true; the state is then removed and may not be changed.
 *
 * @example
 * ```ts
 * const spec = StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
 *   const sum = (one ?? 0) + (state.getOption() ?? 0);
 *   if (!state.isTimingOut()) state.update(sum);
 *   return [word, sum] as [string, number];
 * });
 * ```
 */
export abstract class State<S> {
  /** True when the key has state. */
  abstract exists(): boolean;
  /** The state; throws when there is none (check {@link exists} or use {@link getOption}). */
  abstract get(): S;
  /** Sets the state; throws after {@link remove} or while the key is timing out. */
  abstract update(newState: S): void;
  /** Removes the state; throws when already removed or while the key is timing out. */
  abstract remove(): void;
  /** True when this call is the key's timeout call (no value; the state is about to go). */
  abstract isTimingOut(): boolean;
  /** The state, or undefined when there is none. */
  getOption(): S | undefined { return this.exists() ? this.get() : undefined; }
  toString(): string { return this.exists() ? `State(${String(this.get())})` : '<state not set>'; }
}

/**
 * The one `State` object a partition's task reuses for every record (no allocation per
 * record): `wrap` points it at a key's current state before each call.
 * @internal
 */
export class StateImpl<S> extends State<S> {
  private state: S | undefined = undefined;
  private defined = false;
  private timingOut = false;
  private updated = false;
  private removed = false;

  exists(): boolean { return this.defined; }

  get(): S {
    if (!this.defined) throw new Error('State is not set: check state.exists() or use state.getOption() before state.get()');
    return this.state as S;
  }

  update(newState: S): void {
    if (this.removed) throw new Error('Cannot update the state after it has been removed in this call');
    if (this.timingOut) throw new Error('Cannot update the state of a key that is timing out (state.isTimingOut() is true); return a final value instead');
    this.state = newState;
    this.defined = true;
    this.updated = true;
  }

  remove(): void {
    if (this.timingOut) throw new Error('Cannot remove the state of a key that is timing out (state.isTimingOut() is true): it is removed after this call');
    if (this.removed) throw new Error('Cannot remove the state: it has already been removed in this call');
    this.state = undefined;
    this.defined = false;
    this.updated = false;
    this.removed = true;
  }

  isTimingOut(): boolean { return this.timingOut; }

  /** True when the last call updated the state. */
  isUpdated(): boolean { return this.updated; }
  /** True when the last call removed the state. */
  isRemoved(): boolean { return this.removed; }

  /** Points this object at a key's state (`defined` false when the key has none). */
  wrap(defined: boolean, state: S | undefined): void {
    this.state = state;
    this.defined = defined;
    this.timingOut = false;
    this.updated = false;
    this.removed = false;
  }

  /** Points this object at the state of a key whose timeout has expired. */
  wrapTimingOut(state: S): void {
    this.wrap(true, state);
    this.timingOut = true;
  }
}
