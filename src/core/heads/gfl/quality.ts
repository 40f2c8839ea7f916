/**
 * One level's QFL term of the GFL head: the core's label/score QFL on the level's class logits as
 * anchor-major rows (anchors, C), the layout `loss_by_feat_single` permutes them into. Each anchor's
 * label is its GT's class for a positive and the background C otherwise; the positive's target
 * is its IoU score.
 */
import { qualityFocalLoss } from '../../losses/qfl';
import type { Tensor } from '../../tensor';
import { gatherRows, scatterRows } from './layout';
import type { Positives } from './positives';

/**
 * Anchors per QFL call. The level runs block by block, so that the permuted logits and their
 * gradient are two cache-sized buffers rather than two more copies of the whole map.
 */
const BLOCK = 1024;

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
  const labels = new Float64Array(N * area).fill(C);
  const scores = new Float64Array(N * area);
  for (let m = 0; m < positives.count; m++) {
    if (positives.level[m] !== level) continue;
    const r = positives.image[m] * area + positives.pixel[m];
    labels[r] = positives.label[m];
    scores[r] = score[m];
  }
  const weights = labelWeight === null ? null : labelWeight.map((w) => scale * w);
  const single: Tensor = { shape: [], data: Float64Array.of(scale) };
  const rows = new Float64Array(Math.min(BLOCK, area) * C);
  const perAnchor = new Float64Array(N * area);
  const gradMap = grad ? new Float64Array(map.data.length) : null;
  let loss = 0;
  for (let b = 0; b < N; b++) {
    for (let p0 = 0; p0 < area; p0 += BLOCK) {
      const p1 = Math.min(p0 + BLOCK, area);
      const count = p1 - p0;
      const r0 = b * area + p0;
      gatherRows(map.data, b, C, area, p0, p1, rows);
      const weight = weights === null ? single : { shape: [count], data: weights.subarray(r0, r0 + count) };
      const qfl = qualityFocalLoss(
        { shape: [count, C], data: rows.subarray(0, count * C) },
        { label: { shape: [count], data: labels.subarray(r0, r0 + count) }, score: { shape: [count], data: scores.subarray(r0, r0 + count) } },
        { beta, reduction: 'sum', weight, grad },
      );
      loss += qfl.loss.data[0];
      const rowLoss = qfl.perElement.data;
      for (let k = 0; k < count; k++) perAnchor[r0 + k] = rowLoss[k] * (weights === null ? scale : weights[r0 + k]);
      if (gradMap !== null && qfl.grad !== undefined) scatterRows(qfl.grad.pred.data, b, C, area, p0, p1, gradMap);
    }
  }
  return { loss, perAnchor, grad: gradMap };
}
