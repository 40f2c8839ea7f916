/**
 * One level's QFL term of the GFL head: the core's label/score QFL on the level's class logits as
 * anchor-major rows (N·H·W, C), the layout `loss_by_feat_single` permutes them into. Each anchor's
 * label is its GT's class for a positive and the background C otherwise; the positive's target
 * is its IoU score.
 */
import { qualityFocalLoss } from '../../losses/qfl';
import type { Tensor } from '../../tensor';
import { swapLastAxes } from './layout';
import type { Positives } from './positives';

export interface QualityTerm {
  /** loss_cls of the level: Σ label_weight·QFL / (avg_factor + ε), times lw.cls (folded into `scale`). */
  readonly loss: number;
  /** (N, H·W) each anchor's share of `loss`. */
  readonly perAnchor: Float64Array;
  /** With grad: (N, C, H, W) d loss / d map. */
  readonly grad: Float64Array | null;
}

/**
 * @param map (N, C, H, W) class logits of level `level`.
 * @param score (M) the positives' QFL targets (regressionTerms).
 * @param scale lw.cls / (avg_factor_cls + ε).
 * @param labelWeight (N, H·W) label weights of the level's anchors, or null when all are 1.
 */
export function qualityTerm(
  map: Tensor,
  level: number,
  positives: Positives,
  score: Float64Array,
  scale: number,
  labelWeight: Float64Array | null,
  beta: number,
  grad: boolean,
): QualityTerm {
  const [N, C, H, W] = map.shape;
  const area = H * W;
  const rows = N * area;
  const labels = new Float64Array(rows).fill(C);
  const scores = new Float64Array(rows);
  for (let m = 0; m < positives.count; m++) {
    if (positives.level[m] !== level) continue;
    const r = positives.image[m] * area + positives.pixel[m];
    labels[r] = positives.label[m];
    scores[r] = score[m];
  }
  // A label weight per anchor (row); without one, a single weight for all.
  let weight: Tensor = { shape: [], data: Float64Array.of(scale) };
  if (labelWeight !== null) weight = { shape: [rows], data: labelWeight.map((w) => scale * w) };
  const pred = { shape: [rows, C], data: swapLastAxes(map.data, N, C, area) };
  const qfl = qualityFocalLoss(pred, { label: { shape: [rows], data: labels }, score: { shape: [rows], data: scores } }, { beta, reduction: 'sum', weight, grad });
  const perAnchor = qfl.perElement.data;
  for (let r = 0; r < rows; r++) perAnchor[r] *= weight.data[labelWeight === null ? 0 : r];
  return { loss: qfl.loss.data[0], perAnchor, grad: qfl.grad === undefined ? null : swapLastAxes(qfl.grad.pred.data, N, area, C) };
}
