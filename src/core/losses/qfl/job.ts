import { InputError, describeValue } from '../../errors';
import {
  absPow,
  binaryCrossEntropy,
  binaryCrossEntropyGrad,
  sigmoidBce,
  type ClampCounter,
} from '../../numerics';
import { coefficient, planReduction, reduce, type ReductionPlan } from '../../reduction';
import { qflLabelSimd, qflLabelUsesSimd } from './simd';
import type { FloatArray, Precision } from '../../simd/path';
import {
  requireFinite,
  requireInRange,
  requireIntegers,
  requireNumberInRange,
  requireShape,
  scalar,
  type Tensor,
  type TensorF32,
} from '../../tensor';
import { type PredOutputs, type RowLoss } from '../rowLoss';
import type { LossOptions, LossResult } from '../types';

const FN = 'qualityFocalLoss';

/**
 * Where the background label sits. 'background-last' (mmdetection ≥ 2): classes 0..C−1, label C is
 * background. 'background-first' (the original GFocal code): label 0 is background, labels 1..C
 * are classes 0..C−1.
 */
export type LabelConvention = 'background-last' | 'background-first';

/**
 * QFL targets. `label` (n) integer class labels with `score` (n) IoU targets in [0, 1] for the
 * labelled class (every other class, and every class of a background row, has target 0); or
 * `dense` (n, C) soft targets in [0, 1].
 */
export type QflTarget = { label: Tensor | TensorF32; score: Tensor | TensorF32 } | { dense: Tensor | TensorF32 };

export interface QflOptions extends LossOptions {
  /** Exponent β ≥ 0 of the modulating factor |y − σ|^β; any real, default 2. */
  beta?: number;
  /** Label convention of the label/score form; default 'background-last'. */
  labelConvention?: LabelConvention;
  /** pred holds probabilities in [0, 1] instead of logits (mmdetection `quality_focal_loss_with_prob`). */
  activated?: boolean;
  /**
   * 'float64' (default) or the opt-in 'float32' mode: the label/score form on logits runs f32x4
   * kernels on float32 logits (float64 ones are rounded first) with float64 outputs and sums; the
   * dense and `activated` forms compute in float64. Accuracy: docs/performance.md.
   */
  precision?: Precision;
}

/**
 * A validated QFL evaluation, ready to run over any range of rows: what `qualityFocalLoss` checks
 * and plans before its single pass. Only typed arrays and numbers, so that it can be posted to a
 * worker thread (src/node/parallel) and, with SharedArrayBuffer-backed arrays, shared without a copy.
 */
export interface QflJob {
  readonly n: number;
  readonly C: number;
  readonly beta: number;
  readonly activated: boolean;
  /** (n, C) logits or probabilities. */
  readonly pred: FloatArray;
  /** The label/score form's (n) labels and scores, and the label of column 0; null for the dense form. */
  readonly label: Float64Array | null;
  readonly score: Float64Array | null;
  readonly shift: number;
  /** The dense form's (n, C) targets; null for the label/score form. */
  readonly dense: FloatArray | null;
  /** (n) for the label/score form, (n, C) for the dense form. */
  readonly perElementShape: readonly number[];
  readonly plan: ReductionPlan;
  readonly precision: Precision;
  /** Whether to compute the gradient. */
  readonly grad: boolean;
  /**
   * Whether pred's finiteness check still has to run (the label/score form on logits): a
   * non-finite logit makes the row passes' total non-finite, and only then does the naming check
   * run (in finishQualityFocalLoss), saving a pass over pred.
   */
  readonly predUnchecked: boolean;
}

/** A float32 tensor's values as float64 (the (n) label and score arrays, which the kernels read as float64). */
function widen(tensor: Tensor | TensorF32): Tensor {
  const { data } = tensor;
  return data instanceof Float64Array ? { shape: tensor.shape, data } : { shape: tensor.shape, data: Float64Array.from(data) };
}

/** Validates QFL's inputs and options exactly as {@link qualityFocalLoss} does (InputError otherwise). */
export function prepareQualityFocalLoss(pred: Tensor | TensorF32, target: QflTarget, options: QflOptions = {}): QflJob {
  const beta = options.beta ?? 2;
  const convention = options.labelConvention ?? 'background-last';
  const activated = options.activated ?? false;
  const precision = options.precision ?? 'float64';
  const grad = Boolean(options.grad);
  requireNumberInRange(FN, 'options.beta', beta, 0, Infinity);
  if (convention !== 'background-last' && convention !== 'background-first') {
    throw new InputError(FN, 'options.labelConvention', "'background-last' or 'background-first'", describeValue(convention));
  }
  if (precision !== 'float64' && precision !== 'float32') {
    throw new InputError(FN, 'options.precision', "'float64' or 'float32'", describeValue(precision));
  }
  const dims = requireShape(FN, 'pred', pred, ['n', 'C']);
  // Only the label/score form on logits defers pred's check into its pass (see QflJob.predUnchecked).
  const predUnchecked = !activated && !('dense' in target);
  if (activated) requireInRange(FN, 'pred', pred, 0, 1);
  else if (!predUnchecked) requireFinite(FN, 'pred', pred);
  const n = dims.get('n') as number;
  const C = dims.get('C') as number;
  if ('dense' in target) {
    requireShape(FN, 'target.dense', target.dense, ['n', 'C'], dims);
    requireInRange(FN, 'target.dense', target.dense, 0, 1);
    const perElementShape = [n, C];
    const plan = planReduction(FN, perElementShape, options);
    const dense = target.dense.data;
    return { n, C, beta, activated, pred: pred.data, label: null, score: null, shift: 0, dense, perElementShape, plan, precision, grad, predUnchecked };
  }
  requireShape(FN, 'target.label', target.label, ['n'], dims);
  requireShape(FN, 'target.score', target.score, ['n'], dims);
  const label = widen(target.label);
  const score = widen(target.score);
  requireIntegers(FN, 'target.label', label, 0, C);
  requireInRange(FN, 'target.score', score, 0, 1);
  const perElementShape = [n];
  const plan = planReduction(FN, perElementShape, options);
  // Column of each row's labelled class; −1 (or C) marks a background row, which never matches.
  const shift = convention === 'background-first' ? 1 : 0;
  return { n, C, beta, activated, pred: pred.data, label: label.data, score: score.data, shift, dense: null, perElementShape, plan, precision, grad, predUnchecked };
}

/**
 * Rows [start, end) of a prepared QFL: writes their per-element losses into `perElement` and the
 * reduction coefficient times their gradient into `grad` (both full-size, indexed as the whole
 * batch, so that threads can share them), and returns Σ cᵢ·lossᵢ over those rows. Running [0, n)
 * is exactly `qualityFocalLoss`'s pass.
 */
export function qualityFocalLossRows(
  job: QflJob,
  start: number,
  end: number,
  perElement: Float64Array,
  grad: Float64Array | null,
  clamps: ClampCounter,
): number {
  const { C, beta, plan } = job;
  if (job.dense !== null) {
    return job.activated
      ? denseProbKernel(job.pred, job.dense, start * C, end * C, beta, plan, perElement, grad, clamps)
      : denseLogitKernel(job.pred, job.dense, start * C, end * C, beta, plan, perElement, grad);
  }
  const label = job.label as Float64Array;
  const score = job.score as Float64Array;
  if (job.activated) return labelProbKernel(job.pred, C, label, start, end, job.shift, score, beta, plan, perElement, grad, clamps);
  if (qflLabelUsesSimd((end - start) * C, beta)) {
    return qflLabelSimd(job.pred, C, label, score, job.shift, start, end, beta, plan, perElement, grad, job.precision);
  }
  return labelLogitKernel(job.pred, C, label, start, end, job.shift, score, beta, plan, perElement, grad);
}

/** QFL as a row loss (rows of C logits). Partials: [Σ cᵢ·lossᵢ, log clamps]. */
export const QFL_ROWS: RowLoss<Parameters<typeof prepareQualityFocalLoss>, QflJob, PredOutputs, LossResult<'pred'>> = {
  prepare: prepareQualityFocalLoss,
  shape: (job) => ({ rows: job.n, rowLength: job.C, precision: job.precision }),
  outputs: (job, allocate) => ({
    perElement: allocate(job.perElementShape.reduce((a, b) => a * b, 1)),
    grad: job.grad ? allocate(job.n * job.C) : null,
  }),
  runRows(job, outputs, start, end, partials, at) {
    const clamps: ClampCounter = { count: 0 };
    partials[at] = qualityFocalLossRows(job, start, end, outputs.perElement, outputs.grad, clamps);
    partials[at + 1] = clamps.count;
  },
  finish: (job, outputs, totals) => finishQualityFocalLoss(job, outputs.perElement, outputs.grad, totals[0], totals[1]),
};

/** The LossResult of a prepared QFL whose rows have all run; `total` is the sum of their partial totals. */
export function finishQualityFocalLoss(
  job: QflJob,
  perElement: Float64Array,
  grad: Float64Array | null,
  total: number,
  logClamps: number,
): LossResult<'pred'> {
  // A non-finite logit made the total non-finite: name it (valid inputs that overflowed pass).
  if (job.predUnchecked && !Number.isFinite(total)) requireFinite(FN, 'pred', { shape: [job.n, job.C], data: job.pred });
  const perTensor: Tensor = { shape: [...job.perElementShape], data: perElement };
  // The label/score form's (n) row losses are summed again here, in row order, rather than taking
  // the kernels' per-block or the pool's per-thread partial sums: its reduced loss is then the same
  // number however the rows were split (whole, pooled, or streamed chunk by chunk by qfl_stream),
  // for n more additions. The dense form keeps the partial sums (it is not streamed).
  const ordered = job.plan.reduction === 'none' || job.dense === null;
  const loss = ordered ? reduce(job.plan, perTensor) : scalar(total);
  const result: LossResult<'pred'> = { loss, perElement: perTensor, report: job.activated ? { logClamps } : {} };
  return grad === null ? result : { ...result, grad: { pred: { shape: [job.n, job.C], data: grad } } };
}

/** m^β for m ≥ 0 with 0^0 = 1; the common exponents skip Math.pow. */
function powBeta(m: number, beta: number): number {
  if (beta === 2) return m * m;
  if (beta === 1) return m;
  if (beta === 0) return 1;
  return m === 0 ? 0 : Math.pow(m, beta);
}

/**
 * Label/score form on logits. pred (n, C) row-major; label, score (n). Writes each row's loss
 * summed over classes to `out` (n) and c·∂/∂x to `grad` (n, C); returns Σ cᵣ·outᵣ, or NaN when a
 * logit is not finite.
 */
function labelLogitKernel(
  x: FloatArray,
  C: number,
  label: Float64Array,
  start: number,
  end: number,
  shift: number,
  score: Float64Array,
  beta: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
): number {
  let total = 0;
  // Stays exactly 0 unless a logit is ±∞ or NaN (a target-0 loss at −∞ is a finite 0): then the
  // returned total is NaN and finishQualityFocalLoss names the logit.
  let nonFinite = 0;
  for (let r = start; r < end; r++) {
    const c = coefficient(plan, r);
    const positive = label[r] - shift;
    const y = score[r];
    const base = r * C;
    let rowSum = 0;
    for (let j = 0; j < C; j++) {
      const i = base + j;
      const xi = x[i];
      nonFinite += xi * 0;
      const positiveClass = j === positive;
      const { sigma: p, oneMinusSigma: q, bce } = sigmoidBce(xi, positiveClass ? y : 0);
      if (!positiveClass) {
        // Target 0: BCE = softplus(x), d = σ, and ∂σ^β/∂x = β·σ^β·(1 − σ) needs no σ^(β−1).
        const pb = powBeta(p, beta);
        rowSum += bce * pb;
        if (grad !== null) grad[i] = c * pb * (p + beta * bce * q);
      } else {
        // σ − y from whichever of σ, 1 − σ is small, so a saturated logit keeps its digits.
        const d = p < 0.5 ? p - y : 1 - y - q;
        const m = d < 0 ? -d : d;
        const mb = powBeta(m, beta);
        rowSum += bce * mb;
        if (grad !== null) grad[i] = c * (d * mb + (m === 0 ? 0 : (beta * bce * mb * p * q) / d));
      }
    }
    out[r] = rowSum;
    total += c * rowSum;
  }
  return nonFinite === 0 ? total : NaN;
}

/** Dense form on logits: x, y (n·C) flattened; writes elements [start, end)'s losses and c·∂/∂x. */
function denseLogitKernel(
  x: FloatArray,
  y: FloatArray,
  start: number,
  end: number,
  beta: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
): number {
  let total = 0;
  for (let i = start; i < end; i++) {
    const c = coefficient(plan, i);
    const xi = x[i];
    const yi = y[i];
    const { sigma: p, oneMinusSigma: q, bce } = sigmoidBce(xi, yi);
    const d = p < 0.5 ? p - yi : 1 - yi - q;
    const m = d < 0 ? -d : d;
    const mb = powBeta(m, beta);
    const li = bce * mb;
    out[i] = li;
    total += c * li;
    if (grad !== null) grad[i] = c * (d * mb + (m === 0 ? 0 : (beta * bce * mb * p * q) / d));
  }
  return total;
}

/** Label/score form on probabilities; shapes as `labelLogitKernel`. */
function labelProbKernel(
  prob: FloatArray,
  C: number,
  label: Float64Array,
  start: number,
  end: number,
  shift: number,
  score: Float64Array,
  beta: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
  clamps: ClampCounter,
): number {
  let total = 0;
  for (let r = start; r < end; r++) {
    const c = coefficient(plan, r);
    const positive = label[r] - shift;
    let rowSum = 0;
    for (let j = 0; j < C; j++) {
      const i = r * C + j;
      const point = qflPointUnchecked(prob[i], j === positive ? score[r] : 0, beta, clamps);
      rowSum += point.value;
      if (grad !== null) grad[i] = c * point.dSigma;
    }
    out[r] = rowSum;
    total += c * rowSum;
  }
  return total;
}

/** Dense form on probabilities; shapes as `denseLogitKernel`. */
function denseProbKernel(
  prob: FloatArray,
  y: FloatArray,
  start: number,
  end: number,
  beta: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
  clamps: ClampCounter,
): number {
  let total = 0;
  for (let i = start; i < end; i++) {
    const c = coefficient(plan, i);
    const point = qflPointUnchecked(prob[i], y[i], beta, clamps);
    out[i] = point.value;
    total += c * point.value;
    if (grad !== null) grad[i] = c * point.dSigma;
  }
  return total;
}

export function qflPointUnchecked(sigma: number, y: number, beta: number, clamps?: ClampCounter): { value: number; dSigma: number } {
  const bce = binaryCrossEntropy(sigma, y, clamps);
  const modulator = absPow(sigma - y, beta);
  return {
    value: bce * modulator.value,
    dSigma: binaryCrossEntropyGrad(sigma, y) * modulator.value + bce * modulator.derivative,
  };
}

