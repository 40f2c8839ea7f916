import { InputError, describeValue } from '../../errors';
import { requireNumberInRange, type Tensor, type TensorF32 } from '../../tensor';
import { runRowLoss } from '../rowLoss';
import type { LossResult } from '../types';
import { prepareQualityFocalLoss, qflPointUnchecked, QFL_ROWS, type QflOptions, type QflTarget } from './job';

export type { LabelConvention, QflOptions, QflTarget } from './job';

/**
 * Quality Focal Loss (Li et al. 2020, Generalized Focal Loss), with mmdetection's
 * `quality_focal_loss` semantics and `abs()` on the modulating factor:
 *
 *   loss(x, y) = BCE(σ, y)·|y − σ|^β,  σ = σ(x) for logits, σ = pred when `activated`.
 *
 * @param pred (n, C) class logits, or probabilities in [0, 1] with `activated: true`; float64, or a
 *   float32 export (TensorF32) read in place in either precision (as are `dense` targets; float32
 *   labels and scores, (n), are widened).
 * @param target `{ label, score }`: label (n) integers under `labelConvention`, score (n) in
 *   [0, 1]; a row's labelled class has target `score`, all other entries target 0. Or
 *   `{ dense }`: (n, C) soft targets in [0, 1].
 * @param options `beta` (default 2, ≥ 0); `labelConvention` (default 'background-last');
 *   `activated` (default false); `reduction` (default 'mean': weighted mean over the elements of
 *   `perElement`, or weighted sum / `avgFactor`; 'sum'; 'none': weighted `perElement`); `weight` of
 *   `perElement`'s shape or a prefix of it ((n) in both forms, as mmdetection passes it); `grad`;
 *   `precision` (default 'float64').
 * @returns `perElement`: (n), the loss summed over classes, for the label/score form; (n, C) for
 *   the dense form. With `grad`, `grad.pred` (n, C) = ∂loss/∂pred (of the sum of `loss` for 'none').
 *   For logits, with d = σ − y: d·|d|^β + BCE·β·|d|^β/d·σ(1 − σ), taken as d·|d|^β where d = 0
 *   (the subgradient that keeps β < 1 finite). For probabilities, BCE's derivative is PyTorch's
 *   (σ − y)/max(σ(1 − σ), 1e-12) and BCE's logs are clamped at −100; `report.logClamps` counts them.
 */
export function qualityFocalLoss(pred: Tensor | TensorF32, target: QflTarget, options: QflOptions = {}): LossResult<'pred'> {
  return runRowLoss(QFL_ROWS, prepareQualityFocalLoss(pred, target, options));
}

/**
 * QFL of a probability σ ∈ [0, 1] against a soft target y ∈ [0, 1], for plotting curves:
 * BCE(σ, y)·|y − σ|^β with `F.binary_cross_entropy`'s logs clamped at −100, so the value is finite
 * at σ ∈ {0, 1}. `dSigma` is its derivative in σ, using PyTorch's bounded BCE derivative
 * (σ − y)/max(σ(1 − σ), 1e-12) and the subgradient 0 of |y − σ|^β at σ = y.
 */
export function qflPoint(sigma: number, y: number, beta: number): { value: number; dSigma: number } {
  const fn = 'qflPoint';
  if (!(sigma >= 0 && sigma <= 1)) throw new InputError(fn, 'sigma', 'a probability in [0, 1]', describeValue(sigma));
  if (!(y >= 0 && y <= 1)) throw new InputError(fn, 'y', 'a target in [0, 1]', describeValue(y));
  requireNumberInRange(fn, 'beta', beta, 0, Infinity);
  return qflPointUnchecked(sigma, y, beta);
}
