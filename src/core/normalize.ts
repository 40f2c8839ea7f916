/**
 * L2 normalization of the rows or columns of a row-major matrix, exactly as PyTorch's
 * `F.normalize(v, dim)`: v̂ = v / max(‖v‖, ε) with ε = 1e-12, and its backward pass.
 *
 * Why the ε matters for gradients: above ε the map is a projection onto the sphere, with Jacobian
 * (I − v̂v̂ᵀ)/‖v‖; below ε (a zero or denormal-sized vector) it is the linear map v/ε, so the
 * gradient is g/ε: huge but finite, which is what PyTorch returns for a zero embedding.
 *
 * The backward functions take the dot products v̂·g from the caller rather than computing them,
 * because a loss built on cosines often has them for free (Σⱼ Gᵢⱼ·cosᵢⱼ in ArcFace).
 */

/** PyTorch's default `eps` in `F.normalize`. */
export const NORMALIZE_EPS = 1e-12;

/** Writes ‖row i‖ of a (rows, cols) matrix into norms[i]. */
export function rowNormsInto(data: Float64Array | Float32Array, rows: number, cols: number, norms: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let k = i * cols, end = k + cols; k < end; k++) sum += data[k] * data[k];
    norms[i] = Math.sqrt(sum);
  }
}

/** Writes ‖column j‖ of a (rows, cols) matrix into norms[j], walking memory row by row. */
export function columnNormsInto(data: Float64Array | Float32Array, rows: number, cols: number, norms: Float64Array): void {
  norms.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) norms[j] += data[o + j] * data[o + j];
  }
  for (let j = 0; j < cols; j++) norms[j] = Math.sqrt(norms[j]);
}

/** The divisor F.normalize uses for a vector of this norm. */
export function clampedNorm(norm: number): number {
  return norm > NORMALIZE_EPS ? norm : NORMALIZE_EPS;
}

/** out (rows, cols) = each row of data divided by max(its norm, ε); `norms` are the raw norms. */
export function normalizeRowsInto(data: Float64Array | Float32Array, rows: number, cols: number, norms: Float64Array, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const inverse = 1 / clampedNorm(norms[i]);
    for (let k = i * cols, end = k + cols; k < end; k++) out[k] = data[k] * inverse;
  }
}

/**
 * In place, turns grad (rows, cols) = dL/dv̂ for the normalized rows into dL/dv for the raw rows
 * `data`, given the raw norms and dots[i] = v̂ᵢ·gᵢ.
 */
export function normalizeRowsBackwardInto(
  grad: Float64Array,
  data: Float64Array | Float32Array,
  rows: number,
  cols: number,
  norms: Float64Array,
  dots: Float64Array,
): void {
  for (let i = 0; i < rows; i++) {
    const inverse = 1 / clampedNorm(norms[i]);
    // PyTorch's clamp_min passes the gradient through at ‖v‖ = ε itself, hence `>=`.
    const projection = norms[i] >= NORMALIZE_EPS ? dots[i] : 0;
    for (let k = i * cols, end = k + cols; k < end; k++) grad[k] = (grad[k] - data[k] * inverse * projection) * inverse;
  }
}

/**
 * In place, turns grad (rows, cols) = dL/dv̂ for the normalized columns into dL/dv for the raw
 * columns of `data`, given the raw column norms and dots[j] = v̂ⱼ·gⱼ.
 */
export function normalizeColumnsBackwardInto(
  grad: Float64Array,
  data: Float64Array | Float32Array,
  rows: number,
  cols: number,
  norms: Float64Array,
  dots: Float64Array,
  scratch: Float64Array = new Float64Array(cols * 2),
): void {
  // Per-column factors, so that the pass over the matrix is a contiguous two-multiply loop.
  const inverse = scratch.subarray(0, cols);
  const shift = scratch.subarray(cols, 2 * cols);
  for (let j = 0; j < cols; j++) {
    inverse[j] = 1 / clampedNorm(norms[j]);
    shift[j] = norms[j] >= NORMALIZE_EPS ? dots[j] * inverse[j] * inverse[j] : 0;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) grad[o + j] = grad[o + j] * inverse[j] - data[o + j] * shift[j];
  }
}
