/**
 * mmdetection's `ATSSAssigner` (Zhang et al. 2020, Adaptive Training Sample Selection) for one
 * image, returning beside each anchor's GT the facts that decided it, so that a view can say why an
 * anchor is or is not a positive.
 */
import { InputError, describeValue } from '../../errors';
import type { GflAnchors } from './anchors';

/** `bbox_overlaps`' guard: IoU = overlap / max(union, 1e-6). */
const IOU_EPS = 1e-6;
/** ATSSAssigner's centre test: the anchor centre must be more than 0.01 px inside the GT. */
const INSIDE_MARGIN = 0.01;

export interface AtssAssignment {
  /** (A) the assigned GT index, or −1 (background, or an anchor outside `inside`). */
  readonly gt: Int32Array;
  /** Number of anchors with a GT. */
  readonly numPos: number;
  /** (A) 1 when the anchor is among the top-k nearest of some GT on its level. */
  readonly candidate: Uint8Array;
  /**
   * (A) the GT the fields below describe: the assigned GT; else, for a candidate, the GT of largest
   * IoU among those it is a candidate of; else the GT of largest IoU (lowest index on ties); −1
   * when the image has no GT or the anchor is not `inside`.
   */
  readonly reference: Int32Array;
  /** (A) IoU of the anchor box with the reference GT (0 without one). */
  readonly iou: Float64Array;
  /** (A) the reference GT's threshold (NaN without one). */
  readonly threshold: Float64Array;
  /** (A) 1 when the anchor centre is more than 0.01 px inside the reference GT. */
  readonly centreInside: Uint8Array;
  /** (G) each GT's threshold mean + std of its candidates' IoUs, and the two parts. */
  readonly gtThreshold: Float64Array;
  readonly gtMean: Float64Array;
  readonly gtStd: Float64Array;
}

export interface AtssOptions {
  /** Candidates per level and GT (default 9). */
  readonly topk?: number;
}

/**
 * ATSS for one image, as mmdetection 3.x runs it (`ATSSAssigner.assign`):
 * 1. IoU of every kept anchor with every GT, overlap / max(union, 1e-6);
 * 2. per level and GT, the min(k, A_l) kept anchors whose centres are nearest the GT's centre;
 * 3. per GT, thr = mean + std of its candidates' IoUs, std unbiased (n − 1);
 * 4. a candidate is positive for the GT when IoU ≥ thr and its centre is more than 0.01 px inside;
 * 5. an anchor positive for several GTs goes to the largest IoU, the lowest GT index on a tie.
 * With no GT every anchor is background. Ties among distances at the k-th place (which the peer
 * leaves to `torch.topk`) go to the lower anchor index.
 *
 * @param anchors the image's anchors (gflAnchors); only those with `inside` take part.
 * @param gtBoxes (G, 4) GT boxes (x1, y1, x2, y2) in pixels, G ≥ 0, finite.
 */
export function atssAssign(anchors: GflAnchors, gtBoxes: Float64Array, options: AtssOptions = {}): AtssAssignment {
  const topk = options.topk ?? 9;
  if (!Number.isInteger(topk) || topk < 1) throw new InputError('atssAssign', 'options.topk', 'an integer ≥ 1', describeValue(topk));
  if (gtBoxes.length % 4 !== 0) throw new InputError('atssAssign', 'gtBoxes', 'of shape (G, 4)', `of length ${gtBoxes.length}`);
  const G = gtBoxes.length / 4;
  const A = anchors.count;
  const result = emptyAssignment(A, G);
  if (G === 0) return result;

  const overlaps = anchorGtOverlaps(anchors, gtBoxes);
  const { candidates, perGt } = nearestCandidates(anchors, gtBoxes, topk);
  const { gtMean, gtStd, gtThreshold, candidate, gt } = result;
  const bestIou = new Float64Array(A).fill(-Infinity);
  for (let g = 0; g < G; g++) {
    const own = candidates.subarray(g * perGt, (g + 1) * perGt);
    let sum = 0;
    for (const a of own) sum += overlaps[g * A + a];
    const mean = sum / perGt;
    let squares = 0;
    for (const a of own) squares += (overlaps[g * A + a] - mean) ** 2;
    // One candidate gives 0/0 = NaN, as torch.std does: no anchor then passes IoU ≥ thr.
    const std = Math.sqrt(squares / (perGt - 1));
    gtMean[g] = mean;
    gtStd[g] = std;
    gtThreshold[g] = mean + std;
    for (const a of own) {
      candidate[a] = 1;
      const iou = overlaps[g * A + a];
      // GTs run in index order and only a strictly larger IoU takes an anchor over: ties stay lowest.
      if (iou >= gtThreshold[g] && centreInside(anchors.centres, a, gtBoxes, g) && iou > bestIou[a]) {
        bestIou[a] = iou;
        gt[a] = g;
      }
    }
  }
  let numPos = 0;
  for (let a = 0; a < A; a++) if (gt[a] >= 0) numPos++;
  describeAnchors(anchors, gtBoxes, overlaps, candidates, perGt, result);
  return { ...result, numPos };
}

function emptyAssignment(A: number, G: number): AtssAssignment {
  return {
    gt: new Int32Array(A).fill(-1),
    numPos: 0,
    candidate: new Uint8Array(A),
    reference: new Int32Array(A).fill(-1),
    iou: new Float64Array(A),
    threshold: new Float64Array(A).fill(NaN),
    centreInside: new Uint8Array(A),
    gtThreshold: new Float64Array(G),
    gtMean: new Float64Array(G),
    gtStd: new Float64Array(G),
  };
}

/** (G, A) IoU of each kept anchor with each GT, `bbox_overlaps` mode 'iou' (0 for anchors not kept). */
function anchorGtOverlaps(anchors: GflAnchors, gtBoxes: Float64Array): Float64Array {
  const A = anchors.count;
  const G = gtBoxes.length / 4;
  const { boxes, inside } = anchors;
  const out = new Float64Array(G * A);
  for (let g = 0; g < G; g++) {
    const [t0, t1, t2, t3] = gtBoxes.subarray(4 * g, 4 * g + 4);
    const gtArea = (t2 - t0) * (t3 - t1);
    const row = g * A;
    for (let a = 0; a < A; a++) {
      if (inside[a] === 0) continue;
      const o = 4 * a;
      const w = Math.min(boxes[o + 2], t2) - Math.max(boxes[o], t0);
      const h = Math.min(boxes[o + 3], t3) - Math.max(boxes[o + 1], t1);
      // Disjoint boxes have IoU 0 whatever the union: most anchors of a large image are.
      if (!(w > 0 && h > 0)) continue;
      const overlap = w * h;
      const union = (boxes[o + 2] - boxes[o]) * (boxes[o + 3] - boxes[o + 1]) + gtArea - overlap;
      out[row + a] = overlap / (union > IOU_EPS ? union : IOU_EPS);
    }
  }
  return out;
}

/**
 * Per GT g, the anchors nearest its centre on each level (min(k, kept anchors of the level)),
 * `candidates[g·perGt …]`, level by level. A partial selection into a k-long sorted buffer: one
 * pass over each level's anchors per GT, no sort of the level.
 */
function nearestCandidates(anchors: GflAnchors, gtBoxes: Float64Array, topk: number): { candidates: Int32Array; perGt: number } {
  const G = gtBoxes.length / 4;
  const { centres, inside, levels } = anchors;
  const kept = levels.map(({ start, height, width }) => {
    let n = 0;
    for (let a = start; a < start + height * width; a++) n += inside[a];
    return n;
  });
  const perGt = kept.reduce((sum, n) => sum + Math.min(topk, n), 0);
  const candidates = new Int32Array(G * perGt);
  const bestDistance = new Float64Array(topk);
  const bestIndex = new Int32Array(topk);
  for (let g = 0; g < G; g++) {
    const gx = (gtBoxes[4 * g] + gtBoxes[4 * g + 2]) / 2;
    const gy = (gtBoxes[4 * g + 1] + gtBoxes[4 * g + 3]) / 2;
    let cursor = g * perGt;
    for (let l = 0; l < levels.length; l++) {
      const { start, height, width } = levels[l];
      const k = Math.min(topk, kept[l]);
      nearestOnLevel(centres, inside, start, start + height * width, gx, gy, k, bestDistance, bestIndex);
      for (let s = 0; s < k; s++) candidates[cursor++] = bestIndex[s];
    }
  }
  return { candidates, perGt };
}

/**
 * The k kept anchors of [start, end) nearest (gx, gy), nearest first, into bestIndex[0 … k) (their
 * distances into bestDistance): insertion into a k-long sorted buffer. An anchor strictly nearer
 * than the current k-th enters, so an equal distance keeps the earlier anchor.
 */
function nearestOnLevel(
  centres: Float64Array,
  inside: Uint8Array,
  start: number,
  end: number,
  gx: number,
  gy: number,
  k: number,
  bestDistance: Float64Array,
  bestIndex: Int32Array,
): void {
  let filled = 0;
  for (let a = start; a < end; a++) {
    if (inside[a] === 0) continue;
    const dx = centres[2 * a] - gx;
    const dy = centres[2 * a + 1] - gy;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (filled === k && !(d < bestDistance[k - 1])) continue;
    let slot = filled < k ? filled++ : k - 1;
    while (slot > 0 && bestDistance[slot - 1] > d) {
      bestDistance[slot] = bestDistance[slot - 1];
      bestIndex[slot] = bestIndex[slot - 1];
      slot--;
    }
    bestDistance[slot] = d;
    bestIndex[slot] = a;
  }
}

/** min(cx − x1, cy − y1, x2 − cx, y2 − cy) > 0.01 for anchor a's centre and GT g. */
function centreInside(centres: Float64Array, a: number, gtBoxes: Float64Array, g: number): boolean {
  const cx = centres[2 * a];
  const cy = centres[2 * a + 1];
  const o = 4 * g;
  return Math.min(cx - gtBoxes[o], cy - gtBoxes[o + 1], gtBoxes[o + 2] - cx, gtBoxes[o + 3] - cy) > INSIDE_MARGIN;
}

/** Fills the per-anchor why-fields (reference GT, its IoU, threshold and centre test). */
function describeAnchors(
  anchors: GflAnchors,
  gtBoxes: Float64Array,
  overlaps: Float64Array,
  candidates: Int32Array,
  perGt: number,
  result: AtssAssignment,
): void {
  const A = anchors.count;
  const G = gtBoxes.length / 4;
  const { gt, reference, iou, threshold, centreInside: inside, gtThreshold } = result;
  // Candidates first: the GT of largest IoU among those the anchor is a candidate of.
  const candidateIou = new Float64Array(A).fill(-Infinity);
  for (let g = 0; g < G; g++) {
    for (const a of candidates.subarray(g * perGt, (g + 1) * perGt)) {
      if (overlaps[g * A + a] > candidateIou[a]) {
        candidateIou[a] = overlaps[g * A + a];
        reference[a] = g;
      }
    }
  }
  for (let a = 0; a < A; a++) {
    if (anchors.inside[a] === 0) continue;
    let ref = gt[a] >= 0 ? gt[a] : reference[a];
    if (ref < 0) {
      ref = 0;
      for (let g = 1; g < G; g++) if (overlaps[g * A + a] > overlaps[ref * A + a]) ref = g;
    }
    reference[a] = ref;
    iou[a] = overlaps[ref * A + a];
    threshold[a] = gtThreshold[ref];
    inside[a] = centreInside(anchors.centres, a, gtBoxes, ref) ? 1 : 0;
  }
}
