/**
 * What the task running in this thread added to accumulators, kept apart until the task
 * ends: added to the accumulators when it succeeds, dropped when it fails. This is Spark's
 * rule for user accumulators (`countFailedValues` = false): a task works on its own copy of
 * each accumulator, and the driver merges a copy only for a task that completed
 * (`DAGScheduler.updateAccumulators`). Additions made outside any task (the driver's own code,
 * an output operation's function) go to the accumulator at once.
 *
 * A scope may be opened inside another (one map side of several computed in one task): it
 * commits into the scope around it, so its updates still count only if that one succeeds.
 *
 * The cost is per task and per accumulator a task touches, not per record: an addition
 * compares the accumulator's cached pending update with the running scope.
 * @internal
 */
export class TaskUpdates {
  /** One pending update per accumulator touched in this scope, in first-touch order. */
  readonly pending: PendingUpdate[] = [];

  constructor(
    /** The scope that was running when this one opened (it gets this one's updates on success). */
    readonly outer: TaskUpdates | undefined,
  ) {}
}

/** One accumulator's additions within one {@link TaskUpdates} scope. @internal */
export interface PendingUpdate {
  /** The scope the additions were made in. */
  readonly scope: TaskUpdates;
  /** Adds these additions to the accumulator itself (`into` undefined) or to its pending update in `into`. */
  commit(into: TaskUpdates | undefined): void;
}

/**
 * The scope additions go to now (`running`), or `undefined` outside any task. A property of a
 * module-level object: an accumulator's `add` reads it per record, and a property load is
 * cheaper there than a call into this module. Set only by the functions below. @internal
 */
export const taskUpdates: { running: TaskUpdates | undefined } = { running: undefined };

/** Opens a scope inside the running one (if any); close it with {@link closeTaskUpdates}. @internal */
export function openTaskUpdates(): TaskUpdates {
  const scope = new TaskUpdates(taskUpdates.running);
  taskUpdates.running = scope;
  return scope;
}

/**
 * Closes `scope` (the running one): its updates go to the accumulators, or to the scope
 * around it, when `succeeded`; otherwise they are dropped. @internal
 */
export function closeTaskUpdates(scope: TaskUpdates, succeeded: boolean): void {
  taskUpdates.running = scope.outer;
  if (succeeded) {
    const pending = scope.pending;
    for (let i = 0; i < pending.length; i++) pending[i]!.commit(scope.outer);
  }
}

/**
 * Makes `scope` (opened earlier, then left) the running one again, to add to it over several
 * stretches (a map side fed part by part); returns the scope to give back to
 * {@link leaveTaskUpdates}. @internal
 */
export function enterTaskUpdates(scope: TaskUpdates): TaskUpdates | undefined {
  const before = taskUpdates.running;
  taskUpdates.running = scope;
  return before;
}

/** Gives the running scope back after {@link enterTaskUpdates}. @internal */
export function leaveTaskUpdates(before: TaskUpdates | undefined): void {
  taskUpdates.running = before;
}

/**
 * Runs `task` in a scope of its own: its additions count once it returns, and are dropped if
 * it throws. @internal
 */
export function runAsTask<R>(task: () => R): R {
  const scope = openTaskUpdates();
  let succeeded = false;
  try {
    const result = task();
    succeeded = true;
    return result;
  } finally {
    closeTaskUpdates(scope, succeeded);
  }
}

/**
 * Moves what the running task added so far into `hold`, a scope that is not running (made by
 * `new TaskUpdates(undefined)`): they count only when `hold` is closed as succeeded with
 * {@link commitHeld}. For a task whose work ends after it returns (a checkpoint part written
 * once the job is over), as Spark's task ends only once its part is written. Outside a task it
 * does nothing (the additions already counted). @internal
 */
export function holdRunningUpdates(hold: TaskUpdates): void {
  const scope = taskUpdates.running;
  if (scope === undefined) return;
  const pending = scope.pending;
  for (let i = 0; i < pending.length; i++) pending[i]!.commit(hold);
  pending.length = 0;
}

/** Adds what `hold` keeps to the accumulators (or the scope around it) when `succeeded`; drops it otherwise. @internal */
export function commitHeld(hold: TaskUpdates, succeeded: boolean): void {
  const pending = hold.pending;
  if (succeeded) for (let i = 0; i < pending.length; i++) pending[i]!.commit(hold.outer);
  pending.length = 0;
}

/**
 * The pending update of `owner` in `scope`: found among the scope's (an accumulator touched
 * before in it), or made and listed. `make` builds a new one. @internal
 */
export function pendingIn<P extends PendingUpdate & { readonly owner: unknown }>(scope: TaskUpdates, owner: unknown, make: () => P): P {
  const pending = scope.pending;
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i] as P;
    if (p.owner === owner) return p;
  }
  const p = make();
  pending.push(p);
  return p;
}
