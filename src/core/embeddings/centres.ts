import { centreRows, normalizedCosines, type CentreLayout } from '../heads/margin/cosines';
import { requireFinite, requireShape, type Tensor } from '../tensor';

/**
 * The cosine between every two class centres: a pair near 1 is two classes the head cannot tell
 * apart (a duplicated identity, or a collapsed centre).
 */
export interface CentrePair {
  /** 0-based class ids, i < j. */
  readonly i: number;
  readonly j: number;
  readonly cosine: number;
}

export interface CentreSimilarity {
  readonly C: number;
  /** (C, C) cos(ŵᵢ, ŵⱼ), 1 on the diagonal for a non-zero centre. */
  readonly cosines: Float64Array;
  /** The `top` most similar pairs i < j, the largest cosine first (ties: the smaller i, then j). */
  readonly nearest: readonly CentrePair[];
}

/**
 * @param W the class centres: (d, C) columns (pml, LossLab's arcface) or (C, d) rows (insightface).
 * @param top how many pairs to list.
 */
export function centreSimilarity(W: Tensor, top: number, layout: CentreLayout = 'columns'): CentreSimilarity {
  const fn = 'centreSimilarity';
  const dims = requireShape(fn, 'W', W, layout === 'columns' ? ['d', 'C'] : ['C', 'd']);
  requireFinite(fn, 'W', W);
  const C = dims.get('C') ?? 0;
  const d = dims.get('d') ?? 0;
  // The centres against themselves: normalizedCosines with the centres on both sides.
  const rows = centreRows(W.data, layout, d, C);
  const { cosines } = normalizedCosines(rows, W.data, layout, C, d, C);
  const pairs: CentrePair[] = [];
  for (let i = 0; i < C; i++) for (let j = i + 1; j < C; j++) pairs.push({ i, j, cosine: cosines[i * C + j] });
  pairs.sort((a, b) => b.cosine - a.cosine || a.i - b.i || a.j - b.j);
  return { C, cosines, nearest: pairs.slice(0, Math.max(0, top)) };
}
