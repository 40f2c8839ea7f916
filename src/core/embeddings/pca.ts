/**
 * Principal component analysis of a batch of embeddings, for drawing them in 2-D or 3-D: the top
 * k eigenvectors of the covariance of the centred rows. The (D, D) covariance is formed once
 * (N·D² multiply-adds); up to JACOBI_LIMIT columns it is decomposed whole by Jacobi rotations,
 * above it by subspace iteration on a block of k + BLOCK_EXTRA vectors with a Rayleigh–Ritz step,
 * stopped when every returned pair's residual is small (see `residual`).
 *
 * Signs follow scikit-learn's `svd_flip(u_based_decision=False)`, what its PCA uses: each axis is
 * turned so that its loading of largest magnitude is positive (the first one on a tie). Variances
 * use N − 1, as numpy's `cov` and scikit-learn's `explained_variance_` do; the ratios divide by the
 * trace of the covariance, the total variance over all D axes.
 */
import { InputError, describeValue } from '../errors';
import { checkInterrupt } from '../interrupt';
import { matmulTransAInto, matmulTransBInto } from '../matmul';
import { seededRandom } from '../seededRandom';
import { requireFinite, requireShape, type Tensor } from '../tensor';
import { symmetricEigen } from './symmetricEigen';

/** Up to this many columns the whole covariance goes through Jacobi (at most a few ms). */
export const JACOBI_LIMIT = 64;
/** Vectors iterated beyond the k returned: convergence goes as (λ_{k+extra+1} / λ_k)^iterations. */
const BLOCK_EXTRA = 8;

export interface PcaOptions {
  /** Stop when every residual ‖C v − λ v‖ ≤ tolerance · λ_1 (default 1e-8: variances within 1e-8·λ_1). */
  readonly tolerance?: number;
  /** Subspace iterations at most (default 300); the result says whether the tolerance was met. */
  readonly maxIterations?: number;
}

export interface PcaResult {
  readonly N: number;
  readonly D: number;
  readonly k: number;
  /** (D) the column means removed before projecting. */
  readonly mean: Float64Array;
  /** (k, D) row j is the unit principal axis j, sign as scikit-learn's. */
  readonly axes: Float64Array;
  /** (N, k) the centred rows projected on the axes. */
  readonly projected: Float64Array;
  /** (k) the variance along each axis (eigenvalues of the covariance, with N − 1; 0 when N = 1). */
  readonly variance: Float64Array;
  /** (k) variance / totalVariance; 0 for a batch without spread. */
  readonly ratio: Float64Array;
  /** The trace of the covariance. */
  readonly totalVariance: number;
  /**
   * max over the returned axes of ‖C v − λ v‖ / λ_1 (0 without spread). By Weyl's inequality each
   * returned variance is within residual · λ_1 of a true eigenvalue, and an axis is within an angle
   * of about residual · λ_1 / gap of the true one, where gap separates its eigenvalue from the others.
   */
  readonly residual: number;
  /** 'jacobi' (D ≤ JACOBI_LIMIT) or 'subspace'. */
  readonly method: 'jacobi' | 'subspace';
  /** Subspace iterations run (0 for Jacobi). */
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * The top k principal axes of the rows of x and the rows projected on them.
 * @param x (N, D) finite embeddings, D ≥ k.
 * @param k 2 or 3.
 * A batch without spread (N = 1, or identical rows) has no principal direction: its axes are
 * the first k coordinate axes, with variance and ratio 0. Repeated eigenvalues leave the axes
 * free within their eigenspace; the ones returned are then one valid choice.
 */
export function pca(x: Tensor, k: number, options: PcaOptions = {}): PcaResult {
  const fn = 'pca';
  const dims = requireShape(fn, 'x', x, ['N', 'D']);
  requireFinite(fn, 'x', x);
  const N = dims.get('N') as number;
  const D = dims.get('D') as number;
  if (k !== 2 && k !== 3) throw new InputError(fn, 'k', '2 or 3 axes', describeValue(k));
  if (N < 1 || D < k) throw new InputError(fn, 'x', `at least 1 row and ${k} columns for ${k} axes`, `shape (${N}, ${D})`);
  const tolerance = options.tolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 300;

  const mean = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let c = 0; c < D; c++) mean[c] += x.data[i * D + c];
  for (let c = 0; c < D; c++) mean[c] /= N;
  const centred = new Float64Array(N * D);
  for (let i = 0; i < N; i++) for (let c = 0; c < D; c++) centred[i * D + c] = x.data[i * D + c] - mean[c];
  const covariance = new Float64Array(D * D);
  matmulTransAInto(centred, centred, covariance, D, N, D);
  const denominator = Math.max(1, N - 1);
  let totalVariance = 0;
  for (let c = 0; c < D; c++) totalVariance += covariance[c * D + c] / denominator;
  for (let e = 0; e < covariance.length; e++) covariance[e] /= denominator;

  let found: { axes: Float64Array; variance: Float64Array; iterations: number; converged: boolean };
  const method = D <= JACOBI_LIMIT ? 'jacobi' : 'subspace';
  if (!(totalVariance > 0)) {
    const axes = new Float64Array(k * D);
    for (let j = 0; j < k; j++) axes[j * D + j] = 1;
    found = { axes, variance: new Float64Array(k), iterations: 0, converged: true };
  } else if (method === 'jacobi') {
    const { values, vectors } = symmetricEigen(covariance, D);
    found = { axes: vectors.slice(0, k * D), variance: values.slice(0, k), iterations: 0, converged: true };
  } else {
    found = subspaceIteration(covariance, D, k, tolerance, maxIterations);
  }
  const { axes, variance } = found;
  for (let j = 0; j < k; j++) {
    // The covariance is positive semi-definite: a negative eigenvalue is rounding.
    variance[j] = Math.max(0, variance[j]);
    flipSign(axes.subarray(j * D, j * D + D));
  }
  const residual = totalVariance > 0 ? largestResidual(covariance, D, axes, variance, k) / variance[0] : 0;
  const projected = new Float64Array(N * k);
  matmulTransBInto(centred, axes, projected, N, D, k);
  const ratio = variance.map((v) => (totalVariance > 0 ? v / totalVariance : 0));
  return { N, D, k, mean, axes, projected, variance, ratio, totalVariance, residual, method, iterations: found.iterations, converged: found.converged && residual <= tolerance };
}

/** Turns v so that its entry of largest magnitude (the first on a tie) is positive. */
function flipSign(v: Float64Array): void {
  let at = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[at])) at = i;
  if (v[at] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
}

/** max_j ‖C v_j − λ_j v_j‖ over the k rows of `axes`. */
function largestResidual(covariance: Float64Array, D: number, axes: Float64Array, variance: Float64Array, k: number): number {
  const product = new Float64Array(k * D);
  matmulTransBInto(axes, covariance, product, k, D, D);
  return ritzResidual(product, axes, variance, k, D);
}

/** max_j ‖(C V)_j − λ_j v_j‖ over the first k rows, given the rows of C V. */
function ritzResidual(product: Float64Array, vectors: Float64Array, values: ArrayLike<number>, k: number, D: number): number {
  let largest = 0;
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let c = 0; c < D; c++) {
      const r = product[j * D + c] - values[j] * vectors[j * D + c];
      sum += r * r;
    }
    largest = Math.max(largest, Math.sqrt(sum));
  }
  return largest;
}

/**
 * Subspace iteration with Rayleigh–Ritz on b = min(D, k + BLOCK_EXTRA) vectors: Q = orth(C V);
 * the b×b matrix Qᵀ C Q decomposed by Jacobi; V = its eigenvectors in Q's basis. One C·block
 * product per step (C V is the next step's input). Stops when the top k residuals are within
 * tolerance · λ_1 (the largest Ritz value), or after maxIterations.
 */
function subspaceIteration(covariance: Float64Array, D: number, k: number, tolerance: number, maxIterations: number): { axes: Float64Array; variance: Float64Array; iterations: number; converged: boolean } {
  const b = Math.min(D, k + BLOCK_EXTRA);
  // A fixed pseudo-random start (the same result on every run), almost surely not orthogonal to
  // any eigenvector.
  const random = seededRandom(0x9e3779b9);
  const block = new Float64Array(b * D);
  for (let e = 0; e < block.length; e++) block[e] = random() - 0.5;
  const product = new Float64Array(b * D);
  matmulTransBInto(block, covariance, product, b, D, D);
  const values = new Float64Array(b);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    checkInterrupt();
    orthonormalizeRows(product, b, D);
    block.set(product);
    matmulTransBInto(block, covariance, product, b, D, D);
    // Rayleigh–Ritz: H = Qᵀ C Q (b, b), with (C Q) rows in `product`.
    const h = new Float64Array(b * b);
    matmulTransBInto(block, product, h, b, D, b);
    for (let i = 0; i < b; i++) for (let j = i + 1; j < b; j++) h[i * b + j] = h[j * b + i] = (h[i * b + j] + h[j * b + i]) / 2;
    const ritz = symmetricEigen(h, b);
    values.set(ritz.values);
    rotateRows(block, ritz.vectors, b, D);
    rotateRows(product, ritz.vectors, b, D);
    if (ritzResidual(product, block, values, k, D) <= tolerance * values[0]) return { axes: block.slice(0, k * D), variance: values.slice(0, k), iterations: iterations + 1, converged: true };
  }
  return { axes: block.slice(0, k * D), variance: values.slice(0, k), iterations, converged: false };
}

/** rows ← S · rows for the (b, b) rotation S (rows of S are the Ritz vectors in the rows' basis). */
function rotateRows(rows: Float64Array, s: Float64Array, b: number, D: number): void {
  const out = new Float64Array(b * D);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < b; j++) {
      const w = s[i * b + j];
      if (w === 0) continue;
      for (let c = 0; c < D; c++) out[i * D + c] += w * rows[j * D + c];
    }
  }
  rows.set(out);
}

/**
 * Modified Gram–Schmidt, twice ("twice is enough": the second pass restores orthogonality lost to
 * cancellation). A row that vanishes against the earlier ones is replaced by a coordinate axis
 * orthogonalised the same way (the one least inside their span), so the block keeps its rank.
 */
function orthonormalizeRows(rows: Float64Array, b: number, D: number): void {
  for (let i = 0; i < b; i++) {
    const row = rows.subarray(i * D, i * D + D);
    const original = norm(row);
    removeEarlierRows(rows, i, D);
    let length = norm(row);
    if (!(length > 1e-12 * original) || length === 0) {
      // The coordinate axis least inside the earlier rows' span: its part outside has squared
      // length at least 1 − i/D, so the replacement is well conditioned.
      let best = 0;
      let bestInside = Number.POSITIVE_INFINITY;
      for (let c = 0; c < D; c++) {
        let inside = 0;
        for (let j = 0; j < i; j++) inside += rows[j * D + c] * rows[j * D + c];
        if (inside < bestInside) [best, bestInside] = [c, inside];
      }
      row.fill(0);
      row[best] = 1;
      removeEarlierRows(rows, i, D);
      length = norm(row);
    }
    for (let c = 0; c < D; c++) row[c] /= length;
  }
}

/** Row i minus its components along the (orthonormal) rows before it, in two passes. */
function removeEarlierRows(rows: Float64Array, i: number, D: number): void {
  const row = rows.subarray(i * D, i * D + D);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < i; j++) {
      const other = rows.subarray(j * D, j * D + D);
      let dot = 0;
      for (let c = 0; c < D; c++) dot += row[c] * other[c];
      for (let c = 0; c < D; c++) row[c] -= dot * other[c];
    }
  }
}

function norm(v: Float64Array): number {
  let sum = 0;
  for (let c = 0; c < v.length; c++) sum += v[c] * v[c];
  return Math.sqrt(sum);
}
