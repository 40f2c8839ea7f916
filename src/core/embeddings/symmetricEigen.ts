/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method: plane rotations
 * that zero one off-diagonal entry at a time, each an exact orthogonal similarity, so the
 * eigenvalues stay accurate to rounding of ‖A‖ and the eigenvectors stay orthonormal whatever the
 * spectrum (repeated or zero eigenvalues included). It costs about 4n³ per sweep and converges
 * quadratically once the off-diagonal part is small, so it serves matrices up to a few dozen rows:
 * the PCA of narrow embeddings and the Rayleigh–Ritz step of the wide ones (pca.ts).
 */

/** Sweeps after which the rotation stops even if the off-diagonal part is not yet negligible. */
const MAX_SWEEPS = 100;

export interface SymmetricEigen {
  /** (n) eigenvalues, largest first. */
  readonly values: Float64Array;
  /** (n, n) row j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/**
 * @param matrix (n, n) row-major, symmetric (only its values are read; it is not modified).
 * @returns eigenvalues largest first (ties keep the diagonal order) and their eigenvectors as rows.
 */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale += a[i] * a[i];
  // Off-diagonal mass below this is below the rounding of the diagonal: the decomposition is done.
  const negligible = scale * 1e-32;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= negligible || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation's tangent t is the smaller root of t² + 2θt − 1 = 0, which zeroes a_pq.
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, n, p, q, c, s);
        // The update's rounding leaves a few ulps behind: the rotation made this entry 0 exactly.
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          const vp = v[p * n + r];
          const vq = v[q * n + r];
          v[p * n + r] = c * vp - s * vq;
          v[q * n + r] = s * vp + c * vq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i] || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((i, rank) => {
    values[rank] = a[i * n + i];
    vectors.set(v.subarray(i * n, i * n + n), rank * n);
  });
  return { values, vectors };
}

/** A ← Jᵀ A J for the rotation J with J_pp = J_qq = c, J_pq = s, J_qp = −s. */
function rotate(a: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let r = 0; r < n; r++) {
    const arp = a[r * n + p];
    const arq = a[r * n + q];
    a[r * n + p] = c * arp - s * arq;
    a[r * n + q] = s * arp + c * arq;
  }
  for (let r = 0; r < n; r++) {
    const apr = a[p * n + r];
    const aqr = a[q * n + r];
    a[p * n + r] = c * apr - s * aqr;
    a[q * n + r] = s * apr + c * aqr;
  }
}
