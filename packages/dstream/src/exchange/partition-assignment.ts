import type { Time } from '@kindling/core';
import type { GroupRuntime } from '../group/group-runtime.ts';

/**
 * Which partitions this instance processes when several instances share a job
 * (`spark.kindling.group.enabled`): partitions of the source topics (`log` = topic name) and
 * of the repartition logs (`log` = the repartition log's name) alike. Group mode's leases
 * answer it per batch; {@link StaticPartitionAssignment} is a fixed split.
 */
export interface PartitionAssignment {
  /** This instance, for messages and the UI (`host:pid`, or `2/3`). */
  readonly instanceId: string;
  /** Whether this instance processes partition `partition` of `log` in batch `time`. */
  owns(log: string, partition: number, time: Time): boolean;
}

/**
 * A fixed split of every log's partitions over `instances` instances: instance i owns the
 * partitions p with `p % instances == i` (one-partition stages belong to instance 0), from
 * `spark.kindling.group.instances` and `spark.kindling.group.instance`. Kafka's manual
 * assignment, for fixed deployments and tests: nothing takes over a dead instance's partitions.
 */
export class StaticPartitionAssignment implements PartitionAssignment {
  readonly instanceId: string;

  constructor(readonly instance: number, readonly instances: number) {
    if (!Number.isInteger(instances) || instances < 1) throw new Error(`spark.kindling.group.instances must be a positive integer, got ${instances}.`);
    if (!Number.isInteger(instance) || instance < 0 || instance >= instances) {
      throw new Error(`spark.kindling.group.instance must be an integer in [0, ${instances}), got ${instance}.`);
    }
    this.instanceId = `${instance}/${instances}`;
  }

  owns(_log: string, partition: number): boolean { return partition % this.instances === this.instance; }
}

/**
 * Group leases for a re-keyed graph: the source topic's partitions and every repartition log's
 * partitions are owned by leases with epochs; each log has its runtime (its plans, fenced
 * commits and state). `owns(log, p, t)` is whether `log`'s plan of batch t includes p.
 */
export interface LeaseAssignment extends PartitionAssignment {
  /** The runtime of `log` (the source topic's, or a repartition log's, made on first ask with `partitions` partitions). */
  runtimeOf(log: string, partitions: number): GroupRuntime;
  /** The state of stateful stream `stream` lives with the partitions of `log` (restored and committed with them). */
  addStateStream(log: string, stream: string): void;
  /** Calls `f(partition, upTo)` after each fenced commit of a partition of `log` (its batches up to `upTo` are done for good). */
  onCommitted(log: string, f: (partition: number, upTo: number) => Promise<void>): void;
}

/** Whether `a` is a {@link LeaseAssignment}. */
export function isLeaseAssignment(a: PartitionAssignment | undefined): a is LeaseAssignment {
  return a !== undefined && typeof (a as Partial<LeaseAssignment>).runtimeOf === 'function';
}
