/**
 * A parallel-pool worker thread: runs the blocks of a loss task it is sent, writing into the
 * shared output arrays, then counts itself done on the shared control word and wakes the caller.
 * Bundled as dist/parallelWorker.js; under tsx the pool starts this file directly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runBlocks, type BlockedTask } from './tasks';

/** What the pool starts a worker with: the shared word it sets once it listens. */
export interface WorkerStart {
  readonly listening: Int32Array;
  readonly index: number;
}

/** What the pool posts: blocks [first, last) of a task, and the control words (pending, failed). */
export interface WorkerRequest {
  readonly blocked: BlockedTask;
  readonly first: number;
  readonly last: number;
  readonly control: Int32Array;
}

parentPort?.on('message', (request: WorkerRequest) => {
  const { blocked, first, last, control } = request;
  try {
    runBlocks(blocked, first, last);
  } catch {
    // The caller reruns the whole task on its own thread, where the error surfaces with its message.
    Atomics.store(control, 1, 1);
  }
  Atomics.sub(control, 0, 1);
  Atomics.notify(control, 0);
});
const start = workerData as WorkerStart | undefined;
if (parentPort !== null && start?.listening !== undefined) Atomics.store(start.listening, start.index, 1);
