/**
 * Distribution Focal Loss (Li et al. 2020, Generalized Focal Loss), as mmdetection's
 * `distribution_focal_loss`: a continuous regression target y is spread over its two neighbouring
 * bins and the bin logits are trained with the cross-entropy to that two-bin distribution.
 */
import { binCount, binaryEntropy, expRowInto, interpolationWeights, newExpRowStats, type BinSpec } from '../../distributions';
import { describeValue, InputError } from '../../errors';
import { coefficient, planReduction, reduce, type ReductionPlan } from '../../reduction';
import { distributionFocalLossSimd, distributionFocalLossSimdF32, dflUsesSimd, type DflKernelInput, type DflOutputs } from './simd';

export type { DflOutputs } from './simd';
import type { FloatArray, Precision } from '../../simd/path';
import { requireFinite, requireShape, unravelIndex, type Tensor, type TensorF32 } from '../../tensor';
import { allocateFloat64, type Allocate, type RowLoss } from '../rowLoss';
import type { LossOptions, LossResult } from '../types';

export interface DflOptions extends LossOptions {
  /**
   * The number of bins, or a `reg_max` with its convention (mmdetection: reg_max + 1 bins,
   * ultralytics: reg_max bins). Required: naming the convention is the point. Must match pred's
   * second dimension.
   */
  readonly bins: BinSpec;
  /**
   * 'float64' (default) or 'float32', the opt-in fast mode for float32 exports: the exponentials,
   * their sums, ln Σ, the softmax in the gradient and the entropy floor run in float32 SIMD, four
   * rows at a time; targets, weights, the clamps and the outputs stay float64. Each loss is then
   * within (1.4·bins + 2·ln bins + 2)·2⁻²⁴ of the float64 one on the same logits, about 4·2⁻²⁴ in
   * practice (bounds for every output in simd.ts). A float64 pred is rounded to float32 (an
   * InputError names a logit beyond float32's range). Either precision reads a Float32Array pred
   * (TensorF32) in place; where WebAssembly SIMD is unavailable (or under
   * setKernelPath('typescript')) 'float32' runs the float64 path.
   */
  readonly precision?: Precision;
}

export interface DflResult extends LossResult<'pred'> {
  /** Σ_i softmax(pred)_i · i per row, shape (n): the distance the Integral would decode, in bins. */
  readonly expectation: Tensor;
  /** H(wl, wr) per row, shape (n): the least the loss can be for that target (0 at integers). */
  readonly entropyFloor: Tensor;
  /** perElement − entropyFloor, shape (n): the KL divergence of the prediction from the target (≥ 0 up to rounding). */
  readonly excess: Tensor;
  readonly report: { readonly clampedTargets: number };
}

/**
 * DFL as a row loss (rows of `bins` logits). Partials: [unused, clamped targets, 1 where a logit
 * was not finite]; the finish then names that logit.
 */
export const DFL_ROWS: RowLoss<[pred: Tensor | TensorF32, target: Tensor, options: DflOptions], DflJob, DflOutputs, DflResult> = {
  prepare: (pred, target, options) => prepareDfl('distributionFocalLoss', pred, target, options),
  shape: (job) => ({ rows: job.n, rowLength: job.bins, precision: job.precision }),
  outputs: (job, allocate) => newDflOutputs(job.n, job.bins, job.grad, allocate),
  runRows(job, outputs, start, end, partials, at) {
    const clampedTargets = distributionFocalLossRows(job, start, end, outputs);
    if (clampedTargets < 0) partials[at + 2] = 1;
    else partials[at + 1] = clampedTargets;
  },
  finish(job, outputs, totals) {
    if (totals[2] > 0) {
      const pred = { shape: [job.n, job.bins], data: job.pred };
      requireFinite(job.fn, 'pred', pred);
      if (job.precision === 'float32') requireFloat32Range(job.fn, pred);
      throw new Error(`${job.fn}: the kernel reported a non-finite logit that no check found`);
    }
    return finishDistributionFocalLoss(job, outputs, totals[1]);
  },
};

/**
 * The float32 mode rounds a float64 pred to float32, where a logit of magnitude ≥ 2¹²⁸ − 2¹⁰³
 * becomes ±∞ (the kernel then reports a non-finite logit): name the first such logit.
 */
function requireFloat32Range(fn: string, pred: { readonly shape: readonly number[]; readonly data: FloatArray }): void {
  const { data } = pred;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(Math.fround(data[i]))) {
      throw new InputError(fn, 'pred', "logits within float32's range (|x| ≤ 3.4e38) for precision 'float32'", describeValue(data[i]), unravelIndex(i, pred.shape));
    }
  }
}

/**
 * A validated DFL evaluation, ready to run over any range of rows: only typed arrays and numbers,
 * so that it can be posted to a worker thread (src/node/parallel). pred is checked inside the pass.
 */
export interface DflJob extends DflKernelInput {
  /** The public function's name, for errors. */
  readonly fn: string;
  readonly n: number;
  readonly bins: number;
  /** (n, bins) logits (float32 as exported, or float64) and (n) targets. */
  readonly pred: FloatArray;
  readonly target: Float64Array;
  readonly plan: ReductionPlan;
  readonly precision: Precision;
  /** Whether to compute the gradient. */
  readonly grad: boolean;
}


export function newDflOutputs(n: number, bins: number, grad: boolean, allocate: Allocate = allocateFloat64): DflOutputs {
  const perElement = allocate(n);
  const expectation = allocate(n);
  const floor = allocate(n);
  const excess = allocate(n);
  return { perElement, expectation, floor, excess, grad: grad ? allocate(n * bins) : null };
}

/** Validates DFL's inputs and options as {@link distributionFocalLoss} does, except pred's values (checked in the pass). */
export function prepareDfl(fn: string, pred: Tensor | TensorF32, target: Tensor, options: DflOptions): DflJob {
  if (options === undefined || options === null || options.bins === undefined) {
    throw new InputError(fn, 'options.bins', 'given: a bin count or { regMax, convention }', 'missing');
  }
  const bins = binCount(options.bins, fn, 'options.bins');
  const precision = options.precision ?? 'float64';
  if (precision !== 'float64' && precision !== 'float32') {
    throw new InputError(fn, 'options.precision', "'float64' or 'float32'", describeValue(precision));
  }
  const dims = requireShape(fn, 'pred', pred, ['n', 'bins']);
  requireShape(fn, 'target', target, ['n'], dims);
  if (dims.get('bins') !== bins) {
    throw new InputError(fn, 'pred', `of shape (n, ${bins}) to match options.bins`, `of shape (${pred.shape.join(', ')})`);
  }
  // pred is checked row by row inside the kernel's single pass (expRowInto), target here.
  requireFinite(fn, 'target', target);
  const n = pred.shape[0];
  return { fn, n, bins, pred: pred.data, target: target.data, plan: planReduction(fn, [n], options), precision, grad: options.grad === true };
}

/**
 * Rows [start, end) of a prepared DFL, written into full-size `outputs` (indexed as the whole
 * batch, so that threads can share them). Returns the number of clamped targets among those rows,
 * or −1 if some logit was not finite (the caller then runs requireFinite for the error's index).
 * One exponential per logit: the softmax probabilities are written straight into the gradient.
 * Runs on the WebAssembly SIMD kernel (simd.ts) whenever the kernel path allows; the loop below
 * is the TypeScript path and the reference it is tested against.
 */
export function distributionFocalLossRows(job: DflJob, start: number, end: number, outputs: DflOutputs): number {
  if (dflUsesSimd()) {
    if (job.precision === 'float32') return distributionFocalLossSimdF32(job, start, end, outputs);
    return distributionFocalLossSimd(job, start, end, outputs);
  }
  const { bins, plan } = job;
  // Float32 logits are widened one row at a time (no float64 copy of the whole pred).
  const wide = job.pred instanceof Float64Array ? job.pred : null;
  const row = wide === null ? new Float64Array(bins) : null;
  const y = job.target;
  const { perElement, expectation, floor, excess, grad } = outputs;
  // The exponentials go straight into the gradient, or into a scratch row when there is none.
  const rowExp = grad ?? new Float64Array(bins);
  const stats = newExpRowStats();
  let clampedTargets = 0;

  for (let r = start, base = start * bins; r < end; r++, base += bins) {
    const { left, right, weightLeft: wl, weightRight: wr, clamped } = interpolationWeights(y[r], bins);
    if (clamped) clampedTargets++;
    const rowBase = grad === null ? 0 : base;
    if (row !== null) row.set(job.pred.subarray(base, base + bins));
    const x = wide ?? (row as Float64Array);
    const xBase = wide === null ? 0 : base;
    expRowInto(x, xBase, bins, rowExp, rowBase, stats);
    if (!stats.finite) return -1;
    const shift = stats.shift;
    const sum = stats.sum;
    const logSum = Math.log(sum);
    // logsumexp − z_k as (shift − z_k) + ln Σ: no cancellation between two large numbers at ±1000.
    const loss = wl * (shift - x[xBase + left] + logSum) + wr * (shift - x[xBase + right] + logSum);
    const inverse = 1 / sum;
    const entropy = binaryEntropy(wl, wr);
    perElement[r] = loss;
    expectation[r] = stats.moment * inverse;
    floor[r] = entropy;
    excess[r] = loss - entropy;
    if (grad !== null) {
      const c = coefficient(plan, r);
      const scale = c * (wl + wr) * inverse;
      for (let i = base; i < base + bins; i++) grad[i] *= scale;
      grad[base + left] -= c * wl;
      grad[base + right] -= c * wr;
    }
  }
  return clampedTargets;
}

/** The DflResult of a prepared DFL whose rows have all run without a non-finite logit. */
export function finishDistributionFocalLoss(job: DflJob, outputs: DflOutputs, clampedTargets: number): DflResult {
  const { n, bins, plan } = job;
  const perElementTensor: Tensor = { shape: [n], data: outputs.perElement };
  return {
    loss: reduce(plan, perElementTensor),
    perElement: perElementTensor,
    ...(outputs.grad !== null ? { grad: { pred: { shape: [n, bins], data: outputs.grad } } } : {}),
    expectation: { shape: [n], data: outputs.expectation },
    entropyFloor: { shape: [n], data: outputs.floor },
    excess: { shape: [n], data: outputs.excess },
    report: { clampedTargets },
  };
}

