/**
 * A parallel-pool worker thread: runs the blocks of a loss task it is sent, writing into the
 * shared output arrays, then counts itself done on the shared control word and wakes the caller.
 * Bundled as dist/parallelWorker.js; under tsx the pool starts this file directly.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { runClaimedBlocks, type BlockedTask } from './tasks';

/**
 * A task's shared arrays reach this thread as new typed-array objects, and their memory (ArcFace
 * sends ~120 MB of buffers per call) is only given back once this isolate collects them. An idle
 * worker allocates almost nothing on its own heap, so V8 would not collect for many calls and the
 * process kept ~800 MB of dead buffers. Hence a young-generation collection (well under a
 * millisecond on this small heap) once the buffers seen since the last one pass RECLAIM_BYTES.
 */
const RECLAIM_BYTES = 64 * 2 ** 20;
// V8 flags are per process, but `gc` is only installed in contexts created afterwards: this one.
setFlagsFromString('--expose-gc');
const exposed: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
const collect = typeof exposed === 'function' ? (exposed as (options: { type: 'minor' }) => void) : () => undefined;
let seenBytes = 0;

/** Bytes of the typed arrays a task holds, up to three levels into its job objects. */
function sharedBytes(value: unknown, depth = 0): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (depth > 2 || typeof value !== 'object' || value === null) return 0;
  let bytes = 0;
  for (const item of Object.values(value)) bytes += sharedBytes(item, depth + 1);
  return bytes;
}

/** What the pool starts a worker with: the shared word it sets once it listens. */
export interface WorkerStart {
  readonly listening: Int32Array;
  readonly index: number;
}

/** What the pool posts: a task, whose blocks the threads claim from `control` (see tasks.ts's CONTROL_…). */
export interface WorkerRequest {
  readonly blocked: BlockedTask;
  readonly control: Int32Array;
}

parentPort?.on('message', (request: WorkerRequest) => {
  const { blocked, control } = request;
  // A failing block is flagged for the caller, which reruns the whole task on its own thread, where
  // the error surfaces with its message.
  runClaimedBlocks(blocked, control, true);
  seenBytes += sharedBytes(blocked.task);
  if (seenBytes >= RECLAIM_BYTES) {
    seenBytes = 0;
    collect({ type: 'minor' });
  }
});
const start = workerData as WorkerStart | undefined;
if (parentPort !== null && start?.listening !== undefined) Atomics.store(start.listening, start.index, 1);
