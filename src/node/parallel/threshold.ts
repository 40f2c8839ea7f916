/**
 * Below this many input elements (pred's size) a loss runs on the calling thread: posting to a
 * worker, waking it and allocating shared outputs cost more than the second core saves.
 *
 * Measured with `node --import tsx bench/parallel-threshold.ts` (forward + backward, median of 31,
 * 1 thread vs the 2-thread pool, the SIMD kernels, the kernel process's malloc settings) on the
 * idle 2-core dev VM, 1t/2t ms: at 32k elements qfl 0.49/0.75, dfl 0.43/0.55, giou 0.33/0.35; at
 * 64k qfl 1.00/0.71, dfl 0.56/0.46, giou 0.57/0.45; at 128k qfl 2.01/1.25, dfl 1.09/0.81, giou
 * 1.21/0.93; at 256k qfl 4.07/2.43, dfl 2.25/1.53, giou 2.54/1.90; at 1M qfl 16.1/9.9, dfl
 * 9.1/6.3, giou 10.6/8.2. The crossover lies between 32k and 64k there, but right after a full
 * collection (`npm run bench` collects before every call) V8 sweeps on background threads that
 * take the second core: giou at 128k then ran 1.4–1.7 ms on one thread against 1.8–3.6 ms on two.
 * Hence 2¹⁸, a margin of four over the idle crossover. (Measured while other benches kept the
 * second core busy, the pool lost up to 512k elements: a loaded machine gains nothing from it.)
 */
export const PARALLEL_MIN_ELEMENTS = 1 << 18;

/**
 * The same threshold for the float32 mode (`precision: 'float32'`), whose kernels do about half the
 * work per element, so the fixed costs of a shared task (outputs allocated on the caller, the
 * post, the worker's wake-up, the serial reduction) weigh twice as much. Measured on a second 2-core
 * VM, whose speed drifts by up to 2× within a second, with 1 thread and the pool alternating call
 * by call (`bench/parallel-threshold.ts`, median of 61 pairs, a collection before each call), median
 * ratio pool / 1 thread: at 128k elements qfl 0.95, focal 0.99, dfl 1.14, giou 1.20 in float64 and
 * qfl 1.12, focal 1.10, dfl 1.13 in float32; at 256k float64 0.90 / 0.76 / 0.91 / 0.93 and float32
 * 1.01 / 0.97 / 1.10; at 512k float64 0.68 / 0.76 / 0.82 / 0.89 and float32 0.80 / 0.78 / 0.87; at
 * 1M float32 0.63 / 0.72 / 0.75. So 2¹⁸ still holds in float64, and float32 gains from 2¹⁹ on.
 */
export const PARALLEL_MIN_ELEMENTS_FLOAT32 = 1 << 19;

/**
 * ArcFace on the pool (its three products, row and column passes) from this many multiply-adds per
 * product, B·d·C. Measured with `node --import tsx bench/parallel-threshold.ts embeddings` (forward
 * + backward, median of 11, 1 thread vs the 2-thread pool, idle machine, the kernel process's malloc
 * settings), 1t/2t ms: (B, d, C) = (32, 64, 512) 1.42/1.68, (64, 128, 512) 2.68/3.16, (64, 128,
 * 1024) 5.40/5.20, (128, 128, 2048) 15.3/11.4, (256, 512, 4096) 185/112. Hence 2²³ ≈ 8.4M.
 */
export const PARALLEL_MIN_PRODUCT_WORK = 1 << 23;

/**
 * Batch-hard mining on the pool from this many pair terms B²·d/2. Same run, d = 128: B = 256
 * 1.69/1.90 ms, 384 3.23/2.32, 512 5.28/3.43, 768 10.9/7.0, 1024 18.3/15.2. The crossover lies
 * between B = 256 (4.2M) and 384 (9.4M), hence 2²³ ≈ 8.4M (B ≈ 362 at d = 128).
 */
export const PARALLEL_MIN_BATCH_HARD_WORK = 1 << 23;
