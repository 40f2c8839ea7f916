/**
 * Independent references for the tests of src/core/heads/yolov8/, written from
 * shared/fixtures/detector-heads.md step by step with plain arrays, full sorts and no shortcuts.
 */

/** ultralytics' CIoU (detector-heads.md, step 6) of one pair; `frozenAlpha` replaces α when given. */
export function referenceCiou(b1: ArrayLike<number>, b2: ArrayLike<number>, eps: number, frozenAlpha?: number): number {
  const [w1, h1] = [b1[2] - b1[0], b1[3] - b1[1] + eps];
  const [w2, h2] = [b2[2] - b2[0], b2[3] - b2[1] + eps];
  const inter = Math.max(Math.min(b1[2], b2[2]) - Math.max(b1[0], b2[0]), 0) * Math.max(Math.min(b1[3], b2[3]) - Math.max(b1[1], b2[1]), 0);
  const iou = inter / (w1 * h1 + w2 * h2 - inter + eps);
  const cw = Math.max(b1[2], b2[2]) - Math.min(b1[0], b2[0]);
  const ch = Math.max(b1[3], b2[3]) - Math.min(b1[1], b2[1]);
  const rho2 = ((b2[0] + b2[2] - b1[0] - b1[2]) ** 2 + (b2[1] + b2[3] - b1[1] - b1[3]) ** 2) / 4;
  const v = (4 / Math.PI ** 2) * (Math.atan(w2 / h2) - Math.atan(w1 / h1)) ** 2;
  const alpha = frozenAlpha ?? v / (v - iou + (1 + eps));
  return iou - (rho2 / (cw * cw + ch * ch + eps) + v * alpha);
}

/** α = v / (v − iou + (1 + eps)) of one pair, to be held constant. */
export function referenceAlpha(b1: ArrayLike<number>, b2: ArrayLike<number>, eps: number): number {
  const v = (4 / Math.PI ** 2) * (Math.atan((b2[2] - b2[0]) / (b2[3] - b2[1] + eps)) - Math.atan((b1[2] - b1[0]) / (b1[3] - b1[1] + eps))) ** 2;
  const inter = Math.max(Math.min(b1[2], b2[2]) - Math.max(b1[0], b2[0]), 0) * Math.max(Math.min(b1[3], b2[3]) - Math.max(b1[1], b2[1]), 0);
  const iou = inter / ((b1[2] - b1[0]) * (b1[3] - b1[1] + eps) + (b2[2] - b2[0]) * (b2[3] - b2[1] + eps) - inter + eps);
  return v / (v - iou + (1 + eps));
}

export interface ReferenceGt {
  readonly box: readonly number[];
  readonly label: number;
}

/**
 * The task-aligned assigner of detector-heads.md step 4 for one image: every (GT, anchor) pair,
 * each GT's positives by a full sort, conflicts by argmax over all GT rows. Returns per anchor the
 * assigned GT (−1) and the target score.
 */
export function referenceTal(
  centres: ArrayLike<number>,
  pred: ArrayLike<number>,
  probability: (a: number, c: number) => number,
  gts: readonly ReferenceGt[],
  { topk = 10, alpha = 0.5, beta = 6, eps = 1e-9, ciouEps = 1e-7 } = {},
): { gt: number[]; score: number[]; conflicts: number } {
  const A = centres.length / 2;
  const overlap = gts.map(() => new Array<number>(A).fill(0));
  const metric = gts.map(() => new Array<number>(A).fill(0));
  gts.forEach(({ box, label }, g) => {
    for (let a = 0; a < A; a++) {
      const [x, y] = [centres[2 * a], centres[2 * a + 1]];
      if (!(Math.min(x - box[0], y - box[1], box[2] - x, box[3] - y) > 1e-9)) continue;
      overlap[g][a] = Math.max(referenceCiou(box, Array.from(pred).slice(4 * a, 4 * a + 4), ciouEps), 0);
      metric[g][a] = probability(a, label) ** alpha * overlap[g][a] ** beta;
    }
  });
  const selectedBy: number[][] = Array.from({ length: A }, () => []);
  gts.forEach((_, g) => {
    const ranked = [...Array(A).keys()].filter((a) => metric[g][a] > 0).sort((p, q) => metric[g][q] - metric[g][p] || p - q);
    for (const a of ranked.slice(0, topk)) selectedBy[a].push(g);
  });
  let conflicts = 0;
  const gt = selectedBy.map((by, a) => {
    if (by.length === 0) return -1;
    if (by.length === 1) return by[0];
    conflicts++;
    let best = 0;
    for (let g = 1; g < gts.length; g++) if (overlap[g][a] > overlap[best][a]) best = g;
    return best;
  });
  const score = gt.map((g, a) => {
    if (g < 0) return 0;
    const mine = [...Array(A).keys()].filter((b) => gt[b] === g);
    const maxMetric = Math.max(...mine.map((b) => metric[g][b]));
    const maxOverlap = Math.max(...mine.map((b) => overlap[g][b]));
    return (metric[g][a] * maxOverlap) / (maxMetric + eps);
  });
  return { gt, score, conflicts };
}
