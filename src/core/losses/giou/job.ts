import { InputError, describeValue } from '../../errors';
import { overlapRows, requireFiniteBoxes, type OverlapCounts } from '../../boxes';
import { coefficient, planReduction, reduce, type ReductionPlan } from '../../reduction';
import { giouOverlapSimd, giouUsesSimd } from './simd';
import { requireShape, scalar, type Tensor } from '../../tensor';
import { allocateFloat64, type Allocate, type RowLoss } from '../rowLoss';
import type { LossOptions, LossResult } from '../types';

export interface GiouOptions extends LossOptions {
  /**
   * Lower bound of the union and of the enclosing area (default 1e-7, mmdetection's `giou_loss`;
   * its `GIoULoss` module uses 1e-6). Must be > 0.
   */
  eps?: number;
}

export type GiouResult = LossResult<'pred'> & {
  /** The plain IoU of each pair, overlap / max(union, eps), shape (n). */
  readonly iou: Tensor;
  /** The GIoU of each pair, shape (n); perElement is 1 − giou. */
  readonly giou: Tensor;
};

/**
 * The GIoU loss as a row loss (rows: box pairs). Partials: [Σ cᵢ·lossᵢ, unions clamped,
 * enclosures clamped, ranges that may hold a non-finite coordinate].
 */
export const GIOU_ROWS: RowLoss<Parameters<typeof prepareGiouLoss>, GiouJob, GiouOutputs, GiouResult> = {
  prepare: prepareGiouLoss,
  shape: (job) => ({ rows: job.n, rowLength: 4, precision: 'float64' }),
  outputs: (job, allocate) => newGiouOutputs(job.n, job.grad, allocate),
  runRows(job, outputs, start, end, partials, at) {
    const counts: GiouCounts = { unionClamped: 0, enclosureClamped: 0, maybeNonFinite: 0 };
    partials[at] = giouLossRows(job, start, end, outputs, counts);
    partials[at + 1] = counts.unionClamped;
    partials[at + 2] = counts.enclosureClamped;
    partials[at + 3] = counts.maybeNonFinite;
  },
  finish(job, outputs, totals) {
    // The kernel checks finiteness on the fly; the slow scan only runs to name a bad coordinate.
    if (totals[3] > 0) requireFiniteBoxes('giouLoss', { shape: [job.n, 4], data: job.pred }, { shape: [job.n, 4], data: job.target });
    return finishGiouLoss(job, outputs, totals[0], { unionClamped: totals[1], enclosureClamped: totals[2] });
  },
};

/**
 * A validated GIoU-loss evaluation, ready to run over any range of rows: only typed arrays and
 * numbers, so that it can be posted to a worker thread (src/node/parallel).
 */
export interface GiouJob {
  readonly n: number;
  /** (n, 4) boxes each. */
  readonly pred: Float64Array;
  readonly target: Float64Array;
  readonly eps: number;
  readonly plan: ReductionPlan;
  /** Whether to compute the gradient. */
  readonly grad: boolean;
}

/** The kernel's clamp counts, and how many row ranges may hold a non-finite coordinate. */
export interface GiouCounts extends OverlapCounts {
  maybeNonFinite: number;
}

/** Where the GIoU loss writes: (n) arrays and the optional (n, 4) gradient. */
export interface GiouOutputs {
  readonly giou: Float64Array;
  readonly iou: Float64Array;
  readonly perElement: Float64Array;
  readonly grad: Float64Array | null;
}

export function newGiouOutputs(n: number, grad: boolean, allocate: Allocate = allocateFloat64): GiouOutputs {
  return { giou: allocate(n), iou: allocate(n), perElement: allocate(n), grad: grad ? allocate(n * 4) : null };
}

/** Validates the GIoU loss's shapes and options as {@link giouLoss} does (coordinates are checked in the pass). */
export function prepareGiouLoss(pred: Tensor, target: Tensor, options: GiouOptions = {}): GiouJob {
  const fn = 'giouLoss';
  const eps = options.eps ?? 1e-7;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) {
    throw new InputError(fn, 'options.eps', 'a finite number > 0', describeValue(eps));
  }
  const dims = requireShape(fn, 'pred', pred, ['n', 4]);
  requireShape(fn, 'target', target, ['n', 4], dims);
  const n = pred.shape[0];
  return { n, pred: pred.data, target: target.data, eps, plan: planReduction(fn, [n], options), grad: options.grad === true };
}

/**
 * Rows [start, end) of a prepared GIoU loss, written into full-size `outputs` (indexed as the whole
 * batch, so that threads can share them), with the clamps added to `counts`, and
 * `counts.maybeNonFinite` raised if some coordinate may be non-finite (then run
 * requireFiniteBoxes). Returns Σ cᵢ·lossᵢ over those rows.
 */
export function giouLossRows(job: GiouJob, start: number, end: number, outputs: GiouOutputs, counts: GiouCounts): number {
  const { plan } = job;
  const rows = (array: Float64Array, width: number): Float64Array => array.subarray(start * width, end * width);
  // The kernel indexes from 0: views of the range, and the weights from `start` on (a scalar
  // weight, stride n, is one group for every row).
  const weights = plan.weight === null || plan.weightStride !== 1 ? plan.weight : plan.weight.subarray(start);
  // d(1 − giou)/dgiou = −1, times the reduction's coefficient.
  const upstream = { scale: -plan.scale, weights, stride: plan.weightStride };
  const grad = outputs.grad === null ? null : rows(outputs.grad, 4);
  const giou = rows(outputs.giou, 1);
  // The SIMD kernel gives overlapRows's bits without its data-dependent branches (simd.ts).
  const kernel = giouUsesSimd() ? giouOverlapSimd : overlapGiou;
  const finite = kernel(rows(job.pred, 4), rows(job.target, 4), end - start, job.eps, giou, rows(outputs.iou, 1), counts, upstream, grad);
  if (!finite) counts.maybeNonFinite++;
  return complementAndReduce(giou, rows(outputs.perElement, 1), plan, start);
}

/** overlapRows in mode 'giou', with giouOverlapSimd's signature. */
function overlapGiou(...args: Parameters<typeof giouOverlapSimd>): boolean {
  return overlapRows('giou', ...args);
}

/** The GiouResult of a prepared GIoU loss whose rows have all run with finite coordinates. */
export function finishGiouLoss(job: GiouJob, outputs: GiouOutputs, total: number, counts: OverlapCounts): GiouResult {
  const { n, plan } = job;
  const perElementTensor: Tensor = { shape: [n], data: outputs.perElement };
  return {
    loss: plan.reduction === 'none' ? reduce(plan, perElementTensor) : scalar(total),
    perElement: perElementTensor,
    grad: outputs.grad === null ? undefined : { pred: { shape: [n, 4], data: outputs.grad } },
    report: { unionClamped: counts.unionClamped, enclosureClamped: counts.enclosureClamped },
    iou: { shape: [n], data: outputs.iou },
    giou: { shape: [n], data: outputs.giou },
  };
}

/**
 * Writes perElement = 1 − giou for rows offset… and returns Σ coefficient_i · perElement_i, the 'mean'/'sum'
 * loss. The loop lives in its own small function so that V8's on-stack-replaced code for it has
 * nothing after the loop to deoptimize on, which otherwise costs giouLoss a bailout per call.
 */
function complementAndReduce(giou: Float64Array, perElement: Float64Array, plan: ReductionPlan, offset: number): number {
  let total = 0;
  for (let i = 0; i < giou.length; i++) {
    const loss = 1 - giou[i];
    perElement[i] = loss;
    total += coefficient(plan, offset + i) * loss;
  }
  return total;
}
