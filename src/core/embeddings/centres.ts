import { InputError, describeValue } from '../errors';
import { centreRows, type CentreLayout } from '../heads/margin/cosines';
import { matmulTransBInto } from '../matmul';
import { normalizeRowsInto, rowNormsInto } from '../normalize';
import { requireFinite, requireShape, type Tensor } from '../tensor';

/**
 * The cosine between every two class centres: a pair near 1 is two classes the head cannot tell
 * apart (a duplicated identity, or a collapsed centre). The pairs are scanned in blocks of rows, so
 * that a face-recognition head of tens of thousands of classes never holds its (C, C) matrix.
 */
export interface CentrePair {
  /** 0-based class ids, i < j. */
  readonly i: number;
  readonly j: number;
  readonly cosine: number;
}

export interface CentreSimilarity {
  readonly C: number;
  /** The `top` most similar pairs i < j, the largest cosine first (ties: the smaller i, then j). */
  readonly nearest: readonly CentrePair[];
  /** (n, n) cos(ŵₐ, ŵ_b) among the given classes, in their order (1 on the diagonal for a non-zero centre). */
  cosinesAmong(classes: readonly number[]): Float64Array;
}

/** Rows of centres per block of the pair scan: a (block, C) slice of the matrix at a time. */
const PAIR_BLOCK = 256;

/** Above this many classes the pair scan (C²·d/2 multiply-adds) is refused: pass a slice of W. */
export const CENTRE_PAIRS_MAX_CLASSES = 50_000;

/** Whether pair a ranks before pair b: the larger cosine, then the smaller i, then the smaller j. */
const before = (a: CentrePair, b: CentrePair): boolean => a.cosine > b.cosine || (a.cosine === b.cosine && (a.i < b.i || (a.i === b.i && a.j < b.j)));

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
  if (C > CENTRE_PAIRS_MAX_CLASSES) {
    throw new InputError(fn, 'W', `at most ${CENTRE_PAIRS_MAX_CLASSES} class centres (the scan of every pair grows as C²): pass a slice of the classes`, `${C} centres`);
  }
  // (C, d) normalised centres, as F.normalize.
  const rows = centreRows(W.data, layout, d, C);
  const norms = new Float64Array(C);
  rowNormsInto(rows, C, d, norms);
  const hat = new Float64Array(C * d);
  normalizeRowsInto(rows, C, d, norms, hat);

  const best: CentrePair[] = [];
  const keep = Math.max(0, Math.floor(top));
  const block = new Float64Array(Math.min(PAIR_BLOCK, C) * C);
  for (let i0 = 0; i0 < C && keep > 0; i0 += PAIR_BLOCK) {
    const rowsInBlock = Math.min(PAIR_BLOCK, C - i0);
    matmulTransBInto(hat.subarray(i0 * d, (i0 + rowsInBlock) * d), hat, block, rowsInBlock, d, C);
    for (let r = 0; r < rowsInBlock; r++) {
      const i = i0 + r;
      for (let j = i + 1; j < C; j++) {
        const pair = { i, j, cosine: block[r * C + j] };
        if (best.length === keep && !before(pair, best[keep - 1])) continue;
        // Insert in rank order, dropping the last when full.
        let at = best.length;
        while (at > 0 && before(pair, best[at - 1])) at--;
        best.splice(at, 0, pair);
        if (best.length > keep) best.pop();
      }
    }
  }
  return {
    C,
    nearest: best,
    cosinesAmong: (classes) => {
      classes.forEach((c, k) => {
        if (!Number.isInteger(c) || c < 0 || c >= C) throw new InputError(fn, 'classes', `class ids in [0, ${C - 1}]`, describeValue(c), [k]);
      });
      const n = classes.length;
      const picked = new Float64Array(n * d);
      classes.forEach((c, k) => picked.set(hat.subarray(c * d, (c + 1) * d), k * d));
      const out = new Float64Array(n * n);
      matmulTransBInto(picked, picked, out, n, d, n);
      return out;
    },
  };
}
