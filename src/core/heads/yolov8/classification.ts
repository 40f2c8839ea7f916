/**
 * YOLOv8's classification term: BCE-with-logits over every (image, anchor, class) logit against the
 * assigner's soft targets (the target score on the assigned class of a positive, 0 elsewhere),
 * summed, as `BCEWithLogitsLoss(reduction='none')(…).sum()`. The targets are sparse, so every logit
 * is first taken as a negative, BCE(x, 0) = softplus(x), and each positive's one soft element is
 * then corrected: BCE(x, t) = softplus(x) − t·x, and its gradient σ(x) − t.
 */
import { fastExp } from '../../numerics';
import type { HeadMaps } from './maps';
import { mapIndex } from './maps';
import type { AnchorLayout } from './points';
import type { Positives } from './positives';

/**
 * Returns Σ BCE over the batch. Adds each anchor's Σ over classes into `perAnchor` (N·A). With
 * `grads` (one array per level, shaped as the maps), writes gradScale·(σ(x) − t) into every class
 * channel.
 */
export function classificationTerm(
  maps: HeadMaps,
  layout: AnchorLayout,
  positives: Positives,
  perAnchor: Float64Array,
  grads: readonly Float64Array[] | null,
  gradScale: number,
): number {
  const { batch, channels, bins, classes } = maps;
  const A = layout.count;
  let total = 0;
  for (let n = 0; n < batch; n++) {
    layout.levels.forEach(({ height, width, offset }, l) => {
      const plane = height * width;
      const data = maps.data[l];
      const grad = grads === null ? null : grads[l];
      const anchorBase = n * A + offset;
      for (let c = 0; c < classes; c++) {
        const base = (n * channels + 4 * bins + c) * plane;
        total += negativePlane(data, grad, base, plane, perAnchor, anchorBase, gradScale);
      }
    });
  }
  for (let p = 0; p < positives.count; p++) {
    const index = mapIndex(maps, layout, positives.image[p], positives.anchor[p], 4 * bins + positives.label[p]);
    const t = positives.score[p];
    const x = maps.data[layout.level[positives.anchor[p]]][index];
    total -= t * x;
    perAnchor[positives.image[p] * A + positives.anchor[p]] -= t * x;
    if (grads !== null) grads[layout.level[positives.anchor[p]]][index] -= gradScale * t;
  }
  return total;
}

/**
 * softplus(x) = max(x, 0) + log1p(e^−|x|) over one class plane, with σ(x) from the same
 * exponential: one exponential and one logarithm per logit. Returns the plane's sum.
 */
function negativePlane(
  data: Float64Array,
  grad: Float64Array | null,
  base: number,
  plane: number,
  perAnchor: Float64Array,
  anchorBase: number,
  gradScale: number,
): number {
  let sum = 0;
  for (let p = 0; p < plane; p++) {
    const x = data[base + p];
    const e = fastExp(x < 0 ? x : -x);
    const loss = (x > 0 ? x : 0) + Math.log1p(e);
    sum += loss;
    perAnchor[anchorBase + p] += loss;
    if (grad !== null) grad[base + p] = (gradScale * (x >= 0 ? 1 : e)) / (1 + e);
  }
  return sum;
}
