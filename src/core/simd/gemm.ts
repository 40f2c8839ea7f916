/**
 * Blocked matrix product out (M,N) = A (M,K) · B (K,N) on the WebAssembly SIMD micro-kernels, for
 * any strides of A and B (so Aᵀ·B and A·Bᵀ are the same code) and either precision.
 *
 * The classic GotoBLAS/BLIS layering, with the packing done here in TypeScript since it is also
 * the copy into linear memory that WebAssembly needs anyway:
 * - a slab of up to SLAB_ROWS rows × COLUMN_BLOCK columns of C lives in linear memory and
 *   accumulates over the shared dimension, then is copied out once;
 * - for each DEPTH_BLOCK of the shared dimension, B's (depth × column) block is packed once into
 *   NR-wide panels (it stays in L2/L3), and A's (ROW_BLOCK × depth) blocks into MR-tall panels
 *   (one stays in L2 while the micro-kernel sweeps all of B's panels);
 * - the packers zero-pad the edges to whole micro-tiles, so the micro-kernel has no edge cases.
 * float32 packs into float32 (converting float64 sources on the way) and accumulates each
 * micro-tile in float32; float64 is exact to rounding, summed in a different order than the
 * TypeScript kernels.
 */
import { simdMemory, type KernelExports } from './memory';

declare module './memory' {
  interface KernelExports {
    gemm_pack_panels(src: number, stride: number, dst: number, rows: number, panels: number, width: number): void;
    gemm_interleave_32(src: number, stride: number, dst: number, lanes: number, count: number): void;
    gemm_interleave_64(src: number, stride: number, dst: number, lanes: number, count: number): void;
  }
}
import type { FloatArray, Precision } from './path';

const MR = 4;
/** Shared-dimension extent per packed block: an MR×DEPTH panel of A and NR×DEPTH of B fit in L1. */
export const DEPTH_BLOCK = 256;
/** Rows of A per packed block: 64 × 256 doubles = 128 KiB, within L2. */
const ROW_BLOCK = 64;
/** Columns of C per slab (and of B per packed block: 256 × 1024 doubles = 2 MiB). */
const COLUMN_BLOCK = 1024;
/** Rows of C per slab held in linear memory: with COLUMN_BLOCK, 8 MiB in float64. */
const SLAB_ROWS = 1024;

const roundUp = (value: number, step: number): number => Math.ceil(value / step) * step;

/**
 * out (M,N), row-major, overwritten = Â·B̂ where Â(i,p) = a[i·aRow + p·aCol] and
 * B̂(p,j) = b[p·bRow + j·bCol].
 */
export function simdProductInto(
  precision: Precision,
  a: FloatArray, aRow: number, aCol: number,
  b: FloatArray, bRow: number, bCol: number,
  out: Float64Array, m: number, k: number, n: number,
): void {
  simdProductColumnsInto(precision, a, aRow, aCol, b, bRow, bCol, out, m, k, n, 0, n);
}

/**
 * Columns [c0, c1) of out (M,N) = Â·B̂, the rest of `out` untouched. Every element is the same sum
 * in the same order whatever the column range (the depth blocks do not depend on it, and a
 * micro-tile never mixes columns), so threads that write disjoint column ranges of one `out`
 * produce, bit for bit, the single-call product.
 */
export function simdProductColumnsInto(
  precision: Precision,
  a: FloatArray, aRow: number, aCol: number,
  b: FloatArray, bRow: number, bCol: number,
  out: Float64Array, m: number, k: number, n: number, c0: number, c1: number,
): void {
  if (m === 0 || c1 <= c0) return;
  if (k === 0) {
    for (let i = 0; i < m; i++) out.fill(0, i * n + c0, i * n + c1);
    return;
  }
  const wide = precision === 'float64';
  const size = wide ? 8 : 4;
  const NR = wide ? 4 : 8;
  const slabRows = Math.min(roundUp(m, MR), SLAB_ROWS);
  const columns = Math.min(roundUp(c1 - c0, NR), COLUMN_BLOCK);
  const depth = Math.min(k, DEPTH_BLOCK);
  const rowBlocks = Math.ceil(slabRows / ROW_BLOCK);
  const depthBlocks = Math.ceil(k / DEPTH_BLOCK);
  const blockA = ROW_BLOCK * depth;
  // A's packed blocks are kept for every column slab after the first when they fit, rather than
  // repacked per slab (x̂ is packed once per product instead of once per 1024 columns).
  const keepA = c1 - c0 > COLUMN_BLOCK && rowBlocks * depthBlocks * blockA * size <= KEPT_A_BYTES;
  // Layout (in elements of the precision): C slab, packed B, packed A, then the staging area.
  const cStart = 0;
  const bStart = slabRows * columns;
  const aStart = bStart + depth * columns;
  const stageStart = aStart + (keepA ? rowBlocks * depthBlocks : 1) * blockA;
  const total = stageStart + depth * Math.max(columns, ROW_BLOCK);
  const memory = simdMemory(total * size);
  const view = wide ? memory.f64 : memory.f32;
  const { kernels } = memory;
  const gebp = wide ? kernels.gebp_f64 : kernels.gebp_f32;
  const stage: Stage = { view, kernels, size, start: stageStart };
  for (let i0 = 0; i0 < m; i0 += SLAB_ROWS) {
    const i1 = Math.min(m, i0 + SLAB_ROWS);
    for (let j0 = c0; j0 < c1; j0 += COLUMN_BLOCK) {
      const j1 = Math.min(c1, j0 + COLUMN_BLOCK);
      const nc = roundUp(j1 - j0, NR);
      view.fill(0, cStart, cStart + roundUp(i1 - i0, MR) * nc);
      for (let p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
        const kc = Math.min(k, p0 + DEPTH_BLOCK) - p0;
        packColumns(b, bRow, bCol, p0, kc, j0, j1, NR, stage, bStart);
        for (let r0 = i0; r0 < i1; r0 += ROW_BLOCK) {
          const r1 = Math.min(i1, r0 + ROW_BLOCK);
          const slot = keepA ? aStart + ((p0 / DEPTH_BLOCK) * rowBlocks + (r0 - i0) / ROW_BLOCK) * blockA : aStart;
          if (!keepA || j0 === c0) packRows(a, aRow, aCol, r0, r1, p0, kc, stage, slot);
          gebp(slot * size, bStart * size, (cStart + (r0 - i0) * nc) * size, roundUp(r1 - r0, MR), nc, kc, nc);
        }
      }
      for (let i = i0; i < i1; i++) {
        const row = cStart + (i - i0) * nc;
        out.set(view.subarray(row, row + (j1 - j0)), i * n + j0);
      }
    }
  }
}

/** Packed A blocks up to this size are kept across column slabs. */
const KEPT_A_BYTES = 32 * 2 ** 20;

/** The staging area in linear memory where blocks are copied before the kernels reorder them. */
interface Stage {
  readonly view: FloatArray;
  readonly kernels: KernelExports;
  readonly size: number;
  /** In elements. */
  readonly start: number;
}

/**
 * Copies the (rows × cols) block M(r, c) = src[(r0 + r)·rowStride + (c0 + c)·colStride] into the
 * stage, row-major with row length `ld` (≥ cols; the columns past cols are zeroed): one typed-array
 * copy per row when M's rows are contiguous, else element by element.
 */
function stageRows(
  src: FloatArray, rowStride: number, colStride: number, r0: number, rows: number, c0: number, cols: number, ld: number, stage: Stage,
): void {
  const { view, start } = stage;
  for (let r = 0; r < rows; r++) {
    const from = (r0 + r) * rowStride + c0 * colStride;
    const to = start + r * ld;
    if (colStride === 1) view.set(src.subarray(from, from + cols), to);
    else for (let c = 0; c < cols; c++) view[to + c] = src[from + c * colStride];
    if (ld > cols) view.fill(0, to + cols, to + ld);
  }
}

/**
 * Packs Â(r0..r1, p0..p0+kc) into MR-tall panels at dst[start ..]: panel t holds rows
 * r0 + t·MR + r at [t·kc·MR + p·MR + r]; rows past r1 are zero.
 */
function packRows(a: FloatArray, aRow: number, aCol: number, r0: number, r1: number, p0: number, kc: number, stage: Stage, start: number): void {
  const rows = roundUp(r1 - r0, MR);
  const { kernels, size } = stage;
  if (aRow === 1 && aCol !== 1) {
    // Â's columns are contiguous: stage (kc, rows) row-major, then cut into MR-wide panels.
    stageRows(a, aCol, aRow, p0, kc, r0, r1 - r0, rows, stage);
    kernels.gemm_pack_panels(stage.start * size, rows * size, start * size, kc, rows / MR, MR * size);
    return;
  }
  // Â's rows (along the depth) staged as (rows, kc), then MR of them interleaved per panel.
  stageRows(a, aRow, aCol, r0, r1 - r0, p0, kc, kc, stage);
  if (rows > r1 - r0) stage.view.fill(0, stage.start + (r1 - r0) * kc, stage.start + rows * kc);
  const interleave = size === 8 ? kernels.gemm_interleave_64 : kernels.gemm_interleave_32;
  for (let t = 0; t < rows; t += MR) interleave((stage.start + t * kc) * size, kc * size, (start + t * kc) * size, MR, kc);
}

/**
 * Packs B̂(p0..p0+kc, j0..j1) into NR-wide panels at dst[start ..]: panel t holds columns
 * j0 + t·NR + c at [t·kc·NR + p·NR + c]; columns past j1 are zero. Stages along whichever
 * direction of B is contiguous.
 */
function packColumns(b: FloatArray, bRow: number, bCol: number, p0: number, kc: number, j0: number, j1: number, NR: number, stage: Stage, start: number): void {
  const columns = roundUp(j1 - j0, NR);
  const { kernels, size } = stage;
  if (bRow === 1 && bCol !== 1) {
    // B̂'s columns are contiguous (A·Bᵀ): stage (columns, kc), then NR of them interleaved per panel.
    stageRows(b, bCol, bRow, j0, j1 - j0, p0, kc, kc, stage);
    if (columns > j1 - j0) stage.view.fill(0, stage.start + (j1 - j0) * kc, stage.start + columns * kc);
    const interleave = size === 8 ? kernels.gemm_interleave_64 : kernels.gemm_interleave_32;
    for (let t = 0; t < columns; t += NR) interleave((stage.start + t * kc) * size, kc * size, (start + t * kc) * size, NR, kc);
    return;
  }
  stageRows(b, bRow, bCol, p0, kc, j0, j1 - j0, columns, stage);
  kernels.gemm_pack_panels(stage.start * size, columns * size, start * size, kc, columns / NR, NR * size);
}
