import { expectTypeOf, test } from 'vitest';
import { SparkConf } from '@kindling/core';
import { of } from 'rxjs';
import {
  FileInputDStream,
  Receiver,
  ReceiverInputDStream,
  Seconds,
  StreamingContext,
  type BatchInputDescription,
  type DStream,
  type FileBatchInput,
} from '../src/index.ts';

declare const ssc: StreamingContext;

class Numbers extends Receiver<number> {
  onStart(): void { this.store(1); this.store([2, 3]); }
  onStop(): void {}
}

test('sources are typed by their records', () => {
  expectTypeOf(ssc.textFileStream('in')).toEqualTypeOf<FileInputDStream<string>>();
  expectTypeOf(ssc.fileStream('in', { maxFilesPerBatch: 2 })).toMatchTypeOf<DStream<string>>();
  expectTypeOf(ssc.binaryRecordsStream('in', 8)).toMatchTypeOf<DStream<Uint8Array>>();
  expectTypeOf(ssc.socketTextStream('localhost', 9999)).toMatchTypeOf<DStream<string>>();
  expectTypeOf(ssc.socketStream('localhost', 9999, (chunk: Buffer) => [chunk.length])).toMatchTypeOf<DStream<number>>();
  expectTypeOf(ssc.receiverStream(new Numbers())).toEqualTypeOf<ReceiverInputDStream<number>>();
  expectTypeOf(ssc.observableStream(of('a', 'b'))).toEqualTypeOf<ReceiverInputDStream<string>>();
  expectTypeOf(new StreamingContext(new SparkConf(), Seconds(1)).textFileStream('x').assignedInputs().get(0)).toEqualTypeOf<FileBatchInput | undefined>();
});

test('receivers store their own record type only', () => {
  class Strings extends Receiver<string> {
    onStart(): void {
      this.store('ok');
      this.store(['a', 'b']);
      // @ts-expect-error a number is not a string record
      this.store(1);
    }
    onStop(): void {}
  }
  expectTypeOf<Strings>().toMatchTypeOf<Receiver<string>>();
});

test('batch input descriptions are a closed union by kind', () => {
  const d = {} as BatchInputDescription;
  if (d.kind === 'offsets') expectTypeOf(d.ranges[0]!.untilOffset).toEqualTypeOf<number>();
  if (d.kind === 'files') expectTypeOf(d.files[0]!.path).toEqualTypeOf<string>();
  // @ts-expect-error unknown kind
  const bad: BatchInputDescription = { kind: 'rows', rows: [] };
  void bad;
});
