export { runStreamingTest, runStreamingTest2 } from './run-streaming-test.ts';
export type { StreamingTest, StreamingTest2, StreamingTestOptions, StreamingTestReport } from './run-streaming-test.ts';
export type { TestGraphModule } from './test-graph.ts';
export { TestInputDStream } from './test-input-dstream.ts';
export { waitForStoredRecords } from './wait-for-stored-records.ts';
export type { WaitForStoredRecordsOptions } from './wait-for-stored-records.ts';
