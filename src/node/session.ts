import { isAbsolute, resolve } from 'node:path';
import { Session, type SessionOptions } from '../core/language/session';
import { arraysToValues, createFileLoader } from './loadFile';
import { parallelLosses, type ParallelTuning } from './parallel/losses';
import { ParallelPool } from './parallel/pool';
import { enableRelaxedSimd } from './relaxedSimd';
import { createQflStreamHost } from './stream/qflStreamHost';

export interface NodeSessionOptions extends Omit<SessionOptions, 'load' | 'stream' | 'losses'> {
  /**
   * The worker pool that large losses are split across (inputs above PARALLEL_MIN_ELEMENTS, or
   * PARALLEL_MIN_ELEMENTS_FLOAT32 in the float32 mode; smaller
   * ones stay on the calling thread): by default one pool shared by every session of the process,
   * started on first use; `null` keeps every loss on the calling thread.
   */
  readonly pool?: ParallelPool | null;
  /** The pool's thresholds (tests force the parallel path on small inputs); the measured ones by default. */
  readonly tuning?: ParallelTuning;
}

let processPool: ParallelPool | undefined;

/** The process's shared pool, started (warmed) on first use. Its workers never keep the process alive. */
export function sharedPool(): ParallelPool {
  if (processPool === undefined) {
    processPool = new ParallelPool();
    processPool.warm();
  }
  return processPool;
}

/**
 * A kernel session for a notebook on disk, as in the VS Code kernel: `load("x.npz")` reads relative
 * to `baseDir` (the notebook's folder) and gives its arrays as the kernel does (arraysToValues),
 * `qfl_stream(…)` streams .npy files relative to it, and the elementwise losses run on the pool.
 */
export function createNodeSession(baseDir: string, options: NodeSessionOptions = {}): Session {
  enableRelaxedSimd();
  const { pool: requested, tuning, ...sessionOptions } = options;
  const pool = requested === undefined ? sharedPool() : requested;
  const losses = pool === null ? undefined : parallelLosses(pool, tuning);
  const session: Session = new Session({
    ...sessionOptions,
    load: createFileLoader(baseDir, (file) => arraysToValues(file, session.math, session.elementCap)),
    stream: createQflStreamHost({
      resolvePath: (path) => (isAbsolute(path) ? path : resolve(baseDir, path)),
      ...(losses !== undefined ? { qualityFocalLoss: losses.qualityFocalLoss } : {}),
    }),
    ...(losses !== undefined ? { losses } : {}),
  });
  return session;
}
