/**
 * Below this many input elements (pred's size) a loss runs on the calling thread: posting to a
 * worker, waking it and allocating shared outputs cost more than the second core saves. The idle
 * crossover lies well below, but right after a full collection V8 sweeps on background threads
 * that take the second core, so the threshold keeps a margin of four over it. The measurements
 * (`bench/parallel-threshold.ts`) are in docs/performance.md, "Pool thresholds: the measurements".
 */
export const PARALLEL_MIN_ELEMENTS = 1 << 18;

/**
 * The same threshold for the float32 mode (`precision: 'float32'`), whose kernels do about half the
 * work per element, so the fixed costs of a shared task (outputs allocated on the caller, the
 * post, the worker's wake-up, the serial reduction) weigh twice as much: it gains from 2¹⁹ on
 * (docs/performance.md, "Pool thresholds: the measurements").
 */
export const PARALLEL_MIN_ELEMENTS_FLOAT32 = 1 << 19;

/**
 * ArcFace on the pool (its three products, row and column passes) from this many multiply-adds per
 * product, B·d·C, where the pool starts to gain (docs/performance.md, "Pool thresholds: the
 * measurements").
 */
export const PARALLEL_MIN_PRODUCT_WORK = 1 << 23;

/**
 * Batch-hard mining on the pool from this many pair terms B²·d/2: the crossover lies between
 * B = 256 and 384 at d = 128, and 2²³ ≈ 8.4M is B ≈ 362 (docs/performance.md, "Pool thresholds:
 * the measurements").
 */
export const PARALLEL_MIN_BATCH_HARD_WORK = 1 << 23;
