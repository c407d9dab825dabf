import { GroupCatchUp } from './group-catch-up.ts';
import type { GroupRuntime, GroupStagePlanner } from './group-runtime.ts';

/**
 * A context's group mode (`spark.kindling.group.enabled`), handed by the context to every stream
 * of its graph at `start()` (`DStream.followGroupSession`): the runtime of the partitions this
 * instance runs, which the log stream installs once it joined the group and removes when it
 * stops; the planner of re-keyed graphs under leases, which the context installs and the log
 * stream calls once it knows the partitions; and the catch-up batches ({@link GroupCatchUp}).
 * @internal
 */
export class GroupSession {
  /** The catch-up batches between batch times (recorded by the log stream, read by every stream). */
  readonly catchUp = new GroupCatchUp();
  #runtime: GroupRuntime | undefined;
  #planner: GroupStagePlanner | undefined;

  /** The runtime of the partitions this instance runs; undefined before the log stream joined the group, or after it left. */
  get runtime(): GroupRuntime | undefined { return this.#runtime; }

  /** The log stream joined the group: `runtime` answers for the partitions this instance runs. */
  joined(runtime: GroupRuntime): void { this.#runtime = runtime; }

  /** The log stream left the group (stopped). */
  left(): void { this.#runtime = undefined; }

  /** The planner of re-keyed graphs under leases, if the context installed one. */
  get stagePlanner(): GroupStagePlanner | undefined { return this.#planner; }

  /** Installs the planner of re-keyed graphs under leases (lease mode, no fixed split). */
  planStagesWith(planner: GroupStagePlanner): void { this.#planner = planner; }
}
