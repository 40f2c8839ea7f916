/**
 * One level's QFL term of the GFL head, run on the raw (N, C, H, W) class map in place: QFL is
 * elementwise, so the core's dense-target QFL over the map's elements (a target of 0 everywhere
 * but at each positive's (image, label, pixel), where it is the positive's IoU score) gives the
 * loss and its gradient in the map's own layout, with no transpose either way.
 */
import { qualityFocalLoss } from '../../losses/qfl';
import type { Tensor } from '../../tensor';
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
  const n = map.data.length;
  const target = new Float64Array(n);
  for (let m = 0; m < positives.count; m++) {
    if (positives.level[m] !== level) continue;
    target[(positives.image[m] * C + positives.label[m]) * area + positives.pixel[m]] = score[m];
  }
  // A label weight per anchor broadcasts over its C elements; without one, a single weight.
  let weight: Tensor = { shape: [], data: Float64Array.of(scale) };
  if (labelWeight !== null) {
    const perElement = new Float64Array(n);
    for (let b = 0; b < N; b++) {
      for (let c = 0; c < C; c++) {
        const row = (b * C + c) * area;
        for (let p = 0; p < area; p++) perElement[row + p] = scale * labelWeight[b * area + p];
      }
    }
    weight = { shape: [n, 1], data: perElement };
  }
  const qfl = qualityFocalLoss({ shape: [n, 1], data: map.data }, { dense: { shape: [n, 1], data: target } }, { beta, reduction: 'sum', weight, grad });
  const elements = qfl.perElement.data;
  const perAnchor = new Float64Array(N * area);
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const row = (b * C + c) * area;
      for (let p = 0; p < area; p++) perAnchor[b * area + p] += elements[row + p];
    }
  }
  for (let i = 0; i < perAnchor.length; i++) perAnchor[i] *= labelWeight === null ? scale : scale * labelWeight[i];
  return { loss: qfl.loss.data[0], perAnchor, grad: qfl.grad === undefined ? null : qfl.grad.pred.data };
}
