// Type-only imports: the base class builds its subclasses through this table, so there is no
// runtime import edge from dstream.ts to them (docs/architecture.md, "Operator factories").
// Each subclass file assigns itself here when `internal.ts` loads it.
import type { FilteredDStream } from './filtered-dstream.ts';
import type { FlatMappedDStream } from './flat-mapped-dstream.ts';
import type { FlatMappedValuesDStream } from './flat-mapped-values-dstream.ts';
import type { ForEachDStream } from './for-each-dstream.ts';
import type { GlommedDStream } from './glommed-dstream.ts';
import type { MapPartitionedDStream } from './map-partitioned-dstream.ts';
import type { MappedDStream } from './mapped-dstream.ts';
import type { MappedValuesDStream } from './mapped-values-dstream.ts';
import type { ShuffledDStream } from './shuffled-dstream.ts';
import type { TransformedDStream } from './transformed-dstream.ts';
import type { UnionDStream } from './union-dstream.ts';
import type { QueueInputDStream } from '../input/queue-input-dstream.ts';
import type { FileInputDStream } from '../input/file-input-dstream.ts';
import type { ReceiverInputDStream } from '../input/receiver-input-dstream.ts';
import type { SocketInputDStream } from '../input/socket-input-dstream.ts';
import type { WindowedDStream } from './windowed-dstream.ts';
import type { ReducedWindowedDStream } from './reduced-windowed-dstream.ts';
import type { StateDStream } from '../state/state-dstream.ts';
import type { InternalMapWithStateDStream } from '../state/internal-map-with-state-dstream.ts';
import type { MapWithStateDStream } from '../state/map-with-state-dstream.ts';

/** @internal */
export const dstreamClasses = {} as {
  FilteredDStream: typeof FilteredDStream;
  FlatMappedDStream: typeof FlatMappedDStream;
  FlatMappedValuesDStream: typeof FlatMappedValuesDStream;
  ForEachDStream: typeof ForEachDStream;
  GlommedDStream: typeof GlommedDStream;
  MapPartitionedDStream: typeof MapPartitionedDStream;
  MappedDStream: typeof MappedDStream;
  MappedValuesDStream: typeof MappedValuesDStream;
  ShuffledDStream: typeof ShuffledDStream;
  TransformedDStream: typeof TransformedDStream;
  UnionDStream: typeof UnionDStream;
  QueueInputDStream: typeof QueueInputDStream;
  // --- sources and receivers ---
  FileInputDStream: typeof FileInputDStream;
  ReceiverInputDStream: typeof ReceiverInputDStream;
  SocketInputDStream: typeof SocketInputDStream;
  // --- window classes ---
  WindowedDStream: typeof WindowedDStream;
  ReducedWindowedDStream: typeof ReducedWindowedDStream;
  // --- state classes ---
  StateDStream: typeof StateDStream;
  InternalMapWithStateDStream: typeof InternalMapWithStateDStream;
  MapWithStateDStream: typeof MapWithStateDStream;
};
