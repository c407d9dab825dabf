/** Whether this thread is a worker thread of a replicated graph (set by its entry module). @internal */
export const workerThreadState = { isGraphWorker: false };
