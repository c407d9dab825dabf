export { runStreamingTest, runStreamingTest2 } from './run-streaming-test.ts';
export type { StreamingTest, StreamingTest2, StreamingTestOptions, StreamingTestReport } from './run-streaming-test.ts';
export type { TestGraphModule } from './test-graph.ts';
export { TestInputDStream } from './test-input-dstream.ts';
