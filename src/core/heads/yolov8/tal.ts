/**
 * ultralytics' TaskAlignedAssigner (Feng et al. 2021, TOOD), per image, with the peer's tie rules.
 * For each real GT g and each anchor whose centre lies strictly inside g (by more than 1e-9 px):
 * - ciou = max(CIoU(g, pred), 0), pred the decoded box in pixels;
 * - metric = σ(logit of g's class)^α · ciou^β.
 * g's positives are its top-k anchors by metric among those inside it. An anchor positive for
 * several GTs goes to the GT with the largest ciou over all GT rows (0 where it is not inside),
 * the lowest index on an exact tie (`argmax`). A positive of g then gets the target score
 * metric · max_pos(ciou_g) / (max_pos(metric_g) + eps), both maxima over g's final positives.
 *
 * Only anchors with metric > 0 are ranked. The peer takes `torch.topk` over all anchors, so a GT
 * with fewer than k positive metrics also picks some zero-metric anchors, in an order torch does not
 * specify; such an anchor, if inside, becomes a positive with target score 0, which changes no loss
 * and no gradient, only the count of positives.
 */
import { sigmoid } from '../../numerics';
import { ciouAt } from './ciou';
import { cellSpan, type AnchorLayout } from './points';
import type { ImageTargets } from './targets';

export interface TalOptions {
  /** Positives per GT (ultralytics: 10). */
  readonly topk: number;
  /** Exponent of the class score (0.5). */
  readonly alpha: number;
  /** Exponent of the CIoU (6). */
  readonly beta: number;
  /** Added to the largest metric when normalising the target scores (1e-9). */
  readonly eps: number;
  /** CIoU's eps (1e-7). */
  readonly ciouEps: number;
}

/** The margin of the inside test in pixels: `select_candidates_in_gts`' eps. */
export const INSIDE_EPS = 1e-9;

/**
 * Per anchor (N·A, image-major), what the assigner decided and why. The "why" fields refer to the
 * anchor's `candidate`: its assigned GT when positive, otherwise the GT containing it with the
 * largest metric (the lowest index on a tie), or −1 when no real GT contains it.
 */
export interface Assignment {
  /** The assigned GT row, or −1. */
  readonly gt: Float64Array;
  /** The GT the fields below refer to, or −1. */
  readonly candidate: Float64Array;
  /** How many real GTs contain the anchor's centre. */
  readonly inside: Float64Array;
  /** max(CIoU(candidate, pred in pixels), 0), or 0. */
  readonly ciou: Float64Array;
  /** The alignment metric with the candidate, or 0. */
  readonly metric: Float64Array;
  /** The anchor's rank by metric among the candidate's inside anchors (0 = best; equal metrics share a rank), or −1. */
  readonly rank: Float64Array;
  /** The target score (the soft label of the assigned class), 0 for a negative. */
  readonly score: Float64Array;
}

export function newAssignment(size: number): Assignment {
  const minusOnes = (): Float64Array => new Float64Array(size).fill(-1);
  return {
    gt: minusOnes(),
    candidate: minusOnes(),
    inside: new Float64Array(size),
    ciou: new Float64Array(size),
    metric: new Float64Array(size),
    rank: minusOnes(),
    score: new Float64Array(size),
  };
}

/** Whether the pixel point (x, y) lies inside box[o .. o+4) by more than INSIDE_EPS on every side. */
export function insideBox(x: number, y: number, box: ArrayLike<number>, o: number): boolean {
  const l = x - box[o];
  const t = y - box[o + 1];
  const r = box[o + 2] - x;
  const b = box[o + 3] - y;
  const near = l < t ? l : t;
  const far = r < b ? r : b;
  return (near < far ? near : far) > INSIDE_EPS;
}

/**
 * Writes into `out` the anchors whose centre is inside box[o .. o+4), in increasing flat order,
 * and returns how many. Scans only each level's cells under the box.
 */
export function anchorsInside(layout: AnchorLayout, box: ArrayLike<number>, o: number, out: Int32Array): number {
  let count = 0;
  const { centres, gridCellOffset } = layout;
  for (const { height, width, stride, offset } of layout.levels) {
    const [i0, i1] = cellSpan(box[o + 1], box[o + 3], stride, gridCellOffset, height);
    const [j0, j1] = cellSpan(box[o], box[o + 2], stride, gridCellOffset, width);
    for (let i = i0; i <= i1; i++) {
      for (let j = j0; j <= j1; j++) {
        const a = offset + i * width + j;
        if (insideBox(centres[2 * a], centres[2 * a + 1], box, o)) out[count++] = a;
      }
    }
  }
  return count;
}

/** Buffers an assigner reuses from image to image, so that no anchor costs an allocation. */
export class TalScratch {
  readonly selections: Int32Array;
  readonly firstSelection: Int32Array;
  readonly inside: Int32Array;
  readonly touched: Int32Array;
  poolAnchor = new Int32Array(1024);
  poolMetric = new Float64Array(1024);
  sorted = new Float64Array(1024);

  constructor(anchors: number) {
    this.selections = new Int32Array(anchors);
    this.firstSelection = new Int32Array(anchors);
    this.inside = new Int32Array(anchors);
    this.touched = new Int32Array(anchors);
  }

  /** Makes room for `size` pooled (anchor, metric) pairs, keeping the first `used`. */
  reserve(size: number, used: number): void {
    if (size <= this.poolAnchor.length) return;
    const capacity = Math.max(size, 2 * this.poolAnchor.length);
    const anchors = new Int32Array(capacity);
    anchors.set(this.poolAnchor.subarray(0, used));
    const metrics = new Float64Array(capacity);
    metrics.set(this.poolMetric.subarray(0, used));
    this.poolAnchor = anchors;
    this.poolMetric = metrics;
    this.sorted = new Float64Array(capacity);
  }
}

/**
 * Where one image's class logits are: the logit of class c at anchor a is
 * data[level[a]][base[level[a]] + c·plane[level[a]] + cell[a]]. For the raw maps, level and cell are
 * the layout's, plane[l] = H_l·W_l and base[l] the offset of the image's first class channel.
 * Data rather than a callback, so that the optimized assigner does not depend on one closure.
 */
export interface ClassLogits {
  readonly data: readonly Float64Array[];
  readonly level: Uint8Array;
  readonly cell: Int32Array;
  readonly plane: Int32Array;
  readonly base: Int32Array;
}

/** What the assigner reads of one image's predictions. */
export interface ImagePredictions {
  /** (A, 4) decoded boxes in pixels; only rows of anchors inside some real GT are read. */
  readonly boxes: Float64Array;
  /** The class logits (σ is applied here, as the peer applies it to detached scores). */
  readonly logits: ClassLogits;
}

/** max(CIoU(GT g, pred a), 0): the assigner's overlap (box1 = the GT, as the peer passes them). */
function clampedCiou(boxes: Float64Array, g: number, pred: Float64Array, a: number, eps: number): number {
  const c = ciouAt(boxes, 4 * g, pred, 4 * a, eps);
  return c > 0 ? c : 0;
}

/** The alignment metric p^α · ciou^β. torch's pow(x, 0.5) is a square root, which Math.pow(x, 0.5) may miss by an ulp. */
function metricOf(p: number, ciou: number, alpha: number, beta: number): number {
  return (alpha === 0.5 ? Math.sqrt(p) : Math.pow(p, alpha)) * Math.pow(ciou, beta);
}

/** σ(logit of class c at anchor a)^α · ciou^β. */
function alignMetric(logits: ClassLogits, a: number, c: number, ciou: number, alpha: number, beta: number): number {
  const l = logits.level[a];
  return metricOf(sigmoid(logits.data[l][logits.base[l] + c * logits.plane[l] + logits.cell[a]]), ciou, alpha, beta);
}

/**
 * Runs the task-aligned assigner on one image and writes its decisions into `out` at
 * [base, base + A). Returns the number of positives.
 */
export function assignImage(
  layout: AnchorLayout,
  targets: ImageTargets,
  predictions: ImagePredictions,
  options: TalOptions,
  out: Assignment,
  base: number,
  scratch: TalScratch,
): number {
  const { boxes, labels, real, count: rows } = targets;
  const { topk, alpha, beta, eps, ciouEps } = options;
  const pred = predictions.boxes;
  const { logits } = predictions;
  const { data, level, cell, plane, base: logitBase } = logits;
  const { centres } = layout;
  const { selections, firstSelection, inside, touched } = scratch;

  const topMetric = new Float64Array(topk);
  const topAnchor = new Int32Array(topk);
  const gtStart = new Int32Array(rows + 1);
  let pooled = 0;
  let touchedCount = 0;
  for (let g = 0; g < rows; g++) {
    gtStart[g] = pooled;
    if (real[g] === 0) continue;
    const n = anchorsInside(layout, boxes, 4 * g, inside);
    scratch.reserve(pooled + n, pooled);
    const kept = scoreInsideAnchors(
      boxes, g, labels[g], pred, inside, n, data, level, cell, plane, logitBase, alpha, beta, ciouEps,
      out.inside, out.candidate, out.metric, out.ciou, base, scratch.poolAnchor, scratch.poolMetric, pooled, topMetric, topAnchor,
    );
    pooled += n;
    for (let s = 0; s < kept; s++) {
      const a = topAnchor[s];
      if (selections[a] === 0) {
        touched[touchedCount++] = a;
        firstSelection[a] = g;
      }
      selections[a]++;
    }
  }
  gtStart[rows] = pooled;

  // Conflicts: argmax of the clamped CIoU over every GT row (0 where the anchor is not inside).
  for (let t = 0; t < touchedCount; t++) {
    const a = touched[t];
    let g = firstSelection[a];
    if (selections[a] > 1) {
      let best = -Infinity;
      for (let h = 0; h < rows; h++) {
        const c = real[h] === 1 && insideBox(centres[2 * a], centres[2 * a + 1], boxes, 4 * h) ? clampedCiou(boxes, h, pred, a, ciouEps) : 0;
        if (c > best) {
          best = c;
          g = h;
        }
      }
    }
    selections[a] = 0;
    out.gt[base + a] = g;
  }

  // Target scores: each GT's positives scaled so that its best-aligned one gets its best CIoU.
  const maxMetric = new Float64Array(rows);
  const maxCiou = new Float64Array(rows);
  for (let t = 0; t < touchedCount; t++) {
    const a = touched[t];
    const o = base + a;
    const g = out.gt[o];
    const inGt = insideBox(centres[2 * a], centres[2 * a + 1], boxes, 4 * g);
    const c = inGt ? clampedCiou(boxes, g, pred, a, ciouEps) : 0;
    const m = inGt ? alignMetric(logits, a, labels[g], c, alpha, beta) : 0;
    out.candidate[o] = g;
    out.ciou[o] = c;
    out.metric[o] = m;
    if (m > maxMetric[g]) maxMetric[g] = m;
    if (c > maxCiou[g]) maxCiou[g] = c;
  }
  for (let t = 0; t < touchedCount; t++) {
    const o = base + touched[t];
    const g = out.gt[o];
    out.score[o] = (out.metric[o] * maxCiou[g]) / (maxMetric[g] + eps);
  }

  // Ranks, for the explanation: how many of the candidate's inside anchors have a larger metric.
  for (let g = 0; g < rows; g++) {
    const start = gtStart[g];
    const n = gtStart[g + 1] - start;
    if (n === 0) continue;
    const sorted = scratch.sorted.subarray(0, n);
    sorted.set(scratch.poolMetric.subarray(start, start + n));
    sorted.sort();
    for (let t = start; t < start + n; t++) {
      const o = base + scratch.poolAnchor[t];
      if (out.candidate[o] !== g) continue;
      out.rank[o] = n - upperBound(sorted, out.metric[o]);
    }
  }
  return touchedCount;
}

/**
 * The scan of one GT g over the n anchors inside it (`inside`): each one's clamped CIoU and metric
 * go into the pool at [pooled, pooled + n), the anchor's candidate is updated (the containing GT of
 * largest metric, the lowest index on a tie), and the k best positive metrics are kept in
 * topMetric/topAnchor by partial selection (equal metrics keep the earlier anchor). Returns how
 * many were kept. Typed arrays and numbers only, so that its optimized code outlives collections.
 */
function scoreInsideAnchors(
  boxes: Float64Array,
  g: number,
  label: number,
  pred: Float64Array,
  inside: Int32Array,
  n: number,
  data: readonly Float64Array[],
  level: Uint8Array,
  cell: Int32Array,
  plane: Int32Array,
  logitBase: Int32Array,
  alpha: number,
  beta: number,
  ciouEps: number,
  insideCount: Float64Array,
  candidate: Float64Array,
  candidateMetric: Float64Array,
  candidateCiou: Float64Array,
  base: number,
  poolAnchor: Int32Array,
  poolMetric: Float64Array,
  pooled: number,
  topMetric: Float64Array,
  topAnchor: Int32Array,
): number {
  const topk = topMetric.length;
  let kept = 0;
  for (let t = 0; t < n; t++) {
    const a = inside[t];
    const c = clampedCiou(boxes, g, pred, a, ciouEps);
    const l = level[a];
    const m = metricOf(sigmoid(data[l][logitBase[l] + label * plane[l] + cell[a]]), c, alpha, beta);
    poolAnchor[pooled + t] = a;
    poolMetric[pooled + t] = m;
    const o = base + a;
    insideCount[o]++;
    if (candidate[o] < 0 || m > candidateMetric[o]) {
      candidate[o] = g;
      candidateMetric[o] = m;
      candidateCiou[o] = c;
    }
    if (!(m > 0) || (kept === topk && !(m > topMetric[topk - 1]))) continue;
    let slot = kept < topk ? kept++ : topk - 1;
    while (slot > 0 && topMetric[slot - 1] < m) {
      topMetric[slot] = topMetric[slot - 1];
      topAnchor[slot] = topAnchor[slot - 1];
      slot--;
    }
    topMetric[slot] = m;
    topAnchor[slot] = a;
  }
  return kept;
}

/** The number of entries of an ascending array that are ≤ value. */
function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
