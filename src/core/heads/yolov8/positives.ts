/** The positives of a batch, gathered from the assignment once, in image-major then anchor order. */
import type { Assignment } from './tal';
import type { ImageTargets } from './targets';

export interface Positives {
  readonly count: number;
  /** (P) image, flat anchor, assigned GT row, its class and the target score of each positive. */
  readonly image: Int32Array;
  readonly anchor: Int32Array;
  readonly gt: Int32Array;
  readonly label: Int32Array;
  readonly score: Float64Array;
}

export function gatherPositives(assignment: Assignment, targets: readonly ImageTargets[], anchors: number): Positives {
  const { gt, score } = assignment;
  let count = 0;
  for (let o = 0; o < gt.length; o++) if (gt[o] >= 0) count++;
  const out: Positives = {
    count,
    image: new Int32Array(count),
    anchor: new Int32Array(count),
    gt: new Int32Array(count),
    label: new Int32Array(count),
    score: new Float64Array(count),
  };
  for (let o = 0, p = 0; o < gt.length; o++) {
    if (gt[o] < 0) continue;
    const image = Math.floor(o / anchors);
    out.image[p] = image;
    out.anchor[p] = o - image * anchors;
    out.gt[p] = gt[o];
    out.label[p] = targets[image].labels[gt[o]];
    out.score[p++] = score[o];
  }
  return out;
}
