/**
 * Multi-threaded drop-ins for the core's row losses (every loss of core/losses/registry.ts): the
 * same signatures and, for every per-element output and gradient, bit-for-bit the same values. The
 * caller's thread validates and plans (the loss's `prepare`), the rows are shared out in blocks
 * across the pool (`runRows`, tasks.ts), and the loss's `finish` assembles the result from the
 * partials summed here.
 *
 * Determinism: a 'mean'/'sum' loss is the sum of per-block partial sums taken in block order, and
 * the blocks depend only on the row length (tasks.ts), never on the number of threads, so the
 * result is the same number on any machine. It may differ from the single-threaded left-to-right
 * sum in the last bits (floating-point addition is not associative): a relative difference of
 * order n·ε at worst, 1e-16 in practice, far inside the parity tolerance 1e-9 + 1e-7·|want|.
 * DFL, and QFL's label/score form, reduce their per-row losses in finish, as the core does, so
 * their loss is bitwise equal.
 */
import { gflHeadLoss, type GflInputs, type GflOptions, type GflResult } from '../../core/losses/gfl';
import { rowLossFunctions, type RowLossFunctions } from '../../core/losses/registry';
import { PARTIAL_SLOTS, runRowLoss } from '../../core/losses/rowLoss';
import type { Precision } from '../../core/simd/path';
import type { ParallelPool } from './pool';
import { sharedFloat64, toShared } from './shared';
import { BLOCK_ELEMENTS, blockCount, blockRowsFor, taskShape, type BlockedTask, type LossTask } from './tasks';
import { PARALLEL_MIN_ELEMENTS, PARALLEL_MIN_ELEMENTS_FLOAT32 } from './threshold';
import { parallelEmbeddingLosses, type EmbeddingTuning, type ParallelEmbeddingLosses } from './embeddings';

export interface ParallelLosses extends ParallelEmbeddingLosses, RowLossFunctions {
  readonly gflHeadLoss: (inputs: GflInputs, options: GflOptions) => GflResult;
}

export interface ParallelTuning extends EmbeddingTuning {
  /**
   * Inputs with fewer elements run on the calling thread (default: the measured PARALLEL_MIN_ELEMENTS,
   * or PARALLEL_MIN_ELEMENTS_FLOAT32 in the float32 mode); when given, it applies to both precisions.
   */
  readonly minElements?: number;
  /** Elements per block (default BLOCK_ELEMENTS); tests pass 1 so that every row is its own block. */
  readonly blockElements?: number;
}

/**
 * The losses run on `pool` for inputs of at least `minElements` elements, else by the core. Tests
 * pass { minElements: 0, blockElements: 1 } to force the parallel path on one-row inputs.
 */
export function parallelLosses(pool: ParallelPool, tuning: ParallelTuning = {}): ParallelLosses {
  const minElements = tuning.minElements ?? PARALLEL_MIN_ELEMENTS;
  const minElementsFloat32 = tuning.minElements ?? PARALLEL_MIN_ELEMENTS_FLOAT32;
  const blockElements = tuning.blockElements ?? BLOCK_ELEMENTS;
  const parallel = (elements: number, precision: Precision): boolean =>
    pool.threads > 1 && elements > 0 && elements >= (precision === 'float32' ? minElementsFloat32 : minElements);

  const rowLosses = rowLossFunctions((name, loss) => (...args) => {
    const job = loss.prepare(...args);
    const { rows, rowLength, precision } = loss.shape(job);
    if (!parallel(rows * rowLength, precision)) return runRowLoss(loss, job);
    const shared = sharedJob(job);
    const outputs = loss.outputs(shared, sharedFloat64);
    const partials = runBlocked(pool, { kind: 'rowLoss', loss: name, job: shared, outputs }, blockElements);
    // A worker failed: rerun on this thread, where the error surfaces with its message.
    if (partials === null) return runRowLoss(loss, job);
    return loss.finish(shared, outputs, blockTotals(partials));
  });

  const gfl = (inputs: GflInputs, options: GflOptions): GflResult => gflHeadLoss(inputs, options, rowLosses);

  return { ...rowLosses, gflHeadLoss: gfl, ...parallelEmbeddingLosses(pool, tuning) };
}

/** Runs a task in blocks across the pool; the per-block partials, or null if the pool failed. */
function runBlocked(pool: ParallelPool, task: LossTask, blockElements: number): Float64Array | null {
  const { rows, rowLength } = taskShape(task);
  const blockRows = blockRowsFor(rowLength, blockElements);
  const blocked: BlockedTask = { task, rows, blockRows, partials: sharedFloat64(0) };
  const partials = sharedFloat64(blockCount(blocked) * PARTIAL_SLOTS);
  return pool.run({ ...blocked, partials }) ? partials : null;
}

/** Each slot summed over the blocks, in block order (the deterministic combination). */
function blockTotals(partials: Float64Array): Float64Array {
  const totals = new Float64Array(PARTIAL_SLOTS);
  for (let slot = 0; slot < PARTIAL_SLOTS; slot++) {
    let sum = 0;
    for (let o = slot; o < partials.length; o += PARTIAL_SLOTS) sum += partials[o];
    totals[slot] = sum;
  }
  return totals;
}

/**
 * A prepared job with every typed array it holds in shared memory (the arrays already shared are
 * kept, the others copied), down to the objects it holds (a reduction plan's weights): the
 * workers then see the inputs without a copy per thread.
 */
function sharedJob<Job>(job: Job): Job {
  const share = (value: unknown, depth: number): unknown => {
    if (value instanceof Float64Array || value instanceof Float32Array) return toShared(value);
    if (depth === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, share(item, depth - 1)]));
  };
  return share(job, 2) as Job;
}
