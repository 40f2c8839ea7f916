import { InputError, describeValue } from '../errors';
import { overlapKernel, requireFiniteBoxes, type OverlapCounts } from '../boxes';
import { coefficient, planReduction, reduce, type ReductionPlan } from '../reduction';
import { requireShape, scalar, type Tensor } from '../tensor';
import type { LossOptions, LossResult } from './types';

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
 * Generalized IoU loss of aligned pairs of boxes (Rezatofighi et al. 2019), mmdetection's
 * `giou_loss`: loss_i = 1 − GIoU(pred_i, target_i), where
 * GIoU = IoU − (E − U)/E, U = max(union, eps), E = max(area of the enclosing box, eps).
 * It lies in [0, 2]: 0 for identical boxes, → 2 for tiny boxes far apart, and unlike 1 − IoU it
 * still has a gradient when the boxes do not overlap.
 *
 * @param pred (n, 4) predicted boxes (x1, y1, x2, y2). Degenerate boxes (zero area, x2 < x1) give
 *   finite losses and gradients.
 * @param target (n, 4) ground-truth boxes, paired row by row; they get no gradient.
 * @param options `reduction` ('mean' by default: the average over the n pairs; 'sum'; 'none': the
 *   n weighted losses), `weight` (n) per-pair weights, `avgFactor` (divide the weighted sum by it
 *   instead of n), `eps` (default 1e-7), and `grad`.
 * @returns `loss` (scalar, or (n) for 'none'), `perElement` (n) = 1 − GIoU unweighted, `iou` and
 *   `giou` (n), and with `grad` dL/dpred (n, 4): the exact gradient of the reported loss (of its
 *   sum for 'none'), with PyTorch's autograd conventions: where two sides tie (identical boxes,
 *   shared edges) max/min split the gradient in half, clamp(min=0) passes it at 0, and max(·, eps)
 *   splits it in half on a tie. `report` counts the unions and enclosures raised to eps.
 */
export function giouLoss(pred: Tensor, target: Tensor, options: GiouOptions = {}): GiouResult {
  const fn = 'giouLoss';
  const eps = options.eps ?? 1e-7;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) {
    throw new InputError(fn, 'options.eps', 'a finite number > 0', describeValue(eps));
  }
  const dims = requireShape(fn, 'pred', pred, ['n', 4]);
  requireShape(fn, 'target', target, ['n', 4], dims);
  const n = pred.shape[0];
  const plan = planReduction(fn, [n], options);
  const giou = new Float64Array(n);
  const iou = new Float64Array(n);
  const counts: OverlapCounts = { unionClamped: 0, enclosureClamped: 0 };
  const gradOut = options.grad === true ? new Float64Array(n * 4) : null;
  // d(1 − giou)/dgiou = −1, times the reduction's coefficient.
  const upstream = { scale: -plan.scale, weights: plan.weight, stride: plan.weightStride };
  // The kernel checks finiteness on the fly; the slow scan only runs to name a bad coordinate.
  if (!overlapKernel('giou', pred.data, target.data, n, eps, giou, iou, counts, upstream, gradOut)) requireFiniteBoxes(fn, pred, target);
  const perElement = new Float64Array(n);
  const total = complementAndReduce(giou, perElement, plan);
  const perElementTensor: Tensor = { shape: [n], data: perElement };
  return {
    loss: plan.reduction === 'none' ? reduce(plan, perElementTensor) : scalar(total),
    perElement: perElementTensor,
    grad: gradOut === null ? undefined : { pred: { shape: [n, 4], data: gradOut } },
    report: { unionClamped: counts.unionClamped, enclosureClamped: counts.enclosureClamped },
    iou: { shape: [n], data: iou },
    giou: { shape: [n], data: giou },
  };
}

/**
 * Writes perElement = 1 − giou (n) and returns Σ coefficient_i · perElement_i, the 'mean'/'sum'
 * loss. The loop lives in its own small function so that V8's on-stack-replaced code for it has
 * nothing after the loop to deoptimize on, which otherwise costs giouLoss a bailout per call.
 */
function complementAndReduce(giou: Float64Array, perElement: Float64Array, plan: ReductionPlan): number {
  let total = 0;
  for (let i = 0; i < giou.length; i++) {
    const loss = 1 - giou[i];
    perElement[i] = loss;
    total += coefficient(plan, i) * loss;
  }
  return total;
}
