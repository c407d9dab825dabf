import type { Time } from '@kindling/core';
import type { LeaseAssignment } from '../exchange/partition-assignment.ts';
import type { GroupCoordinator } from './group-coordinator.ts';
import type { GroupRuntime } from './group-runtime.ts';

/**
 * Group leases for a re-keyed graph (one per log stream): the source topic's coordinator and
 * one coordinator per repartition log (one-partition stages share `<app>-whole-batch`), each
 * owning its log's partitions by leases with epochs, planning, committing (fenced) and restoring
 * their state. A repartition partition's "offsets" are batch times: its batch `(after, upTo]`
 * reads the source batches with times in that range. See docs/log-sources.md, "Re-keying under
 * leases".
 * @internal
 */
export class GroupStages implements LeaseAssignment {
  readonly #source: GroupCoordinator;
  readonly #topic: string;
  readonly #make: (log: string, partitions: number, stateStreams: string[]) => GroupCoordinator;
  readonly #stages = new Map<string, { coordinator: GroupCoordinator; stateStreams: string[] }>();
  readonly #onCommitted = new Map<string, ((partition: number, upTo: number) => Promise<void>)[]>();

  constructor(topic: string, source: GroupCoordinator, make: (log: string, partitions: number, stateStreams: string[]) => GroupCoordinator) {
    this.#topic = topic;
    this.#source = source;
    this.#make = make;
  }

  get instanceId(): string { return this.#source.memberId; }

  owns(log: string, partition: number, time: Time): boolean {
    const c = log === this.#topic ? this.#source : this.#stages.get(log)?.coordinator;
    return c?.plan(time.milliseconds)?.owned.has(partition) === true;
  }

  runtimeOf(log: string, partitions: number): GroupRuntime {
    if (log === this.#topic) return this.#source;
    let stage = this.#stages.get(log);
    if (stage === undefined) {
      if (!(partitions > 0)) throw new Error(`group stages: the log ${log} is not known yet (its partition count is needed).`);
      const stateStreams: string[] = [];
      stage = { coordinator: this.#make(log, partitions, stateStreams), stateStreams };
      this.#stages.set(log, stage);
    }
    return stage.coordinator;
  }

  addStateStream(log: string, stream: string): void {
    if (log === this.#topic) throw new Error(`group stages: ${stream} keeps its state on the source topic's partitions; a re-keyed graph routes it through a repartition log.`);
    const stage = this.#stages.get(log);
    if (stage === undefined) throw new Error(`group stages: the log ${log} of ${stream} is not known.`);
    if (!stage.stateStreams.includes(stream)) {
      stage.stateStreams.push(stream);
      stage.stateStreams.sort();
    }
  }

  /** The log whose partitions keep stream `stream`'s state (see {@link addStateStream}); undefined: none. */
  stateLog(stream: string): string | undefined {
    for (const [log, s] of this.#stages) if (s.stateStreams.includes(stream)) return log;
    return undefined;
  }

  onCommitted(log: string, f: (partition: number, upTo: number) => Promise<void>): void {
    let list = this.#onCommitted.get(log);
    if (list === undefined) this.#onCommitted.set(log, list = []);
    list.push(f);
  }

  /** Partition `partition` of `log` committed its batches up to `upTo`: runs the registered callbacks. */
  async committed(log: string, partition: number, upTo: number): Promise<void> {
    for (const f of this.#onCommitted.get(log) ?? []) await f(partition, upTo);
  }

  /** The repartition logs' coordinators with their names, in creation order. */
  get stages(): readonly { readonly log: string; readonly coordinator: GroupCoordinator }[] {
    return [...this.#stages].map(([log, s]) => ({ log, coordinator: s.coordinator }));
  }
}
