import { normalizeRowsInto, rowNormsInto } from '../normalize';
import { requireFinite, requireIntegers, requireShape, type Tensor } from '../tensor';

/**
 * Per class, how tight it is and how far the others stay: the summary that shows a class
 * overlapping another (gap < 0) or spread out, from an export of embeddings and labels.
 */
export interface ClassDistanceRow {
  /** The class id, as in the labels. */
  readonly label: number;
  /** Its number of samples. */
  readonly count: number;
  /** Mean and largest distance between two of its samples (NaN for a singleton). */
  readonly intraMean: number;
  readonly intraMax: number;
  /** Smallest and mean distance from one of its samples to a sample of another class (NaN with one class). */
  readonly interMin: number;
  readonly interMean: number;
  /** The class of the nearest other-class sample (−1 with one class). */
  readonly nearestClass: number;
  /** interMin − intraMax: negative when another class comes closer than the class's own spread (NaN if either is). */
  readonly gap: number;
}

/**
 * Euclidean distances √Σ(xᵢ − xⱼ)², taken directly (no ‖x‖² + ‖y‖² − 2x·y cancellation), between
 * rows normalised as F.normalize when `normalize` (pml's default) or raw.
 *
 * @param embeddings (B, d).
 * @param labels (B) integer class ids ≥ 0.
 * @returns one row per class present, by class id.
 */
export function classDistances(embeddings: Tensor, labels: Tensor, normalize = true): ClassDistanceRow[] {
  const fn = 'classDistances';
  const dims = requireShape(fn, 'embeddings', embeddings, ['B', 'd']);
  requireShape(fn, 'labels', labels, ['B'], dims);
  requireFinite(fn, 'embeddings', embeddings);
  requireIntegers(fn, 'labels', labels, 0, Number.MAX_SAFE_INTEGER);
  const B = dims.get('B') ?? 0;
  const d = dims.get('d') ?? 0;
  let x = embeddings.data;
  if (normalize) {
    const norms = new Float64Array(B);
    rowNormsInto(x, B, d, norms);
    x = new Float64Array(B * d);
    normalizeRowsInto(embeddings.data, B, d, norms, x);
  }
  const classes = [...new Set(labels.data)].sort((a, b) => a - b);
  const at = new Map(classes.map((label, k) => [label, k]));
  const K = classes.length;
  const intraSum = new Float64Array(K);
  const intraPairs = new Float64Array(K);
  const intraMax = new Float64Array(K).fill(Number.NaN);
  const interSum = new Float64Array(K);
  const interPairs = new Float64Array(K);
  const interMin = new Float64Array(K).fill(Number.NaN);
  const nearest = new Float64Array(K).fill(-1);
  const count = new Float64Array(K);
  for (let i = 0; i < B; i++) count[at.get(labels.data[i]) ?? 0]++;
  for (let i = 0; i < B; i++) {
    const a = at.get(labels.data[i]) ?? 0;
    for (let j = i + 1; j < B; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) {
        const diff = x[i * d + k] - x[j * d + k];
        sum += diff * diff;
      }
      const distance = Math.sqrt(sum);
      const b = at.get(labels.data[j]) ?? 0;
      if (a === b) {
        intraSum[a] += distance;
        intraPairs[a]++;
        if (!(distance <= intraMax[a])) intraMax[a] = distance;
        continue;
      }
      // A pair of two classes counts once for each of them.
      for (const [own, other] of [[a, b], [b, a]]) {
        interSum[own] += distance;
        interPairs[own]++;
        if (!(distance >= interMin[own])) {
          interMin[own] = distance;
          nearest[own] = classes[other];
        }
      }
    }
  }
  return classes.map((label, k) => ({
    label,
    count: count[k],
    intraMean: intraPairs[k] > 0 ? intraSum[k] / intraPairs[k] : Number.NaN,
    intraMax: intraMax[k],
    interMin: interMin[k],
    interMean: interPairs[k] > 0 ? interSum[k] / interPairs[k] : Number.NaN,
    nearestClass: nearest[k],
    gap: interMin[k] - intraMax[k],
  }));
}
