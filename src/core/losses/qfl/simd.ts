/**
 * QFL's label/score form on logits on the WebAssembly SIMD kernels `qfl_label_f64` (kernels.wat)
 * and `qfl_label_f32` (wat/elementwise_f32.wat), through the shared blocks of simd/elementwise.ts.
 */
import { perRowCoefficients, type ReductionPlan } from '../../reduction';
import { BLOCK, ELEMENTWISE_SIMD_THRESHOLD, integerExponent, SLACK } from '../../simd/elementwise';
import { simdMemory } from '../../simd/memory';
import { useSimd, type FloatArray, type Precision } from '../../simd/path';

declare module '../../simd/memory' {
  interface KernelExports {
    /** qfl_label_f64 on float32 logits; labels, scores, weights and outputs float64. */
    qfl_label_f32: KernelExports['qfl_label_f64'];
  }
}

/** Whether the QFL label/score form on logits over `count` elements should run in WebAssembly. */
export function qflLabelUsesSimd(count: number, beta: number): boolean {
  return integerExponent(beta) && useSimd(count, ELEMENTWISE_SIMD_THRESHOLD);
}

/**
 * QFL, label/score form on logits, rows [start, end) of x (n, C): row r's labelled column is
 * label[r] − shift (anything else marks a background row) with target score[r]. Writes out[r] =
 * Σ_j lossᵣⱼ and, when `grad` is given, c_r·∂/∂x into grad (n, C); returns Σ c_r·out[r], exactly
 * as job.ts's TypeScript kernel in float64; in float32 (`qfl_label_f32`, the logits rounded to
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
