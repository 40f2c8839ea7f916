import { matmulInto, matmulTransAInto, matmulTransBInto } from '../../matmul';
import { normalizeRowsBackwardInto, normalizeRowsInto, rowNormsInto } from '../../normalize';

/**
 * The cosine matrix between embeddings and class centres, both L2-normalised as `F.normalize`
 * (v / max(‖v‖, 1e-12)), and its backward pass. pytorch-metric-learning stores the centres as
 * columns of W (d, N) and insightface as rows of its weight (N, d); both are read here, and the
 * centres are normalised into one (N, d) row-major copy so that the three products are the same
 * for either layout.
 */

/** How the class centres are stored: `columns` = W (d, N) as pml; `rows` = weight (N, d) as insightface. */
export type CentreLayout = 'columns' | 'rows';

export interface Cosines {
  readonly B: number;
  readonly d: number;
  /** Number of centres (C·k for sub-centres). */
  readonly N: number;
  /** (B, N) x̂ᵢ·ĉⱼ, unclamped: rounding can put one a hair past ±1. */
  readonly cosines: Float64Array;
  /** (B) raw ‖xᵢ‖ and (N) raw ‖cⱼ‖. */
  readonly xNorms: Float64Array;
  readonly centreNorms: Float64Array;
  /** (B, d) x̂ and (N, d) ĉ. */
  readonly xHat: Float64Array;
  readonly centreHat: Float64Array;
}

/** The (cols, rows) transpose of a row-major (rows, cols) matrix. */
export function transpose(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

/** (N, d) rows of the centres, from either layout. */
export const centreRows = (centres: Float64Array, layout: CentreLayout, d: number, N: number): Float64Array => (layout === 'rows' ? centres : transpose(centres, d, N));

/** Normalises x (B, d) and the centres, and takes every cosine. */
export function normalizedCosines(x: Float64Array, centres: Float64Array, layout: CentreLayout, B: number, d: number, N: number): Cosines {
  const xNorms = new Float64Array(B);
  rowNormsInto(x, B, d, xNorms);
  const xHat = new Float64Array(B * d);
  normalizeRowsInto(x, B, d, xNorms, xHat);
  const rows = centreRows(centres, layout, d, N);
  const centreNorms = new Float64Array(N);
  rowNormsInto(rows, N, d, centreNorms);
  const centreHat = new Float64Array(N * d);
  normalizeRowsInto(rows, N, d, centreNorms, centreHat);
  const cosines = new Float64Array(B * N);
  matmulTransBInto(xHat, centreHat, cosines, B, d, N);
  return { B, d, N, cosines, xNorms, centreNorms, xHat, centreHat };
}

/** dots[i] = v̂ᵢ·gᵢ over rows of (rows, cols) matrices: what the normalisation's backward needs. */
function rowDots(hat: Float64Array, grad: Float64Array, rows: number, cols: number): Float64Array {
  const dots = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let dot = 0;
    for (let k = i * cols, end = k + cols; k < end; k++) dot += hat[k] * grad[k];
    dots[i] = dot;
  }
  return dots;
}

/**
 * From G (B, N) = dL/d cosᵢⱼ to dL/dx (B, d) and dL/d centres in their own layout ((d, N) or (N, d)):
 * dL/dx̂ = G·ĉ, dL/dĉ = Gᵀ·x̂, then each normalisation's backward.
 */
export function cosineBackward(
  c: Cosines,
  G: Float64Array,
  x: Float64Array,
  centres: Float64Array,
  layout: CentreLayout,
): { x: Float64Array; centres: Float64Array } {
  const { B, d, N } = c;
  const gradX = new Float64Array(B * d);
  matmulInto(G, c.centreHat, gradX, B, N, d);
  normalizeRowsBackwardInto(gradX, x, B, d, c.xNorms, rowDots(c.xHat, gradX, B, d));
  const gradRows = new Float64Array(N * d);
  matmulTransAInto(G, c.xHat, gradRows, N, B, d);
  normalizeRowsBackwardInto(gradRows, centreRows(centres, layout, d, N), N, d, c.centreNorms, rowDots(c.centreHat, gradRows, N, d));
  return { x: gradX, centres: layout === 'rows' ? gradRows : transpose(gradRows, N, d) };
}
