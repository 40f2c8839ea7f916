/**
 * Dense float64 matrix products over row-major Float64Arrays, the cost centre of the embedding
 * losses (a (B,d)·(d,C) product and its two gradient products). Plain scalar TypeScript, so it
 * runs in a browser too; the speed comes from memory order, not from tricks:
 * - the inner loop walks contiguous memory (i-k-j order for A·B and Aᵀ·B, row·row dots for A·Bᵀ);
 * - 4×4 register blocks: each pass over a row segment does 16 multiply-adds per 8 loads instead
 *   of 1 per 2, which is what makes scalar code compute-bound rather than load-bound;
 * - the shared dimension and the output columns are cut into blocks that stay in cache.
 * Every function overwrites `out` (it never accumulates into what was there).
 *
 * From SIMD_THRESHOLD multiply-adds on (and always under `setKernelPath('simd')`), the products run
 * on the WebAssembly SIMD kernels of ./simd/gemm instead, which are 4× faster at ArcFace's sizes
 * (docs/performance.md). `precision: 'float32'` (the opt-in mode for float32 exports) packs the
 * operands to float32 and multiplies in float32 SIMD; it falls back to these float64 kernels where
 * SIMD is unavailable or forced off, which is only more accurate.
 */
import { inCheckedRanges } from './interrupt';
import { simdProductColumnsInto } from './simd/gemm';
import { useSimd, type FloatArray, type Precision } from './simd/path';

/**
 * Products smaller than this many multiply-adds stay in TypeScript: below it the packing into
 * linear memory costs about as much as the vector arithmetic saves (measured: docs/performance.md).
 */
export const SIMD_THRESHOLD = 32768;

/** Output columns per block: 4 rows of this many doubles from B and from out stay in L1. */
const COLUMN_BLOCK = 512;
/** Shared-dimension extent per block: 128 rows of a column block of B (0.5 MiB) stay in L2. */
const DEPTH_BLOCK = 128;
/** Shared-dimension extent per block of the row·row product A·Bᵀ. */
const DOT_BLOCK = 256;
/** Rows of A per block of A·Bᵀ, so that a block of A is reused from cache across all of B. */
const DOT_ROW_BLOCK = 64;

/** Which product: A·B, Aᵀ·B (A stored (K,M)) or A·Bᵀ (B stored (N,K)). */
export type ProductKind = 'AB' | 'AtB' | 'ABt';

/** One product out (M,N) of the embedding losses, as a host may farm it out. */
export interface ProductRequest {
  readonly kind: ProductKind;
  readonly a: FloatArray;
  readonly b: FloatArray;
  readonly out: Float64Array;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly precision: Precision;
  /**
   * B's row stride as stored, when B is a block of a wider matrix (the fused ArcFace's class tiles
   * of W, read in place): by default n for AB and AtB, k for ABt. Only the SIMD kernels take it.
   */
  readonly ldb?: number;
}

/**
 * Where a loss's large products and (B, C) buffers come from. The core's is single-threaded; a
 * host may hand out buffers its worker threads can see (SharedArrayBuffers) and split each product
 * into column ranges with productColumnsInto, which gives the same bits whatever the split.
 */
export interface ProductProvider {
  /** A zero-filled float64 buffer of `length` elements. */
  allocate(length: number): Float64Array;
  /** Overwrites request.out with the product. */
  product(request: ProductRequest): void;
}

export const CORE_PRODUCTS: ProductProvider = {
  allocate: (length) => new Float64Array(length),
  product: (request) => {
    const simd = productOnSimd(request);
    inCheckedRanges(request.n, request.m * request.k, (c0, c1) => productColumnsInto(request, c0, c1, simd));
  },
};

/**
 * Whether a product runs on the SIMD kernels: decided once for the whole product (never per
 * column range, whose size would change the answer below the threshold).
 */
export function productOnSimd(request: ProductRequest): boolean {
  const { m, k, n, precision } = request;
  return useSimd(m * k * n, precision === 'float32' ? 0 : SIMD_THRESHOLD);
}

/**
 * Columns [c0, c1) of request.out, the other columns untouched. Each element is computed by the
 * same operations in the same order whatever [c0, c1) is, on either path (`simd` from
 * productOnSimd), so disjoint ranges written by different threads make up the one-call product.
 */
export function productColumnsInto(request: ProductRequest, c0: number, c1: number, simd: boolean): void {
  const { kind, a, b, out, m, k, n, precision, ldb } = request;
  // Element (i, p) of Â and (p, j) of B̂ sit at a[i·aRow + p·aCol] and b[p·bRow + j·bCol].
  const aRow = kind === 'AtB' ? 1 : k;
  const aCol = kind === 'AtB' ? m : 1;
  if (simd) {
    if (kind === 'ABt') simdProductColumnsInto(precision, a, aRow, aCol, b, 1, ldb ?? k, out, m, k, n, c0, c1);
    else simdProductColumnsInto(precision, a, aRow, aCol, b, ldb ?? n, 1, out, m, k, n, c0, c1);
  } else if (ldb !== undefined && ldb !== (kind === 'ABt' ? k : n)) {
    throw new Error('productColumnsInto: a strided B (ldb) needs the SIMD kernels');
  } else if (kind === 'ABt') {
    dotProduct(a, b, out, m, k, n, c0, c1);
  } else {
    stridedProduct(a, aRow, aCol, b, out, m, k, n, c0, c1);
  }
}

/** out (M,N) = A (M,K) · B (K,N). */
export function matmulInto(
  a: FloatArray, b: FloatArray, out: Float64Array, m: number, k: number, n: number, precision: Precision = 'float64',
): void {
  CORE_PRODUCTS.product({ kind: 'AB', a, b, out, m, k, n, precision });
}

/** out (M,N) = Aᵀ · B, with A stored as (K,M) and B as (K,N): the gradient product Xᵀ·G. */
export function matmulTransAInto(
  a: FloatArray, b: FloatArray, out: Float64Array, m: number, k: number, n: number, precision: Precision = 'float64',
): void {
  CORE_PRODUCTS.product({ kind: 'AtB', a, b, out, m, k, n, precision });
}

/**
 * out (M,N) = A (M,K) · Bᵀ, with B stored as (N,K): every output is a dot product of two
 * contiguous rows, computed in 2×4 register blocks (8 accumulators and 6 loads per step, which
 * fits the 16 floating-point registers of x86-64 without spilling).
 */
export function matmulTransBInto(
  a: FloatArray, b: FloatArray, out: Float64Array, m: number, k: number, n: number, precision: Precision = 'float64',
): void {
  CORE_PRODUCTS.product({ kind: 'ABt', a, b, out, m, k, n, precision });
}

/**
 * The i-k-j product out (M,N) = Â·B where Â(i,p) = a[i·rowStride + p·depthStride]. A is only read
 * 16 values per 4×4 block, so its layout does not matter; B and out are walked along rows.
 */
function stridedProduct(
  a: FloatArray,
  rowStride: number,
  depthStride: number,
  b: FloatArray,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
  c0: number,
  c1: number,
): void {
  for (let i = 0; i < m; i++) out.fill(0, i * n + c0, i * n + c1);
  const m4 = m - (m % 4);
  for (let j0 = c0; j0 < c1; j0 += COLUMN_BLOCK) {
    const j1 = Math.min(c1, j0 + COLUMN_BLOCK);
    for (let p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
      const p1 = Math.min(k, p0 + DEPTH_BLOCK);
      const p4 = p1 - ((p1 - p0) % 4);
      for (let i = 0; i < m4; i += 4) {
        const o0 = i * n;
        for (let p = p0; p < p4; p += 4) {
          const r0 = i * rowStride + p * depthStride;
          const r1 = r0 + rowStride;
          const r2 = r1 + rowStride;
          const r3 = r2 + rowStride;
          const d = depthStride;
          axpy4x4(
            out, o0, n, b, p * n, n, j0, j1,
            a[r0], a[r0 + d], a[r0 + 2 * d], a[r0 + 3 * d],
            a[r1], a[r1 + d], a[r1 + 2 * d], a[r1 + 3 * d],
            a[r2], a[r2 + d], a[r2 + 2 * d], a[r2 + 3 * d],
            a[r3], a[r3 + d], a[r3 + 2 * d], a[r3 + 3 * d],
          );
        }
        for (let p = p4; p < p1; p++) {
          for (let r = 0; r < 4; r++) axpy1(out, o0 + r * n, b, p * n, j0, j1, a[(i + r) * rowStride + p * depthStride]);
        }
      }
      for (let i = m4; i < m; i++) {
        for (let p = p0; p < p1; p++) axpy1(out, i * n, b, p * n, j0, j1, a[i * rowStride + p * depthStride]);
      }
    }
  }
}

/**
 * Four output rows (starting at `o`, `n` apart) += the 4×4 block of A times four rows of B
 * (starting at `q`, `ldb` apart), over columns [j0, j1). aRC is A(row R, depth C) of the block.
 */
function axpy4x4(
  out: Float64Array, o: number, n: number, b: FloatArray, q: number, ldb: number, j0: number, j1: number,
  a00: number, a01: number, a02: number, a03: number,
  a10: number, a11: number, a12: number, a13: number,
  a20: number, a21: number, a22: number, a23: number,
  a30: number, a31: number, a32: number, a33: number,
): void {
  const q1 = q + ldb;
  const q2 = q1 + ldb;
  const q3 = q2 + ldb;
  const o1 = o + n;
  const o2 = o1 + n;
  const o3 = o2 + n;
  for (let j = j0; j < j1; j++) {
    const b0 = b[q + j];
    const b1 = b[q1 + j];
    const b2 = b[q2 + j];
    const b3 = b[q3 + j];
    out[o + j] += a00 * b0 + a01 * b1 + a02 * b2 + a03 * b3;
    out[o1 + j] += a10 * b0 + a11 * b1 + a12 * b2 + a13 * b3;
    out[o2 + j] += a20 * b0 + a21 * b1 + a22 * b2 + a23 * b3;
    out[o3 + j] += a30 * b0 + a31 * b1 + a32 * b2 + a33 * b3;
  }
}

/** out[o + j] += alpha·b[q + j] for j in [j0, j1): the remainder rows and depths. */
function axpy1(out: Float64Array, o: number, b: FloatArray, q: number, j0: number, j1: number, alpha: number): void {
  if (alpha === 0) return;
  for (let j = j0; j < j1; j++) out[o + j] += alpha * b[q + j];
}

/**
 * Columns [c0, c1) of out (M,N) = A (M,K) · Bᵀ, B stored as (N,K): 2×4 blocks of row·row dots.
 * A remainder row or column takes `dot`, which sums in the same order as dot2x4, so an element's
 * value does not depend on where the range or the blocks start.
 */
function dotProduct(a: FloatArray, b: FloatArray, out: Float64Array, m: number, k: number, n: number, c0: number, c1: number): void {
  for (let i = 0; i < m; i++) out.fill(0, i * n + c0, i * n + c1);
  const n4 = c1 - ((c1 - c0) % 4);
  for (let p0 = 0; p0 < k; p0 += DOT_BLOCK) {
    const p1 = Math.min(k, p0 + DOT_BLOCK);
    for (let i0 = 0; i0 < m; i0 += DOT_ROW_BLOCK) {
      const i1 = Math.min(m, i0 + DOT_ROW_BLOCK);
      const i2 = i1 - ((i1 - i0) % 2);
      for (let j = c0; j < n4; j += 4) {
        for (let i = i0; i < i2; i += 2) dot2x4(a, i * k, k, b, j * k, k, p0, p1, out, i * n + j, n);
        if (i2 < i1) for (let c = 0; c < 4; c++) out[i2 * n + j + c] += dot(a, i2 * k, b, (j + c) * k, p0, p1);
      }
      for (let j = n4; j < c1; j++) {
        for (let i = i0; i < i1; i++) out[i * n + j] += dot(a, i * k, b, j * k, p0, p1);
      }
    }
  }
}

/** The 2×4 block out[o..] += rows (a at `r`, `r+lda`) · rows (b at `q`, `q+ldb`, …) over [p0, p1). */
function dot2x4(
  a: FloatArray, r: number, lda: number, b: FloatArray, q: number, ldb: number,
  p0: number, p1: number, out: Float64Array, o: number, n: number,
): void {
  const r1 = r + lda;
  const q1 = q + ldb;
  const q2 = q1 + ldb;
  const q3 = q2 + ldb;
  let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  for (let p = p0; p < p1; p++) {
    const x0 = a[r + p];
    const x1 = a[r1 + p];
    const y0 = b[q + p];
    const y1 = b[q1 + p];
    const y2 = b[q2 + p];
    const y3 = b[q3 + p];
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
  }
  out[o] += s00; out[o + 1] += s01; out[o + 2] += s02; out[o + 3] += s03;
  out[o + n] += s10; out[o + n + 1] += s11; out[o + n + 2] += s12; out[o + n + 3] += s13;
}

/** Σ a[r + p]·b[q + p] over p in [p0, p1). */
function dot(a: FloatArray, r: number, b: FloatArray, q: number, p0: number, p1: number): number {
  let sum = 0;
  for (let p = p0; p < p1; p++) sum += a[r + p] * b[q + p];
  return sum;
}
