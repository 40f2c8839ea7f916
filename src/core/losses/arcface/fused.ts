/**
 * ArcFace without its (B, C) tensors: the loss and gradients of arcFaceLoss, computed over tiles of
 * CLASS_TILE classes so that memory stays O(B·d + d·C) — what a 10⁵-class head needs, where one
 * (B, C) float64 buffer alone is as large as W.
 *
 * Two passes over the class tiles, each tile's cosines recomputed by a product x̂·W[:, tile]:
 * 1. the logits of the tile (margin at the label) into a running max and sum per row (the online
 *    log-sum-exp: sum ← sum·exp(max_old − max_new) + Σ exp(z − max_new)), giving the loss;
 * 2. once the row's log-sum-exp is known, the tile's logit gradient G (B, tile), and from it the
 *    tile's columns of dL/dW = x̂ᵀ·G then the normalization's backward, and G·W[:, tile]ᵀ added
 *    to dL/dx̂ (tiles in order, so the sum's order is fixed).
 * Pass 2 needs each tile's x̂·W[:, tile] again: up to KEEP_PRODUCTS_BYTES of them (all tiles, or
 * none) are kept from pass 1, beyond that they are recomputed, a fourth product of B·d·C
 * multiply-adds that is what bounds the memory at 10⁵ classes (docs/performance.md has both).
 *
 * Precision: the products as arcFaceLoss's (`precision`); exponentials, sums, loss and the
 * accumulation of dL/dx̂ in float64; dL/dW is written as float32 when W is a float32 export in
 * the float32 mode (it is then as precise as the float32 products that made it), else float64.
 */
import { type ClampCounter, clampCosine } from '../../numerics';
import { matmulInto, matmulTransAInto, matmulTransBInto, productOnSimd, SIMD_THRESHOLD, type ProductRequest } from '../../matmul';
import { normalizeRowsBackwardInto, normalizeScaledColumnsBackwardTileInto } from '../../normalize';
import { coefficient, reduce } from '../../reduction';
import { simdProductInto } from '../../simd/gemm';
import { useSimd, type FloatArray, type Precision } from '../../simd/path';
import type { Tensor, TensorF32 } from '../../tensor';
import { ARCFACE_SIMD_MIN_CLASSES, ARCFACE_SIMD_MIN_ELEMENTS, CORE_ARCFACE_HOST, targetLogitInto, type ArcFaceHost, type ArcFaceOptions } from './job';
import { prepareArcFace, type ArcFacePrepared } from './prepare';
import { ArcFaceSimdRow } from './simd';

/** Classes per tile: two of the products' 1024-column slabs; (B, tile) float64 is 8 MiB at B = 512. */
export const CLASS_TILE = 2048;

/**
 * Pass 1's products (B, C) are kept for pass 2 up to this size (float32 in the float32 mode on
 * SIMD, else float64), i.e. at 512 × 10⁴ but not at 256 × 10⁵, where even float32 ones (100 MB)
 * would take the peak past 2.5× a float32 W; a caller with memory to spare may pass more.
 */
export const KEEP_PRODUCTS_BYTES = 64 * 2 ** 20;

/** arcFaceLoss's result without `logits` and `cosines`; dL/dW may be float32 (see the file's comment). */
export interface ArcFaceLossOnlyResult {
  readonly loss: Tensor;
  /** (B) unweighted losses. */
  readonly perElement: Tensor;
  /** (B) the angle between each embedding and its class centre. */
  readonly angles: Tensor;
  readonly report: Readonly<{ clampedCosines: number }>;
  readonly grad?: Readonly<{ x: Tensor; W: Tensor | TensorF32 }>;
}

/** Per-row state carried across tiles. */
interface Rows {
  /** (B) running then final max logit, and Σ exp(z − max). */
  readonly max: Float64Array;
  readonly sum: Float64Array;
  /** (B) the target cosine t, logit s·f(t), and f′(t). */
  readonly target: Float64Array;
  readonly zTarget: Float64Array;
  readonly derivative: Float64Array;
  readonly rowDots: Float64Array;
}

/** One class tile [j0, j0 + width) and the buffers its passes use. */
interface Tile {
  readonly j0: number;
  readonly width: number;
  /** (B, width) x̂·W[:, tile], overwritten by G in the second pass. */
  readonly raw: Float64Array;
}

/**
 * The loss of arcFaceLoss(x, W, labels, options) — same arguments, same validation and errors —
 * and with `grad` its gradients, without the (B, C) `logits` and `cosines` (see the file comment).
 * Float64 results equal arcFaceLoss's up to summation order (about 1e-15 relative), kept or
 * recomputed products alike (the recomputed ones are the same bits).
 */
export function arcFaceLossFused(
  x: Tensor | TensorF32,
  W: Tensor | TensorF32,
  labels: Tensor,
  options: ArcFaceOptions = {},
  /** Pass 1's products are kept up to this many bytes, else recomputed (tests set 0). */
  keepBytes = KEEP_PRODUCTS_BYTES,
  /**
   * Where W's column norms and the tiles' products run and their buffers come from (the core's,
   * single-threaded, by default). A host's worker pool splits each product by output columns,
   * which gives the same bits; the row passes stay on the calling thread.
   */
  host: ArcFaceHost = CORE_ARCFACE_HOST,
): ArcFaceLossOnlyResult {
  const p = prepareArcFace('arcFaceLoss', x, W, labels, options, host);
  const { B, d, C, plan, precision, wantGrad } = p;
  const productSimd = useSimd(B * d * C, precision === 'float32' ? 0 : SIMD_THRESHOLD);
  const rowSimd = useSimd(C >= ARCFACE_SIMD_MIN_CLASSES ? B * C : 0, ARCFACE_SIMD_MIN_ELEMENTS);
  const rows: Rows = {
    max: new Float64Array(B).fill(-Infinity),
    sum: new Float64Array(B),
    target: new Float64Array(B),
    zTarget: new Float64Array(B),
    derivative: new Float64Array(B),
    rowDots: new Float64Array(B),
  };
  const angles = new Float64Array(B);
  const clamps: ClampCounter = { count: 0 };
  const tileWidth = Math.min(C, CLASS_TILE);
  // The float32 products are float32 sums (converted exactly to float64 on the way out), so they
  // are kept as float32 without loss, in half the bytes.
  const keep32 = productSimd && precision === 'float32';
  const keep = wantGrad && B * C * (keep32 ? 4 : 8) <= keepBytes;
  // Tile-major: tile [j0, j0 + width) is the (B, width) block at B·j0. Kept float64 products are
  // worked on in place; kept float32 ones are copied into and out of one tile's float64 buffer.
  const products = host.allocate(keep && !keep32 ? B * C : B * tileWidth);
  const kept32 = keep && keep32 ? new Float32Array(B * C) : null;
  const tileAt = (j0: number): Tile => {
    const width = Math.min(C, j0 + tileWidth) - j0;
    return { j0, width, raw: keep && !keep32 ? products.subarray(B * j0, B * (j0 + width)) : products };
  };
  // A contiguous copy of W's tile, only for the TypeScript products (the SIMD ones read W strided).
  const wTile = productSimd ? null : new Float64Array(d * tileWidth);
  const multiply = new TileProducts(p, W.data, precision, wTile, host);

  for (let j0 = 0; j0 < C; j0 += tileWidth) {
    const tile = tileAt(j0);
    multiply.cosines(tile);
    kept32?.set(tile.raw.subarray(0, B * tile.width), B * j0);
    forwardTile(p, labels.data, tile, rows, rowSimd, angles, clamps);
  }
  const perElement = new Float64Array(B);
  for (let i = 0; i < B; i++) perElement[i] = rows.max[i] + Math.log(rows.sum[i]) - rows.zTarget[i];
  const perElementTensor: Tensor = { shape: [B], data: perElement };
  const result = {
    loss: reduce(plan, perElementTensor),
    perElement: perElementTensor,
    angles: { shape: [B], data: angles },
    report: { clampedCosines: clamps.count },
  };
  if (!wantGrad) return result;

  const narrow = precision === 'float32' && W.data instanceof Float32Array;
  const gradW = narrow ? new Float32Array(d * C) : new Float64Array(d * C);
  const gradX = new Float64Array(B * d);
  const tileGradW = host.allocate(d * tileWidth);
  const tileGradX = host.allocate(B * d);
  // The normalization's backward needs each column's Wⱼ·(x̂ᵀ·G)ⱼ = Σ_b (x̂·W)_bj·G_bj: taken from the
  // tile's products and G (B rows) rather than from W and x̂ᵀ·G (d rows), which spares a sweep
  // over W's tile. The products are overwritten by G, so they are copied first unless kept as float32.
  const productsCopy = kept32 === null ? new Float64Array(B * tileWidth) : null;
  const dots = new Float64Array(tileWidth);
  for (let j0 = 0; j0 < C; j0 += tileWidth) {
    const tile = tileAt(j0);
    if (kept32 !== null) tile.raw.set(kept32.subarray(B * j0, B * (j0 + tile.width)));
    if (keep) multiply.copyTile(tile);
    else multiply.cosines(tile);
    productsCopy?.set(tile.raw.subarray(0, B * tile.width));
    backwardTile(p, labels.data, tile, rows, rowSimd);
    // raw now holds G: the tile's columns of x̂ᵀ·G, then the normalization's backward into gradW.
    columnDotsInto(kept32 ?? productsCopy!, kept32 === null ? 0 : B * j0, tile.raw, B, tile.width, dots);
    multiply.gradW(tile, tileGradW);
    normalizeScaledColumnsBackwardTileInto(tileGradW, W.data, d, C, p.wNorms, j0, tile.width, gradW, dots);
    multiply.gradX(tile, tileGradX);
    addInto(gradX, tileGradX);
  }
  normalizeRowsBackwardInto(gradX, x.data, B, d, p.xNorms, rows.rowDots);
  const gradWTensor = narrow ? { shape: [d, C], data: gradW as Float32Array } : { shape: [d, C], data: gradW as Float64Array };
  return { ...result, grad: { x: { shape: [B, d], data: gradX }, W: gradWTensor } };
}

/** The three products of one class tile, on the SIMD kernels (W read strided) or in TypeScript. */
class TileProducts {
  constructor(
    private readonly p: ArcFacePrepared,
    private readonly W: FloatArray,
    private readonly precision: Precision,
    /** (d, tile) W's tile, copied per tile when the products run in TypeScript; null on SIMD. */
    private readonly wTile: Float64Array | null,
    private readonly host: ArcFaceHost,
  ) {}

  /**
   * A SIMD product through a host's pool (which splits it by columns) when the host would run it
   * on SIMD too, else here in one call: both are simdProductColumnsInto over the same operands, so
   * the same bits. The core's host would cut it into interrupt-checked ranges, each packing x̂
   * again, so its products run here.
   */
  private simd(request: ProductRequest, here: () => void): void {
    if (this.host !== CORE_ARCFACE_HOST && productOnSimd(request)) this.host.product(request);
    else here();
  }

  /** tile.raw (B, width) = x̂·W[:, tile]; copies the tile of W first on the TypeScript path. */
  cosines(tile: Tile): void {
    const { B, d, C, xHat } = this.p;
    const { j0, width, raw } = tile;
    const { precision } = this;
    if (this.wTile === null) {
      const b = this.W.subarray(j0);
      this.simd({ kind: 'AB', a: xHat, b, ldb: C, out: raw, m: B, k: d, n: width, precision }, () =>
        simdProductInto(precision, xHat, d, 1, b, C, 1, raw, B, d, width));
      return;
    }
    this.copyTile(tile);
    matmulInto(xHat, this.wTile, raw, B, d, width, this.precision);
  }

  /** On the TypeScript path, W's tile into wTile (gradX reads it); nothing on SIMD. */
  copyTile(tile: Tile): void {
    const { d, C } = this.p;
    const { j0, width } = tile;
    if (this.wTile === null) return;
    for (let r = 0; r < d; r++) for (let j = 0; j < width; j++) this.wTile[r * width + j] = this.W[r * C + j0 + j];
  }

  /** out (d, width) = x̂ᵀ·G, G = tile.raw (B, width). */
  gradW(tile: Tile, out: Float64Array): void {
    const { B, d, xHat } = this.p;
    const { raw, width } = tile;
    const { precision } = this;
    if (this.wTile === null) {
      this.simd({ kind: 'AtB', a: xHat, b: raw, out, m: d, k: B, n: width, precision }, () =>
        simdProductInto(precision, xHat, 1, d, raw, width, 1, out, d, B, width));
    } else matmulTransAInto(xHat, raw, out, d, B, width, precision);
  }

  /** out (B, d) = G·W[:, tile]ᵀ, G = tile.raw (B, width); the TypeScript path's wTile is still this tile's. */
  gradX(tile: Tile, out: Float64Array): void {
    const { B, d, C } = this.p;
    const { raw, width } = tile;
    const { precision } = this;
    if (this.wTile === null) {
      const b = this.W.subarray(tile.j0);
      this.simd({ kind: 'ABt', a: raw, b, ldb: C, out, m: B, k: width, n: d, precision }, () =>
        simdProductInto(precision, raw, width, 1, b, 1, C, out, B, width, d));
    } else matmulTransBInto(raw, this.wTile, out, B, width, d, precision);
  }
}

/**
 * target += source, element by element. A function of its own: the same loop written inline in
 * arcFaceLossFused, a long function that V8 optimizes late, ran several times slower.
 */
function addInto(target: Float64Array, source: Float64Array): void {
  for (let e = 0; e < target.length; e++) target[e] += source[e];
}

/**
 * dots (width) = Σ_b P(b, k)·G(b, k) over the B rows of a tile's products P (at products[offset ..],
 * row-major (B, width)) and its logit gradient G (B, width), rows in order.
 */
function columnDotsInto(products: Float64Array | Float32Array, offset: number, G: Float64Array, B: number, width: number, dots: Float64Array): void {
  dots.fill(0, 0, width);
  for (let b = 0; b < B; b++) {
    const o = b * width;
    for (let k = 0; k < width; k++) dots[k] += products[offset + o + k] * G[o + k];
  }
}

/** The row's label as an index into the tile, or −1 when the label is in another tile. */
function labelIn(tile: Tile, label: number): number {
  return label >= tile.j0 && label < tile.j0 + tile.width ? label - tile.j0 : -1;
}

/** Pass 1 over one tile: the target (where the label falls) and the running max and sum of every row. */
function forwardTile(p: ArcFacePrepared, labels: Float64Array, tile: Tile, rows: Rows, simd: boolean, angles: Float64Array, clamps: ClampCounter): void {
  const { B, s, margin, wInverse } = p;
  const { j0, width, raw } = tile;
  const target = { value: 0, derivative: 0 };
  const row = simd ? new ArcFaceSimdRow(width, wInverse.subarray(j0, j0 + width)) : null;
  for (let i = 0; i < B; i++) {
    const o = i * width;
    const l = labelIn(tile, labels[i]);
    let max = row === null ? scalarMaxExceptLabel(raw, o, width, l, s, wInverse, j0) : row.logitsExceptLabel(raw, o, l, s);
    if (l >= 0) {
      const t = raw[o + l] * wInverse[j0 + l];
      angles[i] = Math.acos(clampCosine(t));
      targetLogitInto(t, margin, target, clamps);
      rows.target[i] = t;
      rows.zTarget[i] = s * target.value;
      rows.derivative[i] = target.derivative;
      row?.setLabel(l, t, rows.zTarget[i]);
      if (rows.zTarget[i] > max) max = rows.zTarget[i];
    }
    const newMax = Math.max(rows.max[i], max);
    const sum = row === null ? scalarExpSum(raw, o, width, l, rows.zTarget[i], s, wInverse, j0, newMax) : row.exponentials(newMax);
    // The first tile's old sum is 0 and its old max −∞: exp(−∞) = 0 keeps it 0.
    rows.sum[i] = rows.sum[i] * Math.exp(rows.max[i] - newMax) + sum;
    rows.max[i] = newMax;
  }
}

/** Pass 2 over one tile: overwrites tile.raw with G (dL/d cos over ‖Wⱼ‖) and adds to rowDots. */
function backwardTile(p: ArcFacePrepared, labels: Float64Array, tile: Tile, rows: Rows, simd: boolean): void {
  const { B, s, plan, wInverse } = p;
  const { j0, width, raw } = tile;
  const row = simd ? new ArcFaceSimdRow(width, wInverse.subarray(j0, j0 + width)) : null;
  for (let i = 0; i < B; i++) {
    const o = i * width;
    const l = labelIn(tile, labels[i]);
    const t = rows.target[i];
    const scale = (coefficient(plan, i) * s) / rows.sum[i];
    let dot: number;
    let pTarget = 0;
    if (row !== null) {
      row.logitsExceptLabel(raw, o, l, s);
      if (l >= 0) row.setLabel(l, t, rows.zTarget[i]);
      row.exponentials(rows.max[i]);
      if (l >= 0) pTarget = row.entry(l) * scale;
      dot = row.gradient(scale);
    } else {
      dot = scalarGradient(raw, o, width, l, rows.zTarget[i], s, wInverse, j0, rows.max[i], scale);
      if (l >= 0) pTarget = Math.exp(rows.zTarget[i] - rows.max[i]) * scale;
    }
    if (l >= 0) {
      const gTarget = (pTarget - coefficient(plan, i) * s) * rows.derivative[i];
      const g = gTarget * wInverse[j0 + l];
      if (row !== null) row.setG(l, g);
      else raw[o + l] = g;
      dot += (gTarget - pTarget) * t;
    }
    row?.storeGradient(raw, o);
    rows.rowDots[i] += dot;
  }
}

/** Max over the tile's logits s·raw·winv except the label's (l, −1 for none). */
function scalarMaxExceptLabel(raw: Float64Array, o: number, width: number, l: number, s: number, wInverse: Float64Array, j0: number): number {
  let max = -Infinity;
  for (let j = 0; j < width; j++) {
    const z = s * raw[o + j] * wInverse[j0 + j];
    if (z > max && j !== l) max = z;
  }
  return max;
}

/** Σ exp(z − max) over the tile, the label's logit being zTarget. */
function scalarExpSum(raw: Float64Array, o: number, width: number, l: number, zTarget: number, s: number, wInverse: Float64Array, j0: number, max: number): number {
  let sum = 0;
  for (let j = 0; j < width; j++) sum += Math.exp((j === l ? zTarget : s * raw[o + j] * wInverse[j0 + j]) - max);
  return sum;
}

/**
 * Overwrites the row's raw products with G = exp(z − max)·scale / ‖Wⱼ‖ (the label's entry is
 * replaced by the caller) and returns Σ exp(z − max)·scale·cos over the tile, label included.
 */
function scalarGradient(
  raw: Float64Array, o: number, width: number, l: number, zTarget: number, s: number, wInverse: Float64Array, j0: number, max: number, scale: number,
): number {
  let dot = 0;
  for (let j = 0; j < width; j++) {
    const cosine = raw[o + j] * wInverse[j0 + j];
    const g = Math.exp((j === l ? zTarget : s * cosine) - max) * scale;
    dot += g * cosine;
    raw[o + j] = g * wInverse[j0 + j];
  }
  return dot;
}
