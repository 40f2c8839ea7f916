import { Session, type SessionOptions } from '../core/language/session';
import { DEFAULT_MAX_LOAD_BYTES, type FileAccessPolicy } from './files/policy';
import { createLoader, PROGRESS_THRESHOLD_BYTES, resolveLoadPath } from './kernel/load';
import type { LoadProgress } from './kernel/protocol';
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
  /**
   * Whether the workspace is trusted, asked at each `load` and stream (trust can be granted while
   * a kernel runs): untrusted, only files that resolve (symlinks followed) inside the notebook's
   * folder or `allowedFolders` may be read. Untrusted by default: `losslab run` reads beyond the
   * notebook's folder only where `--allow-path` says.
   */
  readonly isTrusted?: () => boolean;
  /** Folders besides the notebook's that an untrusted session may read: the workspace folder, each `--allow-path`. */
  readonly allowedFolders?: readonly string[];
  /** The largest file a `load` reads (DEFAULT_MAX_LOAD_BYTES by default). */
  readonly maxLoadBytes?: number;
  /** Progress of a `load` or stream of a file over PROGRESS_THRESHOLD_BYTES (the kernel shows a bar). */
  readonly onProgress?: (progress: LoadProgress) => void;
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
 * The session of a notebook on disk, the one set-up of both hosts (the kernel worker and
 * `losslab run`): `load("x.npz")` reads relative to `folder` (the notebook's; undefined for an
 * unsaved notebook, which can read absolute paths only) and gives its arrays as arraysToValues
 * does, `qfl_stream(…)` streams .npy files the same way, and large losses run on the pool.
 */
export function createNodeSession(folder: string | undefined, options: NodeSessionOptions = {}): Session {
  enableRelaxedSimd();
  const { pool: requested, tuning, isTrusted = () => false, allowedFolders = [], maxLoadBytes = DEFAULT_MAX_LOAD_BYTES, onProgress = () => undefined, ...sessionOptions } = options;
  const roots = folder === undefined ? allowedFolders : [folder, ...allowedFolders];
  const policy = (): FileAccessPolicy => ({ roots, trusted: isTrusted(), maxBytes: maxLoadBytes });
  const pool = requested === undefined ? sharedPool() : requested;
  const losses = pool === null ? undefined : parallelLosses(pool, tuning);
  const session: Session = new Session({
    ...sessionOptions,
    load: createLoader({ folder, policy, math: () => session.math, matrixLimit: () => session.elementCap, onProgress }),
    // Streams report progress as a load does; cancelling interrupts the cell, which the stream
    // hears between its chunks.
    stream: createQflStreamHost({
      resolvePath: (request) => resolveLoadPath(request, folder, policy()),
      ...(losses !== undefined ? { qualityFocalLoss: losses.qualityFocalLoss } : {}),
      onProgress: (progress) => {
        if (progress.totalBytes > PROGRESS_THRESHOLD_BYTES) onProgress(progress);
      },
    }),
    ...(losses !== undefined ? { losses } : {}),
  });
  return session;
}
