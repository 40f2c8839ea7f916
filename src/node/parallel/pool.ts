/**
 * A pool of worker threads that evaluates loss tasks synchronously: the calling thread posts the
 * task to the workers, and every thread, the caller included, claims blocks from a shared counter
 * until none is left (so a worker that wakes late costs nothing but its share); the caller then
 * blocks on a second shared counter (Atomics.wait) until every worker is done. Inputs and outputs live in SharedArrayBuffers,
 * so nothing is copied; cells stay synchronous (Session.runCell), which the kernel relies on.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkInterrupt } from '../../core/interrupt';
import { blockCount, CONTROL_DONE, CONTROL_FAILED, CONTROL_NEXT_BLOCK, runBlocks, runClaimedBlocks, type BlockedTask } from './tasks';
import type { WorkerRequest, WorkerStart } from './worker';

/** A worker that makes no progress for this long is taken for dead: the pool closes and the caller recomputes. */
const STALL_MS = 30_000;
/** How often a caller waiting for the workers polls for an interrupt. */
const POLL_MS = 20;

/**
 * The worker script: the bundle next to this one (dist/parallelWorker.js), or the source under
 * tsx (tests, bench); undefined when neither exists, and the pool then runs on one thread.
 */
export function workerScript(): string | undefined {
  for (const candidate of [join(__dirname, 'parallelWorker.js'), join(__dirname, 'worker.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Resolves once every worker of the pool is online (for tests and benches that need the parallel path). */
export async function ready(pool: ParallelPool): Promise<ParallelPool> {
  pool.warm();
  while (!pool.isReady()) await new Promise((resolve) => setTimeout(resolve, 5));
  return pool;
}

export class ParallelPool {
  /** Threads that share a task: the caller plus the workers. */
  readonly threads: number;
  private workers: Worker[] = [];
  /**
   * One word per worker, set by the worker itself once it listens: a task goes only to those. The
   * flag is shared memory, so a synchronous host (the CLI runs a whole notebook without yielding)
   * sees workers come online without its event loop turning.
   */
  private readonly listening: Int32Array;
  private broken = false;
  /** Tasks that were split across more than one thread (tests check that the parallel path ran). */
  sharedTasks = 0;

  /** @param threads total threads including the caller's (default: every core); 1 means no workers. */
  constructor(threads = availableParallelism(), private readonly script = workerScript()) {
    this.threads = script === undefined ? 1 : Math.max(1, Math.floor(threads));
    this.listening = new Int32Array(new SharedArrayBuffer(4 * Math.max(this.threads - 1, 1)));
  }

  /**
   * Starts the workers. Tasks run on the calling thread alone until they are online (tens of
   * milliseconds), so a host should warm the pool when it starts.
   */
  warm(): void {
    while (!this.broken && this.workers.length < this.threads - 1) {
      const script = this.script as string;
      const workerData: WorkerStart = { listening: this.listening, index: this.workers.length };
      // The source needs tsx, whose `--import` hooks a worker's entry script does not get in Node 20.
      const worker = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)});`, { eval: true, workerData })
        : new Worker(script, { workerData });
      // An idle pool must not keep the process (the CLI, a test) alive.
      worker.unref();
      worker.on('error', () => (this.broken = true));
      this.workers.push(worker);
    }
  }

  /**
   * Runs every block of the task across the pool and returns when all are written. Returns false
   * (with the outputs in an undefined state) if a worker failed or stalled; the caller then
   * recomputes on its own thread.
   */
  run(blocked: BlockedTask): boolean {
    const blocks = blockCount(blocked);
    this.warm();
    const live = this.broken ? [] : this.workers.filter((_, i) => Atomics.load(this.listening, i) === 1);
    const parts = Math.min(live.length + 1, blocks);
    if (parts <= 1) {
      runBlocks(blocked, 0, blocks);
      return true;
    }
    this.sharedTasks++;
    const control = new Int32Array(new SharedArrayBuffer(12));
    const request: WorkerRequest = { blocked, control };
    for (let part = 1; part < parts; part++) live[part - 1].postMessage(request);
    try {
      runClaimedBlocks(blocked, control);
      let done = Atomics.load(control, CONTROL_DONE);
      let progressAt = Date.now();
      while (done < blocks) {
        // Short waits, so that an interrupt is heard while the workers finish the last blocks.
        if (Atomics.wait(control, CONTROL_DONE, done, POLL_MS) === 'timed-out' && Atomics.load(control, CONTROL_DONE) === done) {
          checkInterrupt();
          if (Date.now() - progressAt < STALL_MS) continue;
          this.broken = true;
          void this.close();
          return false;
        }
        done = Atomics.load(control, CONTROL_DONE);
        progressAt = Date.now();
      }
    } catch (error) {
      // Interrupted: no thread claims another block, and each worker finishes the one it holds and
      // turns to the next task; the abandoned outputs are never read.
      Atomics.store(control, CONTROL_NEXT_BLOCK, blocks);
      throw error;
    }
    return control[CONTROL_FAILED] === 0;
  }

  /** Whether every worker is online, so that a task uses all the threads. */
  isReady(): boolean {
    if (this.broken) return true;
    let online = 0;
    for (let i = 0; i < this.workers.length; i++) online += Atomics.load(this.listening, i);
    return online >= this.threads - 1;
  }

  /** Stops the workers; the pool then runs tasks on the calling thread only. */
  async close(): Promise<void> {
    this.broken = true;
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
