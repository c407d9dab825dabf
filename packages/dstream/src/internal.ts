// Load order for the registry pattern (docs/architecture.md): the base class first, then every
// subclass (each registers itself in dstream/registry.ts), then what builds on them.
export * from './dstream/dstream.ts';
export * from './dstream/mapped-dstream.ts';
export * from './dstream/flat-mapped-dstream.ts';
export * from './dstream/filtered-dstream.ts';
export * from './dstream/glommed-dstream.ts';
export * from './dstream/map-partitioned-dstream.ts';
export * from './dstream/mapped-values-dstream.ts';
export * from './dstream/flat-mapped-values-dstream.ts';
export * from './dstream/shuffled-dstream.ts';
export * from './dstream/transformed-dstream.ts';
export * from './dstream/union-dstream.ts';
export * from './dstream/for-each-dstream.ts';
// --- window DStreams ---
export * from './dstream/windowed-dstream.ts';
export * from './dstream/reduced-windowed-dstream.ts';
// --- state DStreams ---
export * from './state/state.ts';
export * from './state/state-spec.ts';
export * from './state/state-dstream.ts';
export * from './state/internal-map-with-state-dstream.ts';
export * from './state/map-with-state-dstream.ts';
export * from './dstream/dstream-graph.ts';
export * from './input/input-dstream.ts';
export * from './input/queue-input-dstream.ts';
// --- sources and receivers ---
export * from './receiver/received-block-info.ts';
export * from './input/batch-input-description.ts';
export * from './input/file-input-dstream.ts';
export * from './receiver/rate-limiter.ts';
export * from './receiver/pid-rate-estimator.ts';
export * from './receiver/rate-controller.ts';
export * from './receiver/block-generator.ts';
export * from './receiver/received-block-store.ts';
export * from './receiver/received-block-tracker.ts';
export * from './receiver/receiver.ts';
export * from './receiver/receiver-supervisor.ts';
export * from './receiver/socket-receiver.ts';
export * from './receiver/socket-text-decoder.ts';
export * from './receiver/observable-receiver.ts';
export * from './input/receiver-input-dstream.ts';
export * from './input/socket-input-dstream.ts';
// --- partitioned logs (direct streams) ---
export * from './input/log/topic-partition.ts';
export * from './input/log/offset-range.ts';
export * from './input/log/has-offset-ranges.ts';
export * from './input/log/can-commit-offsets.ts';
export * from './input/log/offset-out-of-range-error.ts';
export * from './input/log/log-source.ts';
export * from './input/log/partition-leases.ts';
export * from './group/group-runtime.ts';
export * from './group/not-co-partitioned-error.ts';
export * from './group/lease-lost-error.ts';
export * from './group/group-state-lost-error.ts';
export * from './group/group-state-mismatch-error.ts';
export * from './group/co-partitioning.ts';
export * from './input/log/consumer-strategy.ts';
export * from './input/log/location-strategy.ts';
export * from './input/log/per-partition-config.ts';
export * from './input/log/max-messages-per-partition.ts';
export * from './input/log/log-rdd.ts';
export * from './input/log/log-input-dstream.ts';
// --- several instances: repartition logs ---
export * from './exchange/repartition-log.ts';
export * from './exchange/partition-assignment.ts';
export * from './exchange/repartition-wait-aborted-error.ts';
export * from './exchange/group-plan-error.ts';
export * from './exchange/exchange-rdd.ts';
export type { GroupAssignment } from './exchange/group-plan.ts';
export * from './output/batch-output.ts';
export * from './scheduler/batch-info.ts';
export * from './scheduler/output-operation-info.ts';
export * from './scheduler/stream-input-info.ts';
export * from './scheduler/streaming-listener.ts';
export * from './scheduler/batch-failed-error.ts';
export * from './streaming-conf.ts';
export * from './streaming-context.ts';
export { UIBindError } from './ui/ui-http-server.ts';
// --- fault tolerance ---
export * from './checkpoint/metadata-checkpoint.ts';
export * from './checkpoint/checkpoint-validation.ts';
export * from './checkpoint/checkpoint-directory-locked-error.ts';
export * from './checkpoint/incompatible-checkpoint-error.ts';
export * from './checkpoint/unrecoverable-checkpoint-error.ts';
export * from './checkpoint/checkpointable-input.ts';
export type { CheckpointRecoveryInfo } from './checkpoint/checkpoint-recovery.ts';
