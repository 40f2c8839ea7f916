/**
 * The float32 mode of the elementwise sigmoid losses: the f32x4 kernels of wat/elementwise_f32.wat
 * (declared here), four logits per vector instead of two, and focal's float32 driver (QFL's shares
 * elementwise.ts's qflLabelSimd, whose layout differs only in the logits' width). Inputs pass
 * through a fixed scratch region in blocks as in elementwise.ts; a Float32Array input is a plain
 * memcpy there (no float64 copy is ever made), a Float64Array one is rounded to float32 by the same
 * `TypedArray.set`. Outputs are float64 (widened on store) and every sum runs in float64, so only
 * the per-element arithmetic carries float32 rounding: the bound is in docs/performance.md.
 */
import type { ReductionPlan } from '../reduction';
import { simdMemory } from './memory';
import type { FloatArray } from './path';

declare module './memory' {
  interface KernelExports {
    focal_f32(x: number, t: number, out: number, grad: number, count: number, c: number, alpha: number, gamma: number, withGrad: number): number;
    qfl_label_f32(
      x: number,
      label: number,
      score: number,
      weight: number,
      out: number,
      grad: number,
      rows: number,
      C: number,
      shift: number,
      scale: number,
      hasWeight: number,
      beta: number,
      withGrad: number,
    ): number;
    outside_range_f64(v: number, count: number, lo: number, hi: number): number;
  }
}

/** Elements per block: two float32 and two float64 regions (192 KB) stay in L2. */
const BLOCK = 8192;
/** Slack after each region: the kernels read and write up to 3 elements past a count. */
const SLACK = 4;

/**
 * Sigmoid focal loss in float32 over elements [first, last) of x, t (flattened, any shape): writes
 * out[i] (the loss) and, when `grad` is given, grad[i] = cᵢ·∂lossᵢ/∂xᵢ, and returns Σ cᵢ·lossᵢ, as
 * elementwise.ts's focalSimd does in float64. Returns NaN when a target lies outside [0, 1] or a
 * logit is not finite: the caller reruns the checks that name the culprit. `gamma` a small integer;
 * `first` starts a weight group.
 */
export function focalSimd32(
  x: FloatArray,
  t: FloatArray,
  first: number,
  last: number,
  alpha: number,
  gamma: number,
  plan: ReductionPlan,
  out: Float64Array,
  grad: Float64Array | null,
): number {
  const region = BLOCK + SLACK;
  // Float32 regions first, at element offsets of the f32 view; float64 ones after, 8-byte aligned.
  const [xAt, tAt] = [0, region];
  const [outAt, gradAt] = [region, 2 * region];
  const { kernels, f32, f64 } = simdMemory(3 * region * 8);
  const stride = plan.weight === null ? Math.max(last - first, 1) : plan.weightStride;
  let total = 0;
  for (let start = first, group = Math.floor(first / stride); start < last; start += stride, group++) {
    const c = plan.weight === null ? plan.scale : plan.scale * plan.weight[group];
    const end = start + stride < last ? start + stride : last;
    let groupSum = 0;
    for (let b = start; b < end; b += BLOCK) {
      const count = Math.min(BLOCK, end - b);
      f32.set(x.subarray(b, b + count), xAt);
      f32.set(t.subarray(b, b + count), tAt);
      groupSum += kernels.focal_f32(xAt * 4, tAt * 4, outAt * 8, gradAt * 8, count, c, alpha, gamma, grad === null ? 0 : 1);
      out.set(f64.subarray(outAt, outAt + count), b);
      if (grad !== null) grad.set(f64.subarray(gradAt, gradAt + count), b);
    }
    total += c * groupSum;
  }
  return total;
}
