/**
 * Below this many input elements (pred's size) a loss runs on the calling thread: posting to a
 * worker, waking it and waiting cost more than the second core saves.
 *
 * Measured by `node --import tsx bench/parallel-threshold.ts` (qfl, focal, dfl, giou forward +
 * backward, median of many runs, 1 thread vs the pool of 2 on this 2-core machine; see that
 * script's output for the crossover of each loss): MEASUREMENT_PLACEHOLDER
 */
export const PARALLEL_MIN_ELEMENTS = 0;
