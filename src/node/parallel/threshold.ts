/**
 * Below this many input elements (pred's size) a loss runs on the calling thread: posting to a
 * worker, waking it and allocating shared outputs cost more than the second core saves.
 *
 * Measured with `node --import tsx bench/parallel-threshold.ts` (forward + backward, median of 31,
 * 1 thread vs the 2-thread pool) on the 2-core dev VM, while other benches were running (load
 * average ≈ 3.5, so the second core was mostly busy): qfl 1t/2t ms at 64k elements 1.38/1.87,
 * 128k 3.12/3.83, 512k 12.4/15.0; giou 64k 0.72/1.54, 512k 5.9/12.5 — no crossover below 512k.
 * At the bench sizes (`npm run bench`, same conditions) qfl 1.6M: 45.4/47.2, dfl 544k: 16.9/10.8,
 * giou 128k: 2.61/2.48. Hence 1M. Re-run the script on an idle machine before lowering it.
 */
export const PARALLEL_MIN_ELEMENTS = 1_000_000;

/**
 * ArcFace on the pool (its three products, row and column passes) from this many multiply-adds per
 * product, B·d·C. Measured with `node --import tsx bench/parallel-threshold.ts embeddings` (forward
 * + backward, median of 11, 1 thread vs the 2-thread pool, load average ≈ 2.9 from other benches):
 * (B, d, C) = (32, 64, 512) 1.71/2.22 ms, (64, 128, 512) 3.19/3.36, (64, 128, 1024) 6.35/6.03,
 * (128, 128, 2048) 21.9/16.3, (256, 512, 4096) 220/167. Hence 2²³ ≈ 8.4M.
 */
export const PARALLEL_MIN_PRODUCT_WORK = 1 << 23;

/**
 * Batch-hard mining on the pool from this many pair terms B²·d/2. Same run, d = 128: B = 256
 * 1.68/1.34 ms, 384 3.22/3.45, 512 5.31/5.87, 768 10.9/7.0, 1024 18.7/14.3; the noisy middle
 * (the second core was busy) puts the crossover between B = 512 and 768. Hence 2²⁵ ≈ 33.5M.
 */
export const PARALLEL_MIN_BATCH_HARD_WORK = 1 << 25;
