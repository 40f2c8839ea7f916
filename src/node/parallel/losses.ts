/**
 * Multi-threaded drop-ins for the core's elementwise losses: the same signatures and, for every
 * per-element output and gradient, bit-for-bit the same values. The caller's thread validates and
 * plans (the core's own `prepare…` functions), the rows are shared out in blocks across the pool,
 * and the partial results are combined here.
 *
 * Determinism: a 'mean'/'sum' loss is the sum of per-block partial sums taken in block order, and
 * the blocks depend only on the row length (tasks.ts), never on the number of threads, so the
 * result is the same number on any machine. It may differ from the single-threaded left-to-right
 * sum in the last bits (floating-point addition is not associative): a relative difference of
 * order n·ε at worst, 1e-16 in practice, far inside the parity tolerance 1e-9 + 1e-7·|want|.
 * DFL reduces its (n) per-row losses on the caller, as the core does, so its loss is bitwise equal.
 */
import type { Tensor, TensorF32 } from '../../core/tensor';
import { distributionFocalLoss, finishDistributionFocalLoss, prepareDfl, type DflOptions, type DflOutputs, type DflResult } from '../../core/losses/dfl';
import { finishSigmoidFocalLoss, prepareSigmoidFocalLoss, sigmoidFocalLoss, type FocalOptions } from '../../core/losses/focal';
import { gflHeadLoss, type GflInputs, type GflOptions, type GflResult } from '../../core/losses/gfl';
import { finishGiouLoss, giouLoss, prepareGiouLoss, type GiouOptions, type GiouOutputs, type GiouResult } from '../../core/losses/giou';
import { finishQualityFocalLoss, prepareQualityFocalLoss, qualityFocalLoss } from '../../core/losses/qfl';
import type { ReductionPlan } from '../../core/reduction';
import type { Precision } from '../../core/simd/path';
import type { ParallelPool } from './pool';
import { sharedFloat64, toShared, toSharedOrNull } from './shared';
import { BLOCK_ELEMENTS, blockCount, blockRowsFor, SLOTS, taskShape, type BlockedTask, type LossTask } from './tasks';
import { PARALLEL_MIN_ELEMENTS, PARALLEL_MIN_ELEMENTS_FLOAT32 } from './threshold';
import { parallelEmbeddingLosses, type EmbeddingTuning, type ParallelEmbeddingLosses } from './embeddings';

export interface ParallelLosses extends ParallelEmbeddingLosses {
  readonly qualityFocalLoss: typeof qualityFocalLoss;
  readonly sigmoidFocalLoss: typeof sigmoidFocalLoss;
  readonly distributionFocalLoss: typeof distributionFocalLoss;
  readonly giouLoss: typeof giouLoss;
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
  const runTask = (task: LossTask): Float64Array | null => runBlocked(pool, task, blockElements);
  const parallel = (elements: number, precision?: Precision): boolean =>
    pool.threads > 1 && elements > 0 && elements >= (precision === 'float32' ? minElementsFloat32 : minElements);

  const qfl: typeof qualityFocalLoss = (pred, target, options = {}) => {
    if (!parallel(pred.data.length, options.precision)) return qualityFocalLoss(pred, target, options);
    const prepared = prepareQualityFocalLoss(pred, target, options);
    const job = {
      ...prepared,
      pred: toShared(prepared.pred),
      label: toSharedOrNull(prepared.label),
      score: toSharedOrNull(prepared.score),
      dense: toSharedOrNull(prepared.dense),
      plan: sharedPlan(prepared.plan),
    };
    const perElement = sharedFloat64(prepared.perElementShape.reduce((a, b) => a * b, 1));
    const grad = options.grad ? sharedFloat64(prepared.n * prepared.C) : null;
    const partials = runTask({ kind: 'qfl', job, perElement, grad });
    if (partials === null) return qualityFocalLoss(pred, target, options);
    return finishQualityFocalLoss(job, perElement, grad, slotSum(partials, 0), slotSum(partials, 1));
  };

  const focal: typeof sigmoidFocalLoss = (pred, target, options: FocalOptions = {}) => {
    if (!parallel(pred.data.length, options.precision) || pred.shape.length === 0) return sigmoidFocalLoss(pred, target, options);
    const prepared = prepareSigmoidFocalLoss(pred, target, options);
    const job = { ...prepared, pred: toShared(prepared.pred), target: toShared(prepared.target), plan: sharedPlan(prepared.plan) };
    const perElement = sharedFloat64(pred.data.length);
    const grad = options.grad ? sharedFloat64(pred.data.length) : null;
    const partials = runTask({ kind: 'focal', job, perElement, grad });
    if (partials === null) return sigmoidFocalLoss(pred, target, options);
    return finishSigmoidFocalLoss(job, perElement, grad, slotSum(partials, 0));
  };

  const dfl: typeof distributionFocalLoss = (pred: Tensor | TensorF32, target: Tensor, options: DflOptions): DflResult => {
    if (!parallel(pred.data.length, options.precision)) return distributionFocalLoss(pred, target, options);
    const prepared = prepareDfl('distributionFocalLoss', pred, target, options);
    const job = { ...prepared, pred: toShared(prepared.pred), target: toShared(prepared.target), plan: sharedPlan(prepared.plan) };
    const { n, bins } = job;
    const outputs: DflOutputs = {
      perElement: sharedFloat64(n),
      expectation: sharedFloat64(n),
      floor: sharedFloat64(n),
      excess: sharedFloat64(n),
      grad: options.grad === true ? sharedFloat64(n * bins) : null,
    };
    const partials = runTask({ kind: 'dfl', job, outputs });
    // A failed run, or a non-finite logit (−1): the core names the culprit or recomputes.
    if (partials === null || slotMin(partials, 1) < 0) return distributionFocalLoss(pred, target, options);
    return finishDistributionFocalLoss(job, outputs, slotSum(partials, 1));
  };

  const giou: typeof giouLoss = (pred: Tensor, target: Tensor, options: GiouOptions = {}): GiouResult => {
    if (!parallel(pred.data.length)) return giouLoss(pred, target, options);
    const prepared = prepareGiouLoss(pred, target, options);
    const job = { ...prepared, pred: toShared(prepared.pred), target: toShared(prepared.target), plan: sharedPlan(prepared.plan) };
    const { n } = job;
    const outputs: GiouOutputs = {
      giou: sharedFloat64(n),
      iou: sharedFloat64(n),
      perElement: sharedFloat64(n),
      grad: options.grad === true ? sharedFloat64(n * 4) : null,
    };
    const partials = runTask({ kind: 'giou', job, outputs });
    // A possibly non-finite coordinate: the core names it (or, on a false alarm, recomputes).
    if (partials === null || slotSum(partials, 3) > 0) return giouLoss(pred, target, options);
    const counts = { unionClamped: slotSum(partials, 1), enclosureClamped: slotSum(partials, 2) };
    return finishGiouLoss(job, outputs, slotSum(partials, 0), counts);
  };

  const gfl = (inputs: GflInputs, options: GflOptions): GflResult =>
    gflHeadLoss(inputs, options, { qualityFocalLoss: qfl, distributionFocalLoss: dfl });

  return { qualityFocalLoss: qfl, sigmoidFocalLoss: focal, distributionFocalLoss: dfl, giouLoss: giou, gflHeadLoss: gfl, ...parallelEmbeddingLosses(pool, tuning) };
}

/** Runs a task in blocks across the pool; the per-block partials, or null if the pool failed. */
function runBlocked(pool: ParallelPool, task: LossTask, blockElements: number): Float64Array | null {
  const { rows, rowLength } = taskShape(task);
  const blockRows = blockRowsFor(rowLength, blockElements);
  const blocked: BlockedTask = { task, rows, blockRows, partials: sharedFloat64(0) };
  const partials = sharedFloat64(blockCount(blocked) * SLOTS);
  return pool.run({ ...blocked, partials }) ? partials : null;
}

/** Σ over blocks of slot `slot`, in block order (the deterministic combination). */
function slotSum(partials: Float64Array, slot: number): number {
  let sum = 0;
  for (let o = slot; o < partials.length; o += SLOTS) sum += partials[o];
  return sum;
}

function slotMin(partials: Float64Array, slot: number): number {
  let least = Infinity;
  for (let o = slot; o < partials.length; o += SLOTS) least = Math.min(least, partials[o]);
  return least;
}

function sharedPlan(plan: ReductionPlan): ReductionPlan {
  return { ...plan, weight: toSharedOrNull(plan.weight) };
}
