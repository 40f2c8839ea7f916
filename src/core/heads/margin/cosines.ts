import { matmulInto, matmulTransAInto, matmulTransBInto } from '../../matmul';
import { clampedNorm, columnNormsInto, normalizeRowsBackwardInto, normalizeRowsInto, normalizeScaledColumnsBackwardInto, rowNormsInto } from '../../normalize';

/**
 * The cosine matrix between embeddings and class centres, both L2-normalised as `F.normalize`
 * (v / max(‖v‖, 1e-12)), and its backward pass. pytorch-metric-learning stores the centres as
 * columns of W (d, N) and insightface as rows of its weight (N, d); both are read in place. Rows are
 * normalised into a copy ĉ; columns are not copied: cos = (x̂·W)·diag(1/‖Wⱼ‖), as the arcface loss
 * does, which spares two transposes of the largest input.
 */

/** How the class centres are stored: `columns` = W (d, N) as pml; `rows` = weight (N, d) as insightface. */
export type CentreLayout = 'columns' | 'rows';

export interface Cosines {
  readonly B: number;
  readonly d: number;
  /** Number of centres (C·k for sub-centres). */
  readonly N: number;
  readonly layout: CentreLayout;
  /** (B, N) x̂ᵢ·ĉⱼ, unclamped: rounding can put one a hair past ±1. */
  readonly cosines: Float64Array;
  /** (B) raw ‖xᵢ‖ and (N) raw ‖cⱼ‖. */
  readonly xNorms: Float64Array;
  readonly centreNorms: Float64Array;
  /** (B, d) x̂. */
  readonly xHat: Float64Array;
  /** `rows`: (N, d) ĉ; `columns`: (N) 1 / max(‖Wⱼ‖, 1e-12). */
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
  const centreNorms = new Float64Array(N);
  const cosines = new Float64Array(B * N);
  if (layout === 'rows') {
    rowNormsInto(centres, N, d, centreNorms);
    const centreHat = new Float64Array(N * d);
    normalizeRowsInto(centres, N, d, centreNorms, centreHat);
    matmulTransBInto(xHat, centreHat, cosines, B, d, N);
    return { B, d, N, layout, cosines, xNorms, centreNorms, xHat, centreHat };
  }
  columnNormsInto(centres, d, N, centreNorms);
  const inverse = Float64Array.from(centreNorms, (norm) => 1 / clampedNorm(norm));
  matmulInto(xHat, centres, cosines, B, d, N);
  for (let i = 0; i < B; i++) for (let j = 0; j < N; j++) cosines[i * N + j] *= inverse[j];
  return { B, d, N, layout, cosines, xNorms, centreNorms, xHat, centreHat: inverse };
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
 * dL/dx̂ = G·ĉ, dL/dĉ = Gᵀ·x̂, then each normalisation's backward. For columns, G is first scaled
 * by 1/‖Wⱼ‖, the factor both products need, as in the arcface loss.
 */
export function cosineBackward(c: Cosines, G: Float64Array, x: Float64Array, centres: Float64Array): { x: Float64Array; centres: Float64Array } {
  const { B, d, N } = c;
  const gradX = new Float64Array(B * d);
  const gradCentres = new Float64Array(N * d);
  if (c.layout === 'rows') {
    matmulInto(G, c.centreHat, gradX, B, N, d);
    matmulTransAInto(G, c.xHat, gradCentres, N, B, d);
    normalizeRowsBackwardInto(gradCentres, centres, N, d, c.centreNorms, rowDots(c.centreHat, gradCentres, N, d));
  } else {
    const scaled = new Float64Array(B * N);
    for (let i = 0; i < B; i++) for (let j = 0; j < N; j++) scaled[i * N + j] = G[i * N + j] * c.centreHat[j];
    matmulTransBInto(scaled, centres, gradX, B, N, d);
    matmulTransAInto(c.xHat, scaled, gradCentres, d, B, N);
    normalizeScaledColumnsBackwardInto(gradCentres, centres, d, N, c.centreNorms, 0, N);
  }
  normalizeRowsBackwardInto(gradX, x, B, d, c.xNorms, rowDots(c.xHat, gradX, B, d));
  return { x: gradX, centres: gradCentres };
}
