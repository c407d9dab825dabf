/**
 * A graph that several instances cannot run correctly (`spark.kindling.group.enabled`): a
 * keyed or whole-batch operator whose input cannot be routed through a repartition log, or
 * whose state would not stay with the partitions an instance owns. Thrown by `start()`, naming
 * the stream; nothing runs.
 */
export class GroupPlanError extends Error {
  constructor(
    /** The stream that cannot run in group mode. */
    readonly streamName: string,
    /** Why, and what to do. */
    readonly reason: string,
  ) {
    super(`${streamName} cannot run with several instances (spark.kindling.group.enabled): ${reason}`);
    this.name = 'GroupPlanError';
  }
}
