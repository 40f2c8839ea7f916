import { InputError, describeValue } from '../../errors';
import { absPow, binaryCrossEntropy, binaryCrossEntropyGrad } from '../../numerics';
import { requireNumberInRange, type Tensor, type TensorF32 } from '../../tensor';
import { runRowLoss } from '../rowLoss';
import type { LossResult } from '../types';
import { FOCAL_ROWS, prepareSigmoidFocalLoss, type FocalOptions } from './job';

export type { FocalOptions } from './job';

/**
 * Sigmoid focal loss (Lin et al. 2017), with torchvision's `sigmoid_focal_loss` semantics:
 *
 *   loss = α_t · BCEWithLogits(x, t) · (1 − p_t)^γ,
 *   p = σ(x), 1 − p_t = p·(1 − t) + (1 − p)·t, α_t = α·t + (1 − α)·(1 − t) (1 when α = −1).
 *
 * @param pred logits x of any shape, typically (n, C); float64, or a float32 export (TensorF32)
 *   read in place in either precision.
 * @param target targets t of pred's shape, in [0, 1]: 0/1 for hard labels, soft values allowed;
 *   float64 or float32, read in place.
 * @param options `alpha` (default 0.25, −1 = off, else in [0, 1]); `gamma` (default 2, ≥ 0);
 *   `reduction` (default 'mean': weighted mean over all elements, or weighted sum / `avgFactor`;
 *   'sum': weighted sum; 'none': the weighted elements, pred's shape); `weight` of pred's shape or
 *   a prefix of it (an (n) weight per row); `grad` to also return the gradient; `precision`
 *   (default 'float64').
 * @returns `perElement` of pred's shape; with `grad`, `grad.pred` = ∂loss/∂x (of the sum of `loss`
 *   for 'none'), elementwise α_t·[(p − t)·m^γ + BCE·γ·m^(γ−1)·p(1 − p)(1 − 2t)] with m = 1 − p_t,
 *   times the reduction's coefficient. Where m = 0 and γ < 1 the infinite factor meets p(1 − p) = 0
 *   and the gradient is 0 (PyTorch gives NaN there).
 */
export function sigmoidFocalLoss(pred: Tensor | TensorF32, target: Tensor | TensorF32, options: FocalOptions = {}): LossResult<'pred'> {
  return runRowLoss(FOCAL_ROWS, prepareSigmoidFocalLoss(pred, target, options));
}

/**
 * Focal loss of a probability p ∈ [0, 1] against a target y ∈ [0, 1], for plotting curves:
 * α_t·BCE(p, y)·(1 − p_t)^γ with `F.binary_cross_entropy`'s log clamped at −100, so the value is
 * finite at p ∈ {0, 1}. `dP` is its derivative in p, using PyTorch's bounded BCE derivative
 * (p − y)/max(p(1 − p), 1e-12). `alpha` −1 turns weighting off.
 */
export function focalPoint(p: number, y: number, alpha: number, gamma: number): { value: number; dP: number } {
  const fn = 'focalPoint';
  if (!(p >= 0 && p <= 1)) throw new InputError(fn, 'p', 'a probability in [0, 1]', describeValue(p));
  if (!(y >= 0 && y <= 1)) throw new InputError(fn, 'y', 'a target in [0, 1]', describeValue(y));
  if (alpha !== -1) requireNumberInRange(fn, 'alpha', alpha, 0, 1);
  requireNumberInRange(fn, 'gamma', gamma, 0, Infinity);
  const at = alpha === -1 ? 1 : alpha * y + (1 - alpha) * (1 - y);
  const bce = binaryCrossEntropy(p, y);
  // m = 1 − p_t is linear in p with slope 1 − 2y.
  const modulator = absPow(p * (1 - y) + (1 - p) * y, gamma);
  return {
    value: at * bce * modulator.value,
    dP: at * (binaryCrossEntropyGrad(p, y) * modulator.value + bce * modulator.derivative * (1 - 2 * y)),
  };
}
