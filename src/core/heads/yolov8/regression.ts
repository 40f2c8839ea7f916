/**
 * YOLOv8's box and DFL terms over the positives (`BboxLoss`): with the anchor point p and the GT
 * box in stride units, the decoded box (p − d_l, p − d_t, p + d_r, p + d_b) from the Integral of
 * each side's bins, and w the positive's target score,
 * - box = Σ_pos (1 − CIoU(pred, gt)) · w;
 * - dfl = Σ_pos w · mean over the 4 sides of wl·CE(⌊y⌋) + wr·CE(⌊y⌋ + 1), y = the side's distance
 *   from p to the GT, clamped to [0, R − 1 − 0.01] (`bbox2dist(…, reg_max − 1)`).
 * Both are returned undivided; the caller divides by the target-score sum and applies the gains.
 */
import { integral, interpolationWeights } from '../../distributions';
import { logSumExp } from '../../numerics';
import { ciouBackwardAt } from './ciou';
import { gatherBins, scatterBins, type HeadMaps } from './maps';
import type { AnchorLayout } from './points';
import type { Positives } from './positives';
import type { ImageTargets } from './targets';

export interface RegressionTerms {
  readonly box: number;
  readonly dfl: number;
  /** Side distances that fell outside [0, R − 1 − 0.01] and were clamped. */
  readonly clampedTargets: number;
}

/** How the box and DFL sums reach d total: total = boxScale · box + dflScale · dfl + …. */
export interface RegressionGrad {
  readonly grads: readonly Float64Array[];
  readonly boxScale: number;
  readonly dflScale: number;
}

/** Margin below the last bin of ultralytics' `bbox2dist` clamp. */
const DFL_TARGET_MARGIN = 0.01;

/**
 * Computes both sums and writes each positive's part into perBox / perDfl (N·A). With `grad`,
 * adds d total / d bins into grad.grads (one array per level, shaped as the maps); the target
 * scores w are constants, as the peer's assigner runs under no_grad.
 */
export function regressionTerms(
  maps: HeadMaps,
  layout: AnchorLayout,
  targets: readonly ImageTargets[],
  positives: Positives,
  ciouEps: number,
  perBox: Float64Array,
  perDfl: Float64Array,
  grad: RegressionGrad | null,
): RegressionTerms {
  const P = positives.count;
  const R = maps.bins;
  const A = layout.count;
  if (P === 0) return { box: 0, dfl: 0, clampedTargets: 0 };
  // (4P, R): the four sides' bin logits of every positive.
  const logits = new Float64Array(4 * P * R);
  for (let p = 0; p < P; p++) gatherBins(maps, layout, positives.image[p], positives.anchor[p], logits, 4 * p * R);
  const rows = { shape: [4 * P, R], data: logits };
  const decoded = integral(rows, { probabilities: true });
  const distance = decoded.expectation.data;
  const probabilities = decoded.probabilities!.data;
  const boxGrad = grad === null ? null : new Float64Array(4 * P);
  const rowGrad = grad === null ? null : new Float64Array(4 * P * R);
  const pred = new Float64Array(4);
  const target = new Float64Array(4);
  const limit = R - 1 - DFL_TARGET_MARGIN;
  let box = 0;
  let dfl = 0;
  let clampedTargets = 0;
  for (let p = 0; p < P; p++) {
    const a = positives.anchor[p];
    const { stride, width } = layout.levels[layout.level[a]];
    const px = (layout.cell[a] % width) + layout.gridCellOffset;
    const py = Math.floor(layout.cell[a] / width) + layout.gridCellOffset;
    const d = 4 * p;
    pred[0] = px - distance[d];
    pred[1] = py - distance[d + 1];
    pred[2] = px + distance[d + 2];
    pred[3] = py + distance[d + 3];
    const gtBox = targets[positives.image[p]].boxes;
    for (let k = 0; k < 4; k++) target[k] = gtBox[4 * positives.gt[p] + k] / stride;
    const w = positives.score[p];
    const upstream = grad === null ? 0 : -grad.boxScale * w;
    const ciou = ciouBackwardAt(pred, 0, target, 0, ciouEps, upstream, boxGrad, d);
    const o = positives.image[p] * A + a;
    perBox[o] = (1 - ciou) * w;
    box += perBox[o];

    let sides = 0;
    for (let k = 0; k < 4; k++) {
      const raw = k === 0 ? px - target[0] : k === 1 ? py - target[1] : k === 2 ? target[2] - px : target[3] - py;
      const y = raw < 0 ? 0 : raw > limit ? limit : raw;
      if (y !== raw) clampedTargets++;
      const { left, right, weightLeft, weightRight } = interpolationWeights(y, R);
      const row = (d + k) * R;
      const lse = logSumExp(logits, row, R);
      sides += (lse - logits[row + left]) * weightLeft + (lse - logits[row + right]) * weightRight;
      if (rowGrad !== null) {
        // d/dz of wl·CE(left) + wr·CE(right) = (wl + wr)·softmax(z) − wl·e_left − wr·e_right.
        const c = (grad!.dflScale * w) / 4;
        const mass = c * (weightLeft + weightRight);
        for (let b = 0; b < R; b++) rowGrad[row + b] += mass * probabilities[row + b];
        rowGrad[row + left] -= c * weightLeft;
        rowGrad[row + right] -= c * weightRight;
      }
    }
    perDfl[o] = (sides / 4) * w;
    dfl += perDfl[o];
  }
  if (grad !== null) {
    // The decoded box is (p − d_l, p − d_t, p + d_r, p + d_b): back to the four distances, then
    // through the Integral into the bins, on top of the DFL's gradient.
    const upstream = new Float64Array(4 * P);
    for (let r = 0; r < 4 * P; r++) upstream[r] = (r & 3) < 2 ? -boxGrad![r] : boxGrad![r];
    integral(rows, { grad: true, upstream, accumulate: rowGrad! });
    for (let p = 0; p < P; p++) scatterBins(maps, layout, positives.image[p], positives.anchor[p], rowGrad!, 4 * p * R, grad.grads);
  }
  return { box, dfl, clampedTargets };
}
