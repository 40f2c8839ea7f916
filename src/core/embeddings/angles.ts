import { InputError, describeValue } from '../errors';
import { normalizedCosines, type CentreLayout } from '../heads/margin/cosines';
import { requireFinite, requireIntegers, requireNumberInRange, requireShape, type Tensor } from '../tensor';

/**
 * The angles behind the ArcFace paper's angle-distribution figure: each sample's angle θ_y to its
 * own class centre and the angles θ_j to every other centre, from normalised embeddings and
 * centres, and the samples whose θ_y is past π − m, where cos(θ + m) stops decreasing (ArcFace
 * falls back or, in insightface's HEAD form, turns back up).
 */
export interface AngleCensus {
  /** (B) θ_y in radians. */
  readonly target: Float64Array;
  /** (B·(C − 1)) θ_j for j ≠ y, row by row. */
  readonly nonTarget: Float64Array;
  /** 0-based rows with θ_y > π − m, the largest angle first. */
  readonly pastPiMinusM: readonly number[];
  /** Cosines clamped into [−1, 1] before acos (rounding can put one a hair past ±1). */
  readonly clampedCosines: number;
}

/**
 * @param x (B, d) embeddings.
 * @param W the class centres: (d, C) columns (pml, LossLab's arcface) or (C, d) rows (insightface).
 * @param labels (B) class ids in [0, C).
 * @param m the additive angular margin in radians, in [0, π].
 */
export function angleCensus(x: Tensor, W: Tensor, labels: Tensor, m: number, layout: CentreLayout = 'columns'): AngleCensus {
  const fn = 'angleCensus';
  const dims = requireShape(fn, 'x', x, ['B', 'd']);
  requireShape(fn, 'W', W, layout === 'columns' ? ['d', 'C'] : ['C', 'd'], dims);
  requireShape(fn, 'labels', labels, ['B'], dims);
  requireNumberInRange(fn, 'm', m, 0, Math.PI);
  const B = dims.get('B') ?? 0;
  const d = dims.get('d') ?? 0;
  const C = dims.get('C') ?? 0;
  if (B > 0 && C === 0) throw new InputError(fn, 'W', 'at least one class centre', describeValue(C));
  requireFinite(fn, 'x', x);
  requireFinite(fn, 'W', W);
  requireIntegers(fn, 'labels', labels, 0, C - 1);
  const { cosines } = normalizedCosines(x.data, W.data, layout, B, d, C);
  let clampedCosines = 0;
  const angle = (c: number): number => {
    if (c > 1 || c < -1) clampedCosines++;
    return Math.acos(c > 1 ? 1 : c < -1 ? -1 : c);
  };
  const target = new Float64Array(B);
  const nonTarget = new Float64Array(B * Math.max(C - 1, 0));
  let n = 0;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < C; j++) {
      const theta = angle(cosines[i * C + j]);
      if (j === labels.data[i]) target[i] = theta;
      else nonTarget[n++] = theta;
    }
  }
  const pastPiMinusM = [...target.keys()].filter((i) => target[i] > Math.PI - m).sort((a, b) => target[b] - target[a] || a - b);
  return { target, nonTarget, pastPiMinusM, clampedCosines };
}
