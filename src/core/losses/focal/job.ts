import { InputError, describeValue } from '../../errors';
import { sigmoidBce } from '../../numerics';
import { planReduction, reduce, type ReductionPlan } from '../../reduction';
import { focalSimd, focalUsesSimd } from './simd';
import type { FloatArray, Precision } from '../../simd/path';
import { requireFinite, requireInRange, requireNumberInRange, requireShape, scalar, type Tensor, type TensorF32 } from '../../tensor';
import { type PredOutputs, type RowLoss } from '../rowLoss';
import type { LossOptions, LossResult } from '../types';

const FN = 'sigmoidFocalLoss';

export interface FocalOptions extends LossOptions {
  /** Weight of the positive side, α ∈ [0, 1]; negatives get 1 − α. −1 turns weighting off. Default 0.25. */
  alpha?: number;
  /** Focusing exponent γ ≥ 0 on (1 − p_t); 0 gives plain (α-weighted) BCE. Default 2. */
  gamma?: number;
  /**
   * 'float64' (default) or the opt-in 'float32' mode: f32x4 kernels on float32 logits and targets
   * (float64 ones are rounded first), float64 outputs and sums; see docs/performance.md for the
   * accuracy bound and which forms run in float32 (the others compute in float64).
   */
  precision?: Precision;
}

/**
 * A validated focal-loss evaluation, ready to run over any range of rows (first-axis slices): only
 * typed arrays and numbers, so that it can be posted to a worker thread (src/node/parallel).
 */
export interface FocalJob {
  readonly shape: readonly number[];
  /** Extent of the first axis (1 for a scalar pred) and elements per row. */
  readonly rows: number;
  readonly rowLength: number;
  readonly pred: FloatArray;
  readonly target: FloatArray;
  readonly alpha: number;
  readonly gamma: number;
  readonly plan: ReductionPlan;
  readonly precision: Precision;
  /** Whether to compute the gradient. */
  readonly grad: boolean;
  /**
   * Whether the target range check still has to run (pred's finiteness always does): the row
   * passes report a bad input as a non-finite total, and only then do the naming checks run
   * (in finishSigmoidFocalLoss), saving two passes over the inputs.
   */
  readonly targetUnchecked: boolean;
}

/** Validates the focal loss's inputs and options exactly as {@link sigmoidFocalLoss} does. */
export function prepareSigmoidFocalLoss(pred: Tensor | TensorF32, target: Tensor | TensorF32, options: FocalOptions = {}): FocalJob {
  const alpha = options.alpha ?? 0.25;
  const gamma = options.gamma ?? 2;
  const precision = options.precision ?? 'float64';
  if (alpha !== -1) requireNumberInRange(FN, 'options.alpha', alpha, 0, 1);
  requireNumberInRange(FN, 'options.gamma', gamma, 0, Infinity);
  if (precision !== 'float64' && precision !== 'float32') {
    throw new InputError(FN, 'options.precision', "'float64' or 'float32'", describeValue(precision));
  }
  requireShape(FN, 'target', target, pred.shape);
  // The float32 kernels see targets rounded to float32, where 1 + 1e-10 would pass as 1: a float64
  // target is checked up front there.
  const targetData = target.data;
  const targetUnchecked = !(precision === 'float32' && targetData instanceof Float64Array);
  if (targetData instanceof Float64Array && !targetUnchecked) requireInRange(FN, 'target', { shape: target.shape, data: targetData }, 0, 1);
  const plan = planReduction(FN, pred.shape, options);
  const rows = pred.shape.length === 0 ? 1 : pred.shape[0];
  const rowLength = rows === 0 ? 0 : pred.data.length / rows;
  return { shape: [...pred.shape], rows, rowLength, pred: pred.data, target: target.data, alpha, gamma, plan, precision, grad: Boolean(options.grad), targetUnchecked };
}

/**
 * The deferred input checks, run when the row passes' total came out non-finite: they throw the
 * InputError naming the first non-finite logit or out-of-range target, exactly as they would
 * have before the pass. A total that overflowed on valid inputs passes them.
 */
function checkFocalInputs(job: FocalJob): void {
  requireFinite(FN, 'pred', { shape: job.shape, data: job.pred });
  if (job.targetUnchecked) requireInRange(FN, 'target', { shape: job.shape, data: job.target }, 0, 1);
}

/**
 * Rows [start, end) of a prepared focal loss: writes their losses into `perElement` and c·∂/∂x into
 * `grad` (full-size arrays indexed as the whole batch) and returns Σ cᵢ·lossᵢ over them. Running
 * [0, rows) is exactly `sigmoidFocalLoss`'s pass.
 */
export function sigmoidFocalLossRows(job: FocalJob, start: number, end: number, perElement: Float64Array, grad: Float64Array | null): number {
  const { rowLength } = job;
  if (focalUsesSimd((end - start) * rowLength, job.gamma, job.plan)) {
    return focalSimd(job.pred, job.target, start * rowLength, end * rowLength, job.alpha, job.gamma, job.plan, perElement, grad, job.precision);
  }
  return focalKernel(job.pred, job.target, start * rowLength, end * rowLength, job.alpha, job.gamma, job.plan, perElement, grad);
}

/** The focal loss as a row loss (rows: pred's first axis). Partials: [Σ cᵢ·lossᵢ]. */
export const FOCAL_ROWS: RowLoss<Parameters<typeof prepareSigmoidFocalLoss>, FocalJob, PredOutputs, LossResult<'pred'>> = {
  prepare: prepareSigmoidFocalLoss,
  shape: (job) => ({ rows: job.rows, rowLength: job.rowLength, precision: job.precision }),
  outputs: (job, allocate) => ({ perElement: allocate(job.pred.length), grad: job.grad ? allocate(job.pred.length) : null }),
  runRows(job, outputs, start, end, partials, at) {
    partials[at] = sigmoidFocalLossRows(job, start, end, outputs.perElement, outputs.grad);
  },
  finish: (job, outputs, totals) => finishSigmoidFocalLoss(job, outputs.perElement, outputs.grad, totals[0]),
};

/** The LossResult of a prepared focal loss whose rows have all run; `total` sums their partial totals. */
export function finishSigmoidFocalLoss(job: FocalJob, perElement: Float64Array, grad: Float64Array | null, total: number): LossResult<'pred'> {
  if (!Number.isFinite(total)) checkFocalInputs(job);
  const perTensor: Tensor = { shape: [...job.shape], data: perElement };
  const loss = job.plan.reduction === 'none' ? reduce(job.plan, perTensor) : scalar(total);
  const result: LossResult<'pred'> = { loss, perElement: perTensor, report: {} };
  return grad === null ? result : { ...result, grad: { pred: { shape: [...job.shape], data: grad } } };
}

/**
 * One fused pass over elements [first, last) of x (any shape, flattened) writing the per-element losses and, when `grad` is
 * given, the reduction coefficient times their derivatives. Returns the weighted sum Σ cᵢ·lossᵢ, or
 * NaN when a target lies outside [0, 1] (a non-finite logit makes its loss non-finite anyway).
 */
function focalKernel(
  x: FloatArray,
  t: FloatArray,
  first: number,
  last: number,
  alpha: number,
  gamma: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
): number {
  // Elements sharing one weight form a group with a constant coefficient; unweighted is one group.
  // A range starts on a row, and a row never straddles two groups (weights are prefix-shaped).
  const stride = plan.weight === null ? Math.max(last - first, 1) : plan.weightStride;
  let total = 0;
  let targetsInRange = true;
  for (let start = first, group = Math.floor(first / stride); start < last; start += stride, group++) {
    const c = plan.weight === null ? plan.scale : plan.scale * plan.weight[group];
    const end = start + stride < last ? start + stride : last;
    for (let i = start; i < end; i++) {
      const xi = x[i];
      const ti = t[i];
      targetsInRange = targetsInRange && ti >= 0 && ti <= 1;
      const { sigma: p, oneMinusSigma: q, bce } = sigmoidBce(xi, ti);
      // Both m = 1 − p_t and p − t are formed from p and q = 1 − p without cancellation.
      const m = p * (1 - ti) + q * ti;
      const at = alpha < 0 ? 1 : alpha * ti + (1 - alpha) * (1 - ti);
      let mg: number;
      let dmg: number; // γ·m^(γ−1)
      if (gamma === 2) {
        mg = m * m;
        dmg = 2 * m;
      } else if (gamma === 0) {
        mg = 1;
        dmg = 0;
      } else {
        mg = m === 0 ? 0 : Math.pow(m, gamma);
        dmg = m === 0 ? 0 : (gamma * mg) / m;
      }
      const li = at * bce * mg;
      out[i] = li;
      total += c * li;
      if (grad !== null) {
        grad[i] = c * at * ((p * (1 - ti) - q * ti) * mg + bce * dmg * p * q * (1 - 2 * ti));
      }
    }
  }
  return targetsInRange ? total : NaN;
}

