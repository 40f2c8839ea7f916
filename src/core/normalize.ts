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
  columnNormsRangeInto(data, rows, cols, norms, 0, cols);
}

/**
 * Columns [c0, c1) of columnNormsInto, norms elsewhere untouched: each column sums its rows in
 * the same order (groups of four, in order) whatever the range, so any split of the columns gives
 * the same bits.
 */
export function columnNormsRangeInto(data: Float64Array | Float32Array, rows: number, cols: number, norms: Float64Array, c0: number, c1: number): void {
  norms.fill(0, c0, c1);
  // Four rows per sweep: a quarter of the loads and stores of norms.
  const rows4 = rows - (rows % 4);
  for (let i = 0; i < rows4; i += 4) {
    const o0 = i * cols;
    const o1 = o0 + cols;
    const o2 = o1 + cols;
    const o3 = o2 + cols;
    for (let j = c0; j < c1; j++) {
      const a = data[o0 + j];
      const b = data[o1 + j];
      const c = data[o2 + j];
      const d = data[o3 + j];
      norms[j] += a * a + b * b + (c * c + d * d);
    }
  }
  for (let i = rows4; i < rows; i++) {
    const o = i * cols;
    for (let j = c0; j < c1; j++) norms[j] += data[o + j] * data[o + j];
  }
  for (let j = c0; j < c1; j++) norms[j] = Math.sqrt(norms[j]);
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

/** Columns per block of the scaled column backward: a block of grad and data (rows ≤ 512) stays in L2 between its two passes. */
const BACKWARD_COLUMN_BLOCK = 128;

/**
 * Columns [c0, c1) of grad (rows, cols), in place: from g′ⱼ = (dL/dv̂ⱼ)/max(‖vⱼ‖, ε), the gradient
 * with respect to normalized column j already divided by its divisor (what a product with a
 * 1/‖vⱼ‖-scaled factor gives), to dL/dvⱼ = g′ⱼ − vⱼ·(vⱼ·g′ⱼ)/max(‖vⱼ‖, ε)², using
 * v̂ⱼ·(dL/dv̂ⱼ) = vⱼ·g′ⱼ. The dots are taken here, rows in order, so each column's result depends
 * on nothing outside it and any split of the columns gives the same bits.
 */
export function normalizeScaledColumnsBackwardInto(
  grad: Float64Array,
  data: Float64Array | Float32Array,
  rows: number,
  cols: number,
  norms: Float64Array,
  c0: number,
  c1: number,
): void {
  const shift = new Float64Array(Math.min(BACKWARD_COLUMN_BLOCK, Math.max(c1 - c0, 0)));
  // Four rows per sweep of the block, as in columnDotsInto.
  const rows4 = rows - (rows % 4);
  for (let b0 = c0; b0 < c1; b0 += BACKWARD_COLUMN_BLOCK) {
    const width = Math.min(c1, b0 + BACKWARD_COLUMN_BLOCK) - b0;
    columnDotsInto(grad, cols, b0, data, rows, cols, b0, width, shift);
    for (let k = 0; k < width; k++) {
      const norm = norms[b0 + k];
      const inverse = 1 / clampedNorm(norm);
      // PyTorch's clamp_min passes the gradient through at ‖v‖ = ε itself, hence `>=`.
      shift[k] = norm >= NORMALIZE_EPS ? shift[k] * inverse * inverse : 0;
    }
    for (let i = 0; i < rows4; i += 4) {
      const o0 = i * cols + b0;
      const o1 = o0 + cols;
      const o2 = o1 + cols;
      const o3 = o2 + cols;
      for (let k = 0; k < width; k++) {
        const factor = shift[k];
        grad[o0 + k] -= data[o0 + k] * factor;
        grad[o1 + k] -= data[o1 + k] * factor;
        grad[o2 + k] -= data[o2 + k] * factor;
        grad[o3 + k] -= data[o3 + k] * factor;
      }
    }
    for (let i = rows4; i < rows; i++) {
      const o = i * cols + b0;
      for (let k = 0; k < width; k++) grad[o + k] -= data[o + k] * shift[k];
    }
  }
}

/**
 * normalizeScaledColumnsBackwardInto for one tile of columns [j0, j0 + width) of a (rows, cols)
 * matrix, whose x̂ᵀ·G part arrives as its own (rows, width) buffer `tile`: writes the tile's
 * columns of the gradient into `grad` (rows, cols), float64 or float32 (the fused ArcFace's
 * dL/dW, which never holds the whole x̂ᵀ·G). Summed as the whole-matrix form, so the same bits.
 * `dots` (width), when given, are the columns' vⱼ·g′ⱼ computed another way by the caller (the fused
 * ArcFace has them as Σ_b (x̂·W)_bj·G_bj, over B rows instead of d): the first sweep over v and the
 * tile is then skipped.
 */
export function normalizeScaledColumnsBackwardTileInto(
  tile: Float64Array,
  data: Float64Array | Float32Array,
  rows: number,
  cols: number,
  norms: Float64Array,
  j0: number,
  width: number,
  grad: Float64Array | Float32Array,
  dots?: Float64Array,
): void {
  const shift = new Float64Array(width);
  if (dots === undefined) columnDotsInto(tile, width, 0, data, rows, cols, j0, width, shift);
  else shift.set(dots.subarray(0, width));
  for (let k = 0; k < width; k++) {
    const norm = norms[j0 + k];
    const inverse = 1 / clampedNorm(norm);
    // As normalizeScaledColumnsBackwardInto: the gradient passes through at ‖v‖ = ε itself.
    shift[k] = norm >= NORMALIZE_EPS ? shift[k] * inverse * inverse : 0;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * cols + j0;
    const t = i * width;
    for (let k = 0; k < width; k++) grad[o + k] = tile[t + k] - data[o + k] * shift[k];
  }
}

/**
 * shift[k] = Σᵢ v(i, c0 + k)·g(i, k) for k < width, with v (rows, cols) and g(i, k) =
 * src[i·srcStride + s0 + k]: four rows per sweep (a quarter of the loads and stores of shift; the
 * sweep streams v's columns from memory), rows in order, so every caller's sums are the same bits.
 */
function columnDotsInto(
  src: Float64Array, srcStride: number, s0: number, data: Float64Array | Float32Array, rows: number, cols: number, c0: number, width: number, shift: Float64Array,
): void {
  shift.fill(0, 0, width);
  const rows4 = rows - (rows % 4);
  for (let i = 0; i < rows4; i += 4) {
    const v0 = i * cols + c0;
    const v1 = v0 + cols;
    const v2 = v1 + cols;
    const v3 = v2 + cols;
    const g0 = i * srcStride + s0;
    const g1 = g0 + srcStride;
    const g2 = g1 + srcStride;
    const g3 = g2 + srcStride;
    for (let k = 0; k < width; k++) {
      shift[k] += data[v0 + k] * src[g0 + k] + data[v1 + k] * src[g1 + k] + (data[v2 + k] * src[g2 + k] + data[v3 + k] * src[g3 + k]);
    }
  }
  for (let i = rows4; i < rows; i++) {
    const v = i * cols + c0;
    const g = i * srcStride + s0;
    for (let k = 0; k < width; k++) shift[k] += data[v + k] * src[g + k];
  }
}
