/**
 * The decode's sums on the WebAssembly SIMD kernel `softmax_mean_f64` (wat/softmax_mean.wat), two
 * cells per instruction. WebAssembly reads only its own memory, so the rows a level's GTs cross are
 * copied in once per image and level, bin channel by bin channel (4·R memcpys); each row's run of
 * cells is then one kernel call per side.
 */
import { simdMemory, type KernelExports } from '../../simd/memory';

declare module '../../simd/memory' {
  interface KernelExports {
    softmax_mean_f64(x: number, planeBytes: number, bins: number, count: number, sum: number, moment: number): void;
  }
}

/** The kernel's slack: it reads and writes up to 3 elements past a run. */
const SLACK = 4;

/** Rows firstRow … of a level's 4·R bin channels in linear memory, and the kernel's two outputs. */
export interface BinRows {
  readonly kernel: KernelExports['softmax_mean_f64'];
  readonly f64: Float64Array;
  readonly firstRow: number;
  /** Elements per channel in memory: the copied rows times the width. */
  readonly rowsPlane: number;
  readonly sumAt: number;
  readonly momentAt: number;
}

/**
 * Copies rows [firstRow, lastRow] of channels 0 … channels−1 of one image's level map (channel c at
 * data[imageBase + c·plane], rows of `width` cells) into linear memory.
 */
export function copyBinRows(data: Float64Array, imageBase: number, plane: number, width: number, channels: number, firstRow: number, lastRow: number): BinRows {
  const rowsPlane = (lastRow - firstRow + 1) * width;
  const sumAt = channels * rowsPlane + SLACK;
  const momentAt = sumAt + width + SLACK;
  const { kernels, f64 } = simdMemory((momentAt + width + SLACK) * 8);
  for (let c = 0; c < channels; c++) {
    const from = imageBase + c * plane + firstRow * width;
    f64.set(data.subarray(from, from + rowsPlane), c * rowsPlane);
  }
  return { kernel: kernels.softmax_mean_f64, f64, firstRow, rowsPlane, sumAt, momentAt };
}

/**
 * Side k's sums over cells j0 … j1 of row i (copied by copyBinRows): afterwards f64[sumAt + j − j0]
 * and f64[momentAt + j − j0] hold Σ_b e^x and Σ_b b·e^x of cell j, its logits clamped to ±708.
 */
export function sideSumsSimd(rows: BinRows, k: number, R: number, width: number, i: number, j0: number, j1: number): void {
  const first = k * R * rows.rowsPlane + (i - rows.firstRow) * width + j0;
  rows.kernel(8 * first, 8 * rows.rowsPlane, R, j1 - j0 + 1, 8 * rows.sumAt, 8 * rows.momentAt);
}
