/**
 * The box terms of the GFL head on its positives: GIoU of the boxes decoded by the Integral, and
 * DFL on the side distributions, both weighted by the detached w = max σ(cls), plus the detached
 * IoU that becomes each positive's QFL target. Composed from the core's DFL, Integral and overlap
 * kernel; only the normalisation is the head's own.
 */
import { bbox2distance, distance2bbox, distance2bboxBackward, overlapRows, type OverlapCounts } from '../../boxes';
import { integral } from '../../distributions';
import { distributionFocalLoss } from '../../losses/dfl';
import type { Positives } from './positives';

/** `bbox_overlaps`' default eps, which the QFL score uses whatever GIoULoss's eps is. */
const SCORE_EPS = 1e-6;
/** DistancePointBBoxCoder.encode's margin: DFL targets are clamped into [0, regMax − 0.1]. */
const TARGET_MARGIN = 0.1;

/** mmdetection's `weight_reduce_loss` guard, `torch.finfo(torch.float32).eps` added to every avg_factor. */
export const AVG_FACTOR_EPS = 2 ** -23;

export interface RegressionSettings {
  readonly regMax: number;
  readonly lossWeightBbox: number;
  readonly lossWeightDfl: number;
  readonly giouEps: number;
  /** W = max(Σ_pos w, 1), the divisor of every level's box and DFL loss. */
  readonly normalizer: number;
  readonly grad: boolean;
}

export interface RegressionTerms {
  /** (M) each positive's share of loss_bbox: lw.bbox · w·(1 − GIoU) / (1 + ε) / W. */
  readonly bbox: Float64Array;
  /** (M) each positive's share of loss_dfl: lw.dfl · w·Σ_sides DFL / (4 + ε) / W. */
  readonly dfl: Float64Array;
  /** (M) IoU(decoded box, target), detached: the QFL target of the positive's label. */
  readonly score: Float64Array;
  /** With grad: (4M, bins) d(loss_bbox + loss_dfl)/d(side logits). */
  readonly gradReg: Float64Array | null;
  readonly report: { dflTargetsClamped: number; unionClamped: number; enclosureClamped: number };
}

/**
 * loss_bbox and loss_dfl of `GFLHead.loss_by_feat_single`, summed over levels and divided by W as
 * `loss_by_feat` does. Every level shares the divisors (1 + ε)·W and (4 + ε)·W, so the positives of
 * all levels and images run as one batch: centres and targets are already in their level's strides.
 */
export function regressionTerms(positives: Positives, settings: RegressionSettings): RegressionTerms {
  const M = positives.count;
  const bins = settings.regMax + 1;
  const report = { dflTargetsClamped: 0, unionClamped: 0, enclosureClamped: 0 };
  const bbox = new Float64Array(M);
  const dfl = new Float64Array(M);
  const score = new Float64Array(M);
  if (M === 0) return { bbox, dfl, score, gradReg: settings.grad ? new Float64Array(0) : null, report };
  const { weight } = positives;
  const centres = { shape: [M, 2], data: positives.centres };
  const targets = { shape: [M, 4], data: positives.targets };
  const logits = { shape: [4 * M, bins], data: positives.reg };

  // DFL, with lw.dfl · w / ((4 + ε)·W) as each side's weight, so that 'sum' is the level sum.
  const sides = bbox2distance(centres, targets, settings.regMax, TARGET_MARGIN);
  report.dflTargetsClamped = sides.report.clamped;
  const dflScale = settings.lossWeightDfl / ((4 + AVG_FACTOR_EPS) * settings.normalizer);
  const sideWeight = new Float64Array(4 * M);
  for (let r = 0; r < 4 * M; r++) sideWeight[r] = dflScale * weight[r >> 2];
  const dflResult = distributionFocalLoss(logits, { shape: [4 * M], data: sides.distance.data }, {
    bins,
    reduction: 'sum',
    weight: { shape: [4 * M], data: sideWeight },
    grad: settings.grad,
  });
  const sideLoss = dflResult.perElement.data;
  for (let m = 0; m < M; m++) {
    const r = 4 * m;
    dfl[m] = sideWeight[r] * sideLoss[r] + sideWeight[r + 1] * sideLoss[r + 1] + sideWeight[r + 2] * sideLoss[r + 2] + sideWeight[r + 3] * sideLoss[r + 3];
  }

  // GIoU of the decoded boxes; upstream −lw.bbox · w / ((1 + ε)·W) per positive.
  const distances = { shape: [M, 4], data: dflResult.expectation.data };
  const decoded = distance2bbox(centres, distances).data;
  const giou = new Float64Array(M);
  const counts: OverlapCounts = { unionClamped: 0, enclosureClamped: 0 };
  const gradBoxes = settings.grad ? new Float64Array(4 * M) : null;
  const bboxScale = settings.lossWeightBbox / ((1 + AVG_FACTOR_EPS) * settings.normalizer);
  const upstream = { scale: -bboxScale, weights: weight, stride: 1 };
  overlapRows('giou', decoded, positives.targets, M, settings.giouEps, giou, score, counts, upstream, gradBoxes);
  report.unionClamped = counts.unionClamped;
  report.enclosureClamped = counts.enclosureClamped;
  if (settings.giouEps !== SCORE_EPS) {
    overlapRows('iou', decoded, positives.targets, M, SCORE_EPS, score, null, { unionClamped: 0, enclosureClamped: 0 });
  }
  for (let m = 0; m < M; m++) bbox[m] = bboxScale * weight[m] * (1 - giou[m]);

  let gradReg: Float64Array | null = null;
  if (gradBoxes !== null && dflResult.grad !== undefined) {
    // Boxes → distances → bins: the Integral's backward adds into DFL's gradient rows.
    const gradDistance = distance2bboxBackward(centres, distances, { shape: [M, 4], data: gradBoxes }).distance;
    gradReg = dflResult.grad.pred.data;
    integral(logits, { grad: true, upstream: gradDistance.data, accumulate: gradReg });
  }
  return { bbox, dfl, score, gradReg, report };
}
