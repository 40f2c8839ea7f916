/**
 * What the drivers of the elementwise sigmoid losses (losses/focal/simd.ts, losses/qfl/simd.ts)
 * share: their block sizes and when they run. The kernels are float64 (`focal_f64`,
 * `qfl_label_f64` in kernels.wat, two elements per vector) or the float32 mode (`focal_f32`,
 * `qfl_label_f32` in wat/elementwise_f32.wat, four per vector). WebAssembly
 * reads only its own memory, so the inputs pass through a fixed scratch region in blocks of about
 * 8192 elements (at most 256 KB for four regions: the copies stay in L2) and the outputs are copied
 * back; each block costs two to four `TypedArray.set` memcpys, which the vectorized exp/log1p repays
 * many times over (docs/performance.md). A float32 input is copied as is into a float32 region, or
 * rounded there by the same `set`; outputs are float64 and every sum runs in float64. In float64
 * the drivers mirror the TypeScript kernels' contracts exactly: same outputs, same Σ cᵢ·lossᵢ, to a
 * few ulp; the float32 mode's bounds are in docs/performance.md.
 */

declare module './memory' {
  interface KernelExports {
    /** Whether any of `count` float64 values at `v` lies outside [lo, hi], NaN included (1) or not (0). */
    outside_range_f64(v: number, count: number, lo: number, hi: number): number;
  }
}

/** Elements per block: four float64 regions of this size fit in a 256 KB L2 share. */
export const BLOCK = 8192;
/** Slack after each region: the float32 kernels read and write up to 3 elements past a count (float64 ones 1). */
export const SLACK = 4;
/**
 * Under `auto`, every eligible range takes the SIMD kernels, however short: the kernels and the
 * TypeScript code agree only to about 1e-15, so a size threshold would make a loss depend on how
 * its rows were split — streaming chunks, worker-pool blocks and one whole call must give the same
 * bits. Short ranges lose little (docs/performance.md, "Measurements behind the code").
 */
export const ELEMENTWISE_SIMD_THRESHOLD = 0;
/**
 * Weight groups shorter than this keep the focal loss on TypeScript: each group is one call into
 * WebAssembly with a fixed cost, so a per-element weight would cost a call per element.
 */
export const WEIGHT_GROUP_SIMD_MIN = 512;
/** Largest integer exponent (γ, β) the kernels take by repeated products; others stay on TypeScript. */
const MAX_INTEGER_EXPONENT = 8;

/** Whether an exponent is one the SIMD kernels evaluate (a small non-negative integer). */
export function integerExponent(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_INTEGER_EXPONENT;
}
