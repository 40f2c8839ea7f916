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
