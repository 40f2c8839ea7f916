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
import { simdMemory } from './memory';
import type { FloatArray, Precision } from './path';

const MR = 4;
/** Shared-dimension extent per packed block: an MR×DEPTH panel of A and NR×DEPTH of B fit in L1. */
const DEPTH_BLOCK = 256;
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
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, 0, m * n);
    return;
  }
  const wide = precision === 'float64';
  const size = wide ? 8 : 4;
  const NR = wide ? 4 : 8;
  const slabRows = Math.min(roundUp(m, MR), SLAB_ROWS);
  const columns = Math.min(roundUp(n, NR), COLUMN_BLOCK);
  const depth = Math.min(k, DEPTH_BLOCK);
  // Layout (in elements of the precision): C slab, then packed B, then packed A.
  const cStart = 0;
  const bStart = slabRows * columns;
  const aStart = bStart + depth * columns;
  const total = aStart + ROW_BLOCK * depth;
  const memory = simdMemory(total * size);
  const view = wide ? memory.f64 : memory.f32;
  const gebp = wide ? memory.kernels.gebp_f64 : memory.kernels.gebp_f32;
  for (let i0 = 0; i0 < m; i0 += SLAB_ROWS) {
    const i1 = Math.min(m, i0 + SLAB_ROWS);
    for (let j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
      const j1 = Math.min(n, j0 + COLUMN_BLOCK);
      const nc = roundUp(j1 - j0, NR);
      view.fill(0, cStart, cStart + roundUp(i1 - i0, MR) * nc);
      for (let p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
        const kc = Math.min(k, p0 + DEPTH_BLOCK) - p0;
        packColumns(b, bRow, bCol, p0, kc, j0, j1, NR, view, bStart);
        for (let r0 = i0; r0 < i1; r0 += ROW_BLOCK) {
          const r1 = Math.min(i1, r0 + ROW_BLOCK);
          packRows(a, aRow, aCol, r0, r1, p0, kc, view, aStart);
          gebp(aStart * size, bStart * size, (cStart + (r0 - i0) * nc) * size, roundUp(r1 - r0, MR), nc, kc, nc);
        }
      }
      for (let i = i0; i < i1; i++) {
        const row = cStart + (i - i0) * nc;
        out.set(view.subarray(row, row + (j1 - j0)), i * n + j0);
      }
    }
  }
}

/**
 * Packs Â(r0..r1, p0..p0+kc) into MR-tall panels at dst[start ..]: panel t holds rows
 * r0 + t·MR + r at [t·kc·MR + p·MR + r]; rows past r1 are zero.
 */
function packRows(a: FloatArray, aRow: number, aCol: number, r0: number, r1: number, p0: number, kc: number, dst: FloatArray, start: number): void {
  const rows = roundUp(r1 - r0, MR);
  for (let r = 0; r < rows; r++) {
    const panel = start + ((r / MR) | 0) * kc * MR + (r % MR);
    if (r0 + r >= r1) {
      for (let p = 0; p < kc; p++) dst[panel + p * MR] = 0;
      continue;
    }
    let src = (r0 + r) * aRow + p0 * aCol;
    for (let p = 0; p < kc; p++, src += aCol) dst[panel + p * MR] = a[src];
  }
}

/**
 * Packs B̂(p0..p0+kc, j0..j1) into NR-wide panels at dst[start ..]: panel t holds columns
 * j0 + t·NR + c at [t·kc·NR + p·NR + c]; columns past j1 are zero. Reads along whichever
 * direction of B is contiguous.
 */
function packColumns(b: FloatArray, bRow: number, bCol: number, p0: number, kc: number, j0: number, j1: number, NR: number, dst: FloatArray, start: number): void {
  const columns = roundUp(j1 - j0, NR);
  const panelSize = kc * NR;
  if (bCol <= bRow) {
    for (let p = 0; p < kc; p++) {
      const src = (p0 + p) * bRow + j0 * bCol;
      for (let j = 0; j < columns; j++) {
        dst[start + ((j / NR) | 0) * panelSize + p * NR + (j % NR)] = j0 + j < j1 ? b[src + j * bCol] : 0;
      }
    }
    return;
  }
  for (let j = 0; j < columns; j++) {
    const base = start + ((j / NR) | 0) * panelSize + (j % NR);
    if (j0 + j >= j1) {
      for (let p = 0; p < kc; p++) dst[base + p * NR] = 0;
      continue;
    }
    let src = p0 * bRow + (j0 + j) * bCol;
    for (let p = 0; p < kc; p++, src += bRow) dst[base + p * NR] = b[src];
  }
}
