import { addPairGradient, emptyDistanceReport, pairDistance, resolveMetric, type DistanceKind } from '../../distances';
import { InputError, describeValue } from '../../errors';
import { sigmoid, softplus } from '../../numerics';
import { coefficient, planReduction, reduce } from '../../reduction';
import { requireFinite, requireShape, type Tensor } from '../../tensor';
import type { LossOptions, LossResult } from '../types';

/**
 * The per-triplet loss given z = d_ap − d_an: softplus(z) when `soft`, else the hinge
 * max(z + α, 0). The one definition, shared by this loss and the miners (mining.ts).
 */
export function tripletLoss(z: number, margin: number, soft: boolean): number {
  if (soft) return softplus(z);
  const hinge = z + margin;
  return hinge > 0 ? hinge : 0;
}

/**
 * ∂loss/∂z: σ(z), or 1 where z + α ≥ 0 (PyTorch's clamp_min passes the gradient at the kink too,
 * as `triplet_margin_loss` does).
 */
export function tripletLossSlope(z: number, margin: number, soft: boolean): number {
  if (soft) return sigmoid(z);
  return z + margin >= 0 ? 1 : 0;
}

/** Options of `tripletMarginLoss`; the defaults are PyTorch's. */
export interface TripletOptions extends LossOptions {
  /** α in max(d_ap − d_an + α, 0); default 1. Any finite number. Not used when `soft`. */
  margin?: number;
  /** Order of the p-norm for `distance: 'euclidean'`; default 2, any p > 0 including Infinity. */
  p?: number;
  /** Added to every coordinate of each difference (x1 − x2 + eps), as PyTorch does; default 1e-6. */
  eps?: number;
  /** Distance swap (Balntas et al. 2016): d_an = min(d(a, n), d(p, n)); default false. */
  swap?: boolean;
  /** Default `euclidean` (the p-norm); see `DistanceKind`. */
  distance?: DistanceKind;
  /** Soft margin (Hermans et al. 2017): softplus(d_ap − d_an) instead of the hinge; default false. */
  soft?: boolean;
}

/**
 * Triplet margin loss, `torch.nn.functional.triplet_margin_loss` semantics:
 * loss_i = max(d(a_i, p_i) − d(a_i, n_i) + margin, 0), or softplus(d(a_i, p_i) − d(a_i, n_i)) when
 * `soft`, where d(x, y) = ‖x − y + eps‖_p by default.
 * @param anchor (B, d) anchor embeddings.
 * @param positive (B, d) embeddings of the anchor's class, row-aligned with `anchor`.
 * @param negative (B, d) embeddings of other classes, row-aligned with `anchor`.
 * @param options margin (default 1), p (2), eps (1e-6), swap (false), distance ('euclidean'), soft
 *   (false), reduction (`mean` over the B triplets by default; `sum`; `none` keeps (B)), weight (B),
 *   avgFactor, grad (false).
 * @returns `perElement` (B) losses; `loss` reduced from them; with `grad`, the exact gradient of
 *   `loss` (of its sum for `none`) for `anchor`, `positive` and `negative`, each (B, d). As in
 *   PyTorch, the hinge passes the gradient where its argument is ≥ 0, a swap tie d(a, n) = d(p, n)
 *   splits the gradient evenly between the two distances, and a zero distance has the subgradient 0
 *   (counted in `report.zeroDistance`).
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  options: TripletOptions = {},
): LossResult<'anchor' | 'positive' | 'negative'> {
  const fn = 'tripletMarginLoss';
  const dims = requireShape(fn, 'anchor', anchor, ['B', 'd']);
  requireShape(fn, 'positive', positive, ['B', 'd'], dims);
  requireShape(fn, 'negative', negative, ['B', 'd'], dims);
  requireFinite(fn, 'anchor', anchor);
  requireFinite(fn, 'positive', positive);
  requireFinite(fn, 'negative', negative);
  const margin = options.margin ?? 1;
  if (typeof margin !== 'number' || !Number.isFinite(margin)) {
    throw new InputError(fn, 'options.margin', 'a finite number', describeValue(margin));
  }
  for (const flag of ['swap', 'soft'] as const) {
    const value = options[flag];
    if (value !== undefined && typeof value !== 'boolean') throw new InputError(fn, `options.${flag}`, 'a boolean', describeValue(value));
  }
  const swap = options.swap ?? false;
  const soft = options.soft ?? false;
  const metric = resolveMetric(fn, options, 1e-6);
  const B = dims.get('B') as number;
  const d = dims.get('d') as number;
  const plan = planReduction(fn, [B], options);
  const wantGrad = options.grad === true;
  const a = anchor.data;
  const p = positive.data;
  const n = negative.data;
  const perElement = new Float64Array(B);
  const ga = wantGrad ? new Float64Array(B * d) : null;
  const gp = wantGrad ? new Float64Array(B * d) : null;
  const gn = wantGrad ? new Float64Array(B * d) : null;
  const report = emptyDistanceReport();
  for (let i = 0; i < B; i++) {
    const o = i * d;
    const dap = pairDistance(metric, a, o, p, o, d, report);
    const dan = pairDistance(metric, a, o, n, o, d, report);
    const dpn = swap ? pairDistance(metric, p, o, n, o, d, report) : Infinity;
    const dneg = dpn < dan ? dpn : dan;
    const z = dap - dneg;
    perElement[i] = tripletLoss(z, margin, soft);
    if (ga === null || gp === null || gn === null) continue;
    const slope = tripletLossSlope(z, margin, soft);
    const upstream = coefficient(plan, i) * slope;
    if (upstream === 0) continue;
    // PyTorch's minimum() backward: the smaller distance takes the gradient, a tie shares it.
    const anShare = dan < dpn ? 1 : dan === dpn ? 0.5 : 0;
    addPairGradient(metric, a, o, p, o, d, dap, upstream, ga, o, gp, o, report);
    if (anShare > 0) addPairGradient(metric, a, o, n, o, d, dan, -upstream * anShare, ga, o, gn, o, report);
    if (anShare < 1) addPairGradient(metric, p, o, n, o, d, dpn, -upstream * (1 - anShare), gp, o, gn, o, report);
  }
  const perElementTensor = { shape: [B], data: perElement };
  return {
    loss: reduce(plan, perElementTensor),
    perElement: perElementTensor,
    ...(ga === null || gp === null || gn === null
      ? {}
      : { grad: { anchor: { shape: [B, d], data: ga }, positive: { shape: [B, d], data: gp }, negative: { shape: [B, d], data: gn } } }),
    report: { zeroDistance: report.zeroDistance, clampedNorm: report.clampedNorm },
  };
}
