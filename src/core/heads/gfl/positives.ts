/**
 * The positives of a batch, gathered out of the raw (N, channels, H_l, W_l) maps into compact rows
 * (what `loss_by_feat_single` indexes with `pos_inds`), and the way back for their gradients.
 */
import { sigmoid } from '../../numerics';
import type { Tensor } from '../../tensor';
import type { GflAnchors } from './anchors';
import type { AtssAssignment } from './atss';

/** M positives over all images and levels, image-major, then in flat anchor order. */
export interface Positives {
  readonly count: number;
  /** (M) image b, flat anchor index a, level l and the anchor's place i·W_l + j within its level. */
  readonly image: Int32Array;
  readonly anchor: Int32Array;
  readonly level: Int32Array;
  readonly pixel: Int32Array;
  /** (M) the assigned GT's index and label. */
  readonly gt: Int32Array;
  readonly label: Int32Array;
  /** (M, 2) anchor centres in stride units, `anchor_center / stride`. */
  readonly centres: Float64Array;
  /** (M, 4) the assigned GT box in stride units. */
  readonly targets: Float64Array;
  /** (4M, bins) the side distributions' logits, side-major within each positive. */
  readonly reg: Float64Array;
  /** (M) w = max_c σ(cls): the detached weight of each positive's box and DFL terms. */
  readonly weight: Float64Array;
}

/**
 * Collects the positives of every image from the assignment, reading their logits out of the maps.
 *
 * @param clsScores per level (N, C, H_l, W_l); bboxPreds per level (N, 4·bins, H_l, W_l).
 * @param gtBboxes per image (n_i, 4) in pixels; gtLabels per image (n_i).
 */
export function gatherPositives(
  anchors: GflAnchors,
  assignment: readonly AtssAssignment[],
  clsScores: readonly Tensor[],
  bboxPreds: readonly Tensor[],
  gtBboxes: readonly Tensor[],
  gtLabels: readonly Tensor[],
  bins: number,
): Positives {
  const M = assignment.reduce((sum, image) => sum + image.numPos, 0);
  const levelOf = levelIndex(anchors);
  const C = clsScores[0].shape[1];
  const out = {
    count: M,
    image: new Int32Array(M),
    anchor: new Int32Array(M),
    level: new Int32Array(M),
    pixel: new Int32Array(M),
    gt: new Int32Array(M),
    label: new Int32Array(M),
    centres: new Float64Array(2 * M),
    targets: new Float64Array(4 * M),
    reg: new Float64Array(4 * M * bins),
    weight: new Float64Array(M),
  };
  let m = 0;
  assignment.forEach((image, b) => {
    for (let a = 0; a < anchors.count; a++) {
      const g = image.gt[a];
      if (g < 0) continue;
      const l = levelOf[a];
      const { stride: s, height, width, start } = anchors.levels[l];
      const area = height * width;
      const p = a - start;
      out.image[m] = b;
      out.anchor[m] = a;
      out.level[m] = l;
      out.pixel[m] = p;
      out.gt[m] = g;
      out.label[m] = gtLabels[b].data[g];
      out.centres[2 * m] = anchors.centres[2 * a] / s;
      out.centres[2 * m + 1] = anchors.centres[2 * a + 1] / s;
      for (let k = 0; k < 4; k++) out.targets[4 * m + k] = gtBboxes[b].data[4 * g + k] / s;
      // Channel ch of pixel p of image b sits at (b·channels + ch)·area + p.
      const reg = bboxPreds[l].data;
      const regBase = b * 4 * bins * area + p;
      for (let ch = 0; ch < 4 * bins; ch++) out.reg[m * 4 * bins + ch] = reg[regBase + ch * area];
      // max_c σ(x_c) = σ(max_c x_c): σ is increasing, so one sigmoid per positive.
      const cls = clsScores[l].data;
      let max = -Infinity;
      for (let c = 0, i = b * C * area + p; c < C; c++, i += area) if (cls[i] > max) max = cls[i];
      out.weight[m] = sigmoid(max);
      m++;
    }
  });
  return out;
}

/** (A) the level of each flat anchor index. */
export function levelIndex(anchors: GflAnchors): Uint8Array {
  const out = new Uint8Array(anchors.count);
  anchors.levels.forEach(({ start, height, width }, l) => out.fill(l, start, start + height * width));
  return out;
}

/**
 * Adds the positives' (4M, bins) gradient rows into the per-level (N, 4·bins, H_l, W_l) gradient
 * maps, the inverse of the gather above.
 */
export function scatterRegRows(positives: Positives, rows: Float64Array, maps: readonly Float64Array[], anchors: GflAnchors, bins: number): void {
  for (let m = 0; m < positives.count; m++) {
    const { height, width } = anchors.levels[positives.level[m]];
    const area = height * width;
    const map = maps[positives.level[m]];
    const base = positives.image[m] * 4 * bins * area + positives.pixel[m];
    for (let ch = 0; ch < 4 * bins; ch++) map[base + ch * area] += rows[m * 4 * bins + ch];
  }
}
