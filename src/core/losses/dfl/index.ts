import { interpolationWeights, type BinSpec } from '../../distributions';
import { InputError } from '../../errors';
import type { Tensor, TensorF32 } from '../../tensor';
import { runRowLoss } from '../rowLoss';
import { DFL_ROWS, prepareDfl, type DflOptions, type DflResult } from './job';

export type { DflOptions, DflResult } from './job';

/**
 * Distribution Focal Loss, mmdetection's `distribution_focal_loss`:
 * loss_r = wl·CE(pred_r, left) + wr·CE(pred_r, right), with left = ⌊y_r⌋, right = left + 1,
 * wl = right − y_r, wr = y_r − left, CE(z, k) = logsumexp(z) − z_k.
 *
 * @param pred (n, bins) bin logits, finite: float64 (Tensor) or, as exported, float32 (TensorF32),
 *   read in place either way ('float64' computes exactly what it computes on the widened values).
 * @param target (n) continuous targets in bin units, finite. Targets outside [0, bins − 1) are
 *   clamped and counted in `report.clampedTargets`: y ≥ bins − 1 becomes the cross-entropy to the
 *   last bin (the continuous limit; mmdetection would index past the end at y = bins − 1 exactly),
 *   y < 0 the cross-entropy to bin 0. NaN or ±∞ is an InputError.
 * @param options.bins required {@link BinSpec}; must equal pred's second dimension.
 * @param options.reduction 'mean' (default) averages the weighted per-row losses over n (or divides
 *   their sum by `avgFactor`), 'sum' adds them, 'none' returns them weighted, shape (n).
 * @param options.precision 'float64' (default) or 'float32' (see DflOptions.precision).
 * @param options.weight optional (n) per-row weights; options.avgFactor optional divisor for 'mean'.
 * @param options.grad also return grad.pred, shape (n, bins), the gradient of the reported loss
 *   (of its sum for 'none'): c_r·((wl + wr)·p_ri − wl·[i = left] − wr·[i = right]), where p is the
 *   row softmax and c_r the reduction's coefficient for row r (weight, 1/n or 1/avgFactor).
 * @returns perElement (n) unweighted losses, plus expectation, entropyFloor and excess (n).
 *
 * One exponential per logit: the softmax probabilities are written straight into the gradient.
 */
export function distributionFocalLoss(pred: Tensor | TensorF32, target: Tensor, options: DflOptions): DflResult {
  return runRowLoss(DFL_ROWS, prepareDfl('distributionFocalLoss', pred, target, options));
}

export interface DflPoint {
  /** The DFL of these logits for target y. */
  readonly value: number;
  /** d value / d logits, one per bin. */
  readonly gradient: Float64Array;
  /** Σ softmax(logits)_i · i. */
  readonly expectation: number;
  /** H(weightLeft, weightRight), the least `value` can be for this y. */
  readonly entropyFloor: number;
  readonly left: number;
  readonly right: number;
  readonly weightLeft: number;
  readonly weightRight: number;
  /** Whether y was outside [0, bins − 1) and clamped. */
  readonly clamped: boolean;
}

/**
 * DFL of one row of bin logits against one continuous target y, for plots and tooltips: the same
 * computation as {@link distributionFocalLoss} with n = 1 and bins = logits.length (≥ 2), including
 * its clamping of y outside [0, bins − 1).
 */
export function dflPoint(logits: ArrayLike<number>, y: number): DflPoint {
  const bins = logits.length;
  if (bins < 2) throw new InputError('dflPoint', 'logits', 'at least 2 bin logits', `${bins}`);
  const pred: Tensor = { shape: [1, bins], data: Float64Array.from(logits) };
  const result = runRowLoss(DFL_ROWS, prepareDfl('dflPoint', pred, { shape: [1], data: Float64Array.of(y) }, { bins, reduction: 'sum', grad: true }));
  const { left, right, weightLeft, weightRight, clamped } = interpolationWeights(y, bins);
  return {
    value: result.perElement.data[0],
    gradient: (result.grad as { pred: Tensor }).pred.data,
    expectation: result.expectation.data[0],
    entropyFloor: result.entropyFloor.data[0],
    left,
    right,
    weightLeft,
    weightRight,
    clamped,
  };
}
