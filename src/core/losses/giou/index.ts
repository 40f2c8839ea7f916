import type { Tensor } from '../../tensor';
import { runRowLoss } from '../rowLoss';
import { GIOU_ROWS, prepareGiouLoss, type GiouOptions, type GiouResult } from './job';

export type { GiouOptions, GiouResult } from './job';

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
  return runRowLoss(GIOU_ROWS, prepareGiouLoss(pred, target, options));
}
