/**
 * The elementwise sigmoid losses (focal, QFL label/score form) on the WebAssembly SIMD kernels:
 * float64 (`focal_f64`, `qfl_label_f64` in kernels.wat, two elements per vector) or the float32
 * mode (`focal_f32`, `qfl_label_f32` in wat/elementwise_f32.wat, four per vector). WebAssembly
 * reads only its own memory, so the inputs pass through a fixed scratch region in blocks of about
 * 8192 elements (at most 256 KB for four regions: the copies stay in L2) and the outputs are copied
 * back; each block costs two to four `TypedArray.set` memcpys, which the vectorized exp/log1p repays
 * many times over (docs/performance.md). A float32 input is copied as is into a float32 region, or
 * rounded there by the same `set`; outputs are float64 and every sum runs in float64. In float64
 * the drivers mirror the TypeScript kernels' contracts exactly: same outputs, same Σ cᵢ·lossᵢ, to a
 * few ulp; the float32 mode's bounds are in docs/performance.md.
 */
import { perRowCoefficients, type ReductionPlan } from '../reduction';
import { simdMemory } from './memory';
import { useSimd, type FloatArray, type Precision } from './path';

declare module './memory' {
  interface KernelExports {
    /** focal_f64 on float32 logits and targets (byte offsets of float32 regions), float64 outputs. */
    focal_f32: KernelExports['focal_f64'];
    /** qfl_label_f64 on float32 logits; labels, scores, weights and outputs float64. */
    qfl_label_f32: KernelExports['qfl_label_f64'];
    /** Whether any of `count` float64 values at `v` lies outside [lo, hi], NaN included (1) or not (0). */
    outside_range_f64(v: number, count: number, lo: number, hi: number): number;
  }
}

/** Elements per block: four float64 regions of this size fit in a 256 KB L2 share. */
const BLOCK = 8192;
/** Slack after each region: the float32 kernels read and write up to 3 elements past a count (float64 ones 1). */
const SLACK = 4;
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
function integerExponent(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_INTEGER_EXPONENT;
}

/**
 * Whether the focal loss over `count` elements should run in WebAssembly: on the kernel path, for
 * an integer γ, and with weight groups long enough that a call per group pays (a per-element
 * weight would cost one call per element).
 */
export function focalUsesSimd(count: number, gamma: number, plan: ReductionPlan): boolean {
  if (!integerExponent(gamma)) return false;
  if (plan.weight !== null && plan.weightStride < WEIGHT_GROUP_SIMD_MIN) return useSimd(0, Infinity);
  return useSimd(count, ELEMENTWISE_SIMD_THRESHOLD);
}

/**
 * Sigmoid focal loss over elements [first, last) of x, t (flattened, any shape): writes out[i]
 * (the loss) and, when `grad` is given, grad[i] = cᵢ·∂lossᵢ/∂xᵢ, and returns Σ cᵢ·lossᵢ — in float64
 * exactly as focal.ts's TypeScript kernel, in float32 to the bound of docs/performance.md — or NaN
 * when a target lies outside [0, 1] (the caller then names it). `alpha` −1 turns weighting off;
 * `gamma` a small integer. `first` starts a weight group (ranges start on rows, and groups are
 * whole rows).
 */
export function focalSimd(
  x: FloatArray,
  t: FloatArray,
  first: number,
  last: number,
  alpha: number,
  gamma: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
  precision: Precision = 'float64',
): number {
  const narrow = precision === 'float32';
  const region = BLOCK + SLACK;
  // Offsets in float64 elements: the two inputs first (float32 ones take half the room), then the
  // two outputs. `inputAt` converts an offset into the inputs' view.
  const inputSlots = narrow ? region / 2 : region;
  const [xAt, tAt, outAt, gradAt] = [0, inputSlots, 2 * inputSlots, 2 * inputSlots + region];
  const { kernels, f32, f64 } = simdMemory((2 * inputSlots + 2 * region) * 8);
  const inputs = narrow ? f32 : f64;
  const inputAt = (at: number): number => (narrow ? 2 * at : at);
  const kernel = narrow ? kernels.focal_f32 : kernels.focal_f64;
  const stride = plan.weight === null ? Math.max(last - first, 1) : plan.weightStride;
  let total = 0;
  let targetsInRange = true;
  for (let start = first, group = Math.floor(first / stride); start < last; start += stride, group++) {
    const c = plan.weight === null ? plan.scale : plan.scale * plan.weight[group];
    const end = start + stride < last ? start + stride : last;
    let groupSum = 0;
    for (let b = start; b < end; b += BLOCK) {
      const count = Math.min(BLOCK, end - b);
      inputs.set(x.subarray(b, b + count), inputAt(xAt));
      inputs.set(t.subarray(b, b + count), inputAt(tAt));
      // The float64 kernel's target check rides on the block just copied (in L2); the float32 one
      // checks inside its pass. The caller's naming check runs only when one fails. A non-finite
      // logit already makes the kernel's sum non-finite.
      if (!narrow && kernels.outside_range_f64(tAt * 8, count, 0, 1) !== 0) targetsInRange = false;
      groupSum += kernel(xAt * 8, tAt * 8, outAt * 8, gradAt * 8, count, c, alpha, gamma, grad === null ? 0 : 1);
      out.set(f64.subarray(outAt, outAt + count), b);
      if (grad !== null) grad.set(f64.subarray(gradAt, gradAt + count), b);
    }
    total += c * groupSum;
  }
  return targetsInRange ? total : NaN;
}

/** Whether the QFL label/score form on logits over `count` elements should run in WebAssembly. */
export function qflLabelUsesSimd(count: number, beta: number): boolean {
  return integerExponent(beta) && useSimd(count, ELEMENTWISE_SIMD_THRESHOLD);
}

/**
 * QFL, label/score form on logits, rows [start, end) of x (n, C): row r's labelled column is
 * label[r] − shift (anything else marks a background row) with target score[r]. Writes out[r] =
 * Σ_j lossᵣⱼ and, when `grad` is given, c_r·∂/∂x into grad (n, C); returns Σ c_r·out[r], exactly
 * as qfl.ts's TypeScript kernel in float64; in float32 (`qfl_label_f32`, the logits rounded to
 * float32 on the copy) to the bound of docs/performance.md. `beta` a small integer. A non-finite
 * logit makes the returned sum non-finite.
 */
export function qflLabelSimd(
  x: FloatArray,
  C: number,
  label: Float64Array,
  score: Float64Array,
  shift: number,
  start: number,
  end: number,
  beta: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
  precision: Precision = 'float64',
): number {
  if (C === 0) {
    out.fill(0, start, end);
    return 0;
  }
  const narrow = precision === 'float32';
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK / C));
  const logits = rowsPerBlock * C + SLACK;
  const perRow = rowsPerBlock + SLACK;
  // Offsets in float64 elements: the logits first (float32 ones take half the room), then the
  // gradient and the per-row regions.
  const gradAt = narrow ? Math.ceil(logits / 2) : logits;
  const [labelAt, scoreAt, weightAt, outAt] = [gradAt + logits, gradAt + logits + perRow, gradAt + logits + 2 * perRow, gradAt + logits + 3 * perRow];
  const { kernels, f32, f64 } = simdMemory((outAt + perRow) * 8);
  const kernel = narrow ? kernels.qfl_label_f32 : kernels.qfl_label_f64;
  const { weight, scale } = perRowCoefficients(plan);
  let total = 0;
  for (let r = start; r < end; r += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, end - r);
    (narrow ? f32 : f64).set(x.subarray(r * C, (r + rows) * C), 0);
    f64.set(label.subarray(r, r + rows), labelAt);
    f64.set(score.subarray(r, r + rows), scoreAt);
    if (weight !== null) f64.set(weight.subarray(r, r + rows), weightAt);
    total += kernel(0, labelAt * 8, scoreAt * 8, weightAt * 8, outAt * 8, gradAt * 8, rows, C, shift, scale, weight === null ? 0 : 1, beta, grad === null ? 0 : 1);
    out.set(f64.subarray(outAt, outAt + rows), r);
    if (grad !== null) grad.set(f64.subarray(gradAt, gradAt + rows * C), r * C);
  }
  return total;
}
